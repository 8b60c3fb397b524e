/**
 * JPEG decoding for image folders, through jpeg-js (pure JavaScript, baseline and progressive JPEG; no native
 * code and nothing downloaded). The result has the shape of the PNG decoder's output so image-folder.ts treats
 * both alike. Limits keep a hostile or huge file from exhausting memory.
 */
import { decode } from 'jpeg-js'
import type { DecodedImage } from './png'

export class JpegError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'JpegError'
  }
}

/** SOI marker followed by the first marker's 0xFF. */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff
}

/** Training images are small; anything above this is refused rather than decoded (megapixels). */
export const JPEG_MAX_MEGAPIXELS = 50
const JPEG_MAX_MEMORY_MB = 512

/** Decodes a JPEG to 8-bit RGB ([height, width, 3]); gray JPEGs come back with the three channels equal. */
export function decodeJpeg(bytes: Uint8Array): DecodedImage {
  let image: { width: number; height: number; data: Uint8Array }
  try {
    image = decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: JPEG_MAX_MEGAPIXELS,
      maxMemoryUsageInMB: JPEG_MAX_MEMORY_MB,
    })
  } catch (error) {
    throw new JpegError((error as Error).message || String(error))
  }
  if (image.width <= 0 || image.height <= 0 || image.data.length !== image.width * image.height * 3) {
    throw new JpegError(`decoder returned ${image.data.length} bytes for a ${image.width}x${image.height} image`)
  }
  return { width: image.width, height: image.height, channels: 3, data: image.data }
}
