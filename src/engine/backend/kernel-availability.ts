/**
 * Which optional kernels the active backend has: the one place engine/models and engine/train may ask.
 *
 * Layering (style.md "Dependency rules": only engine/backend imports a TF.js backend package, models use only the
 * TF.js core API): this module and native-ops.ts import nothing but @tensorflow/tfjs-core (its kernel registry),
 * no backend package, no Node built-in, no addon. native-kernels.ts (which loads the addon and does import the
 * wasm backend's types) registers the kernels and sets the flag below; models and the optimizer only read here,
 * so they run unchanged on backends without the kernels (cpu in tests, tfjs-node) and when the addon is absent.
 */
import * as tf from '@tensorflow/tfjs-core'

/** Names of the fused kernels (registered for wasm by native-kernels.ts; called through tf.engine().runKernel). */
export const FUSED_KERNELS = {
  softmaxXent: 'LigoSoftmaxCrossEntropy',
  softmaxXentGrad: 'LigoSoftmaxCrossEntropyGrad',
  layerNorm: 'LigoLayerNorm',
  layerNormGrad: 'LigoLayerNormGrad',
  gelu: 'LigoGelu',
  geluGrad: 'LigoGeluGrad',
  /** GPT-2's tanh GELU ("gelu_new"). */
  geluTanh: 'LigoGeluTanh',
  geluTanhGrad: 'LigoGeluTanhGrad',
  /** Attention probabilities with the causal and padding masks applied on the fly (native-ops.ts maskedSoftmax). */
  maskedSoftmax: 'LigoMaskedSoftmax',
  maskedSoftmaxGrad: 'LigoMaskedSoftmaxGrad',
  /** A linear layer y = x·Wᵀ + b (torch layout W [out, in]) and its three gradients (native-ops.ts linearFused). */
  linear: 'LigoLinear',
  linearGrad: 'LigoLinearGrad',
  /** The attention core of all heads from q, k, v [B, T, H] to the context [B, T, H] (native-ops.ts fusedAttention). */
  attention: 'LigoAttention',
  attentionGrad: 'LigoAttentionGrad',
  /** CaiT's talking-heads attention core, head mixing before and after the softmax inside (native-ops.ts fusedTalkingAttention). */
  talkingAttention: 'LigoTalkingAttention',
  talkingAttentionGrad: 'LigoTalkingAttentionGrad',
  /** A whole pre-LN transformer block (ViT, DeiT, GPT-2) and its gradient (native-block.ts, native-ops.ts preLnBlockFused). */
  preLnBlock: 'LigoPreLnBlock',
  preLnBlockGrad: 'LigoPreLnBlockGrad',
  /** CaiT's class-attention block and its gradient (native-class-block.ts, native-ops.ts classAttentionBlockFused). */
  classBlock: 'LigoClassAttentionBlock',
  classBlockGrad: 'LigoClassAttentionBlockGrad',
  /** Inverted dropout with a hashed mask (dropout-mask.ts); its own gradient (native-ops.ts dropoutAt). */
  dropout: 'LigoDropout',
  /** In place on param, m, v (see native-ops.ts adamwUpdateInPlace); returns no tensor. */
  adamw: 'LigoAdamWUpdate',
} as const

/** Backends whose BatchMatMul is currently the native (BLAS) one. */
const nativeMatMulBackends = new Set<string>()

/** Called by native-kernels.ts when it replaces (on = true) or restores (false) a backend's BatchMatMul. */
export function setNativeMatMul(backend: string, on: boolean): void {
  if (on) nativeMatMulBackends.add(backend)
  else nativeMatMulBackends.delete(backend)
}

/** True when the fused kernel `name` can run on the active backend. */
export function fusedKernelActive(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined
}

/**
 * True when BatchMatMul on the active backend is the native one: then transposed and batched matmuls are as fast
 * as plain ones, so attention runs batched and linear layers need no explicit transposes.
 */
export function nativeMatMulActive(): boolean {
  return nativeMatMulBackends.has(tf.getBackend())
}
