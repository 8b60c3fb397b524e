/** A fake CliIo for command tests: captured output, recorded exit codes, shutdown signals fired by hand. */
import type { MainIo } from '../main'

export interface CapturedRun {
  stdout: string
  stderr: string
  exits: number[]
  /** Fires the SIGINT listener the command registered (if any). */
  interrupt(): void
}

export function captureIo(overrides: Partial<MainIo> = {}): { io: MainIo; out: CapturedRun } {
  let listener: ((signal: string) => void) | null = null
  const out: CapturedRun = { stdout: '', stderr: '', exits: [], interrupt: () => listener?.('SIGINT') }
  const io: MainIo = {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    exit: (code) => void out.exits.push(code),
    env: {},
    onShutdownSignal: (l) => {
      listener = l
      return () => {
        listener = null
      }
    },
    startEngine: () => {
      throw new Error('this test must not start an engine')
    },
    ...overrides,
  }
  return { io, out }
}
