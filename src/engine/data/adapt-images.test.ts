import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { adaptImages } from './adapt-images'
import type { ImageDataset } from './types'

/** The synthetic 7x7 grey image of test/reference/make-adapt-images-reference.py, plus a second constant one. */
function dataset(): ImageDataset {
  const side = 7
  const pixels = new Float32Array(2 * side * side)
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) pixels[y * side + x] = ((y * 7 + x * 3) % 11) / 10
  pixels.fill(0.25, side * side)
  return { height: side, width: side, channels: 1, classNames: ['a', 'b'], pixels, labels: Int32Array.from([1, 0]), count: 2, sources: ['s0', 's1'] }
}

const reference = JSON.parse(readFileSync('test/reference/adapt-images-reference.json', 'utf8')) as { nhwc: Record<string, number[]> }

describe('adaptImages', () => {
  it('matches torch bilinear (align_corners=False) after grey -> RGB, up and down', () => {
    for (const size of [10, 4]) {
      const { images, notice } = adaptImages(dataset(), { height: size, width: size, channels: 3 }, 'digits')
      const first = Array.from(images.pixels.subarray(0, size * size * 3))
      const expected = reference.nhwc[String(size)]
      expect(first.length).toBe(expected.length)
      first.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5))
      expect(notice).toBe(`Data "digits" has 7x7x1 images; resized from 7x7 to ${size}x${size} and grey copied to red, green and blue to fit the model (${size}x${size}x3)`)
    }
  })

  it('keeps a constant image constant, labels and sources in order, and turns RGB to grey by luma', () => {
    const { images } = adaptImages(dataset(), { height: 12, width: 12, channels: 3 }, 'd')
    expect(new Set(images.pixels.subarray(12 * 12 * 3))).toEqual(new Set([0.25]))
    expect([Array.from(images.labels), images.sources, images.count]).toEqual([[1, 0], ['s0', 's1'], 2])
    const rgb: ImageDataset = { ...dataset(), channels: 3, count: 1, pixels: Float32Array.from([1, 0, 0]), height: 1, width: 1, labels: Int32Array.from([0]), sources: ['r'] }
    const grey = adaptImages(rgb, { height: 1, width: 1, channels: 1 }, 'red')
    expect(grey.images.pixels[0]).toBeCloseTo(0.299, 6)
    expect(grey.notice).toContain('RGB turned to grey (luma)')
  })

  it('leaves fitting data alone, takes a subset, refuses what does not fit in memory', () => {
    const data = dataset()
    expect(adaptImages(data, { height: 7, width: 7, channels: 1 }, 'd')).toEqual({ images: data, notice: null })
    const subset = adaptImages(data, { height: 7, width: 7, channels: 1 }, 'd', [1])
    expect([subset.images.count, subset.notice, Array.from(subset.images.labels)]).toEqual([1, null, [0]])
    const many = { ...data, count: 20_000 }
    expect(() => adaptImages(many, { height: 224, width: 224, channels: 3 }, 'mnist')).toThrow('Data "mnist": 20000 images at 224x224x3 need more than 1 GiB; use a subset of at most 1783 images (`maxExamples`)')
  })
})
