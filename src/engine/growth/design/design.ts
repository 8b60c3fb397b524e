/**
 * `designGrowth` (issue 11): everything the designer shows about a (source, target) pair before any compute is
 * spent. Pure: the caller resolves the two configs (engine/growth/design/resolve.ts) and the machine's facts.
 */
import { checkTargetConfig, sizesOf, type DesignConfig, type DesignGrowthResult, type DesignMethod } from '../../../shared/growth-design'
import type { ModelConfig } from '../../models/config'
import { PRESETS } from '../../models/presets'
import { GROWTH_OPERATORS } from '../registry'
import { growthPhaseFigures, modelFigures, type FigureRun } from './figures'
import { quickPicks } from './quick-picks'

/** The paper's operator-training length (docs/growth/ligo.md §3). */
export const DEFAULT_OPERATOR_STEPS = 100
export const DEFAULT_DESIGN_SEQ_LEN = 128

export interface NamedConfig {
  label: string
  config: ModelConfig
}

export interface DesignInput {
  source: NamedConfig
  target: NamedConfig
  method: string
  operatorSteps: number
  run: FigureRun
  memoryKind: 'ram' | 'gpu'
}

const asDesign = (config: ModelConfig): DesignConfig => config as unknown as DesignConfig

/** Every registered method with whether it can grow this pair (the registry's own `supports`). */
export function designMethods(small: ModelConfig, large: ModelConfig): DesignMethod[] {
  return Object.values(GROWTH_OPERATORS).map((op) => {
    const support = op.supports(small, large)
    return { name: op.name, label: op.label, paper: op.paper, functionPreserving: op.functionPreserving, grows: { ...op.grows }, supported: support.ok, reason: support.ok ? null : support.reason }
  })
}

export function designGrowth(input: DesignInput): DesignGrowthResult {
  const { source, target, run } = input
  const problems = checkTargetConfig(asDesign(source.config), asDesign(target.config))
  const presets = PRESETS.filter((p) => p.config.family === source.config.family).map((p) => ({
    id: p.id,
    label: p.label,
    sizes: sizesOf(asDesign(p.config)),
    problems: checkTargetConfig(asDesign(source.config), asDesign(p.config)),
  }))
  return {
    source: { label: source.label, config: asDesign(source.config) },
    target: { label: target.label, config: asDesign(target.config) },
    problems,
    before: modelFigures(source.config, run),
    after: modelFigures(target.config, run),
    growth: growthPhaseFigures(input.method, source.config, target.config, input.operatorSteps, run),
    machine: { memoryBytes: run.memoryBytes, memoryKind: input.memoryKind, measuredGflops: run.measuredGflops },
    quickPicks: quickPicks(source.config),
    presets,
    methods: designMethods(source.config, target.config),
  }
}
