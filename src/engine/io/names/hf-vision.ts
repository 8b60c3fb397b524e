/**
 * transformers ViT and DeiT classes (docs/formats/checkpoints.md §2.4, §2.5, §5.2). Pre-LN: layernorm_before is
 * attn_norm, layernorm_after is mlp_norm. Tokens and the position table are stored with leading 1-dims.
 */
import { pair, separateQkv } from './common'
import type { ClassLayout, NameRule } from './types'

const VIT_BODY: readonly NameRule[] = [
  { file: 'embeddings.cls_token', canonical: 'embed.cls', transform: ['squeeze'], lead: 2 },
  { file: 'embeddings.distillation_token', canonical: 'embed.dist', transform: ['squeeze'], lead: 2 },
  { file: 'embeddings.position_embeddings', canonical: 'embed.pos.weight', transform: ['squeeze'], lead: 1 },
  ...pair('embeddings.patch_embeddings.projection', 'embed.patch'),
  ...separateQkv('encoder.layer.{i}.attention.attention', ['query', 'key', 'value'], 'blocks.{i}'),
  ...pair('encoder.layer.{i}.attention.output.dense', 'blocks.{i}.attn.out'),
  ...pair('encoder.layer.{i}.layernorm_before', 'blocks.{i}.attn_norm'),
  ...pair('encoder.layer.{i}.layernorm_after', 'blocks.{i}.mlp_norm'),
  ...pair('encoder.layer.{i}.intermediate.dense', 'blocks.{i}.mlp.up'),
  ...pair('encoder.layer.{i}.output.dense', 'blocks.{i}.mlp.down'),
  ...pair('layernorm', 'final_norm'),
]

const visionIgnored = (prefix: string) => [
  { pattern: `${prefix}embeddings.mask_token`, why: 'masked-image-modelling token, unused for classification' },
  { pattern: `${prefix}pooler.dense.weight`, why: 'pooler, unused by the classification head' },
  { pattern: `${prefix}pooler.dense.bias`, why: 'pooler, unused by the classification head' },
]

export const VIT_FOR_IMAGE_CLASSIFICATION: ClassLayout = {
  className: 'ViTForImageClassification',
  library: 'transformers',
  families: ['vit'],
  prefix: 'vit.',
  body: VIT_BODY,
  heads: pair('classifier', 'head.cls'),
  ignored: visionIgnored('vit.'),
  legacyGammaBeta: true,
}
/** Bare ViTModel (e.g. google/vit-base-patch16-224-in21k): no classifier; importing initialises one. */
export const VIT_MODEL: ClassLayout = { ...VIT_FOR_IMAGE_CLASSIFICATION, className: 'ViTModel', prefix: '', heads: [], ignored: visionIgnored('') }

export const DEIT_FOR_IMAGE_CLASSIFICATION_WITH_TEACHER: ClassLayout = {
  className: 'DeiTForImageClassificationWithTeacher',
  library: 'transformers',
  families: ['deit'],
  prefix: 'deit.',
  body: VIT_BODY,
  heads: [...pair('cls_classifier', 'head.cls'), ...pair('distillation_classifier', 'head.dist')],
  ignored: visionIgnored('deit.'),
  legacyGammaBeta: true,
}
/**
 * DeiT with one classifier on the CLS token. The engine's DeiT averages two heads, so exporting here drops
 * head.dist and importing copies the classifier into both heads (with a warning).
 */
export const DEIT_FOR_IMAGE_CLASSIFICATION: ClassLayout = {
  ...DEIT_FOR_IMAGE_CLASSIFICATION_WITH_TEACHER,
  className: 'DeiTForImageClassification',
  heads: pair('classifier', 'head.cls'),
  drops: ['head.dist.weight', 'head.dist.bias'],
}
export const DEIT_MODEL: ClassLayout = { ...DEIT_FOR_IMAGE_CLASSIFICATION_WITH_TEACHER, className: 'DeiTModel', prefix: '', heads: [], ignored: visionIgnored('') }
