/**
 * Built-in or in-memory images adapted to what a model takes (issue 11: growing a 32x32 RGB ViT on the built-in
 * 28x28 grey digits): channels converted first (grey copied to R, G and B; RGB to grey by ITU-R 601 luma, the
 * formula image-folder.ts uses), then a bilinear resize with half-pixel centres (image-folder.ts resizeBilinear,
 * torch's interpolate(mode='bilinear', align_corners=False)). Returns the notice to show the user, or null when
 * nothing had to change.
 */
import { resizeBilinear, type ImageInputShape } from './image-folder'
import type { ImageDataset } from './types'

/** Adapted datasets above this many bytes are refused (a subset keeps memory bounded: --max-examples). */
export const MAX_ADAPTED_BYTES = 1024 ** 3

export class ImageAdaptError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ImageAdaptError'
  }
}

const LUMA = [0.299, 0.587, 0.114] as const

function convertChannels(src: Float32Array, pixels: number, from: number, to: 1 | 3): Float32Array {
  if (from === to) return src
  const out = new Float32Array(pixels * to)
  for (let p = 0; p < pixels; p++) {
    if (to === 3) out.fill(src[p], 3 * p, 3 * p + 3)
    else out[p] = LUMA[0] * src[3 * p] + LUMA[1] * src[3 * p + 1] + LUMA[2] * src[3 * p + 2]
  }
  return out
}

const describeShape = (h: number, w: number, c: number): string => `${h}x${w}x${c}`

/**
 * The images at `indices` (default all, in order) in the target shape. Labels, class names and sources follow
 * the kept images; the result's example i is the input's indices[i].
 */
export function adaptImages(images: ImageDataset, target: ImageInputShape, name: string, indices?: readonly number[]): { images: ImageDataset; notice: string | null } {
  const { height: h, width: w, channels: c } = images
  const chosen = indices ?? Array.from({ length: images.count }, (_, i) => i)
  const same = h === target.height && w === target.width && c === target.channels
  if (same && indices === undefined) return { images, notice: null }
  if (c !== 1 && c !== 3) throw new ImageAdaptError(`Data "${name}" has ${c}-channel images; only 1 (grey) and 3 (RGB) can be adapted`)
  const outSize = target.height * target.width * target.channels
  if (chosen.length * outSize * 4 > MAX_ADAPTED_BYTES) {
    const fits = Math.floor(MAX_ADAPTED_BYTES / (outSize * 4))
    throw new ImageAdaptError(`Data "${name}": ${chosen.length} images at ${describeShape(target.height, target.width, target.channels)} need more than 1 GiB; use a subset of at most ${fits} images (\`maxExamples\`)`)
  }
  const inSize = h * w * c
  const pixels = new Float32Array(chosen.length * outSize)
  const labels = new Int32Array(chosen.length)
  chosen.forEach((index, i) => {
    const src = images.pixels.subarray(index * inSize, (index + 1) * inSize)
    const converted = convertChannels(src, h * w, c, target.channels)
    pixels.set(resizeBilinear(converted, h, w, target.channels, target.height, target.width), i * outSize)
    labels[i] = images.labels[index]
  })
  const changes: string[] = []
  if (h !== target.height || w !== target.width) changes.push(`resized from ${h}x${w} to ${target.height}x${target.width}`)
  if (c !== target.channels) changes.push(target.channels === 3 ? 'grey copied to red, green and blue' : 'RGB turned to grey (luma)')
  const adapted: ImageDataset = { ...target, classNames: images.classNames, pixels, labels, count: chosen.length, sources: chosen.map((i) => images.sources[i]) }
  return { images: adapted, notice: same ? null : `Data "${name}" has ${describeShape(h, w, c)} images; ${changes.join(' and ')} to fit the model (${describeShape(target.height, target.width, target.channels)})` }
}
