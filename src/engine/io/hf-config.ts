/**
 * config.json <-> ModelConfig. transformers configs for bert, roberta, gpt2, vit, deit (docs/formats/checkpoints.md
 * §2.1–2.5) and timm's pretrained-cfg style config.json for vit/deit/cait (§2.6: `architecture` + `model_args`,
 * read by `timm.create_model("local-dir:DIR", pretrained=True)`).
 *
 * Sizes are derived from the tensor shapes first (everything but the head count A can be, §5.3); config.json
 * supplies A, eps, dropouts, ids and ties. When a value is in neither, the default is used and said so.
 */
import { FAMILY_DEFAULTS, makeConfig, numPatches, prefixTokens, type FamilyName, type ModelConfig, type VisionConfig } from '../models/config'

export type JsonObject = Record<string, unknown>

/** Canonical name -> shape of the tensors found in the checkpoint. */
export type CanonicalShapes = ReadonlyMap<string, readonly number[]>

export interface BuiltConfig {
  readonly config: ModelConfig
  /** What was assumed because neither the shapes nor config.json said it (shown to the user). */
  readonly assumptions: readonly string[]
}

/** Known timm variants (timm cait.py, vision_transformer.py, deit.py): what model_args override. */
export const TIMM_VARIANTS: Readonly<Record<string, { embedDim: number; depth: number; numHeads: number; patchSize: number; imageSize: number; layerScaleInit?: number }>> = {
  cait_xxs24_224: { embedDim: 192, depth: 24, numHeads: 4, patchSize: 16, imageSize: 224, layerScaleInit: 1e-5 },
  cait_xxs36_224: { embedDim: 192, depth: 36, numHeads: 4, patchSize: 16, imageSize: 224, layerScaleInit: 1e-5 },
  cait_xs24_384: { embedDim: 288, depth: 24, numHeads: 6, patchSize: 16, imageSize: 384, layerScaleInit: 1e-5 },
  cait_s24_224: { embedDim: 384, depth: 24, numHeads: 8, patchSize: 16, imageSize: 224, layerScaleInit: 1e-5 },
  cait_s24_384: { embedDim: 384, depth: 24, numHeads: 8, patchSize: 16, imageSize: 384, layerScaleInit: 1e-5 },
  cait_s36_384: { embedDim: 384, depth: 36, numHeads: 8, patchSize: 16, imageSize: 384, layerScaleInit: 1e-6 },
  cait_m36_384: { embedDim: 768, depth: 36, numHeads: 16, patchSize: 16, imageSize: 384, layerScaleInit: 1e-6 },
  cait_m48_448: { embedDim: 768, depth: 48, numHeads: 16, patchSize: 16, imageSize: 448, layerScaleInit: 1e-6 },
  vit_tiny_patch16_224: { embedDim: 192, depth: 12, numHeads: 3, patchSize: 16, imageSize: 224 },
  vit_small_patch16_224: { embedDim: 384, depth: 12, numHeads: 6, patchSize: 16, imageSize: 224 },
  vit_base_patch16_224: { embedDim: 768, depth: 12, numHeads: 12, patchSize: 16, imageSize: 224 },
  deit_tiny_patch16_224: { embedDim: 192, depth: 12, numHeads: 3, patchSize: 16, imageSize: 224 },
  deit_small_patch16_224: { embedDim: 384, depth: 12, numHeads: 6, patchSize: 16, imageSize: 224 },
  deit_base_patch16_224: { embedDim: 768, depth: 12, numHeads: 12, patchSize: 16, imageSize: 224 },
  deit_tiny_distilled_patch16_224: { embedDim: 192, depth: 12, numHeads: 3, patchSize: 16, imageSize: 224 },
  deit_small_distilled_patch16_224: { embedDim: 384, depth: 12, numHeads: 6, patchSize: 16, imageSize: 224 },
  deit_base_distilled_patch16_224: { embedDim: 768, depth: 12, numHeads: 12, patchSize: 16, imageSize: 224 },
}

const num = (json: JsonObject | null, ...keys: string[]): number | undefined => {
  for (const key of keys) {
    const v = json?.[key]
    if (typeof v === 'number' && Number.isFinite(v)) return v
  }
  return undefined
}
const bool = (json: JsonObject | null, key: string): boolean | undefined => (typeof json?.[key] === 'boolean' ? (json[key] as boolean) : undefined)

/** Number of blocks = 1 + the largest index seen for this prefix (blocks.{i}.attn.q.weight). */
function countBlocks(shapes: CanonicalShapes, stage: 'blocks' | 'cls_blocks'): number {
  let count = 0
  for (const name of shapes.keys()) {
    const m = new RegExp(`^${stage}\\.(\\d+)\\.`).exec(name)
    if (m) count = Math.max(count, Number(m[1]) + 1)
  }
  return count
}

function need(shapes: CanonicalShapes, name: string, where: string): readonly number[] {
  const shape = shapes.get(name)
  if (!shape) throw new Error(`${where}: the checkpoint has no tensor for ${name}, so its size cannot be read`)
  return shape
}

/**
 * The head count: config.json, a timm variant, CaiT's [A, A] talking-heads matrices, or (last) head size 64 as in
 * every BERT/GPT-2/ViT size, falling back to 1 head for hidden sizes that are not a multiple of 64.
 */
function headCount(hidden: number, fromConfig: number | undefined, shapes: CanonicalShapes, assumptions: string[]): number {
  if (fromConfig !== undefined) return fromConfig
  const talk = shapes.get('blocks.0.attn.talk_pre.weight')
  if (talk) return talk[0]
  const heads = hidden % 64 === 0 ? hidden / 64 : 1
  assumptions.push(
    `assumed ${heads} attention head${heads === 1 ? '' : 's'} (head size ${hidden / heads}): the head count is not in the tensor shapes and no config.json gives it; ` +
      'add num_attention_heads (n_head for GPT-2, model_args.num_heads for timm) to config.json if this is wrong',
  )
  return heads
}

/** ModelConfig from the checkpoint's shapes and its config.json (HF or timm style, or null). */
export function buildConfig(family: FamilyName, library: 'transformers' | 'timm', shapes: CanonicalShapes, json: JsonObject | null, where: string): BuiltConfig {
  const assumptions: string[] = []
  const L = countBlocks(shapes, 'blocks')
  const I = need(shapes, 'blocks.0.mlp.up.weight', where)[0]
  const common = {
    numLayers: L,
    intermediateSize: I,
    initializerRange: num(json, 'initializer_range') ?? 0.02,
  }
  if (family === 'bert' || family === 'roberta') {
    const [V, H] = need(shapes, 'embed.tok.weight', where)
    const defaults = FAMILY_DEFAULTS[family]
    const eps = num(json, 'layer_norm_eps')
    if (eps === undefined) assumptions.push(`assumed LayerNorm eps ${defaults.layerNormEps} (the ${family} default)`)
    checkTextOptions(json, family)
    return {
      config: makeConfig(family, {
        ...common,
        hiddenSize: H,
        vocabSize: V,
        numHeads: headCount(H, num(json, 'num_attention_heads'), shapes, assumptions),
        maxPositions: need(shapes, 'embed.pos.weight', where)[0],
        typeVocabSize: need(shapes, 'embed.type.weight', where)[0],
        padTokenId: num(json, 'pad_token_id') ?? defaults.padTokenId,
        layerNormEps: eps ?? defaults.layerNormEps,
        hiddenDropout: num(json, 'hidden_dropout_prob') ?? defaults.hiddenDropout,
        attentionDropout: num(json, 'attention_probs_dropout_prob') ?? defaults.attentionDropout,
        tieWordEmbeddings: !shapes.has('head.lm.weight'),
        addPooler: shapes.has('pooler.weight'),
      }),
      assumptions,
    }
  }
  if (family === 'gpt2') {
    const [V, H] = need(shapes, 'embed.tok.weight', where)
    checkTextOptions(json, family)
    const eps = num(json, 'layer_norm_epsilon')
    if (eps === undefined) assumptions.push('assumed LayerNorm eps 1e-05 (the GPT-2 default)')
    return {
      config: makeConfig('gpt2', {
        ...common,
        hiddenSize: H,
        vocabSize: V,
        numHeads: headCount(H, num(json, 'n_head', 'num_attention_heads'), shapes, assumptions),
        maxPositions: need(shapes, 'embed.pos.weight', where)[0],
        layerNormEps: eps ?? 1e-5,
        hiddenDropout: num(json, 'resid_pdrop') ?? 0.1,
        attentionDropout: num(json, 'attn_pdrop') ?? 0.1,
        tieWordEmbeddings: !shapes.has('head.lm.weight'),
      }),
      assumptions,
    }
  }
  return visionConfig(family, library, shapes, json, where, common, assumptions)
}

function visionConfig(
  family: 'vit' | 'deit' | 'cait',
  library: 'transformers' | 'timm',
  shapes: CanonicalShapes,
  json: JsonObject | null,
  where: string,
  common: { numLayers: number; intermediateSize: number; initializerRange: number },
  assumptions: string[],
): BuiltConfig {
  const [H, C, p] = need(shapes, 'embed.patch.weight', where)
  const modelArgs = (json?.model_args ?? null) as JsonObject | null
  const variant = typeof json?.architecture === 'string' ? TIMM_VARIANTS[json.architecture] : undefined
  const prefix = family === 'vit' ? 1 : family === 'deit' ? 2 : 0
  const positions = need(shapes, 'embed.pos.weight', where)[0] - prefix
  const side = Math.round(Math.sqrt(positions))
  if (side * side !== positions) throw new Error(`${where}: ${positions} patch positions is not a square grid, so the image size cannot be read`)
  const head = shapes.get('head.cls.weight')
  const labels = json?.id2label && typeof json.id2label === 'object' ? Object.keys(json.id2label as object).length : undefined
  let K = head?.[0] ?? num(json, 'num_classes') ?? labels
  if (K === undefined) {
    K = 2
    assumptions.push('assumed 2 classes: the checkpoint has no classifier and config.json gives no labels')
  }
  // HF ViT/DeiT default to eps 1e-12 (transformers' ViTConfig); timm hard-codes 1e-6.
  const eps = library === 'timm' ? 1e-6 : (num(json, 'layer_norm_eps') ?? 1e-12)
  if (library === 'transformers' && num(json, 'layer_norm_eps') === undefined) {
    assumptions.push("assumed LayerNorm eps 1e-12 (transformers' ViTConfig default; weights converted from timm use 1e-6)")
  }
  const fields = {
    ...common,
    hiddenSize: H,
    numChannels: C,
    patchSize: p,
    imageSize: side * p,
    numClasses: K,
    numHeads: headCount(H, num(json, 'num_attention_heads') ?? num(modelArgs, 'num_heads') ?? variant?.numHeads, shapes, assumptions),
    qkvBias: shapes.has('blocks.0.attn.q.bias'),
    layerNormEps: eps,
    hiddenDropout: num(json, 'hidden_dropout_prob') ?? 0,
    attentionDropout: num(json, 'attention_probs_dropout_prob') ?? 0,
  }
  if (family === 'cait') {
    return {
      config: makeConfig('cait', {
        ...fields,
        numClassLayers: countBlocks(shapes, 'cls_blocks'),
        layerScaleInit: num(modelArgs, 'init_values') ?? variant?.layerScaleInit ?? FAMILY_DEFAULTS.cait.layerScaleInit,
      }),
      assumptions,
    }
  }
  return { config: makeConfig(family, fields), assumptions }
}

/** Options this engine's text models do not implement: refuse rather than compute something else. */
export function checkTextOptions(json: JsonObject | null, family: 'bert' | 'roberta' | 'gpt2'): void {
  if (!json) return
  const refuse = (field: string, value: unknown, supported: string) => {
    throw new Error(`config.json: ${field} ${JSON.stringify(value)} is not supported (the ${family} model here implements ${supported})`)
  }
  if (family === 'gpt2') {
    const act = json.activation_function
    if (act !== undefined && act !== 'gelu_new') refuse('activation_function', act, '"gelu_new"')
    if (json.scale_attn_by_inverse_layer_idx === true) refuse('scale_attn_by_inverse_layer_idx', true, 'false')
    if (json.scale_attn_weights === false) refuse('scale_attn_weights', false, 'true')
    if (json.n_inner !== undefined && json.n_inner !== null && typeof json.n_inner !== 'number') refuse('n_inner', json.n_inner, 'a number or null')
    return
  }
  const act = json.hidden_act
  if (act !== undefined && act !== 'gelu') refuse('hidden_act', act, '"gelu" (erf)')
  const position = json.position_embedding_type
  if (position !== undefined && position !== 'absolute') refuse('position_embedding_type', position, '"absolute"')
}

/** Sizes config.json states, as (field, value, config value) for a consistency check against the shapes. */
export function statedSizes(family: FamilyName, json: JsonObject | null, config: ModelConfig): Array<{ field: string; stated: number; actual: number }> {
  if (!json) return []
  const modelArgs = (json.model_args ?? null) as JsonObject | null
  const pairs: Array<[string, number | undefined, number]> = []
  const c = config as unknown as Record<string, number>
  if (family === 'gpt2') {
    pairs.push(['n_embd', num(json, 'n_embd'), c.hiddenSize], ['n_layer', num(json, 'n_layer'), c.numLayers], ['vocab_size', num(json, 'vocab_size'), c.vocabSize])
    pairs.push(['n_positions', num(json, 'n_positions', 'n_ctx'), c.maxPositions], ['n_inner', num(json, 'n_inner'), c.intermediateSize])
  } else if (family === 'bert' || family === 'roberta') {
    pairs.push(['hidden_size', num(json, 'hidden_size'), c.hiddenSize], ['num_hidden_layers', num(json, 'num_hidden_layers'), c.numLayers])
    pairs.push(['intermediate_size', num(json, 'intermediate_size'), c.intermediateSize], ['vocab_size', num(json, 'vocab_size'), c.vocabSize])
    pairs.push(['max_position_embeddings', num(json, 'max_position_embeddings'), c.maxPositions], ['type_vocab_size', num(json, 'type_vocab_size'), c.typeVocabSize])
  } else if (modelArgs || typeof json.architecture === 'string') {
    pairs.push(['model_args.embed_dim', num(modelArgs, 'embed_dim'), c.hiddenSize], ['model_args.depth', num(modelArgs, 'depth'), c.numLayers])
    pairs.push(['model_args.patch_size', num(modelArgs, 'patch_size'), c.patchSize], ['model_args.img_size', num(modelArgs, 'img_size'), c.imageSize])
  } else {
    pairs.push(['hidden_size', num(json, 'hidden_size'), c.hiddenSize], ['num_hidden_layers', num(json, 'num_hidden_layers'), c.numLayers])
    pairs.push(['intermediate_size', num(json, 'intermediate_size'), c.intermediateSize], ['image_size', num(json, 'image_size'), c.imageSize])
    pairs.push(['patch_size', num(json, 'patch_size'), c.patchSize], ['num_channels', num(json, 'num_channels'), c.numChannels])
  }
  return pairs.filter(([, stated]) => stated !== undefined).map(([field, stated, actual]) => ({ field, stated: stated!, actual }))
}

// ---------------------------------------------------------------- writing

/** Fields carried over from the source config.json when they still fit the exported model. */
export interface ConfigCarryOver {
  readonly source: JsonObject | null
}

function labelMaps(config: VisionConfig, source: JsonObject | null): { id2label: Record<string, string>; label2id: Record<string, number> } {
  const given = source?.id2label as Record<string, unknown> | undefined
  const id2label: Record<string, string> = {}
  for (let k = 0; k < config.numClasses; k++) {
    const name = given?.[String(k)]
    id2label[String(k)] = typeof name === 'string' ? name : `LABEL_${k}`
  }
  return { id2label, label2id: Object.fromEntries(Object.entries(id2label).map(([k, v]) => [v, Number(k)])) }
}

/** transformers config.json for a model of this config and head class (docs/formats/checkpoints.md §2 minimum sets). */
export function hfConfigJson(config: ModelConfig, className: string, source: JsonObject | null = null): JsonObject {
  const dtype = { torch_dtype: 'float32' }
  switch (config.family) {
    case 'bert':
    case 'roberta': {
      const roberta = config.family === 'roberta'
      return {
        architectures: [className],
        model_type: config.family,
        vocab_size: config.vocabSize,
        hidden_size: config.hiddenSize,
        num_hidden_layers: config.numLayers,
        num_attention_heads: config.numHeads,
        intermediate_size: config.intermediateSize,
        hidden_act: 'gelu',
        hidden_dropout_prob: config.hiddenDropout,
        attention_probs_dropout_prob: config.attentionDropout,
        max_position_embeddings: config.maxPositions,
        type_vocab_size: config.typeVocabSize,
        initializer_range: config.initializerRange,
        layer_norm_eps: config.layerNormEps,
        pad_token_id: config.padTokenId,
        ...(roberta ? { bos_token_id: num(source, 'bos_token_id') ?? 0, eos_token_id: num(source, 'eos_token_id') ?? 2 } : {}),
        position_embedding_type: 'absolute',
        tie_word_embeddings: config.tieWordEmbeddings,
        ...dtype,
      }
    }
    case 'gpt2':
      return {
        architectures: [className],
        model_type: 'gpt2',
        vocab_size: config.vocabSize,
        n_positions: config.maxPositions,
        n_embd: config.hiddenSize,
        n_layer: config.numLayers,
        n_head: config.numHeads,
        n_inner: config.intermediateSize === 4 * config.hiddenSize ? null : config.intermediateSize,
        activation_function: 'gelu_new',
        resid_pdrop: config.hiddenDropout,
        embd_pdrop: num(source, 'embd_pdrop') ?? config.hiddenDropout,
        attn_pdrop: config.attentionDropout,
        layer_norm_epsilon: config.layerNormEps,
        initializer_range: config.initializerRange,
        scale_attn_weights: true,
        scale_attn_by_inverse_layer_idx: false,
        reorder_and_upcast_attn: false,
        bos_token_id: num(source, 'bos_token_id') ?? 50256,
        eos_token_id: num(source, 'eos_token_id') ?? 50256,
        tie_word_embeddings: config.tieWordEmbeddings,
        ...dtype,
      }
    case 'vit':
    case 'deit':
      return {
        architectures: [className],
        model_type: config.family,
        hidden_size: config.hiddenSize,
        num_hidden_layers: config.numLayers,
        num_attention_heads: config.numHeads,
        intermediate_size: config.intermediateSize,
        hidden_act: 'gelu',
        hidden_dropout_prob: config.hiddenDropout,
        attention_probs_dropout_prob: config.attentionDropout,
        initializer_range: config.initializerRange,
        layer_norm_eps: config.layerNormEps,
        image_size: config.imageSize,
        patch_size: config.patchSize,
        num_channels: config.numChannels,
        qkv_bias: config.qkvBias,
        encoder_stride: config.patchSize,
        ...labelMaps(config, source),
        ...dtype,
      }
    case 'cait':
      throw new Error('CaiT has no transformers class; export it with `format` timm')
  }
}

/** The timm architecture name: the source's, else the nearest published variant (model_args set every size). */
export function timmArchitecture(config: VisionConfig, source: JsonObject | null): string {
  const given = source?.architecture
  if (typeof given === 'string' && given.startsWith(config.family === 'cait' ? 'cait_' : config.family === 'deit' ? 'deit_' : 'vit_')) {
    if (config.family !== 'deit' || given.includes('distilled')) return given
  }
  if (config.family === 'cait') return 'cait_xs24_384'
  if (config.family === 'deit') return 'deit_base_distilled_patch16_224'
  return 'vit_base_patch16_224'
}

/**
 * Input normalisation to declare: the source checkpoint's own (an imported timm model keeps its ImageNet
 * statistics), else the engine's convention for models it trained: raw pixels in [0, 1], i.e. mean 0, std 1 per
 * channel. Declaring ImageNet statistics for those would make timm feed the model inputs it never saw.
 */
export function timmNormalization(config: VisionConfig, source: JsonObject | null): { mean: number[]; std: number[] } {
  const cfg = source?.pretrained_cfg as JsonObject | undefined
  const perChannel = (value: unknown): value is number[] =>
    Array.isArray(value) && value.length === config.numChannels && value.every((v) => typeof v === 'number' && Number.isFinite(v))
  if (cfg && perChannel(cfg.mean) && perChannel(cfg.std)) return { mean: cfg.mean, std: cfg.std }
  return { mean: Array(config.numChannels).fill(0), std: Array(config.numChannels).fill(1) }
}

/** timm pretrained-cfg style config.json (§2.6); `model_args` carries every size so a grown model builds. */
export function timmConfigJson(config: VisionConfig, source: JsonObject | null = null): JsonObject {
  const architecture = timmArchitecture(config, source)
  const modelArgs: JsonObject = {
    embed_dim: config.hiddenSize,
    depth: config.numLayers,
    num_heads: config.numHeads,
    mlp_ratio: config.intermediateSize / config.hiddenSize,
    img_size: config.imageSize,
    patch_size: config.patchSize,
    in_chans: config.numChannels,
    qkv_bias: config.qkvBias,
  }
  if (config.family === 'cait') {
    modelArgs.init_values = config.layerScaleInit
    modelArgs.depth_token_only = config.numClassLayers
  }
  const labels = Array.isArray(source?.label_names) && (source.label_names as unknown[]).length === config.numClasses ? source.label_names : undefined
  const { mean, std } = timmNormalization(config, source)
  return {
    architecture,
    num_classes: config.numClasses,
    num_features: config.hiddenSize,
    global_pool: 'token',
    model_args: modelArgs,
    pretrained_cfg: {
      tag: 'ligo',
      input_size: [config.numChannels, config.imageSize, config.imageSize],
      fixed_input_size: true,
      interpolation: 'bicubic',
      crop_pct: 1.0,
      crop_mode: 'center',
      mean,
      std,
      num_classes: config.numClasses,
      pool_size: null,
      first_conv: 'patch_embed.proj',
      classifier: config.family === 'deit' ? ['head', 'head_dist'] : 'head',
    },
    ...(labels ? { label_names: labels } : {}),
  }
}

/** For messages: the canonical shapes the config implies for the vision position table. */
export const positionRows = (config: VisionConfig): number => numPatches(config) + prefixTokens(config)
