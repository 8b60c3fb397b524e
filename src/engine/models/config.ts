/**
 * Typed model configurations, one per family, and their validation.
 *
 * Sizes follow docs/formats/checkpoints.md §2 (H hidden, L layers, A heads, I FFN width, V vocab, P position rows,
 * T token types, K classes). Attributes that HF/timm spread over names (norm placement, activation, eps, ties)
 * are fields here, so parameter names stay canonical (docs/formats/checkpoints.md §5).
 */
import { StudioError } from '../../shared'

export const FAMILY_NAMES = ['bert', 'roberta', 'gpt2', 'vit', 'deit', 'cait'] as const
export type FamilyName = (typeof FAMILY_NAMES)[number]

/** Fields every family has. */
export interface CommonConfig {
  family: FamilyName
  /** H: width of the residual stream. */
  hiddenSize: number
  /** L: number of transformer blocks (CaiT: self-attention blocks only). */
  numLayers: number
  /** A: attention heads; H must be divisible by A. */
  numHeads: number
  /** I: width of the MLP's hidden layer. */
  intermediateSize: number
  /** LayerNorm epsilon: BERT 1e-12, RoBERTa/GPT-2 1e-5, timm ViT/DeiT/CaiT 1e-6. */
  layerNormEps: number
  /** Dropout after embeddings, attention output and MLP output (HF hidden_dropout_prob / resid_pdrop). */
  hiddenDropout: number
  /** Dropout on attention probabilities (HF attention_probs_dropout_prob / attn_pdrop). */
  attentionDropout: number
  /** Standard deviation of the normal initialisation (HF initializer_range, 0.02). */
  initializerRange: number
}

/** BERT and RoBERTa: post-LN encoder with an MLM head (docs/formats/checkpoints.md §2.1, §2.2). */
export interface EncoderConfig extends CommonConfig {
  family: 'bert' | 'roberta'
  /** V */
  vocabSize: number
  /** P: rows of the position table. RoBERTa uses padTokenId+1 rows of offset, so its max length is P - pad - 1. */
  maxPositions: number
  /** T: token type rows (BERT 2, RoBERTa 1). */
  typeVocabSize: number
  /** BERT 0, RoBERTa 1; for RoBERTa it also fixes the position offset (padding_idx + 1). */
  padTokenId: number
  /** MLM decoder shares embed.tok (true) or owns head.lm.weight [V, H] (false). */
  tieWordEmbeddings: boolean
  /** Adds pooler.{weight,bias} [H, H] (tanh over the first token), as BertModel does by default. */
  addPooler: boolean
}

/** GPT-2: pre-LN decoder, causal attention, gelu_new, final LN, LM head (docs/formats/checkpoints.md §2.3). */
export interface DecoderConfig extends CommonConfig {
  family: 'gpt2'
  vocabSize: number
  /** P = n_positions: the longest sequence. */
  maxPositions: number
  /** LM head is embed.tok (true, GPT-2 default) or head.lm.weight [V, H] (false). */
  tieWordEmbeddings: boolean
}

/** Fields of the image families. */
export interface ImageConfig extends CommonConfig {
  /** S: square input side in pixels. */
  imageSize: number
  /** p: square patch side; S must be divisible by p. */
  patchSize: number
  /** C: input channels (3 RGB, 1 MNIST). */
  numChannels: number
  /** K: classes of the classification head(s). */
  numClasses: number
  /** Bias on q, k, v (timm qkv_bias, HF qkv_bias). */
  qkvBias: boolean
}

/** ViT (family 'vit', CLS token only) and distilled DeiT (family 'deit': CLS + distillation token, two heads). */
export interface ViTConfig extends ImageConfig {
  family: 'vit' | 'deit'
}

/** CaiT: talking-heads self-attention blocks with LayerScale, then class-attention blocks (§2.6). */
export interface CaiTConfig extends ImageConfig {
  family: 'cait'
  /** Class-attention blocks (2 in every published CaiT); they update only the CLS token. */
  numClassLayers: number
  /** LayerScale init value for gamma_1/gamma_2 (1e-5 for XXS/XS/S24, 1e-6 for deeper ones). */
  layerScaleInit: number
}

export type ModelConfig = EncoderConfig | DecoderConfig | ViTConfig | CaiTConfig
/** The config type of a family name. */
export type ConfigOf<F extends FamilyName> = F extends 'bert' | 'roberta' ? EncoderConfig : F extends 'gpt2' ? DecoderConfig : F extends 'vit' | 'deit' ? ViTConfig : CaiTConfig
export type TextConfig = EncoderConfig | DecoderConfig
export type VisionConfig = ViTConfig | CaiTConfig

export const isTextConfig = (c: ModelConfig): c is TextConfig => c.family === 'bert' || c.family === 'roberta' || c.family === 'gpt2'
export const isVisionConfig = (c: ModelConfig): c is VisionConfig => !isTextConfig(c)

/** A config that cannot describe a working model. The message names the field and the problem. */
export class ModelConfigError extends StudioError {
  constructor(message: string) {
    super('invalid_request', message)
    this.name = 'ModelConfigError'
    Object.setPrototypeOf(this, ModelConfigError.prototype)
  }
}

/** Head width d = H / A. */
export const headDim = (c: CommonConfig): number => c.hiddenSize / c.numHeads

/** Longest token sequence the position table allows (RoBERTa positions start at padTokenId + 1). */
export function maxSequenceLength(c: TextConfig): number {
  return c.family === 'roberta' ? c.maxPositions - c.padTokenId - 1 : c.maxPositions
}

/** Patch tokens N = (S/p)². */
export const numPatches = (c: ImageConfig): number => (c.imageSize / c.patchSize) ** 2

/** Tokens placed before the patches that have a position row: ViT 1 (CLS), DeiT 2 (CLS, DIST), CaiT 0. */
export function prefixTokens(c: VisionConfig): number {
  return c.family === 'vit' ? 1 : c.family === 'deit' ? 2 : 0
}

const COMMON_FIELDS = ['family', 'hiddenSize', 'numLayers', 'numHeads', 'intermediateSize', 'layerNormEps', 'hiddenDropout', 'attentionDropout', 'initializerRange'] as const
const FIELDS: Record<FamilyName, readonly string[]> = {
  bert: [...COMMON_FIELDS, 'vocabSize', 'maxPositions', 'typeVocabSize', 'padTokenId', 'tieWordEmbeddings', 'addPooler'],
  roberta: [...COMMON_FIELDS, 'vocabSize', 'maxPositions', 'typeVocabSize', 'padTokenId', 'tieWordEmbeddings', 'addPooler'],
  gpt2: [...COMMON_FIELDS, 'vocabSize', 'maxPositions', 'tieWordEmbeddings'],
  vit: [...COMMON_FIELDS, 'imageSize', 'patchSize', 'numChannels', 'numClasses', 'qkvBias'],
  deit: [...COMMON_FIELDS, 'imageSize', 'patchSize', 'numChannels', 'numClasses', 'qkvBias'],
  cait: [...COMMON_FIELDS, 'imageSize', 'patchSize', 'numChannels', 'numClasses', 'qkvBias', 'numClassLayers', 'layerScaleInit'],
}
const BOOLEAN_FIELDS = new Set(['tieWordEmbeddings', 'addPooler', 'qkvBias'])
const RATE_FIELDS = new Set(['hiddenDropout', 'attentionDropout'])
const POSITIVE_REAL_FIELDS = new Set(['layerNormEps', 'initializerRange'])
const NON_NEGATIVE_REAL_FIELDS = new Set(['layerScaleInit'])
const NON_NEGATIVE_INT_FIELDS = new Set(['padTokenId'])

/** The fields a config of this family must have, in a stable order (for UIs and error messages). */
export const configFields = (family: FamilyName): readonly string[] => FIELDS[family]

/**
 * Check a config and return it typed. Throws ModelConfigError naming the first problem, e.g.
 * "Model config (bert): hidden size 100 is not divisible by 3 heads".
 */
export function validateConfig(config: unknown): ModelConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new ModelConfigError('Model config must be an object')
  const c = config as Record<string, unknown>
  if (!(FAMILY_NAMES as readonly unknown[]).includes(c.family))
    throw new ModelConfigError(`Model config: unknown family ${JSON.stringify(c.family)}. Expected one of: ${FAMILY_NAMES.join(', ')}`)
  const family = c.family as FamilyName
  const fail = (problem: string): never => {
    throw new ModelConfigError(`Model config (${family}): ${problem}`)
  }
  const fields = FIELDS[family]
  for (const key of Object.keys(c)) if (!fields.includes(key)) fail(`unknown field "${key}" (expected ${fields.join(', ')})`)
  for (const key of fields) {
    if (key === 'family') continue
    const v = c[key]
    if (v === undefined) fail(`missing field "${key}"`)
    if (BOOLEAN_FIELDS.has(key)) {
      if (typeof v !== 'boolean') fail(`${key} must be true or false, got ${JSON.stringify(v)}`)
      continue
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${key} must be a finite number, got ${JSON.stringify(v)}`)
    const n = v as number
    if (RATE_FIELDS.has(key)) {
      if (n < 0 || n >= 1) fail(`${key} must be in [0, 1), got ${n}`)
    } else if (POSITIVE_REAL_FIELDS.has(key)) {
      if (n <= 0) fail(`${key} must be positive, got ${n}`)
    } else if (NON_NEGATIVE_REAL_FIELDS.has(key)) {
      if (n < 0) fail(`${key} must not be negative, got ${n}`)
    } else if (NON_NEGATIVE_INT_FIELDS.has(key)) {
      if (!Number.isInteger(n) || n < 0) fail(`${key} must be a non-negative integer, got ${n}`)
    } else if (!Number.isInteger(n) || n < 1) fail(`${key} must be a positive integer, got ${n}`)
  }
  const m = c as unknown as ModelConfig
  if (m.hiddenSize % m.numHeads !== 0) fail(`hidden size ${m.hiddenSize} is not divisible by ${m.numHeads} heads`)
  if (m.family === 'bert' || m.family === 'roberta') checkEncoder(m, fail)
  if (m.family === 'gpt2' && m.numHeads > m.hiddenSize) fail('more heads than hidden units')
  if (isVisionConfig(m)) {
    if (m.imageSize % m.patchSize !== 0) fail(`image size ${m.imageSize} is not divisible by patch size ${m.patchSize}`)
    if (m.family === 'cait' && m.numClassLayers < 1) fail('numClassLayers must be at least 1')
  }
  return m
}

function checkEncoder(c: EncoderConfig, fail: (problem: string) => never): void {
  if (c.padTokenId >= c.vocabSize) fail(`padTokenId ${c.padTokenId} is outside the vocabulary of ${c.vocabSize}`)
  if (c.family === 'roberta' && c.maxPositions <= c.padTokenId + 1)
    fail(`maxPositions ${c.maxPositions} leaves no room: RoBERTa positions start at padTokenId + 1 = ${c.padTokenId + 1}`)
}

/** Per-family defaults (HF/timm values); sizes come from presets or the caller. */
export const FAMILY_DEFAULTS: { [F in FamilyName]: Partial<ConfigOf<F>> } = {
  bert: { layerNormEps: 1e-12, hiddenDropout: 0.1, attentionDropout: 0.1, initializerRange: 0.02, typeVocabSize: 2, padTokenId: 0, tieWordEmbeddings: true, addPooler: false },
  roberta: { layerNormEps: 1e-5, hiddenDropout: 0.1, attentionDropout: 0.1, initializerRange: 0.02, typeVocabSize: 1, padTokenId: 1, tieWordEmbeddings: true, addPooler: false },
  gpt2: { layerNormEps: 1e-5, hiddenDropout: 0.1, attentionDropout: 0.1, initializerRange: 0.02, tieWordEmbeddings: true },
  vit: { layerNormEps: 1e-6, hiddenDropout: 0, attentionDropout: 0, initializerRange: 0.02, qkvBias: true, numChannels: 3 },
  deit: { layerNormEps: 1e-6, hiddenDropout: 0, attentionDropout: 0, initializerRange: 0.02, qkvBias: true, numChannels: 3 },
  cait: { layerNormEps: 1e-6, hiddenDropout: 0, attentionDropout: 0, initializerRange: 0.02, qkvBias: true, numChannels: 3, numClassLayers: 2, layerScaleInit: 1e-5 },
}

/** Family defaults plus the given fields, validated. */
export function makeConfig<F extends FamilyName>(family: F, fields: Partial<ConfigOf<F>>): ConfigOf<F> {
  return validateConfig({ ...FAMILY_DEFAULTS[family], ...fields, family }) as ConfigOf<F>
}
