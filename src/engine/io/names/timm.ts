/**
 * timm VisionTransformer (vit_*, deit_*, deit_*_distilled_*) and Cait (cait_*) state dicts
 * (docs/formats/checkpoints.md §2.5 "timm ViT/DeiT names", §2.6, §5.2). No prefix; q|k|v fused as rows of attn.qkv
 * [3D, D], except in CaiT's class-attention blocks where they are separate.
 */
import { fusedQkv, pair, separateQkv } from './common'
import type { ClassLayout, NameRule } from './types'

const TOKENS: readonly NameRule[] = [
  { file: 'cls_token', canonical: 'embed.cls', transform: ['squeeze'], lead: 2 },
  { file: 'pos_embed', canonical: 'embed.pos.weight', transform: ['squeeze'], lead: 1 },
  ...pair('patch_embed.proj', 'embed.patch'),
]

/** A timm Block: norm1 -> attn (fused qkv) -> proj, norm2 -> mlp.fc1/fc2. */
const selfAttentionBlock = (block: string): NameRule[] => [
  ...pair('blocks.{i}.norm1', `${block}.attn_norm`),
  ...fusedQkv('blocks.{i}.attn.qkv', block, ['split3']),
  ...pair('blocks.{i}.attn.proj', `${block}.attn.out`),
  ...pair('blocks.{i}.norm2', `${block}.mlp_norm`),
  ...pair('blocks.{i}.mlp.fc1', `${block}.mlp.up`),
  ...pair('blocks.{i}.mlp.fc2', `${block}.mlp.down`),
]

const timmIgnored = [{ pattern: 'blocks.{i}.attn.num_batches_tracked', why: 'buffer' }]

export const TIMM_VIT: ClassLayout = {
  className: 'timm VisionTransformer (vit_*)',
  library: 'timm',
  families: ['vit'],
  prefix: '',
  body: [...TOKENS, ...selfAttentionBlock('blocks.{i}'), ...pair('norm', 'final_norm')],
  heads: pair('head', 'head.cls'),
  ignored: timmIgnored,
  legacyGammaBeta: false,
}

export const TIMM_DEIT_DISTILLED: ClassLayout = {
  ...TIMM_VIT,
  className: 'timm VisionTransformerDistilled (deit_*_distilled_*)',
  families: ['deit'],
  body: [{ file: 'dist_token', canonical: 'embed.dist', transform: ['squeeze'], lead: 2 }, ...TIMM_VIT.body],
  heads: [...pair('head', 'head.cls'), ...pair('head_dist', 'head.dist')],
}

export const TIMM_CAIT: ClassLayout = {
  className: 'timm Cait (cait_*)',
  library: 'timm',
  families: ['cait'],
  prefix: '',
  body: [
    ...TOKENS,
    ...selfAttentionBlock('blocks.{i}'),
    // Talking heads: proj_l mixes heads before the softmax, proj_w after it; both [A, A].
    ...pair('blocks.{i}.attn.proj_l', 'blocks.{i}.attn.talk_pre'),
    ...pair('blocks.{i}.attn.proj_w', 'blocks.{i}.attn.talk_post'),
    { file: 'blocks.{i}.gamma_1', canonical: 'blocks.{i}.attn_scale', transform: [] },
    { file: 'blocks.{i}.gamma_2', canonical: 'blocks.{i}.mlp_scale', transform: [] },
    ...[
      ...pair('blocks_token_only.{i}.norm1', 'cls_blocks.{i}.attn_norm'),
      ...separateQkv('blocks_token_only.{i}.attn', ['q', 'k', 'v'], 'cls_blocks.{i}'),
      ...pair('blocks_token_only.{i}.attn.proj', 'cls_blocks.{i}.attn.out'),
      { file: 'blocks_token_only.{i}.gamma_1', canonical: 'cls_blocks.{i}.attn_scale', transform: [] },
      { file: 'blocks_token_only.{i}.gamma_2', canonical: 'cls_blocks.{i}.mlp_scale', transform: [] },
      ...pair('blocks_token_only.{i}.norm2', 'cls_blocks.{i}.mlp_norm'),
      ...pair('blocks_token_only.{i}.mlp.fc1', 'cls_blocks.{i}.mlp.up'),
      ...pair('blocks_token_only.{i}.mlp.fc2', 'cls_blocks.{i}.mlp.down'),
    ].map((rule): NameRule => ({ ...rule, blocks: 'cls_blocks' })),
    ...pair('norm', 'final_norm'),
  ],
  heads: pair('head', 'head.cls'),
  ignored: timmIgnored,
  legacyGammaBeta: false,
}
