/** Inputs and options of every family's forward function. */
import type * as tf from '@tensorflow/tfjs-core'
import type { GrowthMasks } from './growth-masks'
import type { AttentionImplChoice } from './layers/attention'

export interface TextInputs {
  /** [B, T] integer token ids. */
  inputIds: tf.Tensor
  /** [B, T]: 1 = real token, 0 = padding (keys at padding get no attention). Default: all ones. */
  attentionMask?: tf.Tensor
  /** [B, T] segment ids for BERT's token-type table. Default: all zeros. */
  tokenTypeIds?: tf.Tensor
}

export interface VisionInputs {
  /** Images, [B, S, S, C] (NHWC, TF.js convention, the default) or [B, C, S, S] (NCHW, torch pixel_values). */
  pixels: tf.Tensor
  layout?: 'NHWC' | 'NCHW'
}

export type ModelInputs = TextInputs | VisionInputs

export interface ForwardOptions {
  /** Dropout on (true) or off (false). */
  training: boolean
  /** Seed for reproducible dropout masks; without it masks are random. */
  dropoutSeed?: number
  /** How heads are computed: 'auto' (default) = per-head 2-D matmuls on wasm, one batched matmul elsewhere. */
  attention?: AttentionImplChoice
  /**
   * DeiT only: 'average' (default, DeiT inference) returns [B, K] = mean of the CLS and distillation heads;
   * 'both' returns [2, B, K] with the CLS head at index 0 and the distillation head at index 1 (for training).
   */
  deitHeads?: 'average' | 'both'
  /**
   * BERT/RoBERTa only: flat positions b·T + t (int32 [N], N >= 1) at which to run the MLM head; forward then
   * returns [N, V] instead of [B, T, V]. Masked-LM training scores ~15% of positions, and the [H, V] head is most
   * of a small model's FLOPs (docs/engine/measurements.md §3.4, `mlm15`).
   */
  outputPositions?: tf.Tensor
  /**
   * MSG's masks on the units, heads and blocks a grown model added (growth-masks.ts): at 0 the grown model computes
   * its source's function, at 1 the plain large model. Absent everywhere else (nothing changes, nothing is computed).
   */
  growthMasks?: GrowthMasks
}
