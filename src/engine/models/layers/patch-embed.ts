/**
 * Patch embedding as reshape + matmul (the k = s = p conv of ViT/DeiT/CaiT). A conv2d would need
 * Conv2DBackpropFilter, which the wasm backend lacks (docs/engine/measurements.md §3.2).
 *
 * Patches are flattened in (c, i, j) order so that the canonical weight [H, C, p, p] (torch conv layout)
 * reshaped to [H, C·p·p] is the matching linear map.
 */
import * as tf from '@tensorflow/tfjs-core'
import { linear } from './linear'

/** Images -> flattened patches [B, N, C·p·p], N = (S/p)², patches in row-major grid order (as conv + flatten(2)). */
export function patchify(pixels: tf.Tensor, patchSize: number, layout: 'NHWC' | 'NCHW'): tf.Tensor {
  if (pixels.rank !== 4) throw new Error(`patch embedding: pixels must be 4-D (${layout}), got shape [${pixels.shape}]`)
  const p = patchSize
  if (layout === 'NCHW') {
    const [B, C, S] = pixels.shape
    const g = S / p
    const rows = tf.reshape(pixels, [B * C * g, p, g, p]) // [(b,c,gi), i, gj, j]
    const grid = tf.transpose(rows, [0, 2, 1, 3]) // [(b,c,gi), gj, i, j]
    const byChannel = tf.reshape(grid, [B, C, g * g, p * p]) // [b, c, n, (i,j)]
    return tf.reshape(tf.transpose(byChannel, [0, 2, 1, 3]), [B, g * g, C * p * p]) // [b, n, (c,i,j)]
  }
  const [B, S, , C] = pixels.shape
  const g = S / p
  const rows = tf.reshape(pixels, [B * g, p, g, p * C]) // [(b,gi), i, gj, (j,c)]
  const grid = tf.transpose(rows, [0, 2, 1, 3]) // [(b,gi), gj, i, (j,c)]
  if (C === 1) return tf.reshape(grid, [B, g * g, p * p]) // one channel: (i,j) is already (c,i,j)
  const patches = tf.reshape(grid, [B * g * g, p * p, C]) // [(b,n), (i,j), c]
  return tf.reshape(tf.transpose(patches, [0, 2, 1]), [B, g * g, C * p * p]) // [b, n, (c,i,j)]
}

/** [B, S, S, C] or [B, C, S, S] -> patch tokens [B, N, H] with weight [H, C, p, p] and bias [H]. */
export function patchEmbed(pixels: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, layout: 'NHWC' | 'NCHW'): tf.Tensor {
  const [hidden, channels, p] = weight.shape
  const flatWeight = tf.reshape(weight, [hidden, channels * p * p]) // [H, C·p·p]
  return linear(patchify(pixels, p, layout), flatWeight, bias) // [B, N, H]
}

/** Check an image batch against the model's image size and channels; returns the layout. */
export function checkPixels(family: string, pixels: tf.Tensor, layout: 'NHWC' | 'NCHW', imageSize: number, channels: number): void {
  const expected = layout === 'NHWC' ? [imageSize, imageSize, channels] : [channels, imageSize, imageSize]
  const got = pixels.shape.slice(1)
  if (pixels.rank !== 4 || got.some((n, i) => n !== expected[i]))
    throw new Error(`${family} forward: pixels must be [batch, ${expected.join(', ')}] (${layout}), got [${pixels.shape}]`)
}
