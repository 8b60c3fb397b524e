/**
 * Base classes of the engine's errors about what the user gave it (data, files, names, numbers), for code that
 * has no error class of its own. A leaf module: data/, train/ and io/ may throw these without importing the
 * runtime's list of input errors (input-errors.ts), which imports them all (docs/engineering/style.md: no cycles
 * between engine folders). Messages name parameters in backticks (`batchSize`); the CLI shows its flags instead.
 */

/** A problem with the user's input, complete as a one-line answer: no stack is logged, the host shows it as is. */
export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = new.target.name
    // keep instanceof working for subclasses when compiled to older targets
    Object.setPrototypeOf(this, new.target.prototype)
  }
}

/** The data is too small for what was asked: no tokens, no window of `seqLen` tokens, no full batch of `batchSize`. */
export class DataSizeError extends InputError {}
