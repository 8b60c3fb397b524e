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
  if (!(weight >= 0 && weight <= SMOOTHING_MAX)) throw new RangeError(`smoothing weight must be in [0, ${SMOOTHING_MAX}], got ${weight}`)
  const out: Array<number | null> = new Array(values.length)
  const first = values.length > 0 ? values[0] : null
  let constant = true
  for (let i = 0; i < values.length; i++) if (values[i] !== first) constant = false
  let last = 0
  let count = 0
  for (let i = 0; i < values.length; i++) {
    const y = values[i]
    if (constant || weight === 0 || y === null || !Number.isFinite(y)) {
      out[i] = y
      continue
    }
    last = last * weight + (1 - weight) * y
    count++
    out[i] = last / (1 - Math.pow(weight, count))
  }
  return out
}
