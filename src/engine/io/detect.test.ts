/** Architecture detection (docs/formats/checkpoints.md §5.3): every row of the table on synthetic key sets, plus the fixtures. */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SHARED_FIXTURES } from '../../../test/fixtures/bad-checkpoints/builders'
import { detectArchitecture, UnknownArchitectureError, wrapperPrefix } from './detect'
import { openCheckpointFile } from './formats/open-checkpoint'

const keys = (...names: string[]) => new Map<string, readonly number[]>(names.map((n) => [n, [2, 2]]))
const bertBody = (prefix: string) => [
  `${prefix}embeddings.word_embeddings.weight`,
  `${prefix}embeddings.token_type_embeddings.weight`,
  `${prefix}encoder.layer.0.attention.self.query.weight`,
]

describe('detectArchitecture: section 5.3 rows', () => {
  it.each([
    ['attn.c_attn under transformer. -> GPT-2 LM', ['transformer.h.0.attn.c_attn.weight', 'transformer.wte.weight'], 'gpt2', 'GPT2LMHeadModel', 'lm'],
    ['bare attn.c_attn -> GPT2Model', ['h.0.attn.c_attn.weight', 'wte.weight'], 'gpt2', 'GPT2Model', 'lm'],
    ['roberta. prefix -> RoBERTa', [...bertBody('roberta.'), 'lm_head.dense.weight', 'lm_head.layer_norm.weight'], 'roberta', 'RobertaForMaskedLM', 'mlm'],
    ['lm_head.layer_norm -> RoBERTa', [...bertBody(''), 'lm_head.layer_norm.weight'], 'roberta', 'RobertaForMaskedLM', 'none'],
    ['bert. + cls.predictions -> BERT MLM', [...bertBody('bert.'), 'cls.predictions.bias'], 'bert', 'BertForMaskedLM', 'mlm'],
    ['cls.seq_relationship -> BertForPreTraining', [...bertBody('bert.'), 'cls.predictions.bias', 'cls.seq_relationship.weight'], 'bert', 'BertForPreTraining', 'mlm'],
    ['patch_embeddings.projection + distillation_token + two heads -> DeiT with teacher', ['deit.embeddings.patch_embeddings.projection.weight', 'deit.embeddings.distillation_token', 'cls_classifier.weight', 'distillation_classifier.weight'], 'deit', 'DeiTForImageClassificationWithTeacher', 'distillation'],
    ['distillation_token + classifier -> DeiTForImageClassification', ['deit.embeddings.patch_embeddings.projection.weight', 'deit.embeddings.distillation_token', 'classifier.weight'], 'deit', 'DeiTForImageClassification', 'classification'],
    ['patch_embeddings.projection without distillation_token -> ViT', ['vit.embeddings.patch_embeddings.projection.weight', 'classifier.weight'], 'vit', 'ViTForImageClassification', 'classification'],
    ['bare ViTModel', ['embeddings.patch_embeddings.projection.weight', 'pooler.dense.weight'], 'vit', 'ViTModel', 'none'],
    ['blocks_token_only + proj_l -> CaiT', ['cls_token', 'blocks.0.attn.qkv.weight', 'blocks.0.attn.proj_l.weight', 'blocks_token_only.0.attn.q.weight'], 'cait', 'timm Cait (cait_*)', 'classification'],
    ['blocks.{i}.attn.qkv + cls_token -> timm ViT', ['cls_token', 'pos_embed', 'blocks.0.attn.qkv.weight', 'head.weight'], 'vit', 'timm VisionTransformer (vit_*)', 'classification'],
    ['also dist_token -> timm DeiT', ['cls_token', 'dist_token', 'blocks.0.attn.qkv.weight', 'head.weight', 'head_dist.weight'], 'deit', 'timm VisionTransformerDistilled (deit_*_distilled_*)', 'distillation'],
  ] as Array<[string, string[], string, string, string]>)('%s', (_what, names, family, className, head) => {
    const detection = detectArchitecture(keys(...names))
    expect(detection.family).toBe(family)
    expect(detection.layout.className).toBe(className)
    expect(detection.head).toBe(head)
  })

  it('a bare encoder follows config.json model_type, else the token-type rows (weak RoBERTa evidence)', () => {
    expect(detectArchitecture(keys(...bertBody('')), { model_type: 'roberta' }).family).toBe('roberta')
    expect(detectArchitecture(keys(...bertBody('')), { model_type: 'bert' }).layout.className).toBe('BertModel')
    const oneType = keys(...bertBody('')).set('embeddings.token_type_embeddings.weight', [1, 2])
    const guess = detectArchitecture(oneType)
    expect(guess.family).toBe('roberta')
    expect(guess.warnings.join()).toMatch(/one row/)
    expect(detectArchitecture(keys(...bertBody(''))).family).toBe('bert')
  })

  it('names win over a contradicting config (DeiT weights published as model_type vit)', () => {
    const detection = detectArchitecture(keys('deit.embeddings.patch_embeddings.projection.weight', 'deit.embeddings.distillation_token', 'cls_classifier.weight', 'distillation_classifier.weight'), { model_type: 'vit' })
    expect(detection.family).toBe('deit')
    expect(detection.warnings.join()).toMatch(/model_type "vit"/)
  })

  it('BertLMHeadModel in config.json keeps that class (same keys as BertForMaskedLM)', () => {
    expect(detectArchitecture(keys(...bertBody('bert.'), 'cls.predictions.bias'), { architectures: ['BertLMHeadModel'] }).layout.className).toBe('BertLMHeadModel')
  })

  it('refuses unknown architectures, naming some of the tensors', () => {
    expect(() => detectArchitecture(keys('conv1.weight', 'fc.weight'))).toThrow(UnknownArchitectureError)
    expect(() => detectArchitecture(keys('conv1.weight', 'fc.weight'))).toThrow(/unknown architecture.*2 tensors, e\.g\. conv1\.weight, fc\.weight/)
    expect(() => detectArchitecture(keys('cls_token', 'blocks.0.attn.qkv.weight', 'blocks.0.ls1.gamma'))).toThrow(/LayerScale/)
  })

  it('finds a training wrapper every key shares, and only then', () => {
    expect(wrapperPrefix(['module.cls_token', 'module.head.weight'])).toBe('module.')
    expect(wrapperPrefix(['model.cls_token', 'model.head.weight'])).toBe('model.')
    expect(wrapperPrefix(['module.cls_token', 'head.weight'])).toBe('')
  })
})

describe('detectArchitecture on the shared fixtures', () => {
  it.each([
    ['bert-tiniest-lmhead/model.safetensors', 'bert', 'BertForMaskedLM', 'mlm'],
    ['gpt2-tiny-model/model.safetensors', 'gpt2', 'GPT2Model', 'lm'],
    ['gpt2-fake-lmhead/model.safetensors', 'gpt2', 'GPT2LMHeadModel', 'lm'],
    ['vit-dummy-bin/pytorch_model.bin', 'vit', 'ViTForImageClassification', 'classification'],
  ])('%s', async (file, family, className, head) => {
    const reader = await openCheckpointFile(join(SHARED_FIXTURES, file))
    const detection = detectArchitecture(new Map([...reader.tensors].map(([n, t]) => [n, t.shape])))
    expect([detection.family, detection.layout.className, detection.head]).toEqual([family, className, head])
  })
})
