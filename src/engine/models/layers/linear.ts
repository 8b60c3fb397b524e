/**
 * Linear layers on 2-D matmuls whose gradients are plain (untransposed) 2-D matmuls too.
 *
 * Why (docs/engine/measurements.md §3.4): the wasm backend sends a matmul to XNNPACK only when both transpose flags are
 * false and the batch is 1; every other case runs a naive loop at ~3 GFLOP/s. tf.matMul's own gradient uses the
 * transpose flags, so every backward matmul was slow. Here transposes are explicit tf.transpose ops and the matmul
 * itself is wrapped in tf.customGrad with gradients matMul(dy, bᵀ) and matMul(aᵀ, dy) (the FASTMM fix, ~3× faster
 * training steps on wasm, identical values on every backend).
 */
import * as tf from '@tensorflow/tfjs-core'
// TF.js-core-only modules of engine/backend (kernel-availability.ts explains why models may import them).
import { FUSED_KERNELS, fusedKernelActive, nativeMatMulActive } from '../../backend/kernel-availability'
import { linearFused } from '../../backend/native-ops'

/** C = A·B for 2-D A [M, K], B [K, N]; dA = dy·Bᵀ, dB = Aᵀ·dy, each an untransposed 2-D matmul. */
const plainMatMul = tf.customGrad<tf.Tensor>((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc]
  save([a, b])
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
      tf.matMul(dy as tf.Tensor2D, tf.transpose(saved[1] as tf.Tensor2D)),
      tf.matMul(tf.transpose(saved[0] as tf.Tensor2D), dy as tf.Tensor2D),
    ],
  }
}) as unknown as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D

/** Drop-in for tf.matMul on 2-D tensors (same flags, same values, fast gradients on wasm). */
export function fastMatMul(a: tf.Tensor2D, b: tf.Tensor2D, transposeA = false, transposeB = false): tf.Tensor2D {
  if (a.rank !== 2 || b.rank !== 2) throw new Error(`fastMatMul takes 2-D tensors, got shapes [${a.shape}] and [${b.shape}]`)
  // The native BLAS BatchMatMul runs every transpose flag at full speed: the flags cost nothing there, while the
  // explicit transposes would be two extra single-threaded copies (forward and backward).
  if (nativeMatMulActive()) return tf.matMul(a, b, transposeA, transposeB)
  return plainMatMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b)
}

/**
 * y = x·Wᵀ + b with the canonical torch layout W [out, in] (docs/formats/checkpoints.md §5, principle 2).
 * x may have any leading dims: [..., in] -> [..., out].
 */
export function linear(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const [outFeatures, inFeatures] = weight.shape
  const lead = x.shape.slice(0, -1)
  if (x.shape[x.rank - 1] !== inFeatures) throw new Error(`linear: input has ${x.shape[x.rank - 1]} features, weight [${weight.shape}] expects ${inFeatures}`)
  const flat = tf.reshape(x, [-1, inFeatures]) as tf.Tensor2D // [N, in], N = product of leading dims
  // The native fused kernel: matmul and bias in one call each way (native-ops.ts linearFused says what it saves).
  if (flat.shape[0] > 0 && [x, weight, bias ?? weight].every((t) => t.dtype === 'float32') && fusedKernelActive(FUSED_KERNELS.linear))
    return tf.reshape(linearFused(flat, weight, bias), [...lead, outFeatures])
  let y: tf.Tensor = fastMatMul(flat, weight as tf.Tensor2D, false, true) // [N, out]
  if (bias) y = tf.add(y, bias)
  return tf.reshape(y, [...lead, outFeatures]) // [..., out]
}
