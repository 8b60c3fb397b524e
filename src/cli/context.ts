/**
 * What a command gets to work with: output streams, the environment, shutdown signals and an engine factory.
 * main() receives it as a parameter so tests can capture output and run the engine from source.
 */
import type { EngineStartOptions } from '../shared'
import type { EngineHost } from '../host/engine-types'

export interface CliIo {
  stdout(text: string): void
  stderr(text: string): void
  /** Ends the program; tests record the code instead. */
  exit(code: number): void
  env: Record<string, string | undefined>
  /** Calls the listener on SIGINT / SIGTERM; returns a function that stops listening. */
  onShutdownSignal(listener: (signal: string) => void): () => void
}

export type EngineChoice = Pick<EngineStartOptions, 'backend' | 'backendSource'>

export interface CliContext extends CliIo {
  version: string
  /** Starts (lazily) an engine process with this backend choice. */
  startEngine(choice: EngineChoice): EngineHost
  /** The built renderer that `ligo serve` serves; null = find out/renderer next to the CLI bundle. */
  rendererRoot: string | null
}
