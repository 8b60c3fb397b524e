/**
 * Model sizes as data: every model of the LiGO paper (docs/growth/ligo.md §5.1) and small presets that train in
 * minutes on a CPU. Parameter counts in the comments are parameterCount(config) (presets.test.ts checks them).
 */
import { makeConfig, type ModelConfig } from './config'

export interface ModelPreset {
  id: string
  label: string
  /** A model the LiGO paper trains (docs/growth/ligo.md §5.1), as opposed to a small local preset. */
  paper: boolean
  description: string
  config: ModelConfig
}

const bert = (l: number, h: number, a: number, i: number, tie: boolean) =>
  makeConfig('bert', { vocabSize: 30522, maxPositions: 512, numLayers: l, hiddenSize: h, numHeads: a, intermediateSize: i, tieWordEmbeddings: tie })
const roberta = (l: number, h: number, a: number, i: number, tie: boolean) =>
  makeConfig('roberta', { vocabSize: 50265, maxPositions: 514, numLayers: l, hiddenSize: h, numHeads: a, intermediateSize: i, tieWordEmbeddings: tie })
const gpt2 = (l: number, h: number, a: number) =>
  makeConfig('gpt2', { vocabSize: 50257, maxPositions: 1024, numLayers: l, hiddenSize: h, numHeads: a, intermediateSize: 4 * h })
/** The paper's DeiT-S/B are DeiT-recipe ViTs without a distillation token (DeiT default), hence family 'vit'. */
const deit = (h: number, a: number) =>
  makeConfig('vit', { imageSize: 224, patchSize: 16, numChannels: 3, numClasses: 1000, numLayers: 12, hiddenSize: h, numHeads: a, intermediateSize: 4 * h })
/** CaiT at 224 px (the paper trains ImageNet-1k from scratch with DeiT/CaiT defaults; timm's xs24 is 384 px). */
const cait = (h: number, a: number) =>
  makeConfig('cait', { imageSize: 224, patchSize: 16, numChannels: 3, numClasses: 1000, numLayers: 24, numClassLayers: 2, hiddenSize: h, numHeads: a, intermediateSize: 4 * h, layerScaleInit: 1e-5 })

/** Small text models: 8000-token vocabulary, 128 tokens, head width 64 in both sizes (LiGO keeps d fixed). */
const miniText = { vocabSize: 8000, maxPositions: 128 } as const
/** MNIST-sized vision models: 28×28×1, patch 7 (16 patches), 10 classes, head width 32. */
const mnist = { imageSize: 28, patchSize: 7, numChannels: 1, numClasses: 10 } as const

export const PRESETS: readonly ModelPreset[] = [
  // Paper models (docs/growth/ligo.md §5.1). Small configs untie the MLM decoder, large ones keep HF's tie.
  { id: 'bert-small', label: 'BERT-Small', paper: true, description: '6L, 512H, 8 heads, FFN 2048', config: bert(6, 512, 8, 2048, false) }, // 50,727,226 params
  { id: 'bert-base', label: 'BERT-Base', paper: true, description: '12L, 768H, 12 heads, FFN 3072', config: bert(12, 768, 12, 3072, true) }, // 109,514,298 params
  { id: 'bert-large', label: 'BERT-Large', paper: true, description: '24L, 1024H, 16 heads, FFN 4096', config: bert(24, 1024, 16, 4096, true) }, // 335,174,458 params
  { id: 'roberta-small', label: 'RoBERTa-Small', paper: true, description: '6L, 512H, 8 heads, FFN 2048', config: roberta(6, 512, 8, 2048, false) }, // 70,964,313 params
  { id: 'roberta-base', label: 'RoBERTa-Base', paper: true, description: '12L, 768H, 12 heads, FFN 3072', config: roberta(12, 768, 12, 3072, true) }, // 124,697,433 params
  { id: 'gpt2-base', label: 'GPT2-Base (117M)', paper: true, description: '12L, 768H, 12 heads, 1024 positions', config: gpt2(12, 768, 12) }, // 124,439,808 params
  { id: 'gpt2-medium', label: 'GPT2-Medium (345M)', paper: true, description: '24L, 1024H, 16 heads, 1024 positions', config: gpt2(24, 1024, 16) }, // 354,823,168 params
  { id: 'deit-s', label: 'DeiT-S', paper: true, description: '12L, 384H, 6 heads, 224 px, patch 16', config: deit(384, 6) }, // 22,050,664 params
  { id: 'deit-b', label: 'DeiT-B', paper: true, description: '12L, 768H, 12 heads, 224 px, patch 16', config: deit(768, 12) }, // 86,567,656 params
  { id: 'cait-xs24', label: 'CaiT-XS24', paper: true, description: '24 SA + 2 CA blocks, 288H, 6 heads, 224 px', config: cait(288, 6) }, // 26,560,648 params
  { id: 'cait-s24', label: 'CaiT-S24', paper: true, description: '24 SA + 2 CA blocks, 384H, 8 heads, 224 px', config: cait(384, 8) }, // 46,916,200 params

  // Local presets: train in minutes on a CPU (wasm backend).
  { id: 'bert-mini', label: 'BERT-mini', paper: false, description: '2L, 128H, 2 heads, FFN 512, vocab 8000, 128 tokens', config: makeConfig('bert', { ...miniText, numLayers: 2, hiddenSize: 128, numHeads: 2, intermediateSize: 512 }) }, // 1,462,208 params
  { id: 'bert-mini-grown', label: 'BERT-mini grown', paper: false, description: '4L, 256H, 4 heads, FFN 1024: growth target of BERT-mini', config: makeConfig('bert', { ...miniText, numLayers: 4, hiddenSize: 256, numHeads: 4, intermediateSize: 1024 }) }, // 5,315,136 params
  { id: 'roberta-mini', label: 'RoBERTa-mini', paper: false, description: '2L, 128H, 2 heads, FFN 512, vocab 8000, 128 tokens', config: makeConfig('roberta', { ...miniText, maxPositions: 130, numLayers: 2, hiddenSize: 128, numHeads: 2, intermediateSize: 512 }) }, // 1,462,336 params
  { id: 'gpt2-mini', label: 'GPT2-mini', paper: false, description: '2L, 128H, 2 heads, FFN 512, vocab 8000, 128 tokens', config: makeConfig('gpt2', { ...miniText, numLayers: 2, hiddenSize: 128, numHeads: 2, intermediateSize: 512 }) }, // 1,437,184 params
  { id: 'gpt2-mini-grown', label: 'GPT2-mini grown', paper: false, description: '4L, 256H, 4 heads, FFN 1024: growth target of GPT2-mini', config: makeConfig('gpt2', { ...miniText, numLayers: 4, hiddenSize: 256, numHeads: 4, intermediateSize: 1024 }) }, // 5,240,320 params
  { id: 'vit-mini', label: 'ViT-mini (MNIST)', paper: false, description: '4L, 64H, 2 heads, FFN 256, 28×28×1, patch 7', config: makeConfig('vit', { ...mnist, numLayers: 4, hiddenSize: 64, numHeads: 2, intermediateSize: 256 }) }, // 205,066 params
  { id: 'vit-mini-grown', label: 'ViT-mini grown (MNIST)', paper: false, description: '6L, 128H, 4 heads, FFN 512: growth target of ViT-mini', config: makeConfig('vit', { ...mnist, numLayers: 6, hiddenSize: 128, numHeads: 4, intermediateSize: 512 }) }, // 1,199,882 params
  { id: 'deit-mini', label: 'DeiT-mini, distilled (MNIST)', paper: false, description: 'ViT-mini plus distillation token and head', config: makeConfig('deit', { ...mnist, numLayers: 4, hiddenSize: 64, numHeads: 2, intermediateSize: 256 }) }, // 205,844 params
  // LayerScale 0.1 for shallow CaiTs (CaiT paper §2: ε = 0.1 up to depth 18, 1e-5 at 24, 1e-6 deeper).
  { id: 'cait-mini', label: 'CaiT-mini (MNIST)', paper: false, description: '4 SA + 2 CA blocks, 64H, 2 heads, FFN 256', config: makeConfig('cait', { ...mnist, numLayers: 4, numClassLayers: 2, hiddenSize: 64, numHeads: 2, intermediateSize: 256, layerScaleInit: 0.1 }) }, // 305,786 params
  { id: 'cait-mini-grown', label: 'CaiT-mini grown (MNIST)', paper: false, description: '6 SA + 2 CA blocks, 128H, 4 heads, FFN 512', config: makeConfig('cait', { ...mnist, numLayers: 6, numClassLayers: 2, hiddenSize: 128, numHeads: 4, intermediateSize: 512, layerScaleInit: 0.1 }) }, // 1,598,586 params
  // Built-in seeds (resources/seeds, scripts/make-seeds.ts): the mini sizes with a 4000-token vocabulary, so each
  // exported folder stays under 4 MB; head width 64, so x1.5 width gives 192H with 3 heads.
  { id: 'bert-seed', label: 'BERT seed', paper: false, description: '2L, 128H, 2 heads, FFN 512, vocab 4000, 128 tokens: the built-in encoder seed', config: makeConfig('bert', { ...miniText, vocabSize: 4000, numLayers: 2, hiddenSize: 128, numHeads: 2, intermediateSize: 512 }) }, // 946,208 params
  { id: 'gpt2-seed', label: 'GPT2 seed', paper: false, description: '2L, 128H, 2 heads, FFN 512, vocab 4000, 128 tokens: the built-in decoder seed', config: makeConfig('gpt2', { ...miniText, vocabSize: 4000, numLayers: 2, hiddenSize: 128, numHeads: 2, intermediateSize: 512 }) }, // 925,184 params
]

export const PRESET_IDS = PRESETS.map((p) => p.id)

export function getPreset(id: string): ModelPreset {
  const preset = PRESETS.find((p) => p.id === id)
  if (!preset) throw new Error(`Unknown model preset "${id}". Expected one of: ${PRESET_IDS.join(', ')}`)
  return preset
}

/** Small -> large pairs: the paper's (docs/growth/ligo.md §5.1, CaiT pair UNVERIFIED there) and the local ones. */
export const GROWTH_PAIRS: ReadonlyArray<{ from: string; to: string; paper: boolean }> = [
  { from: 'bert-small', to: 'bert-base', paper: true },
  { from: 'roberta-small', to: 'roberta-base', paper: true },
  { from: 'gpt2-base', to: 'gpt2-medium', paper: true },
  { from: 'deit-s', to: 'deit-b', paper: true },
  { from: 'cait-xs24', to: 'cait-s24', paper: true },
  { from: 'bert-mini', to: 'bert-mini-grown', paper: false },
  { from: 'gpt2-mini', to: 'gpt2-mini-grown', paper: false },
  { from: 'vit-mini', to: 'vit-mini-grown', paper: false },
  { from: 'cait-mini', to: 'cait-mini-grown', paper: false },
]
