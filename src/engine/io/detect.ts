/**
 * Which architecture and class a checkpoint holds, from its tensor names (and shapes) first and config.json
 * second, following docs/formats/checkpoints.md §5.3: configs can be missing or wrong (DeiT weights published as
 * model_type "vit", bare encoders), names cannot.
 *
 *   attn.c_attn                                   -> GPT-2 (transformer. prefix: GPT2LMHeadModel, bare: GPT2Model)
 *   blocks_token_only + proj_l                    -> timm CaiT
 *   patch_embeddings.projection (+ distillation)  -> HF ViT (DeiT)
 *   blocks.{i}.attn.qkv + cls_token (+ dist_token) -> timm ViT (DeiT distilled)
 *   attention.self.query + token_type_embeddings  -> BERT family: roberta. / lm_head.layer_norm -> RoBERTa;
 *                                                    bert. / cls.predictions -> BERT; bare -> config model_type,
 *                                                    else T == 1 suggests RoBERTa
 */
import type { FamilyName } from '../models/config'
import {
  BERT_FOR_MASKED_LM,
  BERT_FOR_PRETRAINING,
  BERT_LM_HEAD_MODEL,
  BERT_MODEL,
  DEIT_FOR_IMAGE_CLASSIFICATION,
  DEIT_FOR_IMAGE_CLASSIFICATION_WITH_TEACHER,
  DEIT_MODEL,
  GPT2_LM_HEAD_MODEL,
  GPT2_MODEL,
  ROBERTA_FOR_MASKED_LM,
  ROBERTA_MODEL,
  TIMM_CAIT,
  TIMM_DEIT_DISTILLED,
  TIMM_VIT,
  VIT_FOR_IMAGE_CLASSIFICATION,
  VIT_MODEL,
  type ClassLayout,
} from './names'

/** The task head found in the file: masked LM, causal LM, classification, distillation (two heads), none. */
export type TaskHead = 'mlm' | 'lm' | 'classification' | 'distillation' | 'none'

export interface Detection {
  readonly family: FamilyName
  readonly layout: ClassLayout
  readonly head: TaskHead
  /** Why: the names (and config fields) that decided it. */
  readonly evidence: string
  /** Disagreements between names and config.json, and guesses. */
  readonly warnings: readonly string[]
}

/** Thrown when no rule of §5.3 matches; the message lists a few of the names seen. */
export class UnknownArchitectureError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UnknownArchitectureError'
    Object.setPrototypeOf(this, UnknownArchitectureError.prototype)
  }
}

/** The parts of config.json detection looks at. */
export interface DetectionConfig {
  model_type?: unknown
  architectures?: unknown
  /** timm pretrained-cfg style config.json */
  architecture?: unknown
}

/**
 * timm's FB checkpoints wrap every key in `module.` (DataParallel) or `model.`; strip a wrapper that every key
 * shares. HF prefixes (bert., vit., transformer., ...) are class prefixes, not wrappers, and stay.
 */
export function wrapperPrefix(names: readonly string[]): string {
  for (const wrapper of ['module.', 'model.']) if (names.length > 0 && names.every((n) => n.startsWith(wrapper))) return wrapper
  return ''
}

export function detectArchitecture(shapes: ReadonlyMap<string, readonly number[]>, config: DetectionConfig | null = null): Detection {
  const names = [...shapes.keys()]
  const has = (pattern: RegExp) => names.some((n) => pattern.test(n))
  const warnings: string[] = []
  const modelType = typeof config?.model_type === 'string' ? config.model_type : null
  const firstArchitecture = Array.isArray(config?.architectures) && typeof config.architectures[0] === 'string' ? (config.architectures[0] as string) : null
  const result = (family: FamilyName, layout: ClassLayout, head: TaskHead, evidence: string): Detection => {
    if (modelType !== null && modelType !== family && layout.library === 'transformers') {
      warnings.push(`config.json says model_type "${modelType}" but the tensor names are those of ${layout.className} (${family}); the names were used`)
    }
    return { family, layout, head, evidence, warnings }
  }

  if (has(/(^|\.)attn\.c_attn\.weight$/)) {
    if (has(/^transformer\./)) return result('gpt2', GPT2_LM_HEAD_MODEL, 'lm', 'attn.c_attn (GPT-2 Conv1D attention) under transformer.')
    return result('gpt2', GPT2_MODEL, 'lm', 'attn.c_attn (GPT-2 Conv1D attention), no prefix: GPT2Model; logits use the tied word embeddings')
  }
  if (has(/^blocks_token_only\./) && has(/\.attn\.proj_l\.weight$/)) {
    return result('cait', TIMM_CAIT, 'classification', 'blocks_token_only (class attention) and attn.proj_l (talking heads): timm CaiT')
  }
  if (has(/(^|\.)embeddings\.patch_embeddings\.projection\.weight$/)) {
    const distilled = has(/(^|\.)embeddings\.distillation_token$/)
    if (distilled) {
      if (has(/^cls_classifier\./) && has(/^distillation_classifier\./)) {
        return result('deit', DEIT_FOR_IMAGE_CLASSIFICATION_WITH_TEACHER, 'distillation', 'patch_embeddings.projection + distillation_token + cls_classifier/distillation_classifier')
      }
      if (has(/^classifier\./)) return result('deit', DEIT_FOR_IMAGE_CLASSIFICATION, 'classification', 'patch_embeddings.projection + distillation_token + classifier')
      return result('deit', has(/^deit\./) ? DEIT_FOR_IMAGE_CLASSIFICATION_WITH_TEACHER : DEIT_MODEL, 'none', 'patch_embeddings.projection + distillation_token, no classifier')
    }
    if (modelType === 'deit') warnings.push('config.json says model_type "deit" but there is no distillation_token: read as ViT')
    if (has(/^classifier\./)) return result('vit', VIT_FOR_IMAGE_CLASSIFICATION, 'classification', 'patch_embeddings.projection without distillation_token, classifier')
    return result('vit', has(/^vit\./) ? VIT_FOR_IMAGE_CLASSIFICATION : VIT_MODEL, 'none', 'patch_embeddings.projection without distillation_token, no classifier')
  }
  if (has(/^blocks\.\d+\.attn\.qkv\.weight$/) && names.includes('cls_token')) {
    if (names.includes('dist_token')) return result('deit', TIMM_DEIT_DISTILLED, 'distillation', 'blocks.{i}.attn.qkv + cls_token + dist_token: timm DeiT (distilled)')
    if (has(/^blocks\.\d+\.ls1\.gamma$/)) {
      throw new UnknownArchitectureError('timm ViT with LayerScale (ls1.gamma, DeiT-3) is not supported: the engine has no LayerScale in ViT blocks')
    }
    return result('vit', TIMM_VIT, has(/^head\.weight$/) ? 'classification' : 'none', 'blocks.{i}.attn.qkv + cls_token: timm ViT')
  }
  if (has(/(^|\.)attention\.self\.query\.weight$/) && has(/(^|\.)embeddings\.token_type_embeddings\.weight$/)) {
    return detectEncoder(names, shapes, modelType, firstArchitecture, result, warnings)
  }
  const sample = names.slice(0, 6).join(', ')
  throw new UnknownArchitectureError(
    `unknown architecture: the tensor names match none of BERT, RoBERTa, GPT-2, ViT, DeiT (HF or timm) or timm CaiT ` +
      `(${names.length} tensors${names.length > 0 ? `, e.g. ${sample}` : ''})`,
  )
}

function detectEncoder(
  names: readonly string[],
  shapes: ReadonlyMap<string, readonly number[]>,
  modelType: string | null,
  firstArchitecture: string | null,
  result: (family: FamilyName, layout: ClassLayout, head: TaskHead, evidence: string) => Detection,
  warnings: string[],
): Detection {
  const has = (pattern: RegExp) => names.some((n) => pattern.test(n))
  if (has(/^roberta\./) || has(/^lm_head\.layer_norm\./)) {
    const head = has(/^lm_head\.dense\./) ? 'mlm' : 'none'
    return result('roberta', ROBERTA_FOR_MASKED_LM, head, 'BERT-style encoder under roberta. / lm_head.layer_norm: RoBERTa')
  }
  if (has(/^bert\./) || has(/^cls\.predictions\./)) {
    if (has(/^cls\.seq_relationship\./)) return result('bert', BERT_FOR_PRETRAINING, 'mlm', 'bert. + cls.predictions + cls.seq_relationship: BertForPreTraining')
    const layout = firstArchitecture === 'BertLMHeadModel' ? BERT_LM_HEAD_MODEL : BERT_FOR_MASKED_LM
    return result('bert', layout, has(/^cls\.predictions\./) ? 'mlm' : 'none', 'BERT-style encoder under bert. / cls.predictions: BERT')
  }
  // A bare encoder: the names cannot tell BERT from RoBERTa.
  if (modelType === 'roberta') return result('roberta', ROBERTA_MODEL, 'none', 'bare BERT-style encoder, model_type "roberta" in config.json')
  if (modelType === 'bert') return result('bert', BERT_MODEL, 'none', 'bare BERT-style encoder, model_type "bert" in config.json')
  const typeRows = shapes.get('embeddings.token_type_embeddings.weight')?.[0]
  if (typeRows === 1) {
    warnings.push('no config.json model_type: read as RoBERTa because the token-type table has one row (BERT has 2)')
    return result('roberta', ROBERTA_MODEL, 'none', 'bare BERT-style encoder with one token type: RoBERTa (weak evidence)')
  }
  warnings.push('no config.json model_type: read as BERT (a bare encoder with two token types)')
  return result('bert', BERT_MODEL, 'none', 'bare BERT-style encoder: BERT (no config.json to say otherwise)')
}
