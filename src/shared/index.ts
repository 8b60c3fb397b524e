// The typed contract shared by main, preload, renderer, engine, CLI and server.
export * from './errors'
export * from './validate'
export * from './hardware'
export * from './dropped'
export * from './events'
export * from './studio-api'
export * from './engine-protocol'
