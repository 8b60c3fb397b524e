/**
 * An image-classification folder: one sub-folder per class (sorted names = label order), PNG and JPEG files inside
 * (searched one level deep, sorted). Each image is decoded, alpha composited over black, converted to the
 * model's channel count (gray = ITU-R 601 luma, the PIL "L" formula) and resized bilinearly (half-pixel
 * centres, as TF's resize_bilinear with half_pixel_centers) to the model's input size, values in [0, 1].
 */
import { readdirSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { decodeJpeg, isJpeg, JpegError } from './jpeg'
import { decodePng, isPng, PngError, type DecodedImage } from './png'
import type { ImageDataset } from './types'

export class ImageFolderError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ImageFolderError'
  }
}

export interface ImageInputShape {
  height: number
  width: number
  /** 1 (gray) or 3 (RGB). */
  channels: 1 | 3
}

const PNG_EXTENSIONS = ['.png']
const JPEG_EXTENSIONS = ['.jpg', '.jpeg']

export function readImageFile(file: string): DecodedImage {
  let bytes: Uint8Array
  try {
    bytes = readFileSync(file)
  } catch (error) {
    throw new ImageFolderError(`${file}: cannot read the file (${(error as Error).message})`)
  }
  if (isJpeg(bytes)) {
    try {
      return decodeJpeg(bytes)
    } catch (error) {
      if (error instanceof JpegError) throw new ImageFolderError(`${file}: unreadable JPEG: ${error.message}`)
      throw error
    }
  }
  if (!isPng(bytes)) throw new ImageFolderError(`${file}: unreadable image (not a PNG or JPEG file)`)
  try {
    return decodePng(bytes)
  } catch (error) {
    if (error instanceof PngError) throw new ImageFolderError(`${file}: unreadable PNG: ${error.message}`)
    throw error
  }
}

/** Decoded 8-bit image -> float [height, width, channels] in [0, 1] with the target channel count. */
function toChannels(image: DecodedImage, channels: 1 | 3): Float32Array {
  const n = image.width * image.height
  const out = new Float32Array(n * channels)
  for (let p = 0; p < n; p++) {
    const s = p * image.channels
    const hasAlpha = image.channels === 2 || image.channels === 4
    const alpha = hasAlpha ? image.data[s + image.channels - 1] / 255 : 1
    let r: number, g: number, b: number
    if (image.channels <= 2) r = g = b = image.data[s] / 255
    else [r, g, b] = [image.data[s] / 255, image.data[s + 1] / 255, image.data[s + 2] / 255]
    if (channels === 1) out[p] = alpha * (0.299 * r + 0.587 * g + 0.114 * b)
    else {
      out[3 * p] = alpha * r
      out[3 * p + 1] = alpha * g
      out[3 * p + 2] = alpha * b
    }
  }
  return out
}

/** Bilinear resize of [h, w, c] to [outH, outW, c], half-pixel centres, edge-clamped. */
export function resizeBilinear(src: Float32Array, h: number, w: number, c: number, outH: number, outW: number): Float32Array {
  if (h === outH && w === outW) return src
  const out = new Float32Array(outH * outW * c)
  for (let y = 0; y < outH; y++) {
    const sy = Math.min(Math.max((y + 0.5) * (h / outH) - 0.5, 0), h - 1)
    const y0 = Math.floor(sy)
    const y1 = Math.min(y0 + 1, h - 1)
    const fy = sy - y0
    for (let x = 0; x < outW; x++) {
      const sx = Math.min(Math.max((x + 0.5) * (w / outW) - 0.5, 0), w - 1)
      const x0 = Math.floor(sx)
      const x1 = Math.min(x0 + 1, w - 1)
      const fx = sx - x0
      for (let k = 0; k < c; k++) {
        const top = src[(y0 * w + x0) * c + k] * (1 - fx) + src[(y0 * w + x1) * c + k] * fx
        const bottom = src[(y1 * w + x0) * c + k] * (1 - fx) + src[(y1 * w + x1) * c + k] * fx
        out[(y * outW + x) * c + k] = top * (1 - fy) + bottom * fy
      }
    }
  }
  return out
}

function listDir(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith('.'))
  } catch (error) {
    throw new ImageFolderError(`${dir}: cannot read the folder (${(error as Error).message})`)
  }
}

export function loadImageFolder(dir: string, shape: ImageInputShape): ImageDataset {
  const { height, width, channels } = shape
  if (!(Number.isInteger(height) && height > 0 && Number.isInteger(width) && width > 0)) throw new ImageFolderError(`Image input size must be positive integers, got ${height}x${width}`)
  if (channels !== 1 && channels !== 3) throw new ImageFolderError(`Image channels must be 1 or 3, got ${channels}`)
  const classNames = listDir(dir)
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
  if (classNames.length < 2) {
    throw new ImageFolderError(
      `${dir}: found ${classNames.length} class folder${classNames.length === 1 ? '' : 's'}${classNames.length ? ` (${classNames[0]})` : ''}; ` +
        'an image folder needs at least 2 sub-folders, one per class',
    )
  }
  const files: Array<{ file: string; label: number }> = []
  classNames.forEach((name, label) => {
    const images = listDir(join(dir, name))
      .filter((e) => e.isFile() && [...PNG_EXTENSIONS, ...JPEG_EXTENSIONS].includes(extname(e.name).toLowerCase()))
      .map((e) => e.name)
      .sort()
    if (images.length === 0) throw new ImageFolderError(`${join(dir, name)}: class folder has no images (expected .png, .jpg or .jpeg files)`)
    for (const image of images) files.push({ file: join(dir, name, image), label })
  })
  const size = height * width * channels
  const pixels = new Float32Array(files.length * size)
  const labels = new Int32Array(files.length)
  files.forEach(({ file, label }, i) => {
    const image = readImageFile(file)
    pixels.set(resizeBilinear(toChannels(image, channels), image.height, image.width, channels, height, width), i * size)
    labels[i] = label
  })
  return { height, width, channels, classNames, pixels, labels, count: files.length, sources: files.map((f) => f.file) }
}
