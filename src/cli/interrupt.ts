/**
 * Ctrl-C for the long engine tasks (`ligo train`, `ligo compare`): the first stops the task at its next step,
 * where the engine writes a checkpoint; the second kills the engine. A cancellation the user asked for exits 130
 * with how to resume; any other error goes on to main.ts.
 */
import { StudioError, serializeError } from '../shared'
import type { CliContext } from './context'
import type { ProgressBar } from './progress-bar'

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT, the shell convention). */
export const INTERRUPTED_EXIT_CODE = 130

export interface Interruptible {
  context: CliContext
  engine: { stop(): Promise<unknown> }
  bar: ProgressBar
  controller: AbortController
}

/** Listens for Ctrl-C until the returned function is called; `killed` is said on the second one. */
export function stopOnInterrupt({ context, engine, bar, controller }: Interruptible, killed: string): () => void {
  let interrupts = 0
  return context.onShutdownSignal(() => {
    interrupts += 1
    bar.clear()
    if (interrupts === 1) {
      context.stderr('Stopping at the next step and writing a checkpoint (Ctrl-C again to kill)...\n')
      controller.abort()
    } else {
      context.stderr(`${killed}\n`)
      void engine.stop()
      context.exit(INTERRUPTED_EXIT_CODE)
    }
  })
}

/** The exit code of a task that failed with `error`: INTERRUPTED_EXIT_CODE after Ctrl-C (saying `resume`); otherwise it throws. */
export function interruptedExit({ context, bar, controller }: Interruptible, error: unknown, resume: string): number {
  bar.clear()
  const serialized = serializeError(error)
  if (serialized.code === 'cancelled' && controller.signal.aborted) {
    context.stderr(`${serialized.message}\n${resume}\n`)
    return INTERRUPTED_EXIT_CODE
  }
  throw error instanceof Error ? error : new StudioError(serialized.code, serialized.message)
}
