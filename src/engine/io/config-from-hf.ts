/**
 * A HuggingFace config.json (transformers: model_type bert, roberta, gpt2, vit, deit) or a timm config.json
 * (`architecture` + `model_args`, cait/vit/deit) -> the engine's ModelConfig, without any weights: what
 * `ligo grow --to`, `ligo compare --to` and `ligo train --model` accept as a target (issue 11). The other direction
 * (ModelConfig -> config.json for export) is hfConfigJson / timmConfigJson in hf-config.ts; the field names follow
 * docs/formats/checkpoints.md §2. Fields the file does not give come from `fallback` (the source model, for a growth
 * target) and then from the library's own defaults; each default that was used is reported as an assumption.
 */
import { StudioError } from '../../shared/errors'
import { FAMILY_DEFAULTS, makeConfig, type FamilyName, type ModelConfig } from '../models/config'
import { checkTextOptions, TIMM_VARIANTS, type BuiltConfig, type JsonObject } from './hf-config'

/** transformers model_type -> family. */
const MODEL_TYPES: Readonly<Record<string, FamilyName>> = { bert: 'bert', roberta: 'roberta', gpt2: 'gpt2', vit: 'vit', deit: 'deit' }

/** A config.json that does not describe a model this engine can build; the message names the file and the field. */
export class HfConfigError extends StudioError {
  constructor(message: string) {
    super('invalid_request', message)
    this.name = 'HfConfigError'
    Object.setPrototypeOf(this, HfConfigError.prototype)
  }
}

/** True when the JSON looks like a transformers or timm config.json rather than the engine's own config. */
export function isHfConfigJson(json: JsonObject): boolean {
  return typeof json.model_type === 'string' || (typeof json.architecture === 'string' && typeof json.model_args === 'object')
}

const pick = (json: JsonObject | null, ...keys: string[]): number | undefined => {
  for (const key of keys) {
    const v = json?.[key]
    if (typeof v === 'number' && Number.isFinite(v)) return v
  }
  return undefined
}

/** Reads one size: the file, else the fallback (source model), else a library default (said so), else an error. */
class FieldReader {
  readonly assumptions: string[] = []
  constructor(
    private readonly json: JsonObject,
    readonly where: string,
    private readonly fallback: Partial<Record<string, unknown>>,
  ) {}

  size(field: string, keys: string[], libraryDefault?: number): number {
    const v = pick(this.json, ...keys)
    if (v !== undefined) return v
    const kept = this.fallback[field]
    if (typeof kept === 'number') return kept
    if (libraryDefault !== undefined) {
      this.assumptions.push(`${this.where}: no ${keys[0]}; assumed ${libraryDefault} (the library default)`)
      return libraryDefault
    }
    throw new HfConfigError(`${this.where}: ${keys.join(' / ')} is missing, so the model's ${field} is unknown`)
  }

  real(keys: string[], libraryDefault: number): number {
    return pick(this.json, ...keys) ?? libraryDefault
  }
}

/** The family a config.json describes, or a clear error naming what it found. */
export function familyOfHfConfig(json: JsonObject, where: string): FamilyName {
  if (typeof json.model_type === 'string') {
    const family = MODEL_TYPES[json.model_type]
    if (!family) throw new HfConfigError(`${where}: model_type "${json.model_type}" is not a family this engine grows (${Object.keys(MODEL_TYPES).join(', ')}, or a timm cait/vit/deit config)`)
    return family
  }
  const arch = typeof json.architecture === 'string' ? json.architecture : ''
  if (arch.startsWith('cait_')) return 'cait'
  if (arch.startsWith('deit_') && arch.includes('distilled')) return 'deit'
  if (arch.startsWith('vit_') || arch.startsWith('deit_')) return 'vit'
  throw new HfConfigError(`${where}: neither a transformers config (no model_type) nor a timm config of cait/vit/deit (architecture ${JSON.stringify(json.architecture ?? null)})`)
}

/** config.json -> ModelConfig (validated). `fallback` fills what the file leaves out (a growth target: the source). */
export function configFromHfJson(json: JsonObject, where: string, fallback: Partial<ModelConfig> = {}): BuiltConfig {
  const family = familyOfHfConfig(json, where)
  const kept = (fallback.family === family ? fallback : {}) as Partial<Record<string, unknown>>
  const r = new FieldReader(json, where, kept)
  const build = (fields: Record<string, unknown>): BuiltConfig => {
    try {
      return { config: makeConfig(family, fields as never), assumptions: r.assumptions }
    } catch (error) {
      throw new HfConfigError(`${where}: ${(error as Error).message}`)
    }
  }
  const initializerRange = r.real(['initializer_range'], 0.02)
  if (family === 'bert' || family === 'roberta' || family === 'gpt2') {
    try {
      checkTextOptions(json, family)
    } catch (error) {
      throw new HfConfigError(`${where}: ${(error as Error).message.replace(/^config\.json: /, '')}`)
    }
  }
  if (family === 'bert' || family === 'roberta') {
    const d = FAMILY_DEFAULTS[family]
    return build({
      hiddenSize: r.size('hiddenSize', ['hidden_size'], 768),
      numLayers: r.size('numLayers', ['num_hidden_layers'], 12),
      numHeads: r.size('numHeads', ['num_attention_heads'], 12),
      intermediateSize: r.size('intermediateSize', ['intermediate_size'], 3072),
      vocabSize: r.size('vocabSize', ['vocab_size']),
      maxPositions: r.size('maxPositions', ['max_position_embeddings'], 512),
      typeVocabSize: r.size('typeVocabSize', ['type_vocab_size'], d.typeVocabSize),
      padTokenId: r.size('padTokenId', ['pad_token_id'], d.padTokenId),
      layerNormEps: r.real(['layer_norm_eps'], d.layerNormEps!),
      hiddenDropout: r.real(['hidden_dropout_prob'], d.hiddenDropout!),
      attentionDropout: r.real(['attention_probs_dropout_prob'], d.attentionDropout!),
      initializerRange,
      tieWordEmbeddings: typeof json.tie_word_embeddings === 'boolean' ? json.tie_word_embeddings : (kept.tieWordEmbeddings ?? true),
      addPooler: kept.addPooler ?? false,
    })
  }
  if (family === 'gpt2') {
    const hiddenSize = r.size('hiddenSize', ['n_embd', 'hidden_size'], 768)
    return build({
      hiddenSize,
      numLayers: r.size('numLayers', ['n_layer', 'num_hidden_layers'], 12),
      numHeads: r.size('numHeads', ['n_head', 'num_attention_heads'], 12),
      // n_inner null means 4 x n_embd in transformers' GPT2MLP.
      intermediateSize: pick(json, 'n_inner') ?? 4 * hiddenSize,
      vocabSize: r.size('vocabSize', ['vocab_size']),
      maxPositions: r.size('maxPositions', ['n_positions', 'n_ctx'], 1024),
      layerNormEps: r.real(['layer_norm_epsilon'], 1e-5),
      hiddenDropout: r.real(['resid_pdrop'], 0.1),
      attentionDropout: r.real(['attn_pdrop'], 0.1),
      initializerRange,
      tieWordEmbeddings: typeof json.tie_word_embeddings === 'boolean' ? json.tie_word_embeddings : (kept.tieWordEmbeddings ?? true),
    })
  }
  return visionFromJson(family, json, r, kept, initializerRange)
}

function visionFromJson(family: 'vit' | 'deit' | 'cait', json: JsonObject, r: FieldReader, kept: Partial<Record<string, unknown>>, initializerRange: number): BuiltConfig {
  const timm = typeof json.model_type !== 'string'
  const args = (timm ? (json.model_args ?? {}) : json) as JsonObject
  const variant = typeof json.architecture === 'string' ? TIMM_VARIANTS[json.architecture] : undefined
  const labels = json.id2label && typeof json.id2label === 'object' ? Object.keys(json.id2label as object).length : undefined
  // timm keeps sizes in model_args and the classes at the top; transformers keeps everything at the top.
  const sub = new FieldReader({ ...args, num_classes: json.num_classes ?? json.num_labels ?? labels }, r.where, kept)
  const hiddenSize = timm ? sub.size('hiddenSize', ['embed_dim'], variant?.embedDim) : sub.size('hiddenSize', ['hidden_size'], 768)
  const mlpRatio = pick(args, 'mlp_ratio') ?? 4
  const fields: Record<string, unknown> = {
    hiddenSize,
    numLayers: timm ? sub.size('numLayers', ['depth'], variant?.depth) : sub.size('numLayers', ['num_hidden_layers'], 12),
    numHeads: timm ? sub.size('numHeads', ['num_heads'], variant?.numHeads) : sub.size('numHeads', ['num_attention_heads'], 12),
    intermediateSize: timm ? Math.round(hiddenSize * mlpRatio) : sub.size('intermediateSize', ['intermediate_size'], 3072),
    imageSize: sub.size('imageSize', timm ? ['img_size'] : ['image_size'], variant?.imageSize ?? 224),
    patchSize: sub.size('patchSize', ['patch_size'], variant?.patchSize ?? 16),
    numChannels: sub.size('numChannels', timm ? ['in_chans'] : ['num_channels'], 3),
    numClasses: sub.size('numClasses', ['num_classes'], timm ? 1000 : 2),
    qkvBias: typeof args.qkv_bias === 'boolean' ? args.qkv_bias : true,
    // timm hard-codes 1e-6; transformers' ViTConfig defaults to 1e-12.
    layerNormEps: timm ? 1e-6 : r.real(['layer_norm_eps'], 1e-12),
    hiddenDropout: timm ? 0 : r.real(['hidden_dropout_prob'], 0),
    attentionDropout: timm ? 0 : r.real(['attention_probs_dropout_prob'], 0),
    initializerRange,
  }
  if (family === 'cait') {
    fields.numClassLayers = sub.size('numClassLayers', ['depth_token_only'], 2)
    fields.layerScaleInit = pick(args, 'init_values') ?? variant?.layerScaleInit ?? FAMILY_DEFAULTS.cait.layerScaleInit
  }
  r.assumptions.push(...sub.assumptions)
  try {
    return { config: makeConfig(family, fields as never), assumptions: r.assumptions }
  } catch (error) {
    throw new HfConfigError(`${r.where}: ${(error as Error).message}`)
  }
}
