/**
 * A PNG decoder (W3C PNG spec, 2nd ed.) on node:zlib: chunks with CRC check, IHDR/PLTE/tRNS/IDAT, the five
 * scanline filters (None, Sub, Up, Average, Paeth; spec section 9). Supported: non-interlaced, colour types
 * gray / gray+alpha / RGB / RGBA at 8 bits, gray and palette at 1/2/4/8 bits. 16-bit and interlaced
 * (Adam7) images are refused with a message saying how to convert them.
 */
import { inflateSync } from 'node:zlib'
import { reflectedCrc32 } from '../../shared/crc32'

export interface DecodedImage {
  width: number
  height: number
  /** 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4
  /** [height, width, channels], 8-bit samples. */
  data: Uint8Array
}

export class PngError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PngError'
  }
}

export const PNG_SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** CRC-32 as PNG uses it (ISO 3309), over chunk type + data. */
export const crc32 = reflectedCrc32(0xedb88320)

const SAMPLES_PER_PIXEL: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }
const COLOR_TYPE_NAMES: Record<number, string> = { 0: 'gray', 2: 'RGB', 3: 'palette', 4: 'gray+alpha', 6: 'RGBA' }

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

/** Undo the per-scanline filters in place-order; returns the raw scanlines without filter bytes. */
function unfilter(data: Uint8Array, height: number, stride: number, bpp: number): Uint8Array {
  const out = new Uint8Array(height * stride)
  for (let y = 0; y < height; y++) {
    const type = data[y * (stride + 1)]
    const src = y * (stride + 1) + 1
    const row = y * stride
    const prev = row - stride
    for (let x = 0; x < stride; x++) {
      const raw = data[src + x]
      const a = x >= bpp ? out[row + x - bpp] : 0
      const b = y > 0 ? out[prev + x] : 0
      const c = x >= bpp && y > 0 ? out[prev + x - bpp] : 0
      let value: number
      switch (type) {
        case 0: value = raw; break
        case 1: value = raw + a; break
        case 2: value = raw + b; break
        case 3: value = raw + ((a + b) >> 1); break
        case 4: value = raw + paeth(a, b, c); break
        default: throw new PngError(`scanline ${y} has unknown filter type ${type} (expected 0-4)`)
      }
      out[row + x] = value & 0xff
    }
  }
  return out
}

export function decodePng(bytes: Uint8Array): DecodedImage {
  if (!isPng(bytes)) throw new PngError('not a PNG file (bad signature)')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let at = 8
  let header: { width: number; height: number; depth: number; colorType: number; interlace: number } | undefined
  let palette: Uint8Array | undefined
  let transparency: Uint8Array | undefined
  const idat: Uint8Array[] = []
  let ended = false
  while (at + 12 <= bytes.length) {
    const length = view.getUint32(at)
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8))
    if (at + 12 + length > bytes.length) throw new PngError(`chunk ${type} is cut short (file truncated)`)
    const body = bytes.subarray(at + 8, at + 8 + length)
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) throw new PngError(`chunk ${type} has a bad CRC (file damaged)`)
    at += 12 + length
    if (type === 'IHDR') {
      const v = new DataView(body.buffer, body.byteOffset, body.byteLength)
      header = { width: v.getUint32(0), height: v.getUint32(4), depth: body[8], colorType: body[9], interlace: body[12] }
    } else if (type === 'PLTE') palette = body
    else if (type === 'tRNS') transparency = body
    else if (type === 'IDAT') idat.push(body)
    else if (type === 'IEND') {
      ended = true
      break
    }
  }
  if (!header) throw new PngError('no IHDR chunk')
  if (!ended) throw new PngError('no IEND chunk (file truncated)')
  const { width, height, depth, colorType, interlace } = header
  const samples = SAMPLES_PER_PIXEL[colorType]
  if (samples === undefined) throw new PngError(`invalid colour type ${colorType}`)
  const kind = COLOR_TYPE_NAMES[colorType]
  if (depth === 16) throw new PngError(`16-bit ${kind} PNG is not supported; save it with 8 bits per channel`)
  const allowedDepths = colorType === 0 || colorType === 3 ? [1, 2, 4, 8] : [8]
  if (!allowedDepths.includes(depth)) throw new PngError(`bit depth ${depth} is invalid for a ${kind} PNG`)
  if (interlace !== 0) throw new PngError('interlaced (Adam7) PNG is not supported; save it without interlacing')
  if (width === 0 || height === 0) throw new PngError(`empty image (${width}x${height})`)
  if (colorType === 3 && !palette) throw new PngError('palette PNG without a PLTE chunk')

  let inflated: Uint8Array
  try {
    inflated = inflateSync(Buffer.concat(idat))
  } catch (error) {
    throw new PngError(`image data does not inflate (${(error as Error).message})`)
  }
  const bitsPerPixel = samples * depth
  const stride = Math.ceil((width * bitsPerPixel) / 8)
  if (inflated.length < height * (stride + 1)) throw new PngError(`image data is short: ${inflated.length} bytes for ${height} rows of ${stride + 1}`)
  const raw = unfilter(inflated, height, stride, Math.max(1, bitsPerPixel >> 3))

  // Unpack sub-byte samples (high bits first) to one byte per sample.
  const sampleAt = (row: number, index: number): number => {
    if (depth === 8) return raw[row * stride + index]
    const bit = index * depth
    return (raw[row * stride + (bit >> 3)] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1)
  }
  if (colorType === 3) {
    const hasAlpha = transparency !== undefined
    const channels = hasAlpha ? 4 : 3
    const data = new Uint8Array(width * height * channels)
    const entries = palette!.length / 3
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const index = sampleAt(y, x)
        if (index >= entries) throw new PngError(`pixel (${x}, ${y}) uses palette entry ${index} of ${entries}`)
        const o = (y * width + x) * channels
        data[o] = palette![3 * index]
        data[o + 1] = palette![3 * index + 1]
        data[o + 2] = palette![3 * index + 2]
        if (hasAlpha) data[o + 3] = index < transparency!.length ? transparency![index] : 255
      }
    return { width, height, channels, data }
  }
  const channels = samples as 1 | 2 | 3 | 4
  const data = new Uint8Array(width * height * channels)
  const scale = depth === 8 ? 1 : 255 / ((1 << depth) - 1)
  for (let y = 0; y < height; y++)
    for (let i = 0; i < width * channels; i++) data[y * width * channels + i] = Math.round(sampleAt(y, i) * scale)
  return { width, height, channels, data }
}
