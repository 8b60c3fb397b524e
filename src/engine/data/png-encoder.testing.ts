/**
 * Test helper (not shipped code): writes PNG files byte by byte from known pixels: each row filtered with a
 * chosen filter (the encoder side of PNG spec section 9.2, written independently of png.ts's unfilter),
 * deflated with node:zlib, IDAT split in two chunks. Used by png.test.ts and image-folder.test.ts.
 */
import { deflateSync } from 'node:zlib'
import { crc32 } from './png'
import { Rng } from './rng'

export function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, body.length)
  out.set(Buffer.from(type, 'latin1'), 4)
  out.set(body, 8)
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)))
  return out
}

/** Filter one row (spec section 9.2): raw - predictor(a=left, b=up, c=up-left). */
function filterRow(type: number, row: Uint8Array, prev: Uint8Array, bpp: number): Uint8Array {
  const out = new Uint8Array(row.length + 1)
  out[0] = type
  for (let i = 0; i < row.length; i++) {
    const a = i >= bpp ? row[i - bpp] : 0
    const b = prev[i]
    const c = i >= bpp ? prev[i - bpp] : 0
    const p = a + b - c
    const pred = [0, a, b, Math.floor((a + b) / 2), Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c][type]
    out[i + 1] = (row[i] - pred + 256) % 256
  }
  return out
}

export interface PngSpec { width: number; height: number; depth: number; colorType: number; rows: Uint8Array[]; filters?: number[]; extra?: Uint8Array[]; interlace?: number }

export function encodePng(spec: PngSpec): Uint8Array {
  const ihdr = new Uint8Array(13)
  const v = new DataView(ihdr.buffer)
  v.setUint32(0, spec.width)
  v.setUint32(4, spec.height)
  ihdr.set([spec.depth, spec.colorType, 0, 0, spec.interlace ?? 0], 8)
  const samples = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[spec.colorType]!
  const bpp = Math.max(1, (samples * spec.depth) >> 3)
  const filtered: Uint8Array[] = []
  let prev: Uint8Array = new Uint8Array(spec.rows[0].length)
  spec.rows.forEach((row, y) => {
    filtered.push(filterRow(spec.filters ? spec.filters[y % spec.filters.length] : 0, row, prev, bpp))
    prev = row
  })
  const idat = deflateSync(Buffer.concat(filtered))
  // Split IDAT in two chunks: decoders must concatenate them.
  const half = idat.length >> 1
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(spec.extra ?? []),
    chunk('IDAT', idat.subarray(0, half)),
    chunk('IDAT', idat.subarray(half)),
    chunk('IEND', new Uint8Array(0)),
  ])
}

/**
 * Seeded noise with runs of equal bytes: noise exercises every predictor, the runs create the ties
 * (pa == pb, pb == pc) where Paeth's tie-break order decides the result.
 */
export function pixels(n: number, seed: number): Uint8Array {
  const rng = new Rng(seed)
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = rng.next() < 0.3 && i > 0 ? out[i - 1] : rng.nextInt(256)
  return out
}

export function rowsOf(data: Uint8Array, height: number): Uint8Array[] {
  const stride = data.length / height
  return Array.from({ length: height }, (_, y) => data.subarray(y * stride, (y + 1) * stride))
}
