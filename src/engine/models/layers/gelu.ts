/**
 * The two GELUs of the families (docs/formats/checkpoints.md §2.0):
 * exact erf GELU ("gelu": BERT, RoBERTa, ViT, DeiT, CaiT's nn.GELU) and the tanh approximation ("gelu_new": GPT-2).
 */
import * as tf from '@tensorflow/tfjs-core'
// TF.js-core-only modules of engine/backend (kernel-availability.ts explains why models may import them).
import { FUSED_KERNELS, fusedKernelActive } from '../../backend/kernel-availability'
import { geluFused, geluTanhFused, geluTanhReference } from '../../backend/native-ops'

export type Activation = 'gelu' | 'gelu_new'

/** 0.5·x·(1 + erf(x/√2)) */
export function gelu(x: tf.Tensor): tf.Tensor {
  if (x.dtype === 'float32' && fusedKernelActive(FUSED_KERNELS.gelu)) return geluFused(x) // native, one pass each way
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))))
}

/** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) */
export function geluNew(x: tf.Tensor): tf.Tensor {
  if (x.dtype === 'float32' && fusedKernelActive(FUSED_KERNELS.geluTanh)) return geluTanhFused(x) // native, one pass each way
  return geluTanhReference(x)
}

export function activation(name: Activation): (x: tf.Tensor) => tf.Tensor {
  return name === 'gelu' ? gelu : geluNew
}
