/**
 * Smoothing of a loss curve for the dashboards: TensorBoard's exponential moving average with its de-bias term
 * (docs/product/anchors.md §1.5 point 2). A plain EMA that starts at 0 drags the first points towards zero; dividing
 * by 1 - w^n (n = finite points so far) makes every smoothed point a weighted mean of the points up to it:
 *   smoothed_n = Σ_{i ≤ n} w^(n-i) y_i / Σ_{i ≤ n} w^(n-i)
 * Non-finite values (a diverged step, a missing evaluation) pass through unsmoothed and do not enter the average;
 * a constant series is returned as is (TensorBoard's rule, so a flat line is not bent by float error).
 */

/** Smoothing weights live in [0, 1): 0 = raw, 0.99 = very smooth; 1 would freeze the first value forever. */
export const SMOOTHING_MAX = 0.999

export function smoothEma(values: ArrayLike<number | null>, weight: number): Array<number | null> {
  const out: Array<number | null> = []
  new EmaState(weight).extend(values, 0, out)
  return out
}

/**
 * The smoothing of a series that grows (a live run): extend() smooths the values appended since the last call,
 * continuing the average, so the result is smoothEma's on the whole series, to the bit. Only when the series stops
 * being constant are its earlier points smoothed anew (until then the constant rule passed them through).
 */
export class EmaState {
  private last = 0
  private count = 0
  private constant = true

  constructor(private readonly weight: number) {
    if (!(weight >= 0 && weight <= SMOOTHING_MAX)) throw new RangeError(`smoothing weight must be in [0, ${SMOOTHING_MAX}], got ${weight}`)
  }

  /**
   * Smooths values[from…] into out[from…] (out holds the smoothing of values[0…from) from earlier calls); returns
   * the first index of out that was written (0 when the series stopped being constant).
   */
  extend(values: ArrayLike<number | null>, from: number, out: Array<number | null>): number {
    const wasConstant = this.constant
    for (let i = from; i < values.length && this.constant; i++) if (values[i] !== values[0]) this.constant = false
    if (wasConstant && !this.constant) (from = 0), (this.last = 0), (this.count = 0)
    out.length = from
    for (let i = from; i < values.length; i++) {
      const y = values[i]
      if (this.constant || this.weight === 0 || y === null || !Number.isFinite(y)) {
        out.push(y)
        continue
      }
      this.last = this.last * this.weight + (1 - this.weight) * y
      this.count++
      out.push(this.last / (1 - Math.pow(this.weight, this.count)))
    }
    return from
  }
}
