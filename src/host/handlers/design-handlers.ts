/**
 * The designer's Studio API methods (src/shared/growth-design/contract.ts): `designGrowth` and `growthOperator`.
 * Both run on the host without the engine process: the figures are arithmetic (engine/growth/design), models are
 * found by the one resolver (engine/library/model-ref.ts: zoo ids, presets, seeds, paths) and read header-only, and
 * a saved LiGO operator is a small safetensors file. Paths go through the path policy like every other path.
 */
import { basename, dirname } from 'node:path'
import { applySizes, type DesignConfig, type DesignGrowthParams, type DesignGrowthResult, type DesignTarget } from '../../shared/growth-design'
import { MODEL_ID_PATTERN } from '../../shared/models'
import { StudioError, type HardwareRecord } from '../../shared'
import { DEFAULT_DESIGN_SEQ_LEN, designGrowth, type NamedConfig, type SourceModel } from '../../engine/growth/design/design'
import { initialOperator } from '../../engine/growth/design/operator-matrices'
import { scaleSizes } from '../../engine/growth/design/quick-picks'
import { configFromJson, readConfigFile } from '../../engine/io/config-file'
import { learnedOperator } from '../../engine/io/operator-file'
import { readCheckpointHeaders } from '../../engine/library/checkpoint-headers'
import { isGrowthFolder, locatePath, resolveModelId, type ModelLocation } from '../../engine/library/model-ref'
import { validateConfig } from '../../engine/models/config'
import { getPreset, PRESET_IDS, PRESETS } from '../../engine/models/presets'
import { isSeedName, loadSeedIndex } from '../../engine/seeds'
import type { Handlers, StudioContext } from '../studio-context'

type DesignMethods = 'designGrowth' | 'growthOperator'

/** Where a designer source lives: a zoo id (preset:, seed:, lib:, run:), a preset id, a seed name, or a path the policy allows. */
async function locateSource(context: StudioContext, from: string): Promise<ModelLocation> {
  const catalog = context.catalog()
  const resolveContext = { workspace: catalog.workspace, library: catalog.library, seedsDir: catalog.seedsDir }
  if (MODEL_ID_PATTERN.test(from)) return resolveModelId(from, resolveContext)
  if (PRESET_IDS.includes(from)) return resolveModelId(`preset:${from}`, resolveContext)
  if (isSeedName(from, catalog.seedsDir)) return resolveModelId(`seed:${from}`, resolveContext)
  return locatePath((await context.policy.checkReadable(from)).path)
}

/** The zoo id of a designer source (what startGrow / startCompare take): as given, a preset's or seed's, or a library entry's. */
function sourceModelId(context: StudioContext, from: string, location: ModelLocation): string | null {
  if (MODEL_ID_PATTERN.test(from)) return from
  if (location.kind === 'preset') return `preset:${location.presetId}`
  if (isSeedName(from, context.catalog().seedsDir)) return `seed:${from}`
  const entry = location.kind === 'checkpoint' ? context.catalog().library.find((e) => e.path === location.path) : undefined
  return entry ? `lib:${entry.id}` : null
}

/** A model the designer can start from, read header-only. */
export async function resolveDesignSource(context: StudioContext, from: string): Promise<SourceModel> {
  const location = await locateSource(context, from)
  const modelId = sourceModelId(context, from, location)
  if (location.kind === 'preset') return { label: location.name, config: location.config, cliRef: location.presetId, modelId }
  if (location.kind === 'config') throw new StudioError('invalid_request', `${location.name} is a config file: it has no weights to grow from (use it as the target)`)
  return { label: location.name, config: (await readCheckpointHeaders(location.path, location.layout)).config, cliRef: location.path, modelId }
}

/** The `ligo grow` output folder of a grown model (its operator/ holds the learned LiGO operator). */
async function growthFolderOf(context: StudioContext, from: string): Promise<string> {
  const location = await locateSource(context, from)
  const candidates = location.kind === 'checkpoint' ? [location.path, dirname(location.path)] : []
  const found = candidates.find((dir) => isGrowthFolder(dir))
  if (!found) throw new StudioError('not_found', `${from}: not a grown model, so there is no learned operator to draw`)
  return found
}

/** The designed target: a preset, sizes on the source, or a config file. Unlike a run, an invalid one is shown, not refused. */
async function resolveDesignTarget(context: StudioContext, to: DesignTarget | undefined, source: NamedConfig): Promise<{ label: string; config: DesignConfig }> {
  if (to === undefined) return { label: 'x2 depth', config: applySizes(source.config as DesignConfig, scaleSizes(source.config, 2, 1)) }
  if ('configJson' in to) return { label: to.name, config: configFromJson(to.configJson, to.name, source.config).config }
  if ('preset' in to) {
    if (!PRESET_IDS.includes(to.preset)) throw new StudioError('invalid_request', `Unknown model preset "${to.preset}". Expected one of: ${PRESET_IDS.join(', ')}`)
    const preset = getPreset(to.preset)
    return { label: preset.label, config: preset.config }
  }
  if ('sizes' in to) return { label: 'custom', config: applySizes(source.config as DesignConfig, to.sizes) }
  const { path } = await context.policy.checkReadable(to.configPath)
  return { label: basename(path), config: readConfigFile(path, 'config', source.config).config }
}

/** The picker's list: the built-in seeds (pretrained, so worth growing), then the presets (random init). */
function designSources(seedsDir: string | undefined): DesignGrowthResult['sources'] {
  let seeds: DesignGrowthResult['sources'] = []
  try {
    seeds = loadSeedIndex(seedsDir).seeds.map((s) => ({ id: s.name, label: s.description, kind: 'seed' as const, family: s.family }))
  } catch {
    // no seeds folder (a stripped install): presets only
  }
  return [...seeds, ...PRESETS.map((p) => ({ id: p.id, label: p.label, kind: 'preset' as const, family: p.config.family }))]
}

export function createDesignHandlers(context: StudioContext): Handlers<DesignMethods> {
  let hardware: Promise<HardwareRecord> | null = null
  const machine = async () => {
    hardware ??= context.engine.call('hardware', {}).catch((error) => {
      hardware = null // ask again next time
      throw error
    })
    const record = await hardware
    // On a GPU backend the model trains in the largest GPU's memory, else in RAM.
    const gpu = record.backend === 'tensorflow-gpu' ? Math.max(0, ...record.gpus.map((g) => g.memoryBytes ?? 0)) : 0
    return gpu > 0 ? { memoryBytes: gpu, memoryKind: 'gpu' as const } : { memoryBytes: record.memory.totalBytes, memoryKind: 'ram' as const }
  }

  return {
    async designGrowth(params: DesignGrowthParams) {
      const source = await resolveDesignSource(context, params.from)
      const target = await resolveDesignTarget(context, params.to, source)
      const { memoryBytes, memoryKind } = await machine()
      const design = designGrowth({
        source,
        target,
        method: params.method ?? 'ligo',
        settings: params.settings,
        planTokens: params.planTokens,
        run: { batchSize: params.batchSize, seqLen: params.seqLen ?? DEFAULT_DESIGN_SEQ_LEN, memoryBytes, measuredGflops: params.measuredGflops ?? null },
        memoryKind,
      })
      return { ...design, sources: designSources(context.catalog().seedsDir) }
    },

    async growthOperator(params) {
      if (params.kind === 'learned') return learnedOperator(await growthFolderOf(context, params.from), { maxCells: params.maxCells })
      if (!params.to) throw new StudioError('invalid_request', 'growthOperator: an initial operator needs a target ("to")')
      const source = await resolveDesignSource(context, params.from)
      const target = await resolveDesignTarget(context, params.to, source)
      let large
      try {
        large = validateConfig(target.config)
      } catch (error) {
        throw new StudioError('invalid_request', `growthOperator: the target is not a valid model (${(error as Error).message})`)
      }
      return initialOperator(params.method ?? 'ligo', source.config, large, { maxCells: params.maxCells })
    },
  }
}
