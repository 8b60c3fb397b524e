/**
 * The growth designer's state (issue 11): the source, the target sizes, the batch shape, the method and its
 * settings, and what the host answered (designGrowth: figures, problems, picks, methods; growthOperator: the
 * matrices to draw). The rules run here too (shared/growth-design/rules.ts), so a control shows its reason as
 * soon as it is typed; the host is asked again after a short pause.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import {
  checkTargetSizes,
  DEFAULT_COMPARE_SEEDS,
  recipeCommands,
  sizesOf,
  RECIPE_FORMAT,
  RECIPE_VERSION,
  type DesignControl,
  type DesignGrowthResult,
  type DesignTarget,
  type GrowthOperatorResult,
  type GrowthRecipe,
  type QuickPick,
  type TargetSizes,
} from '../../../shared/growth-design'
import type { Budget, RunSummary, StartCompareParams, StartGrowParams } from '../../../shared'
import { errorMessageOf, useStudioClient } from '../composables/client'
import { useHardwareStore } from './hardware'
import { withName } from './run-name'

/** The built-in encoder seed: a pretrained model every install has. */
export const DEFAULT_SOURCE = 'bert-moby'
/** Cells per drawn matrix: enough to see the pattern; larger operators come sampled (the table view lists them). */
const OPERATOR_CELLS = 576
/** Quiet time after the last keystroke before the host is asked for new figures. */
const REFRESH_DELAY_MS = 250

export type SettingValue = number | string | boolean

export const useDesignerStore = defineStore('designer', () => {
  const client = useStudioClient()
  const hardware = useHardwareStore()

  const from = ref(DEFAULT_SOURCE)
  const sizes = ref<TargetSizes | null>(null)
  const batchSize = ref(16)
  const seqLen = ref(128)
  const method = ref('ligo')
  /** Per method: the settings the user changed (the rest are the schema's defaults). */
  const settings = ref<Record<string, Record<string, SettingValue>>>({})
  /** Tokens (images) the large model will train on: a method's planner (G_stack) suggests its settings from it. */
  const planTokens = ref<number | null>(null)
  /** The comparison to start: scratch and the chosen method always, plus these baselines. */
  const compare = ref<{ baselines: string[]; budget: Budget; seeds: number }>({ baselines: [], budget: { kind: 'steps', value: 300 }, seeds: DEFAULT_COMPARE_SEEDS })
  /** The last run started from here (shown with its link after coming back from the runs view). */
  const started = shallowRef<RunSummary | null>(null)
  const starting = ref(false)
  const startError = ref<string | null>(null)
  const result = shallowRef<DesignGrowthResult | null>(null)
  const operator = shallowRef<GrowthOperatorResult | null>(null)
  /** When the source is a model grown with LiGO: the operator it learned (read from its operator/ folder). */
  const learned = shallowRef<GrowthOperatorResult | null>(null)
  const error = ref<string | null>(null)
  const loading = ref(false)
  let requestNumber = 0
  let timer: ReturnType<typeof setTimeout> | null = null

  const measuredGflops = computed(() => (hardware.benchmarkResult ? Math.max(...hardware.benchmarkResult.rows.map((r) => r.gflops)) : undefined))
  const methodInfo = computed(() => result.value?.methods.find((m) => m.name === method.value) ?? null)
  const settingValues = computed<Record<string, SettingValue>>(() => {
    const schema = methodInfo.value?.settings ?? []
    const given = settings.value[method.value] ?? {}
    return Object.fromEntries(schema.map((s) => [s.name, given[s.name] ?? s.default]))
  })
  /** The rules checked here, for instant reasons next to the controls. */
  const problems = computed(() => (result.value && sizes.value ? checkTargetSizes(result.value.source.config, sizes.value) : (result.value?.problems ?? [])))
  const problemsFor = (control: string) => problems.value.filter((p) => p.control === control)
  const valid = computed(() => result.value !== null && problems.value.length === 0 && result.value.problems.length === 0)

  async function refresh(to?: DesignTarget): Promise<void> {
    const number = ++requestNumber
    loading.value = true
    const target = to ?? (sizes.value ? { sizes: sizes.value } : undefined)
    try {
      const answer = await client.designGrowth({
        from: from.value,
        ...(target ? { to: target } : {}),
        batchSize: batchSize.value,
        seqLen: seqLen.value,
        method: method.value,
        settings: settingValues.value,
        ...(planTokens.value ? { planTokens: planTokens.value } : {}),
        ...(measuredGflops.value ? { measuredGflops: measuredGflops.value } : {}),
      })
      if (number !== requestNumber) return // a newer request is on its way, or the user has typed since
      result.value = answer
      // A preset, a config file or the default fills the controls; sizes the user typed stay as typed.
      if (!target || !('sizes' in target)) sizes.value = sizesOf(answer.target.config)
      error.value = null
      await refreshOperator(number)
    } catch (e) {
      if (number === requestNumber) error.value = errorMessageOf(e)
    } finally {
      if (number === requestNumber) loading.value = false
    }
  }

  async function refreshOperator(number: number): Promise<void> {
    if (!valid.value || !sizes.value) {
      operator.value = null
      return
    }
    const answer = await client.growthOperator({ kind: 'init', from: from.value, to: { sizes: sizes.value }, method: method.value, maxCells: OPERATOR_CELLS })
    if (number === requestNumber) operator.value = answer
  }

  function scheduleRefresh(): void {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = null
      void refresh()
    }, REFRESH_DELAY_MS)
  }

  function setSize(control: DesignControl, value: number): void {
    if (!sizes.value) return
    sizes.value = { ...sizes.value, [control]: value }
    requestNumber++ // an answer still on its way describes the sizes before this edit
    scheduleRefresh()
  }

  function setSource(id: string): void {
    // The same source again (a re-chosen option, a revisited link) keeps the design: sizes typed stay.
    if (!id.trim() || (id.trim() === from.value && result.value !== null)) return
    from.value = id.trim()
    sizes.value = null
    void refresh()
    void loadLearned(from.value)
  }

  async function loadLearned(source: string): Promise<void> {
    learned.value = null
    try {
      const answer = await client.growthOperator({ kind: 'learned', from: source, maxCells: OPERATOR_CELLS })
      if (from.value === source) learned.value = answer
    } catch {
      // not a grown model (presets, seeds, plain checkpoints): nothing learned to draw
    }
  }

  const applyPick = (pick: QuickPick) => {
    sizes.value = { ...pick.sizes }
    void refresh()
  }
  const choosePreset = (id: string) => void refresh({ preset: id })
  const loadConfigJson = (name: string, json: Record<string, unknown>) => void refresh({ configJson: json, name })

  function setMethod(name: string): void {
    method.value = name
    void refresh()
  }
  function setSetting(name: string, value: SettingValue): void {
    settings.value = { ...settings.value, [method.value]: { ...(settings.value[method.value] ?? {}), [name]: value } }
    scheduleRefresh() // a setting may change the growth phase's cost (the method's descriptor says how)
  }
  function setPlanTokens(tokens: number | null): void {
    planTokens.value = tokens !== null && Number.isFinite(tokens) && tokens >= 1 ? tokens : null
    scheduleRefresh()
  }
  function setBatch(batch: number, seq: number): void {
    batchSize.value = batch
    seqLen.value = seq
    scheduleRefresh()
  }

  /** The design as a recipe (shared/growth-design/recipe.ts): the settings the user changed, by name. */
  const recipe = computed<GrowthRecipe | null>(() => {
    if (!sizes.value || !valid.value) return null
    const changed = settings.value[method.value] ?? {}
    const text = result.value?.source.config.vocabSize !== undefined
    return {
      format: RECIPE_FORMAT,
      version: RECIPE_VERSION,
      // what the command line accepts for the source (a seed's folder, a checkpoint path, a preset id)
      from: result.value?.source.cliRef ?? from.value,
      to: { sizes: sizes.value },
      method: method.value,
      grow: {
        ...(Object.keys(changed).length ? { settings: { ...changed } } : {}),
        batchSize: batchSize.value,
        ...(text ? { seqLen: seqLen.value } : {}),
      },
      compare: { methods: compareMethods.value, budget: { ...compare.value.budget }, seeds: compare.value.seeds },
    }
  })
  const commands = computed(() => (recipe.value ? recipeCommands(recipe.value, { recipeFile: 'recipe.json', growOut: 'grown/design', compareOut: 'experiments/design' }) : null))

  /** Scratch first (every saving is measured against it), the chosen method, then the baselines picked. */
  const compareMethods = computed(() => [...new Set(['scratch', method.value, ...compare.value.baselines])])
  /** The run a Grow or Compare button starts: the source's zoo id, the designed sizes, the method and its changed settings. */
  const runBase = computed(() => {
    const r = result.value
    if (!r || !r.source.modelId || !sizes.value || !valid.value || !methodInfo.value?.supported) return null
    const text = r.source.config.vocabSize !== undefined
    return { from: r.source.modelId, to: { sizes: { ...sizes.value } }, batchSize: batchSize.value, ...(text ? { seqLen: seqLen.value } : {}) }
  })
  const changedSettings = computed(() => ({ ...(settings.value[method.value] ?? {}) }))
  const growRequest = computed<StartGrowParams | null>(() =>
    runBase.value ? { ...runBase.value, method: method.value, ...(Object.keys(changedSettings.value).length ? { settings: changedSettings.value } : {}) } : null,
  )
  const compareRequest = computed<StartCompareParams | null>(() =>
    runBase.value && result.value
      ? {
          ...runBase.value,
          methods: compareMethods.value,
          data: result.value.defaultData,
          budget: { ...compare.value.budget },
          seeds: compare.value.seeds,
          ...(Object.keys(changedSettings.value).length ? { settings: { [method.value]: changedSettings.value } } : {}),
        }
      : null,
  )

  /** Starts the designed growth or comparison as a run of the queue; the run's summary, or null with startError set. */
  async function start(kind: 'grow' | 'compare'): Promise<RunSummary | null> {
    const grow = growRequest.value
    const comparison = compareRequest.value
    if (!grow || !comparison || starting.value) return null
    starting.value = true
    try {
      // named here, in the window's language (the host would name it in English)
      const run = kind === 'grow' ? await client.startGrow(withName({ kind, params: grow })) : await client.startCompare(withName({ kind, params: comparison }))
      started.value = run
      startError.value = null
      return run
    } catch (e) {
      startError.value = errorMessageOf(e)
      return null
    } finally {
      starting.value = false
    }
  }
  function setCompare(patch: Partial<typeof compare.value>): void {
    compare.value = { ...compare.value, ...patch }
  }

  /** A recipe read back: its source, sizes (or preset) and method. */
  function applyRecipe(loaded: GrowthRecipe): void {
    from.value = loaded.from
    method.value = loaded.method
    if ('preset' in loaded.to) {
      sizes.value = null
      void refresh({ preset: loaded.to.preset })
      return
    }
    sizes.value = { ...loaded.to.sizes }
    if (loaded.grow.batchSize) batchSize.value = loaded.grow.batchSize
    if (loaded.grow.seqLen) seqLen.value = loaded.grow.seqLen
    settings.value = { ...settings.value, [loaded.method]: { ...(loaded.grow.settings ?? {}) } }
    if (loaded.compare) {
      const { methods, budget, seeds } = loaded.compare
      compare.value = { baselines: methods.filter((m) => m !== 'scratch' && m !== loaded.method), budget: { ...budget }, seeds }
    }
    void refresh()
  }

  return {
    from, sizes, batchSize, seqLen, method, settings, planTokens, compare, started, starting, startError, result, operator, learned, error, loading, measuredGflops, methodInfo,
    settingValues, problems, valid, recipe, commands, compareMethods, growRequest, compareRequest,
    problemsFor, refresh, setSize, setSource, applyPick, choosePreset, loadConfigJson, setMethod, setSetting, setPlanTokens, setBatch, applyRecipe, start, setCompare,
  }
})
