/**
 * The comparison budget: "2000 steps", "3e14flops", "30min". Every method gets the same budget; what it buys
 * differs by method: a FLOPs budget includes the growth phase (LiGO's operator steps) and each method's own step
 * cost (KI's teacher forward, MSLT's frozen stage), so a costlier step means fewer steps (docs/growth/accounting.md §3.3).
 */
import type { Budget } from '../../shared/growth'

export class BudgetError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BudgetError'
  }
}

const UNITS: Record<string, Budget['kind']> = { step: 'steps', steps: 'steps', flop: 'flops', flops: 'flops', min: 'minutes', mins: 'minutes', minutes: 'minutes', m: 'minutes' }

/** "500", "500steps", "500 steps", "1.5e14flops", "30min" -> Budget (a bare number is steps). */
export function parseBudget(text: string): Budget {
  const match = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([a-z]*)\s*$/i.exec(text)
  const kind = match ? (match[2] === '' ? 'steps' : UNITS[match[2].toLowerCase()]) : undefined
  if (!match || !kind) throw new BudgetError(`Invalid budget "${text}": expected N steps, N flops or N min (e.g. 2000steps, 3e14flops, 30min)`)
  const value = Number(match[1])
  checkBudget({ kind, value })
  return { kind, value }
}

export function checkBudget(budget: Budget): void {
  if (!(Number.isFinite(budget.value) && budget.value > 0)) throw new BudgetError(`Budget must be a positive number of ${budget.kind}, got ${budget.value}`)
  if (budget.kind === 'steps' && !Number.isInteger(budget.value)) throw new BudgetError(`A steps budget must be a whole number, got ${budget.value}`)
}

export function formatBudget(budget: Budget): string {
  if (budget.kind === 'steps') return `${budget.value} steps`
  if (budget.kind === 'flops') return `${budget.value.toExponential(2)} FLOPs`
  return `${budget.value} min`
}

/**
 * Optimizer steps a FLOPs budget buys: the largest n with growthFlops + Σ_{k<n} stepFlops(k, n) <= budget. The step
 * cost may depend on the horizon n (MSLT's stages are fractions of it), so n is found by bisection; the cost is
 * assumed not to grow with n (more steps never make the earlier ones dearer), which holds for every method here.
 */
export function stepsWithinFlops(budget: number, growthFlops: number, stepFlops: (step: number, horizon: number) => number): number {
  const cost = (n: number) => {
    let total = growthFlops
    for (let k = 0; k < n; k++) total += stepFlops(k, n)
    return total
  }
  if (cost(1) > budget) return 0
  let lo = 1
  let hi = 2
  while (cost(hi) <= budget) {
    lo = hi
    hi *= 2
    if (hi > 1e8) throw new BudgetError(`A FLOPs budget of ${budget.toExponential(2)} buys more than 1e8 steps; give a steps budget instead`)
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (cost(mid) <= budget) lo = mid
    else hi = mid
  }
  return lo
}
