/**
 * `designGrowth` (issue 11): everything the designer shows about a (source, target) pair before any compute is
 * spent. Pure: the caller resolves the two configs (engine/growth/design/resolve.ts) and the machine's facts.
 */
import { checkTargetConfig, sizesOf, type DesignConfig, type DesignGrowthResult, type DesignMethod } from '../../../shared/growth-design'
import { defaultGrowthData } from '../../experiments/grow'
import { validateConfig, type ModelConfig } from '../../models/config'
import { PRESETS } from '../../models/presets'
import { StudioError } from '../../../shared/errors'
import { methodInfo, MethodSettingsError, resolveSettings, type GrowthMethod, type MethodSettings } from '../method'
import { getGrowthMethod, GROWTH_METHOD_LIST } from '../methods'
import { growthPhaseFigures, modelFigures, type FigureRun } from './figures'
import { quickPicks } from './quick-picks'

export const DEFAULT_DESIGN_SEQ_LEN = 128

export interface NamedConfig {
  label: string
  config: ModelConfig
}

/** A source model: also what the command line calls it (a preset id or a checkpoint path), and its zoo id when it has one. */
export interface SourceModel extends NamedConfig {
  cliRef: string
  modelId?: string | null
}

export interface DesignInput {
  source: SourceModel
  /** The target as designed: it may break the rules (then only the problems and the source's figures come back). */
  target: { label: string; config: DesignConfig }
  method: string
  /** The method's settings as given (its schema's defaults fill the rest). */
  settings?: Readonly<Record<string, unknown>>
  /** Tokens (images) the large model will train on, for a method with a planner (G_stack). */
  planTokens?: number
  run: FigureRun
  memoryKind: 'ram' | 'gpu'
}

const asDesign = (config: ModelConfig): DesignConfig => config as unknown as DesignConfig

/** Every registered method with whether it can grow this pair (the registry's own `supports`); none while the target is invalid. */
export function designMethods(small: ModelConfig, large: ModelConfig | null): DesignMethod[] {
  return GROWTH_METHOD_LIST.map((method) => {
    const { name, label, paper, docs, functionPreserving, grows, growthPhase, settings } = methodInfo(method)
    const support = large ? method.supports(small, large) : null
    return {
      name, label, paper, docs, functionPreserving, grows, growthPhase, settings: [...settings], planner: method.plan !== undefined,
      supported: support?.ok ?? false, reason: support && !support.ok ? support.reason : null,
    }
  })
}

/** The chosen method's settings, checked against its schema (a bad value is the request's fault). */
function methodSettings(method: GrowthMethod, given: Readonly<Record<string, unknown>> = {}): MethodSettings {
  try {
    return resolveSettings(method, given)
  } catch (error) {
    if (error instanceof MethodSettingsError) throw new StudioError('invalid_request', error.message)
    throw error
  }
}

export function designGrowth(input: DesignInput): DesignGrowthResult {
  const { source, target, run } = input
  const method = getGrowthMethod(input.method)
  const settings = methodSettings(method, input.settings)
  const problems = checkTargetConfig(asDesign(source.config), target.config)
  // The rules hold, so the sizes make a valid config of the source's family.
  const large = problems.length === 0 ? validateConfig(target.config) : null
  const presets = PRESETS.filter((p) => p.config.family === source.config.family).map((p) => ({
    id: p.id,
    label: p.label,
    sizes: sizesOf(asDesign(p.config)),
    problems: checkTargetConfig(asDesign(source.config), asDesign(p.config)),
  }))
  return {
    source: { label: source.label, config: asDesign(source.config), cliRef: source.cliRef, modelId: source.modelId ?? null },
    defaultData: defaultGrowthData(source.config),
    target: { label: target.label, config: target.config },
    problems,
    before: modelFigures(source.config, run),
    after: large && modelFigures(large, run),
    growth: large && growthPhaseFigures(method, source.config, large, settings, run),
    plan: large && input.planTokens && method.plan ? { method: method.name, targetTokens: input.planTokens, ...method.plan({ small: source.config, large, targetTokens: input.planTokens }) } : null,
    machine: { memoryBytes: run.memoryBytes, memoryKind: input.memoryKind, measuredGflops: run.measuredGflops },
    quickPicks: quickPicks(source.config),
    presets,
    methods: designMethods(source.config, large),
    // the host lists what it can open (seeds, presets): design-handlers.ts
    sources: [],
  }
}
