/**
 * The two ends of a growth: `--from` (the small model: an HF/timm checkpoint, a run folder or trainer checkpoint,
 * or a preset, which starts from its random init) and `--to` (a preset id or a JSON file with a model config of the
 * same family), plus the tokenizer every method shares (the small model's own, when it has one: its ids index the
 * embeddings every operator copies).
 */
import { existsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { loadTokenizer, readSplitRecord, runFolderSplitRecord, type SplitRecord, type TextTokenizer } from '../data'
import { importExportSource } from '../io/run-checkpoint'
import { resolveModelRef } from '../library/model-ref'
import { readConfigFile } from '../io/config-file'
import type { ModelConfig } from '../models/config'
import type { ParamMap } from '../models/layers/params'
import { getPreset, PRESET_IDS } from '../models/presets'
import { getFamily } from '../models/registry'
import { StudioError } from '../../shared/errors'

export interface SmallModel {
  source: string
  config: ModelConfig
  /** Owned by the caller: disposeSmall(). */
  params: ParamMap
  tokenizer: TextTokenizer | undefined
  /** The tokenizer files to copy beside every grown checkpoint and run. */
  tokenizerFiles: readonly string[]
  /**
   * What the weights were trained on: `untrained` (a preset's random init), the recorded data and split, or
   * `unknown` (a checkpoint without a split record: it may have trained on any example).
   */
  trainedOn: 'untrained' | 'unknown' | SplitRecord
}

/**
 * `from` through the engine's one model resolver (engine/library/model-ref.ts), as `ligo train --model` and `ligo
 * inspect` take it: a preset id (random init), a built-in seed name, a zoo id (preset:, seed:) or a path.
 */
export async function loadSmallModel(ref: string, seed: number): Promise<SmallModel> {
  const location = resolveModelRef(ref)
  if (location.kind === 'preset') {
    const config = location.config
    return { source: location.presetId, config, params: getFamily(config.family).init(config, seed), tokenizer: undefined, tokenizerFiles: [], trainedOn: 'untrained' }
  }
  if (location.kind === 'config') throw new StudioError('invalid_request', `\`from\` ${ref} is a config file: it has no weights to grow from (give it as the target, \`to\`)`)
  const from = location.path
  const source = await importExportSource(from)
  const params: ParamMap = {}
  for (const [name, w] of Object.entries(source.params)) params[name] = tf.tensor(w.data, [...w.shape], 'float32')
  const family = getFamily(source.config.family)
  const tokenizer = family.modality === 'text' && source.tokenizerFiles.length > 0 ? loadTokenizer(dirname(source.tokenizerFiles[0])) : undefined
  return { source: from, config: source.config, params, tokenizer, tokenizerFiles: source.tokenizerFiles, trainedOn: sourceSplitRecord(from) ?? 'unknown' }
}

/** A run folder's or trainer checkpoint's manifest, or the data-split.json beside an exported checkpoint. */
export function sourceSplitRecord(from: string): SplitRecord | null {
  if (existsSync(from) && statSync(from).isDirectory()) {
    if (existsSync(join(from, 'manifest.json'))) return runFolderSplitRecord(from)
    // <run>/checkpoints/step-NNNNNNN
    if (existsSync(join(from, 'trainer-state.json'))) return runFolderSplitRecord(dirname(dirname(from))) ?? readSplitRecord(from)
  }
  return readSplitRecord(from)
}

export function disposeSmall(small: SmallModel): void {
  tf.dispose(Object.values(small.params))
}

/** A preset id or a JSON file (engine config, HF/timm config.json or a growth recipe); the family must match the small model's. */
export function resolveLargeConfig(to: string, small: ModelConfig): ModelConfig {
  let config: ModelConfig
  if (PRESET_IDS.includes(to)) config = getPreset(to).config
  else {
    if (!existsSync(to)) throw new StudioError('invalid_request', `\`to\` "${to}" is neither a model preset (${PRESET_IDS.join(', ')}) nor an existing JSON config file`)
    config = readConfigFile(to, '`to`', small).config
  }
  if (config.family !== small.family) throw new StudioError('invalid_request', `Cannot grow a ${small.family} model into a ${config.family} config (${to}): the family must stay the same`)
  return config
}
