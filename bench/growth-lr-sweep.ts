/**
 * The measurement behind GROWN_SCHEDULE_DEFAULTS (engine/experiments/defaults.ts): the built-in encoder seed grown
 * by LiGO (depth ×2, width ×1.5, 100 operator steps), then the same grown weights trained with several learning-rate
 * schedules on the same batches. Reported per schedule: the loss right after growth, the worst loss in the first
 * third (how much ground the restart loses, docs/growth/savings.md point 3), the final loss and the mean loss over
 * the run's evaluations (the area under the curve: what a saving read-off at any target depends on).
 * In-process, on the engine's own backend choice. `npx tsx bench/growth.ts --lr-sweep [--steps 300] [--seq 64]`.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { selectBackend } from '../src/engine/backend'
import { ensureGradients } from '../src/engine/backend/gradients'
import { prepareMethod, disposePrepared, methodHooks } from '../src/engine/experiments/method-plan'
import { evaluateParams, trainMethod } from '../src/engine/experiments/method-trainer'
import { getGrowthMethod, resolveSettings } from '../src/engine/growth'
import { disposeSmall, loadSmallModel, resolveLargeConfig } from '../src/engine/experiments/source'
import { SCRATCH_SCHEDULE_DEFAULTS } from '../src/engine/experiments/defaults'
import { getPreset } from '../src/engine/models/presets'
import { getFamily } from '../src/engine/models/registry'
import { buildTrainingData } from '../src/engine/train/training-data'
import type { LrScheduleSettings } from '../src/shared/growth'

export async function runLrSweep(options: { work: string; quick: boolean; steps: number; seq: number }): Promise<void> {
  const { tf, record } = await selectBackend({ start: { backend: null, backendSource: null } })
  await ensureGradients()
  const seedDir = resolve(__dirname, '..', 'resources', 'seeds', 'bert-moby')
  if (!existsSync(join(seedDir, 'config.json'))) throw new Error(`${seedDir} is missing: build the seeds first (npx tsx scripts/make-seeds.ts --only bert-moby)`)
  const steps = options.quick ? 4 : options.steps
  const small = await loadSmallModel(seedDir, 0)
  const c = getPreset('bert-seed').config
  mkdirSync(options.work, { recursive: true })
  const toPath = join(options.work, 'lr-sweep-large.json')
  writeFileSync(toPath, JSON.stringify({ numLayers: c.numLayers * 2, hiddenSize: (c.hiddenSize * 3) / 2, numHeads: (c.numHeads * 3) / 2, intermediateSize: (c.intermediateSize * 3) / 2 }))
  const large = resolveLargeConfig(toPath, small.config)
  const data = buildTrainingData({ config: large, objective: getFamily(large.family).objective, source: 'moby-dick', batchSize: 16, seqLen: options.seq, seed: 0, tokenizer: small.tokenizer })
  const start = data.train.state
  const peak = SCRATCH_SCHEDULE_DEFAULTS.learningRate
  const candidates: Array<{ label: string; schedule: LrScheduleSettings }> = [
    { label: `scratch's: ${peak}, warmup 10%`, schedule: { learningRate: peak, warmupSteps: Math.round(steps / 10), schedule: 'linear' } },
    { label: `${peak}, no warmup`, schedule: { learningRate: peak, warmupSteps: 0, schedule: 'linear' } },
    { label: `${peak / 2}, no warmup`, schedule: { learningRate: peak / 2, warmupSteps: 0, schedule: 'linear' } },
    { label: `${peak / 5}, no warmup`, schedule: { learningRate: peak / 5, warmupSteps: 0, schedule: 'linear' } },
  ]
  const t0 = performance.now()
  const ligo = getGrowthMethod('ligo')
  const settings = resolveSettings(ligo, options.quick ? { operatorSteps: 2 } : {})
  process.stderr.write(`LR sweep on ${tf.getBackend()} (${record.threads} thread(s)): growing with LiGO (${settings.operatorSteps} operator steps)...\n`)
  const prepared = await prepareMethod(ligo, small.params, small.config, large, { seed: 0, data, settings })
  const hooks = methodHooks(ligo, settings, small.config, small.params, large, data)
  const evalEvery = Math.max(1, Math.round(steps / 12))
  const rows: Array<Record<string, number | string>> = []
  try {
    for (const candidate of candidates) {
      data.train.restore(start)
      const evals: Array<{ step: number; loss: number }> = []
      const initial = (await evaluateParams(large, prepared.initialParams, data, 8)).loss
      await trainMethod({
        config: large,
        data,
        horizon: steps,
        lr: candidate.schedule,
        weightDecay: 0.01,
        clipNorm: 1,
        seed: 0,
        evalEvery,
        evalBatches: 8,
        logEvery: evalEvery,
        checkpointEvery: 0,
        keepCheckpoints: 1,
        initialParams: prepared.initialParams,
        stepFlops: hooks.stepFlops,
        onMetrics: (r) => r.eval && evals.push({ step: r.step, loss: r.eval.loss }),
      })
      const early = evals.filter((e) => e.step <= steps / 3)
      const row = {
        schedule: candidate.label,
        afterGrowth: initial,
        worstEarly: Math.max(initial, ...early.map((e) => e.loss)),
        final: evals.at(-1)!.loss,
        meanOverRun: evals.reduce((a, e) => a + e.loss, 0) / evals.length,
      }
      rows.push(row)
      process.stderr.write(`${JSON.stringify(row)}\n`)
    }
  } finally {
    disposePrepared(prepared)
    disposeSmall(small)
  }
  const seconds = (performance.now() - t0) / 1000
  const lines = [
    `LR sweep: bert-moby -> 4L/192H/3 heads by LiGO (operator ${prepared.growth.steps} steps, loss ${prepared.growth.lossFirst?.toFixed(3)} -> ${prepared.growth.lossLast?.toFixed(3)}), ${steps} steps, batch 16 x ${options.seq} tokens, ${tf.getBackend()}, ${seconds.toFixed(0)} s`,
    '| schedule (peak, warmup; linear decay) | loss after growth | worst loss, first third | final loss | mean eval loss |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.schedule} | ${(r.afterGrowth as number).toFixed(4)} | ${(r.worstEarly as number).toFixed(4)} | ${(r.final as number).toFixed(4)} | ${(r.meanOverRun as number).toFixed(4)} |`),
  ]
  process.stdout.write(lines.join('\n') + '\n')
  writeFileSync(join(options.work, 'lr-sweep.json'), JSON.stringify({ steps, seq: options.seq, seconds, rows }, null, 2) + '\n')
}
