import { describe, expect, it } from 'vitest'
import { applySizes, checkTargetSizes, type TargetSizes } from '../../../shared/growth-design'
import { main } from '../../../cli/main'
import { captureIo } from '../../../cli/commands/cli-test-io.testing'
import { openCheckpoint } from '../../io/import-checkpoint'
import { parseBudget } from '../../experiments/budget'
import { headDim, validateConfig, type ModelConfig } from '../../models/config'
import { getPreset, GROWTH_PAIRS } from '../../models/presets'
import { findSeedsDir, resolveSeed } from '../../seeds'
import { checkGrowthPair } from '../validate-pair'
import { designGrowth } from './design'
import { modelFigures } from './figures'
import { trainingStepFlops } from '../../metrics/flops'
import { flopsShapeOf } from '../../metrics/model-flops'
import { parameterCount } from '../../models/param-count'
import { GSTACK_MAX_BASE_FRACTION, planGStack } from '../gstack'
import { quickPicks, scaleSizes } from './quick-picks'

const run = { batchSize: 256, seqLen: 128, memoryBytes: 8 * 2 ** 30, measuredGflops: 100 }

async function ligoFlopsJson(...args: string[]): Promise<Record<string, number>> {
  const { io, out } = captureIo()
  expect(await main(['flops', ...args, '--json'], io)).toBe(0)
  return JSON.parse(out.stdout)
}

describe('designer figures', () => {
  it('match `ligo flops` per step and for the LiGO growth phase, on every paper pair', async () => {
    for (const pair of GROWTH_PAIRS.filter((p) => p.paper)) {
      const small = getPreset(pair.from)
      const large = getPreset(pair.to)
      const design = designGrowth({ source: { ...small, cliRef: pair.from }, target: large, method: 'ligo', settings: { operatorSteps: 100 }, run, memoryKind: 'ram' })
      const cli = await ligoFlopsJson('--model', pair.to, '--batch', '256', '--seq', '128', '--grow-from', pair.from, '--grow-steps', '100')
      expect(design.after!.stepFlops).toBe(cli.stepFlops)
      expect(design.growth!.flops).toBe(cli.growFlops)
      expect(design.before.stepFlops).toBe((await ligoFlopsJson('--model', pair.from, '--batch', '256', '--seq', '128')).stepFlops)
    }
  })

  it("reproduce the paper's BERT-Small -> Base costs (docs/growth/accounting.md §3.3): 15.07 TFLOP a step, 3.61e15 for 100 operator steps", () => {
    const design = designGrowth({ source: { ...getPreset('bert-small'), cliRef: 'bert-small' }, target: getPreset('bert-base'), method: 'ligo', settings: { operatorSteps: 100 }, run, memoryKind: 'ram' })
    expect(design.after!.stepFlops).toBe(15_068_231_331_840)
    expect(Number((design.growth!.flops / 1e15).toFixed(2))).toBe(3.61)
    expect(design.after!.secondsPerStep).toBeCloseTo(15_068_231_331_840 / 100e9, 6)
    expect(design.problems).toEqual([])
    // one-shot maps charge no growth phase
    expect(designGrowth({ source: { ...getPreset('bert-small'), cliRef: 'bert-small' }, target: getPreset('bert-base'), method: 'net2net', run, memoryKind: 'ram' }).growth!.flops).toBe(0)
  })

  it("take the growth phase's cost from the method's descriptor: G_stack charges its base tokens, a bad setting is refused", () => {
    const small = getPreset('gpt2-seed')
    const large = { label: 'deeper', config: validateConfig({ ...small.config, numLayers: small.config.numLayers * 2 }) }
    const design = (settings: Record<string, unknown>) => designGrowth({ source: { ...small, cliRef: 'gpt2-seed' }, target: large, method: 'gstack', settings, run, memoryKind: 'ram' })
    // baseTokens x the base model's training FLOPs per token at the run's sequence length (docs/growth/gstack.md)
    const perToken = trainingStepFlops(flopsShapeOf(small.config, { seqLen: run.seqLen }), 1) / run.seqLen
    expect(design({ baseTokens: 1e6 }).growth).toMatchObject({ method: 'gstack', steps: 0, flops: 1e6 * perToken })
    expect(design({}).growth!.flops).toBe(0)
    expect(() => design({ baseTokens: -1 })).toThrow(/`settings.gstack.baseTokens` must be an integer from 0/)
    expect(() => design({ magic: 1 })).toThrow(/unknown setting\(s\) magic/)
  })

  it("show G_stack's planner from the engine's own planGStack, only when tokens are given", () => {
    const small = getPreset('gpt2-seed')
    const large = validateConfig({ ...small.config, numLayers: small.config.numLayers * 4 })
    const input = { source: { ...small, cliRef: 'gpt2-seed' }, target: { label: 't', config: large }, method: 'gstack', run, memoryKind: 'ram' as const }
    const expected = planGStack({ targetParameters: parameterCount(large), targetTokens: 1e9, maxBaseFraction: GSTACK_MAX_BASE_FRACTION, baseLayers: small.config.numLayers, targetLayers: large.numLayers })
    expect(designGrowth({ ...input, planTokens: 1e9 }).plan).toEqual({
      method: 'gstack',
      setting: 'baseTokens',
      targetTokens: 1e9,
      ruleValue: expected.ruleBaseTokens,
      value: Math.round(expected.baseTokens),
      clamped: expected.clamped,
      growthFactor: 4,
      factorInRange: true,
      notes: expected.notes,
    })
    expect(designGrowth(input).plan).toBeNull()
    expect(designGrowth({ ...input, method: 'ligo', planTokens: 1e9 }).plan).toBeNull()
  })

  it("count the parameters a real checkpoint holds (every built-in seed's files)", async () => {
    const dir = findSeedsDir()
    for (const name of ['bert-moby', 'gpt2-moby', 'vit-mnist', 'cait-mnist']) {
      const plan = await openCheckpoint(resolveSeed(name, dir).dir)
      const inFile = plan.tensors.filter((t) => t.canonical.length > 0 && t.ignored === null).reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0)
      expect(modelFigures(plan.config, run).parameters, name).toBe(inFile)
    }
  })

  it('say whether training fits the machine', () => {
    const base = getPreset('bert-base').config
    const needed = modelFigures(base, run).memoryBytes
    expect(modelFigures(base, { ...run, memoryBytes: needed }).fits).toBe(true)
    expect(modelFigures(base, { ...run, memoryBytes: needed - 1 }).fits).toBe(false)
    expect(modelFigures(base, { ...run, measuredGflops: null }).secondsPerStep).toBeNull()
  })

  it('give the problems and only the source figures while the target breaks a rule', () => {
    const source = { ...getPreset('bert-seed'), cliRef: 'bert-seed' }
    const design = designGrowth({ source, target: { label: 'custom', config: applySizes(source.config, { numLayers: 4, hiddenSize: 200, numHeads: 3, intermediateSize: 768 }) }, method: 'ligo', settings: { operatorSteps: 100 }, run, memoryKind: 'ram' })
    expect(design.problems.map((p) => [p.control, p.code])).toEqual([['hiddenSize', 'hidden-not-multiple-of-head']])
    expect([design.after, design.growth]).toEqual([null, null])
    expect(design.before.parameters).toBe(946_208)
    expect(design.methods.every((m) => !m.supported && m.reason === null)).toBe(true)
    expect(design.presets.find((p) => p.id === 'bert-mini-grown')?.problems.map((p) => p.control)).toEqual(['vocabSize'])
  })

  it('list every registered method with whether it can grow the pair', () => {
    const small = getPreset('bert-mini').config
    const deeper = validateConfig({ ...small, numLayers: 4 })
    const wider = validateConfig({ ...small, numLayers: 4, hiddenSize: 192, numHeads: 3, intermediateSize: 768 })
    const methods = designGrowth({ source: { label: 's', config: small, cliRef: 'bert-mini' }, target: { label: 't', config: wider }, method: 'ligo', settings: { operatorSteps: 10 }, run, memoryKind: 'ram' }).methods
    // LEMON is exact on post-LN BERT only at whole-factor widths (128 -> 192 is not); G_stack widens first.
    expect(methods.find((m) => m.name === 'lemon')).toMatchObject({ supported: false, reason: expect.stringContaining('post-LN') })
    expect(methods.find((m) => m.name === 'gstack')).toMatchObject({ supported: true, reason: null })
    expect(methods.find((m) => m.name === 'ligo')).toMatchObject({ supported: true, reason: null, functionPreserving: expect.any(String) })
    const depthOnly = designGrowth({ source: { label: 's', config: small, cliRef: 'bert-mini' }, target: { label: 't', config: deeper }, method: 'stackbert', run, memoryKind: 'ram' })
    expect(depthOnly.methods.find((m) => m.name === 'stackbert')?.supported).toBe(true)
  })
})

describe('quick picks', () => {
  const sources: ModelConfig[] = ['bert-seed', 'gpt2-seed', 'vit-mini', 'cait-mini', 'bert-small', 'deit-s', 'cait-xs24'].map((id) => getPreset(id).config)

  it("give the paper's own large model when applied to the paper's small one (BERT, RoBERTa, GPT-2, DeiT, CaiT)", () => {
    for (const pair of GROWTH_PAIRS.filter((p) => p.paper)) {
      const pick = quickPicks(getPreset(pair.from).config).find((q) => q.id === `paper:${pair.from}>${pair.to}`)!
      const large = getPreset(pair.to).config
      expect(pick.sizes, pair.to).toMatchObject({ numLayers: large.numLayers, hiddenSize: large.hiddenSize, numHeads: large.numHeads, intermediateSize: large.intermediateSize })
    }
  })

  it('are always valid targets, for the designer rules and for the engine', () => {
    for (const source of sources) {
      for (const pick of quickPicks(source)) {
        expect(checkTargetSizes(source as never, pick.sizes), `${source.family} ${pick.id}`).toEqual([])
        const target = validateConfig(applySizes(source as never, pick.sizes as TargetSizes))
        expect(checkGrowthPair(source, target)).toEqual({ ok: true })
        expect(headDim(target)).toBe(headDim(source))
      }
    }
  })

  it('x2 depth doubles the layers; x1.5 width the built-in seed goes 128 -> 192 (2 -> 3 heads)', () => {
    const seed = getPreset('bert-seed').config
    expect(scaleSizes(seed, 2, 1)).toEqual({ numLayers: 4, hiddenSize: 128, numHeads: 2, intermediateSize: 512 })
    expect(scaleSizes(seed, 1, 1.5)).toEqual({ numLayers: 2, hiddenSize: 192, numHeads: 3, intermediateSize: 768 })
  })

  it("the recipe's FLOPs budget flag is what `ligo compare` parses", () => {
    expect(parseBudget('3e+14flops')).toEqual({ kind: 'flops', value: 3e14 })
  })
})
