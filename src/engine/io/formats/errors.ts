import { basename } from 'node:path'

/**
 * A checkpoint file that cannot be read (or written) as it claims to be: damaged, hostile, or in a format we
 * refuse. The message names the file and the problem, e.g.
 *   "model.safetensors: tensor 'w' declares 24 bytes but its dtype F32 and shape [2,4] need 32".
 * `file` keeps the full path for programs; the message shows only the base name so it stays readable in the UI.
 */
export class CheckpointFormatError extends Error {
  readonly file: string
  readonly problem: string

  constructor(file: string, problem: string) {
    super(`${basename(file)}: ${problem}`)
    this.name = 'CheckpointFormatError'
    this.file = file
    this.problem = problem
    Object.setPrototypeOf(this, CheckpointFormatError.prototype)
  }
}

/** Shape as the messages print it: [2,4] (no spaces, like the safetensors header itself). */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`
}
