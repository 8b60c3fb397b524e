/**
 * The `ligo` program run from source as a real process, with its engine from source too (tsx): for tests that
 * must kill the CLI or its engine (test/crash-safety.test.ts). Usage: node --import tsx ligo-from-source.ts <args>.
 * The engine's pid is printed on stderr as "[engine pid] N" when it starts, so a test can SIGKILL the engine itself.
 */
import { main } from '../../src/cli/main'
import { processIo } from '../../src/cli/process-io'
import { createEngineHost } from '../../src/host/engine-client'
import { createNodeEngineLauncher, sourceEngineLauncherOptions } from '../../src/host/node-launcher'

const io = processIo()
void main(process.argv.slice(2), {
  ...io,
  startEngine: (choice) => {
    const launch = createNodeEngineLauncher({ ...sourceEngineLauncherOptions(), onLog: (line) => io.stderr(`[engine] ${line}\n`) })
    return createEngineHost(() => {
      const channel = launch()
      io.stderr(`[engine pid] ${channel.pid}\n`)
      return channel
    }, choice)
  },
})
