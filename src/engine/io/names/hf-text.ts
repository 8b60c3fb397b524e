/**
 * transformers text classes (docs/formats/checkpoints.md §2.1–2.3, §5.2): BERT and RoBERTa share the body; GPT-2 is
 * a separate body with Conv1D [in, out] weights and a fused c_attn.
 */
import { pair, fusedQkv, separateQkv } from './common'
import type { ClassLayout, IgnoredName, NameRule } from './types'

/** BertModel / RobertaModel body: post-LN, so attn_norm is the LayerNorm after the attention residual. */
const ENCODER_BODY: readonly NameRule[] = [
  { file: 'embeddings.word_embeddings.weight', canonical: 'embed.tok.weight', transform: [] },
  { file: 'embeddings.position_embeddings.weight', canonical: 'embed.pos.weight', transform: [] },
  { file: 'embeddings.token_type_embeddings.weight', canonical: 'embed.type.weight', transform: [] },
  ...pair('embeddings.LayerNorm', 'embed.norm'),
  ...separateQkv('encoder.layer.{i}.attention.self', ['query', 'key', 'value'], 'blocks.{i}'),
  ...pair('encoder.layer.{i}.attention.output.dense', 'blocks.{i}.attn.out'),
  ...pair('encoder.layer.{i}.attention.output.LayerNorm', 'blocks.{i}.attn_norm'),
  ...pair('encoder.layer.{i}.intermediate.dense', 'blocks.{i}.mlp.up'),
  ...pair('encoder.layer.{i}.output.dense', 'blocks.{i}.mlp.down'),
  ...pair('encoder.layer.{i}.output.LayerNorm', 'blocks.{i}.mlp_norm'),
  ...pair('pooler.dense', 'pooler'),
]

const ENCODER_BUFFERS = (prefix: string): IgnoredName[] => [
  { pattern: `${prefix}embeddings.position_ids`, why: 'buffer (position ids), rebuilt by the model' },
  { pattern: `${prefix}embeddings.token_type_ids`, why: 'buffer (default token type ids)' },
]

const BERT_MLM_HEAD: readonly NameRule[] = [
  ...pair('cls.predictions.transform.dense', 'head.mlm.dense'),
  ...pair('cls.predictions.transform.LayerNorm', 'head.mlm.norm'),
  { file: 'cls.predictions.bias', canonical: 'head.mlm.bias', transform: [] },
  // Written only when the decoder is untied from the word embeddings (tie_word_embeddings false).
  { file: 'cls.predictions.decoder.weight', canonical: 'head.lm.weight', transform: [] },
]

const ROBERTA_MLM_HEAD: readonly NameRule[] = [
  ...pair('lm_head.dense', 'head.mlm.dense'),
  ...pair('lm_head.layer_norm', 'head.mlm.norm'),
  { file: 'lm_head.bias', canonical: 'head.mlm.bias', transform: [] },
  { file: 'lm_head.decoder.weight', canonical: 'head.lm.weight', transform: [] },
]

const bertClass = (className: string): ClassLayout => ({
  className,
  library: 'transformers',
  families: ['bert'],
  prefix: 'bert.',
  body: ENCODER_BODY,
  heads: BERT_MLM_HEAD,
  // BertForMaskedLM and BertLMHeadModel are built with add_pooling_layer=False.
  drops: ['pooler.weight', 'pooler.bias'],
  ignored: [
    ...ENCODER_BUFFERS('bert.'),
    { pattern: 'cls.predictions.decoder.bias', why: 'the same tensor as cls.predictions.bias (tied)' },
    { pattern: 'cls.seq_relationship.weight', why: 'next-sentence head (BertForPreTraining), not part of the masked-LM model' },
    { pattern: 'cls.seq_relationship.bias', why: 'next-sentence head (BertForPreTraining), not part of the masked-LM model' },
  ],
  legacyGammaBeta: true,
})

export const BERT_FOR_MASKED_LM = bertClass('BertForMaskedLM')
/** Same keys as BertForMaskedLM (docs/formats/checkpoints.md §2.1); kept so a BertLMHeadModel round-trips as itself. */
export const BERT_LM_HEAD_MODEL = bertClass('BertLMHeadModel')
/** Google-style checkpoints: pooler + MLM head + next-sentence head (the latter is ignored). */
export const BERT_FOR_PRETRAINING: ClassLayout = { ...bertClass('BertForPreTraining'), drops: [] }
/** Bare encoder with pooler and no head; importing it initialises the MLM head (the user is warned). */
export const BERT_MODEL: ClassLayout = { ...bertClass('BertModel'), prefix: '', heads: [], drops: [], ignored: ENCODER_BUFFERS('') }

export const ROBERTA_FOR_MASKED_LM: ClassLayout = {
  className: 'RobertaForMaskedLM',
  library: 'transformers',
  families: ['roberta'],
  prefix: 'roberta.',
  body: ENCODER_BODY,
  heads: ROBERTA_MLM_HEAD,
  drops: ['pooler.weight', 'pooler.bias'],
  ignored: [
    ...ENCODER_BUFFERS('roberta.'),
    { pattern: 'lm_head.decoder.bias', why: 'the same tensor as lm_head.bias (tied)' },
    // Older RobertaForMaskedLM files store the pooler although the class has none.
    { pattern: 'roberta.pooler.dense.weight', why: 'pooler, unused by RobertaForMaskedLM' },
    { pattern: 'roberta.pooler.dense.bias', why: 'pooler, unused by RobertaForMaskedLM' },
  ],
  legacyGammaBeta: true,
}
export const ROBERTA_MODEL: ClassLayout = { ...ROBERTA_FOR_MASKED_LM, className: 'RobertaModel', prefix: '', heads: [], drops: [], ignored: ENCODER_BUFFERS('') }

/** GPT2Model body: pre-LN; every Conv1D weight is [in, out] and is transposed; c_attn is fused q|k|v columns. */
const GPT2_BODY: readonly NameRule[] = [
  { file: 'wte.weight', canonical: 'embed.tok.weight', transform: [] },
  { file: 'wpe.weight', canonical: 'embed.pos.weight', transform: [] },
  ...pair('h.{i}.ln_1', 'blocks.{i}.attn_norm'),
  { file: 'h.{i}.attn.c_attn.weight', canonical: ['blocks.{i}.attn.q.weight', 'blocks.{i}.attn.k.weight', 'blocks.{i}.attn.v.weight'], transform: ['transpose', 'split3'] },
  ...fusedQkv('h.{i}.attn.c_attn', 'blocks.{i}', ['split3']).filter((rule) => rule.file.endsWith('.bias')),
  { file: 'h.{i}.attn.c_proj.weight', canonical: 'blocks.{i}.attn.out.weight', transform: ['transpose'] },
  { file: 'h.{i}.attn.c_proj.bias', canonical: 'blocks.{i}.attn.out.bias', transform: [] },
  ...pair('h.{i}.ln_2', 'blocks.{i}.mlp_norm'),
  { file: 'h.{i}.mlp.c_fc.weight', canonical: 'blocks.{i}.mlp.up.weight', transform: ['transpose'] },
  { file: 'h.{i}.mlp.c_fc.bias', canonical: 'blocks.{i}.mlp.up.bias', transform: [] },
  { file: 'h.{i}.mlp.c_proj.weight', canonical: 'blocks.{i}.mlp.down.weight', transform: ['transpose'] },
  { file: 'h.{i}.mlp.c_proj.bias', canonical: 'blocks.{i}.mlp.down.bias', transform: [] },
  ...pair('ln_f', 'final_norm'),
]

const GPT2_BUFFERS = (prefix: string): IgnoredName[] => [
  { pattern: `${prefix}h.{i}.attn.bias`, why: 'buffer (causal mask)' },
  { pattern: `${prefix}h.{i}.attn.masked_bias`, why: 'buffer (mask fill value)' },
]

export const GPT2_LM_HEAD_MODEL: ClassLayout = {
  className: 'GPT2LMHeadModel',
  library: 'transformers',
  families: ['gpt2'],
  prefix: 'transformer.',
  body: GPT2_BODY,
  // Present only when untied; a tied lm_head.weight is omitted as transformers omits it.
  heads: [{ file: 'lm_head.weight', canonical: 'head.lm.weight', transform: [] }],
  ignored: GPT2_BUFFERS('transformer.'),
  legacyGammaBeta: false,
}
/** Bare GPT2Model (no prefix); its logits come from the word embeddings, as GPT2LMHeadModel ties them. */
export const GPT2_MODEL: ClassLayout = { ...GPT2_LM_HEAD_MODEL, className: 'GPT2Model', prefix: '', heads: [], ignored: GPT2_BUFFERS('') }
