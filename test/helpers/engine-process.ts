/**
 * Real engine processes for tests: the engine runs from TypeScript source (tsx) or from the built bundle,
 * in a child process, behind the same EngineHost the CLI uses. Raw engine messages are recorded so tests can
 * check batching and ordering; engine stderr is captured instead of cluttering the test output.
 */
import type { EngineToHost } from '../../src/shared'
import { createEngineHost, type EngineHostOptions } from '../../src/host/engine-client'
import type { EngineChannel, EngineHost } from '../../src/host/engine-types'
import { createNodeEngineLauncher, sourceEngineLauncherOptions, type NodeEngineLauncherOptions } from '../../src/host/node-launcher'

export interface TestEngine {
  host: EngineHost
  /** Every message the engine sent, in arrival order, across restarts. */
  messages: EngineToHost[]
  /** Engine stdout/stderr lines. */
  logs: string[]
  /** The live process's channel (changes after a crash and restart). */
  channel(): EngineChannel | undefined
}

export function startTestEngine(options: EngineHostOptions & { launch?: Pick<NodeEngineLauncherOptions, 'entry' | 'execArgv'> } = {}): TestEngine {
  const { launch = sourceEngineLauncherOptions(), ...hostOptions } = options
  const messages: EngineToHost[] = []
  const logs: string[] = []
  let current: EngineChannel | undefined
  const launcher = createNodeEngineLauncher({ ...launch, onLog: (line) => logs.push(line) })
  const host = createEngineHost(() => {
    const channel = launcher()
    channel.onMessage((message) => messages.push(message))
    current = channel
    return channel
  }, hostOptions)
  return { host, messages, logs, channel: () => current }
}
