/**
 * Sizing the standard setting (issue 14: `npm run bench:growth` in at most 90 minutes on an idle 2-core machine, with
 * 3 seeds): a short `ligo compare` per suite (scratch and LiGO, a few steps at the suite's standard batch shape)
 * measures the seconds per training step and per operator step (wall time without evaluations, as the runs count
 * it), and the projection multiplies them out over the tuning trials, the seeds, every method, the operator phases
 * and the evaluations. `npx tsx bench/growth.ts --measure` prints it with the load average it was measured under.
 */
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { readExperiment } from '../src/engine/experiments/compare'
import { METHOD_NAMES } from '../src/engine/growth'
import { ligo } from './growth-cli'
import { STANDARD_SEEDS, TUNE_BUDGET_FRACTION, TUNE_GROWN_METHODS, type Suite, type SuiteSize } from './growth-suites'
import { sizeFlags } from './growth-tuning'

export interface StepCosts {
  suite: string
  /** Seconds per training step of the large model and per LiGO operator step. */
  step: number
  operatorStep: number
  /** Seconds per validation batch: a forward pass, estimated as a third of a training step (forward + backward). */
  evalBatch: number
  load: number[]
}

const MEASURE_STEPS = 8
const MEASURE_OPERATOR_STEPS = 4

/** Times scratch and LiGO for a few steps at the suite's standard batch shape. */
export async function measureSuite(suite: Suite, size: SuiteSize, context: { work: string; from: string; to: string; extra: string[] }): Promise<StepCosts> {
  const out = join(context.work, `${suite.name}-measure`)
  const load = loadavg()
  await ligo([
    'compare', '--from', context.from, '--to', context.to, '--data', suite.data, '--methods', 'scratch,ligo', '--seeds', '1',
    ...sizeFlags({ ...size, evalBatches: 2 }, MEASURE_STEPS, MEASURE_STEPS), '--ligo-operator-steps', String(MEASURE_OPERATOR_STEPS), '--no-energy', ...context.extra, '--out', out,
  ])
  const runs = Object.values(readExperiment(out).runs)
  const scratch = runs.find((r) => r.method === 'scratch')!
  const ligoRun = runs.find((r) => r.method === 'ligo')!
  const step = scratch.wallSeconds! / scratch.steps!
  return { suite: suite.name, step, operatorStep: ligoRun.growth!.wallSeconds / ligoRun.growth!.steps, evalBatch: step / 3, load: [...load, ...loadavg()] }
}

export interface Projection {
  suite: string
  tuningSeconds: number
  mainSeconds: number
  evalSeconds: number
  totalSeconds: number
}

/** Engine start, data build and the source's evaluation per `ligo compare`, measured ~10 s on the idle machine. */
const PER_COMPARE_SECONDS = 10

/** The standard setting's wall time for one suite from its step costs. */
export function project(costs: StepCosts, size: SuiteSize, operatorSteps: number, methods: readonly string[] = METHOD_NAMES, trials = 3): Projection {
  const tune = Math.max(2, Math.round(size.budgetSteps * TUNE_BUDGET_FRACTION))
  const tuningRuns = 1 + TUNE_GROWN_METHODS.length
  const tuningSeconds = trials * (tuningRuns * tune * costs.step + operatorSteps * costs.operatorStep + PER_COMPARE_SECONDS)
  const mainSeconds = STANDARD_SEEDS * (methods.length * size.budgetSteps * costs.step + (methods.includes('ligo') ? operatorSteps * costs.operatorStep : 0)) + PER_COMPARE_SECONDS
  const evalsPerRun = Math.floor(size.budgetSteps / size.evalEvery) + 2 // every evalEvery, the end, the grown model's start
  const evalSeconds = (STANDARD_SEEDS * methods.length * evalsPerRun + trials * tuningRuns * 6) * size.evalBatches * costs.evalBatch
  return { suite: costs.suite, tuningSeconds, mainSeconds, evalSeconds, totalSeconds: tuningSeconds + mainSeconds + evalSeconds }
}

export function formatProjection(rows: Array<{ costs: StepCosts; projection: Projection; size: SuiteSize; operatorSteps: number }>): string {
  const total = rows.reduce((a, r) => a + r.projection.totalSeconds, 0)
  const m = (s: number) => (s / 60).toFixed(1)
  return [
    `| suite | s/step | s/operator step | budget | operator steps | tuning min | main min | evals min | total min | load (1, 5, 15 min; before, after) |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(({ costs, projection, size, operatorSteps }) =>
      `| ${costs.suite} | ${costs.step.toFixed(3)} | ${costs.operatorStep.toFixed(3)} | ${size.budgetSteps} × ${size.batch}${size.seq ? ` × ${size.seq}` : ''} | ${operatorSteps} | ${m(projection.tuningSeconds)} | ${m(projection.mainSeconds)} | ${m(projection.evalSeconds)} | ${m(projection.totalSeconds)} | ${costs.load.map((l) => l.toFixed(1)).join(', ')} |`,
    ),
    `Projected standard setting (${STANDARD_SEEDS} seeds, ${METHOD_NAMES.length} methods, 3 tuning trials each for scratch and the grown models): ${m(total)} min at the measured step costs.`,
  ].join('\n')
}
