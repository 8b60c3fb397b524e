/**
 * Analytical FLOPs counter: the one place where compute is counted (training curves on a FLOPs axis, savings to a
 * target loss, the LiGO grow-phase surcharge, KI's teacher and MSLT's frozen layers).
 *
 * Convention (docs/growth/accounting.md §3.3 and Appendix A, the paper's ELECTRA-style counter):
 *   - one "FLOP" is one arithmetic operation; a matmul [m,k]·[k,n] costs 2·m·k·n;
 *   - elementwise constants: dropout 4, LayerNorm 5, GELU 8, softmax 5 per element;
 *   - backward = forward, so one training step = 2 × batch × forward FLOPs of one example;
 *   - attention is counted dense (no causal halving), embeddings as one-hot matmuls (2·e·v per token).
 * The BERT encoder terms reproduce the paper exactly (15.07 TFLOP per BERT-Base step at batch 256, seq 128;
 * Table 3's 3.61e15 for 100 LiGO steps). Other families extend the same rules; each says which terms it adds.
 */

/** ELECTRA's per-element costs (Appendix A "Constants"). */
export const DROPOUT_FLOPS = 4
export const LAYER_NORM_FLOPS = 5
export const GELU_FLOPS = 8
export const SOFTMAX_FLOPS = 5
/** Fraction of tokens whose MLM output softmax is computed: 0.15625 = 20/128 ≈ 15% masking (Appendix A, f). */
export const MLM_OUTPUT_FRACTION = 0.15625

export type FlopsFamily = 'encoder' | 'decoder' | 'vit' | 'cait'
export const FLOPS_FAMILIES: readonly FlopsFamily[] = ['encoder', 'decoder', 'vit', 'cait']

/** Sizes every family shares. The model configs of models/presets.ts map onto these. */
interface TransformerSizes {
  /** Transformer blocks (for CaiT: the self-attention blocks only). */
  layers: number
  /** Hidden size h (= embedding size e = total q/k/v size q, as in every model we grow). */
  hidden: number
  /** Attention heads a. */
  heads: number
  /** FFN inner size i. */
  ffn: number
}

/** BERT / RoBERTa: masked LM, post-LN, token types. */
export interface EncoderFlopsShape extends TransformerSizes {
  family: 'encoder'
  vocab: number
  seqLen: number
  /** Fraction of tokens that get the MLM output head; default MLM_OUTPUT_FRACTION (the paper's counter). */
  maskedFraction?: number
}

/** GPT-2: causal LM, pre-LN, output head tied to the token embedding, loss on every token. */
export interface DecoderFlopsShape extends TransformerSizes {
  family: 'decoder'
  vocab: number
  seqLen: number
}

interface ImageSizes {
  /** Square input side in pixels (224 for DeiT/CaiT). */
  imageSize: number
  /** Square patch side (16). */
  patchSize: number
  /** Input channels (3). */
  channels: number
  /** Classifier outputs (1000 for ImageNet-1k). */
  numClasses: number
}

/** ViT / DeiT: pre-LN encoder over [prefix tokens + patches]. */
export interface VitFlopsShape extends TransformerSizes, ImageSizes {
  family: 'vit'
  /** Tokens before the patches: 1 (class token), 2 for DeiT with a distillation token. Each gets a classifier head. */
  prefixTokens: number
}

/** CaiT: self-attention blocks over patches only (talking heads, LayerScale), then class-attention blocks. */
export interface CaitFlopsShape extends TransformerSizes, ImageSizes {
  family: 'cait'
  /** Class-attention blocks (2 in every published CaiT); their FFN uses `ffn` (mlp_ratio 4, as in cait_models.py). */
  classAttentionLayers: number
}

export type FlopsShape = EncoderFlopsShape | DecoderFlopsShape | VitFlopsShape | CaitFlopsShape

export class FlopsShapeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FlopsShapeError'
  }
}

/** Per-example forward FLOPs split by part of the model (each value already summed over tokens). */
export interface ForwardFlopsBreakdown {
  /** Token/patch embedding, position (and token-type) terms, embedding LayerNorm and dropout. */
  embedding: number
  /** All self-attention blocks. */
  blocks: number
  /** CaiT class-attention blocks (0 elsewhere). */
  classAttention: number
  /** Output head: MLM / LM softmax over the vocabulary, or the image classifier, plus the final LayerNorm. */
  head: number
  total: number
}

// ---------------------------------------------------------------------------------------------------------------
// Validation

function requireInteger(shape: object, field: string, min: number): void {
  const value = (shape as Record<string, unknown>)[field]
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new FlopsShapeError(`FlopsShape.${field} must be an integer >= ${min}, got ${JSON.stringify(value)}`)
  }
}

/** Throws FlopsShapeError naming the field when the shape cannot describe a real model. */
export function validateFlopsShape(shape: FlopsShape): void {
  if (!FLOPS_FAMILIES.includes(shape?.family)) {
    throw new FlopsShapeError(`Unknown FLOPs family ${JSON.stringify(shape?.family)}. Expected one of: ${FLOPS_FAMILIES.join(', ')}`)
  }
  for (const field of ['layers', 'hidden', 'heads', 'ffn']) requireInteger(shape, field, field === 'layers' ? 0 : 1)
  if (shape.hidden % shape.heads !== 0) {
    throw new FlopsShapeError(`FlopsShape.hidden (${shape.hidden}) must be divisible by heads (${shape.heads})`)
  }
  if (shape.family === 'encoder' || shape.family === 'decoder') {
    requireInteger(shape, 'vocab', 1)
    requireInteger(shape, 'seqLen', 1)
    if (shape.family === 'encoder' && shape.maskedFraction !== undefined) {
      const f = shape.maskedFraction
      if (!(typeof f === 'number' && f > 0 && f <= 1)) {
        throw new FlopsShapeError(`FlopsShape.maskedFraction must be in (0, 1], got ${JSON.stringify(f)}`)
      }
    }
    return
  }
  for (const field of ['imageSize', 'patchSize', 'channels', 'numClasses']) requireInteger(shape, field, 1)
  if (shape.imageSize % shape.patchSize !== 0) {
    throw new FlopsShapeError(`FlopsShape.imageSize (${shape.imageSize}) must be a multiple of patchSize (${shape.patchSize})`)
  }
  if (shape.family === 'vit') requireInteger(shape, 'prefixTokens', 0)
  else requireInteger(shape, 'classAttentionLayers', 0)
}

function requireBatch(batch: number): void {
  if (!Number.isInteger(batch) || batch < 1) throw new FlopsShapeError(`batch must be an integer >= 1, got ${JSON.stringify(batch)}`)
}

// ---------------------------------------------------------------------------------------------------------------
// Sequence lengths

/** Number of image patches: (imageSize / patchSize)². 196 for 224² images and 16² patches. */
export function patchCount(shape: ImageSizes): number {
  return (shape.imageSize / shape.patchSize) ** 2
}

/**
 * Tokens the self-attention blocks see, s in Appendix A:
 *   encoder/decoder: seqLen (BERT's 128 includes [CLS] and [SEP]);
 *   vit: prefix tokens + patches (DeiT-B: 1 + 196 = 197, §5.1);
 *   cait: patches only (196): the class token joins only at the class-attention stage (§5.1 config details).
 */
export function sequenceLength(shape: FlopsShape): number {
  switch (shape.family) {
    case 'encoder':
    case 'decoder':
      return shape.seqLen
    case 'vit':
      return shape.prefixTokens + patchCount(shape)
    case 'cait':
      return patchCount(shape)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Self-attention block (Appendix A, "Forward FLOPs of one block, per token")

/**
 * Per-token forward terms of one transformer block, exactly as ELECTRA's counter lists them (Appendix A).
 * Used for every family's self-attention blocks: pre-LN (GPT-2, ViT) has the same two LayerNorms as post-LN (BERT),
 * so the count is the same. The attention LayerNorm is the constant 5 (not 5·h): the original counter's quirk,
 * kept everywhere so our curves stay comparable with the paper's figures.
 */
export function blockForwardTermsPerToken(h: number, i: number, a: number, s: number): Record<string, number> {
  const q = h // total q/k/v projection size
  return {
    qkvProjections: 3 * 2 * h * q,
    qkvBiases: 3 * q,
    attentionScores: 2 * q * s,
    attentionSoftmax: SOFTMAX_FLOPS * s * a,
    attentionDropout: DROPOUT_FLOPS * s * a,
    attentionScale: s * a,
    attentionWeightedValues: 2 * h * s,
    outputProjection: 2 * h * h,
    outputBias: h,
    outputDropout: DROPOUT_FLOPS * h,
    outputResidual: h,
    attentionLayerNorm: LAYER_NORM_FLOPS, // quirk: a constant, see above
    ffnUp: 2 * h * i,
    ffnGelu: GELU_FLOPS * i,
    ffnUpBias: i,
    ffnDown: 2 * h * i,
    ffnDownBias: h,
    ffnDropout: DROPOUT_FLOPS * h,
    ffnResidual: h,
    ffnLayerNorm: LAYER_NORM_FLOPS * h,
  }
}

const sum = (terms: Record<string, number>): number => Object.values(terms).reduce((acc, v) => acc + v, 0)

/** Forward FLOPs of one self-attention block over s tokens. */
export function blockForwardFlops(h: number, i: number, a: number, s: number): number {
  return sum(blockForwardTermsPerToken(h, i, a, s)) * s
}

/**
 * CaiT's extra per-token terms in each self-attention block (our extension, derived with the same rules):
 *   talking heads: two a×a maps over the head axis (proj_l before, proj_w after the softmax), applied at each of
 *   the s key positions: 2·a²·s per map (Appendix A's "2·a²·s per token" is one map) plus an a-sized bias per key;
 *   LayerScale: one multiply per element on each residual branch, 2·h.
 */
function caitBlockExtraPerToken(h: number, a: number, s: number): number {
  const talkingHeads = 2 * (2 * a * a * s + a * s)
  const layerScale = 2 * h
  return talkingHeads + layerScale
}

/**
 * One class-attention block of CaiT over n = patches + 1 tokens, per image (our derivation; not in the paper).
 * Only the class token is updated: one query, keys and values over all n tokens (timm/DeiT cait_models.py ClassAttn).
 * Here LayerNorms are counted per element (5·h per token); the ELECTRA quirk belongs to its own block formula.
 */
export function classAttentionBlockFlops(h: number, i: number, a: number, n: number): number {
  const norm1 = LAYER_NORM_FLOPS * h * n // norm1 over [cls, patches]
  const query = 2 * h * h + h // cls token only
  const keysValues = 2 * (2 * h * h + h) * n
  const scores = 2 * h * n // one query row
  const softmaxDropoutScale = (SOFTMAX_FLOPS + DROPOUT_FLOPS + 1) * a * n
  const weightedValues = 2 * h * n
  const projection = 2 * h * h + h + DROPOUT_FLOPS * h
  const residualsAndLayerScale = 2 * (h + h) // two branches: gamma multiply + residual add, cls only
  const norm2 = LAYER_NORM_FLOPS * h
  const mlp = 2 * h * i + GELU_FLOPS * i + i + 2 * h * i + h + DROPOUT_FLOPS * h
  return norm1 + query + keysValues + scores + softmaxDropoutScale + weightedValues + projection + residualsAndLayerScale + norm2 + mlp
}

// ---------------------------------------------------------------------------------------------------------------
// Embeddings and heads

/** Classifier over one token: dense + bias + softmax + target pick (the MLM output's last terms, with C classes). */
function classifierFlops(h: number, classes: number): number {
  return 2 * h * classes + classes + SOFTMAX_FLOPS * classes + 2 * classes
}

function encoderParts(shape: EncoderFlopsShape): Omit<ForwardFlopsBreakdown, 'blocks' | 'classAttention' | 'total'> {
  const { hidden: h, vocab: v, seqLen: s } = shape
  const e = h
  const f = shape.maskedFraction ?? MLM_OUTPUT_FRACTION
  // Appendix A "Input embedding, per token": one-hot lookup, token-type + position tables (s + 2 rows), 2 adds, LN, dropout
  const embeddingPerToken = 2 * e * v + 2 * e * (s + 2) + 2 * e + LAYER_NORM_FLOPS * e + DROPOUT_FLOPS * e
  // Appendix A "MLM output, per token", charged on a fraction f of the tokens
  const headPerToken = 2 * e * v + 2 * h * e + e + GELU_FLOPS * e + LAYER_NORM_FLOPS * e + SOFTMAX_FLOPS * v + 2 * v
  return { embedding: embeddingPerToken * s, head: headPerToken * s * f }
}

function decoderParts(shape: DecoderFlopsShape): Omit<ForwardFlopsBreakdown, 'blocks' | 'classAttention' | 'total'> {
  const { hidden: h, vocab: v, seqLen: s } = shape
  const e = h
  // GPT-2 (Appendix A "other families"): token lookup 2·e·v, position lookup 2·e·s (no token types), one add,
  // dropout; no embedding LayerNorm (pre-LN).
  const embeddingPerToken = 2 * e * v + 2 * e * s + e + DROPOUT_FLOPS * e
  // Final LayerNorm, then the tied LM head on every token (f = 1): decoder matmul, softmax, target pick. No bias.
  const headPerToken = LAYER_NORM_FLOPS * h + 2 * e * v + SOFTMAX_FLOPS * v + 2 * v
  return { embedding: embeddingPerToken * s, head: headPerToken * s }
}

/** Patch embedding: a stride-p convolution = a (p²·c → h) linear per patch, plus bias (Appendix A "other families"). */
function patchEmbeddingFlops(shape: ImageSizes & { hidden: number }): number {
  const { hidden: h, patchSize: p, channels: c } = shape
  return (2 * p * p * c * h + h) * patchCount(shape)
}

function vitParts(shape: VitFlopsShape): Omit<ForwardFlopsBreakdown, 'blocks' | 'classAttention' | 'total'> {
  const h = shape.hidden
  const s = sequenceLength(shape)
  // Position embedding: a learned table added to every token (h adds per token), then dropout; prefix tokens are
  // concatenated (no arithmetic).
  const embedding = patchEmbeddingFlops(shape) + (h + DROPOUT_FLOPS * h) * s
  // Final LayerNorm over all tokens (timm normalises the whole sequence), then one classifier per prefix token
  // (class head; DeiT's distillation head on the second prefix token).
  const head = LAYER_NORM_FLOPS * h * s + classifierFlops(h, shape.numClasses) * Math.max(1, shape.prefixTokens)
  return { embedding, head }
}

function caitParts(shape: CaitFlopsShape): Omit<ForwardFlopsBreakdown, 'blocks' | 'classAttention' | 'total'> {
  const h = shape.hidden
  const patches = patchCount(shape)
  // Position embedding on patches only (the class token gets none, §5.1), dropout on patches.
  const embedding = patchEmbeddingFlops(shape) + (h + DROPOUT_FLOPS * h) * patches
  // Final LayerNorm over [cls, patches], classifier on the class token.
  const head = LAYER_NORM_FLOPS * h * (patches + 1) + classifierFlops(h, shape.numClasses)
  return { embedding, head }
}

// ---------------------------------------------------------------------------------------------------------------
// Public counters

/** Forward FLOPs of one example (one sequence / one image), split by part. */
export function forwardFlopsBreakdown(shape: FlopsShape): ForwardFlopsBreakdown {
  validateFlopsShape(shape)
  const { layers, hidden: h, ffn: i, heads: a } = shape
  const s = sequenceLength(shape)
  let parts: Omit<ForwardFlopsBreakdown, 'blocks' | 'classAttention' | 'total'>
  let blocks = layers * blockForwardFlops(h, i, a, s)
  let classAttention = 0
  switch (shape.family) {
    case 'encoder':
      parts = encoderParts(shape)
      break
    case 'decoder':
      parts = decoderParts(shape)
      break
    case 'vit':
      parts = vitParts(shape)
      break
    case 'cait':
      parts = caitParts(shape)
      blocks += layers * caitBlockExtraPerToken(h, a, s) * s
      classAttention = shape.classAttentionLayers * classAttentionBlockFlops(h, i, a, s + 1)
      break
  }
  return { ...parts, blocks, classAttention, total: parts.embedding + blocks + classAttention + parts.head }
}

/** Forward FLOPs of one example (inference, evaluation, a frozen teacher). */
export function forwardFlopsPerExample(shape: FlopsShape): number {
  return forwardFlopsBreakdown(shape).total
}

/** One training step: forward + backward (= forward) over the batch: 2 × batch × forward (Appendix A). */
export function trainingStepFlops(shape: FlopsShape, batch: number): number {
  requireBatch(batch)
  return 2 * batch * forwardFlopsPerExample(shape)
}

/** Training FLOPs of `steps` plain steps at a fixed batch. */
export function trainingFlops(shape: FlopsShape, batch: number, steps: number): number {
  if (!Number.isInteger(steps) || steps < 0) throw new FlopsShapeError(`steps must be an integer >= 0, got ${JSON.stringify(steps)}`)
  return steps * trainingStepFlops(shape, batch)
}

// ---------------------------------------------------------------------------------------------------------------
// LiGO operator training (grow phase), §3.3 and Appendix A "LiGO surcharge"

/**
 * Cost of materialising one large block's weights from the small model through the LiGO operator, per sequence
 * (Appendix A table; L1 = small layers, h1 = small hidden, h = large hidden, d = h − h1, i = large FFN, q = h).
 * Depth mixing costs ≈2·L1 per large entry, width expansion the rest. Terms kept exactly as the official counter
 * writes them (some are not symmetric, e.g. the two LayerNorms), which is what reproduces Table 3.
 */
export function ligoBlockSurchargeTerms(L1: number, h1: number, h: number, i: number): Record<string, number> {
  const q = h
  const d = h - h1
  return {
    qkvWeight: 2 * h * q * L1 + 4 * d * h1 * h1,
    qkvBias: q * L1 + d * h1,
    outputWeight: 2 * h * h * L1 + 4 * d * h1 * h1,
    outputBias: h * L1 + d * h1,
    attentionLayerNorm: 2 * h * L1 + 2 * d * h1,
    ffnUpWeight: 2 * h * i * L1 + 4 * d * h1 * i,
    ffnUpBias: i * L1 + d * i,
    ffnDownWeight: 2 * h * i * L1 + 2 * d * i * h,
    ffnDownBias: 2 * h * L1 + d * h,
    ffnLayerNorm: 2 * h * L1 + d * h,
  }
}

/**
 * CaiT-only operator terms per self-attention block (INFERRED, §7 leaves talking heads and LayerScale open):
 * each LayerScale vector is charged like a bias (h·L1 + d·h1), each talking-heads map like a q/k/v weight with
 * heads in place of channels (2·a²·L1 + 4·(a − a1)·a1²) and its bias like a bias (a·L1 + (a − a1)·a1).
 */
function caitBlockSurcharge(L1: number, h1: number, h: number, a1: number, a: number): number {
  const layerScale = 2 * (h * L1 + (h - h1) * h1)
  const talkingHeads = 2 * (2 * a * a * L1 + 4 * (a - a1) * a1 * a1 + a * L1 + (a - a1) * a1)
  return layerScale + talkingHeads
}

function requireSameFamilyGrowth(small: FlopsShape, large: FlopsShape): void {
  validateFlopsShape(small)
  validateFlopsShape(large)
  if (small.family !== large.family) {
    throw new FlopsShapeError(`LiGO grows within one family: small is '${small.family}', large is '${large.family}'`)
  }
  if (small.hidden > large.hidden || small.layers > large.layers) {
    throw new FlopsShapeError(
      `LiGO grows a model: small (${small.layers} layers, hidden ${small.hidden}) must not exceed large (${large.layers} layers, hidden ${large.hidden})`,
    )
  }
  if (small.family === 'cait' && large.family === 'cait' && small.classAttentionLayers > large.classAttentionLayers) {
    throw new FlopsShapeError(
      `LiGO grows a model: small classAttentionLayers (${small.classAttentionLayers}) exceeds large (${large.classAttentionLayers})`,
    )
  }
}

/**
 * Operator surcharge of one sequence's forward: the per-block term for every large block (§3.3: "charged per
 * sequence", i.e. multiplied by batch, a conservative over-count the paper keeps). CaiT also charges its
 * class-attention blocks (depth mixing over the small model's CA blocks) and the CaiT-only terms above.
 */
export function ligoSurchargePerSequence(small: FlopsShape, large: FlopsShape): number {
  requireSameFamilyGrowth(small, large)
  const { hidden: h, ffn: i } = large
  const perBlock = sum(ligoBlockSurchargeTerms(small.layers, small.hidden, h, i))
  let total = large.layers * perBlock
  if (small.family === 'cait' && large.family === 'cait') {
    total += large.layers * caitBlockSurcharge(small.layers, small.hidden, h, small.heads, large.heads)
    const caPerBlock = sum(ligoBlockSurchargeTerms(small.classAttentionLayers, small.hidden, h, i))
    // CA blocks have LayerScale but no talking heads.
    const caLayerScale = 2 * (h * small.classAttentionLayers + (h - small.hidden) * small.hidden)
    total += large.classAttentionLayers * (caPerBlock + caLayerScale)
  }
  return total
}

/**
 * One LiGO operator-training step: the large model's training step plus the surcharge, both forward and backward
 * (§3.3: "added to each block's forward FLOPs once per sequence, so also multiplied by 2 × batch × l").
 * BERT-Small → BERT-Base at batch 256, seq 128: 36.13 TFLOP.
 */
export function ligoGrowthStepFlops(small: FlopsShape, large: FlopsShape, batch: number): number {
  return trainingStepFlops(large, batch) + 2 * batch * ligoSurchargePerSequence(small, large)
}

// ---------------------------------------------------------------------------------------------------------------
// Baselines with a different step cost

/**
 * KI (§6.6): every step also runs the frozen small teacher forward on the same batch; forward only, no backward.
 * Our derivation: batch × forward(teacher). The KL term on masked positions (a temperature softmax and a product
 * per vocabulary entry, ≈10·v per masked token) is under 1% of the output layer and is not counted.
 */
export function kiTeacherForwardFlops(teacher: FlopsShape, batch: number): number {
  requireBatch(batch)
  return batch * forwardFlopsPerExample(teacher)
}

/** One KI step: the student's training step plus the teacher's forward (only while distillation is on, α_t > 0). */
export function kiStepFlops(teacher: FlopsShape, student: FlopsShape, batch: number): number {
  return trainingStepFlops(student, batch) + kiTeacherForwardFlops(teacher, batch)
}

export interface FrozenLayersOptions {
  /** Bottom blocks that are frozen: forward only. */
  frozenLayers: number
  /** Whether the embedding is trained too (default false: in MSLT's stages only the new top layers train). */
  trainEmbeddings?: boolean
}

/**
 * MSLT (§6.2) and bert2BERT's sub-model stage: the bottom blocks are frozen, so they run forward only (1×) and no
 * gradient flows below the lowest trained block; trained blocks and the head cost forward + backward (2×).
 * Our derivation from the ×2 rule: batch × [frozen part + 2 × trained part].
 */
export function frozenLayersStepFlops(shape: FlopsShape, batch: number, options: FrozenLayersOptions): number {
  requireBatch(batch)
  const parts = forwardFlopsBreakdown(shape)
  const { frozenLayers, trainEmbeddings = false } = options
  if (!Number.isInteger(frozenLayers) || frozenLayers < 0 || frozenLayers > shape.layers) {
    throw new FlopsShapeError(`frozenLayers must be an integer in [0, ${shape.layers}], got ${JSON.stringify(frozenLayers)}`)
  }
  if (trainEmbeddings && frozenLayers > 0) {
    throw new FlopsShapeError('trainEmbeddings with frozenLayers > 0 would need gradients through frozen blocks; not a MSLT stage')
  }
  const perBlock = shape.layers === 0 ? 0 : parts.blocks / shape.layers // blocks are identical
  const frozen = frozenLayers * perBlock + (trainEmbeddings ? 0 : parts.embedding)
  const trained = parts.total - frozen
  return batch * (frozen + 2 * trained)
}

/** MSLT's stage step: see frozenLayersStepFlops. */
export const msltStepFlops = frozenLayersStepFlops

// ---------------------------------------------------------------------------------------------------------------
// Formatting

const SI_PREFIXES = [
  { exponent: 21, prefix: 'Z' },
  { exponent: 18, prefix: 'E' },
  { exponent: 15, prefix: 'P' },
  { exponent: 12, prefix: 'T' },
  { exponent: 9, prefix: 'G' },
  { exponent: 6, prefix: 'M' },
  { exponent: 3, prefix: 'k' },
  { exponent: 0, prefix: '' },
]

/**
 * "15.07 TFLOP" (SI, default) or "6.03e18 FLOP" (scientific, the paper's style). Two decimals by default.
 */
export function formatFlops(flops: number, options: { style?: 'si' | 'scientific'; digits?: number } = {}): string {
  const { style = 'si', digits = 2 } = options
  if (!Number.isFinite(flops)) return `${flops} FLOP`
  if (flops === 0) return '0 FLOP'
  if (style === 'scientific') {
    const [mantissa, exponent] = flops.toExponential(digits).split('e')
    return `${mantissa}e${Number(exponent)} FLOP`
  }
  const magnitude = Math.abs(flops)
  const unit = SI_PREFIXES.find((p) => magnitude >= 10 ** p.exponent) ?? SI_PREFIXES[SI_PREFIXES.length - 1]
  return `${(flops / 10 ** unit.exponent).toFixed(digits)} ${unit.prefix}FLOP`
}
