/**
 * Every class layout the importer recognises and the exporter can write, by class name, plus the default export
 * class of each family and format (docs/formats/checkpoints.md §2: what transformers/timm load as it is).
 */
import type { FamilyName } from '../../models/config'
import {
  BERT_FOR_MASKED_LM,
  BERT_FOR_PRETRAINING,
  BERT_LM_HEAD_MODEL,
  BERT_MODEL,
  GPT2_LM_HEAD_MODEL,
  GPT2_MODEL,
  ROBERTA_FOR_MASKED_LM,
  ROBERTA_MODEL,
} from './hf-text'
import { DEIT_FOR_IMAGE_CLASSIFICATION, DEIT_FOR_IMAGE_CLASSIFICATION_WITH_TEACHER, DEIT_MODEL, VIT_FOR_IMAGE_CLASSIFICATION, VIT_MODEL } from './hf-vision'
import { TIMM_CAIT, TIMM_DEIT_DISTILLED, TIMM_VIT } from './timm'
import type { ClassLayout } from './types'

export * from './types'
export * from './apply'
export * from './hf-text'
export * from './hf-vision'
export * from './timm'

export const CLASS_LAYOUTS: readonly ClassLayout[] = [
  BERT_FOR_MASKED_LM,
  BERT_LM_HEAD_MODEL,
  BERT_FOR_PRETRAINING,
  BERT_MODEL,
  ROBERTA_FOR_MASKED_LM,
  ROBERTA_MODEL,
  GPT2_LM_HEAD_MODEL,
  GPT2_MODEL,
  VIT_FOR_IMAGE_CLASSIFICATION,
  VIT_MODEL,
  DEIT_FOR_IMAGE_CLASSIFICATION_WITH_TEACHER,
  DEIT_FOR_IMAGE_CLASSIFICATION,
  DEIT_MODEL,
  TIMM_VIT,
  TIMM_DEIT_DISTILLED,
  TIMM_CAIT,
]

export type ExportFormat = 'hf' | 'timm'

/** The class an export writes when the caller names none (and the source class is not kept). */
export const DEFAULT_EXPORT_CLASS: { [F in FamilyName]: { hf: ClassLayout | null; timm: ClassLayout | null } } = {
  bert: { hf: BERT_FOR_MASKED_LM, timm: null },
  roberta: { hf: ROBERTA_FOR_MASKED_LM, timm: null },
  gpt2: { hf: GPT2_LM_HEAD_MODEL, timm: null },
  vit: { hf: VIT_FOR_IMAGE_CLASSIFICATION, timm: TIMM_VIT },
  deit: { hf: DEIT_FOR_IMAGE_CLASSIFICATION_WITH_TEACHER, timm: TIMM_DEIT_DISTILLED },
  // CaiT exists only in timm.
  cait: { hf: null, timm: TIMM_CAIT },
}

/** The layout for an HF class name or a timm layout name; undefined when unknown. */
export function findClassLayout(className: string): ClassLayout | undefined {
  return CLASS_LAYOUTS.find((layout) => layout.className === className)
}

export const formatOf = (layout: ClassLayout): ExportFormat => (layout.library === 'timm' ? 'timm' : 'hf')
