/**
 * The key sets transformers and timm classes save, written out by hand from docs/formats/checkpoints.md §2 (tables
 * 2.1–2.6) as test data: independent of src/engine/io/names, so an export test compares against the spec, not
 * against the code that produced the export. Sizes: H hidden, L layers, I MLP width, V vocab, P positions,
 * T token types, C channels, p patch, N patches, K classes, A heads.
 */
export type KeyShapes = Record<string, number[]>

export interface Sizes {
  H: number
  L: number
  I: number
  A?: number
  V?: number
  P?: number
  T?: number
  C?: number
  p?: number
  N?: number
  K?: number
  /** CaiT class-attention blocks */
  LT?: number
}

function linear(keys: KeyShapes, name: string, out: number, inp: number): void {
  keys[`${name}.weight`] = [out, inp]
  keys[`${name}.bias`] = [out]
}

function norm(keys: KeyShapes, name: string, h: number): void {
  keys[`${name}.weight`] = [h]
  keys[`${name}.bias`] = [h]
}

/** §2.1 table (BertModel without pooler) under `prefix`. */
function bertBody(keys: KeyShapes, prefix: string, s: Sizes): void {
  const { H, I } = s
  keys[`${prefix}embeddings.word_embeddings.weight`] = [s.V!, H]
  keys[`${prefix}embeddings.position_embeddings.weight`] = [s.P!, H]
  keys[`${prefix}embeddings.token_type_embeddings.weight`] = [s.T!, H]
  norm(keys, `${prefix}embeddings.LayerNorm`, H)
  for (let i = 0; i < s.L; i++) {
    const l = `${prefix}encoder.layer.${i}`
    linear(keys, `${l}.attention.self.query`, H, H)
    linear(keys, `${l}.attention.self.key`, H, H)
    linear(keys, `${l}.attention.self.value`, H, H)
    linear(keys, `${l}.attention.output.dense`, H, H)
    norm(keys, `${l}.attention.output.LayerNorm`, H)
    linear(keys, `${l}.intermediate.dense`, I, H)
    linear(keys, `${l}.output.dense`, H, I)
    norm(keys, `${l}.output.LayerNorm`, H)
  }
}

/** BertForMaskedLM: bert. body (no pooler) + cls.predictions (decoder omitted when tied). */
export function bertForMaskedLM(s: Sizes, tied = true): KeyShapes {
  const keys: KeyShapes = {}
  bertBody(keys, 'bert.', s)
  linear(keys, 'cls.predictions.transform.dense', s.H, s.H)
  norm(keys, 'cls.predictions.transform.LayerNorm', s.H)
  keys['cls.predictions.bias'] = [s.V!]
  if (!tied) keys['cls.predictions.decoder.weight'] = [s.V!, s.H]
  return keys
}

/** RobertaForMaskedLM (§2.2). */
export function robertaForMaskedLM(s: Sizes, tied = true): KeyShapes {
  const keys: KeyShapes = {}
  bertBody(keys, 'roberta.', s)
  linear(keys, 'lm_head.dense', s.H, s.H)
  norm(keys, 'lm_head.layer_norm', s.H)
  keys['lm_head.bias'] = [s.V!]
  if (!tied) keys['lm_head.decoder.weight'] = [s.V!, s.H]
  return keys
}

/** GPT2LMHeadModel (§2.3): Conv1D weights [in, out]; lm_head only when untied. */
export function gpt2LMHeadModel(s: Sizes, tied = true): KeyShapes {
  const { H, I } = s
  const keys: KeyShapes = { 'transformer.wte.weight': [s.V!, H], 'transformer.wpe.weight': [s.P!, H] }
  for (let i = 0; i < s.L; i++) {
    const h = `transformer.h.${i}`
    norm(keys, `${h}.ln_1`, H)
    keys[`${h}.attn.c_attn.weight`] = [H, 3 * H]
    keys[`${h}.attn.c_attn.bias`] = [3 * H]
    keys[`${h}.attn.c_proj.weight`] = [H, H]
    keys[`${h}.attn.c_proj.bias`] = [H]
    norm(keys, `${h}.ln_2`, H)
    keys[`${h}.mlp.c_fc.weight`] = [H, I]
    keys[`${h}.mlp.c_fc.bias`] = [I]
    keys[`${h}.mlp.c_proj.weight`] = [I, H]
    keys[`${h}.mlp.c_proj.bias`] = [H]
  }
  norm(keys, 'transformer.ln_f', H)
  if (!tied) keys['lm_head.weight'] = [s.V!, H]
  return keys
}

/** §2.4 / §2.5 body under vit. or deit. */
function hfVisionBody(keys: KeyShapes, prefix: string, s: Sizes, distilled: boolean): void {
  const { H, I } = s
  keys[`${prefix}embeddings.cls_token`] = [1, 1, H]
  if (distilled) keys[`${prefix}embeddings.distillation_token`] = [1, 1, H]
  keys[`${prefix}embeddings.position_embeddings`] = [1, s.N! + (distilled ? 2 : 1), H]
  keys[`${prefix}embeddings.patch_embeddings.projection.weight`] = [H, s.C!, s.p!, s.p!]
  keys[`${prefix}embeddings.patch_embeddings.projection.bias`] = [H]
  for (let i = 0; i < s.L; i++) {
    const l = `${prefix}encoder.layer.${i}`
    linear(keys, `${l}.attention.attention.query`, H, H)
    linear(keys, `${l}.attention.attention.key`, H, H)
    linear(keys, `${l}.attention.attention.value`, H, H)
    linear(keys, `${l}.attention.output.dense`, H, H)
    linear(keys, `${l}.intermediate.dense`, I, H)
    linear(keys, `${l}.output.dense`, H, I)
    norm(keys, `${l}.layernorm_before`, H)
    norm(keys, `${l}.layernorm_after`, H)
  }
  norm(keys, `${prefix}layernorm`, H)
}

export function vitForImageClassification(s: Sizes): KeyShapes {
  const keys: KeyShapes = {}
  hfVisionBody(keys, 'vit.', s, false)
  linear(keys, 'classifier', s.K!, s.H)
  return keys
}

export function deitForImageClassificationWithTeacher(s: Sizes): KeyShapes {
  const keys: KeyShapes = {}
  hfVisionBody(keys, 'deit.', s, true)
  linear(keys, 'cls_classifier', s.K!, s.H)
  linear(keys, 'distillation_classifier', s.K!, s.H)
  return keys
}

export function deitForImageClassification(s: Sizes): KeyShapes {
  const keys: KeyShapes = {}
  hfVisionBody(keys, 'deit.', s, true)
  linear(keys, 'classifier', s.K!, s.H)
  return keys
}

/** timm Block names (§2.5 "timm ViT/DeiT names"). */
function timmBlock(keys: KeyShapes, b: string, s: Sizes): void {
  norm(keys, `${b}.norm1`, s.H)
  linear(keys, `${b}.attn.qkv`, 3 * s.H, s.H)
  linear(keys, `${b}.attn.proj`, s.H, s.H)
  norm(keys, `${b}.norm2`, s.H)
  linear(keys, `${b}.mlp.fc1`, s.I, s.H)
  linear(keys, `${b}.mlp.fc2`, s.H, s.I)
}

export function timmVit(s: Sizes, distilled: boolean): KeyShapes {
  const keys: KeyShapes = { cls_token: [1, 1, s.H] }
  if (distilled) keys.dist_token = [1, 1, s.H]
  keys.pos_embed = [1, s.N! + (distilled ? 2 : 1), s.H]
  keys['patch_embed.proj.weight'] = [s.H, s.C!, s.p!, s.p!]
  keys['patch_embed.proj.bias'] = [s.H]
  for (let i = 0; i < s.L; i++) timmBlock(keys, `blocks.${i}`, s)
  norm(keys, 'norm', s.H)
  linear(keys, 'head', s.K!, s.H)
  if (distilled) linear(keys, 'head_dist', s.K!, s.H)
  return keys
}

/** timm Cait (§2.6 table). */
export function timmCait(s: Sizes): KeyShapes {
  const { H, I } = s
  const keys: KeyShapes = { cls_token: [1, 1, H], pos_embed: [1, s.N!, H], 'patch_embed.proj.weight': [H, s.C!, s.p!, s.p!], 'patch_embed.proj.bias': [H] }
  for (let i = 0; i < s.L; i++) {
    timmBlock(keys, `blocks.${i}`, s)
    linear(keys, `blocks.${i}.attn.proj_l`, s.A!, s.A!)
    linear(keys, `blocks.${i}.attn.proj_w`, s.A!, s.A!)
    keys[`blocks.${i}.gamma_1`] = [H]
    keys[`blocks.${i}.gamma_2`] = [H]
  }
  for (let j = 0; j < s.LT!; j++) {
    const b = `blocks_token_only.${j}`
    norm(keys, `${b}.norm1`, H)
    norm(keys, `${b}.norm2`, H)
    linear(keys, `${b}.attn.q`, H, H)
    linear(keys, `${b}.attn.k`, H, H)
    linear(keys, `${b}.attn.v`, H, H)
    linear(keys, `${b}.attn.proj`, H, H)
    keys[`${b}.gamma_1`] = [H]
    keys[`${b}.gamma_2`] = [H]
    linear(keys, `${b}.mlp.fc1`, I, H)
    linear(keys, `${b}.mlp.fc2`, H, I)
  }
  norm(keys, 'norm', H)
  linear(keys, 'head', s.K!, H)
  return keys
}
