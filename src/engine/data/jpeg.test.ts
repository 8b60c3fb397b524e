import { readFileSync, mkdtempSync, mkdirSync, copyFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeJpeg, isJpeg, JpegError } from './jpeg'
import { loadImageFolder } from './image-folder'

// Independent truth: the same files decoded by PIL/libjpeg (test/reference/make-jpeg-reference.py).
const REFERENCE_DIR = join(import.meta.dirname, '..', '..', '..', 'test', 'reference', 'jpeg')
const reference = JSON.parse(readFileSync(join(REFERENCE_DIR, 'reference.json'), 'utf8')) as Record<
  string,
  { mode: 'RGB' | 'L'; width: number; height: number; pixels: number[] }
>

describe('decodeJpeg', () => {
  const load = (name: string) => {
    const bytes = readFileSync(join(REFERENCE_DIR, name))
    expect(isJpeg(bytes)).toBe(true)
    const image = decodeJpeg(bytes)
    const expected = reference[name]
    expect([image.width, image.height, image.channels]).toEqual([expected.width, expected.height, 3])
    return { image, expected, pixels: expected.width * expected.height }
  }

  // Full-resolution chroma (4:4:4) and gray: every sample within a few levels (YCbCr->RGB rounding differs).
  for (const [name, worstAllowed] of [['rgb-baseline-444.jpg', 3], ['rgb-progressive.jpg', 3], ['gray-baseline.jpg', 2]] as const) {
    it(`decodes ${name} like libjpeg, every sample within ${worstAllowed} levels`, () => {
      const { image, expected, pixels } = load(name)
      const perPixel = expected.mode === 'RGB' ? 3 : 1
      let worst = 0
      let total = 0
      for (let p = 0; p < pixels; p++) {
        for (let c = 0; c < 3; c++) {
          const diff = Math.abs(image.data[p * 3 + c] - expected.pixels[p * perPixel + (perPixel === 3 ? c : 0)])
          worst = Math.max(worst, diff)
          total += diff
        }
      }
      expect(worst).toBeLessThanOrEqual(worstAllowed)
      expect(total / (pixels * 3)).toBeLessThan(0.6)
    })
  }

  // 4:2:0: decoders upsample chroma differently (libjpeg interpolates, jpeg-js replicates), so compare luma,
  // which RGB determines exactly (JFIF's transform) except where a channel clips at 0 or 255.
  it('decodes rgb-baseline-420.jpg with the same luma as libjpeg', () => {
    const { image, expected, pixels } = load('rgb-baseline-420.jpg')
    const luma = (a: ArrayLike<number>, i: number) => 0.299 * a[i] + 0.587 * a[i + 1] + 0.114 * a[i + 2]
    let worst = 0
    let total = 0
    for (let p = 0; p < pixels; p++) {
      const diff = Math.abs(luma(image.data, p * 3) - luma(expected.pixels, p * 3))
      worst = Math.max(worst, diff)
      total += diff
    }
    expect(worst).toBeLessThanOrEqual(8)
    expect(total / pixels).toBeLessThan(1.5)
  })

  it('refuses a truncated file with a JpegError', () => {
    const bytes = readFileSync(join(REFERENCE_DIR, 'rgb-baseline-444.jpg'))
    expect(() => decodeJpeg(bytes.subarray(0, 40))).toThrow(JpegError)
  })
})

describe('image folders with JPEG files', () => {
  const root = mkdtempSync(join(tmpdir(), 'ligo-jpeg-folder-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('loads JPEG classes and converts gray/RGB to the model input', () => {
    for (const [label, file] of [['a', 'gray-baseline.jpg'], ['b', 'rgb-progressive.jpg']]) {
      mkdirSync(join(root, label))
      copyFileSync(join(REFERENCE_DIR, file), join(root, label, file))
    }
    const dataset = loadImageFolder(root, { height: 28, width: 28, channels: 1 })
    expect(dataset.classNames).toEqual(['a', 'b'])
    expect(dataset.count).toBe(2)
    // the gray image is already 28x28: its values are PIL's within rounding
    const gray = reference['gray-baseline.jpg'].pixels
    let worst = 0
    for (let i = 0; i < 28 * 28; i++) worst = Math.max(worst, Math.abs(dataset.pixels[i] * 255 - gray[i]))
    expect(worst).toBeLessThanOrEqual(2.01)
  })
})
