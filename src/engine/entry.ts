console.log('engine')
