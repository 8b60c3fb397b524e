import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadImageFolder, resizeBilinear } from './image-folder'
import { encodePng } from './png-encoder.testing'

const root = mkdtempSync(join(tmpdir(), 'ligo-img-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function solidRgb(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const row = new Uint8Array(width * 3)
  for (let x = 0; x < width; x++) row.set(rgb, 3 * x)
  return encodePng({ width, height, depth: 8, colorType: 2, rows: Array(height).fill(row), filters: [1, 2, 4] })
}

function makeFolder(name: string, classes: Record<string, Record<string, Uint8Array>>): string {
  const dir = join(root, name)
  for (const [cls, files] of Object.entries(classes)) {
    mkdirSync(join(dir, cls), { recursive: true })
    for (const [file, bytes] of Object.entries(files)) writeFileSync(join(dir, cls, file), bytes)
  }
  mkdirSync(dir, { recursive: true })
  return dir
}

describe('loadImageFolder', () => {
  it('labels classes by sorted folder name, resizes and converts channels', () => {
    const dir = makeFolder('ok', {
      red: { 'b.png': solidRgb(6, 4, [255, 0, 0]), 'a.png': solidRgb(3, 3, [255, 0, 0]) },
      blue: { 'x.PNG': solidRgb(8, 8, [0, 0, 255]) },
    })
    const rgb = loadImageFolder(dir, { height: 2, width: 2, channels: 3 })
    expect(rgb.classNames).toEqual(['blue', 'red'])
    expect([...rgb.labels]).toEqual([0, 1, 1])
    expect(rgb.sources).toEqual([join(dir, 'blue', 'x.PNG'), join(dir, 'red', 'a.png'), join(dir, 'red', 'b.png')])
    expect(rgb.pixels.length).toBe(3 * 2 * 2 * 3)
    expect([...rgb.pixels.subarray(0, 3)]).toEqual([0, 0, 1])
    expect([...rgb.pixels.subarray(12, 15)]).toEqual([1, 0, 0])
    const gray = loadImageFolder(dir, { height: 2, width: 2, channels: 1 })
    expect(gray.pixels[0]).toBeCloseTo(0.114, 6) // blue luma (ITU-R 601)
    expect(gray.pixels[4]).toBeCloseTo(0.299, 6) // red
  })

  it('bilinear resize with half-pixel centres matches hand-computed values', () => {
    // 1x2 -> 1x4: source centres at 0.5 and 1.5 of a 2-wide row; outputs at 0.25, 0.75, 1.25, 1.75 (in source px)
    expect([...resizeBilinear(Float32Array.from([0, 1]), 1, 2, 1, 1, 4)]).toEqual([0, 0.25, 0.75, 1])
  })

  it('refuses a folder with one class, an empty class, an unreadable image and a broken JPEG', () => {
    const one = makeFolder('one', { cats: { 'a.png': solidRgb(2, 2, [1, 2, 3]) } })
    expect(() => loadImageFolder(one, { height: 2, width: 2, channels: 3 })).toThrow(`${one}: found 1 class folder (cats); an image folder needs at least 2 sub-folders, one per class`)
    const emptyClass = makeFolder('empty-class', { cats: { 'a.png': solidRgb(2, 2, [1, 2, 3]) }, dogs: { 'notes.txt': new Uint8Array(1) } })
    expect(() => loadImageFolder(emptyClass, { height: 2, width: 2, channels: 3 })).toThrow(`${join(emptyClass, 'dogs')}: class folder has no images (expected .png, .jpg or .jpeg files)`)
    const broken = makeFolder('broken', { cats: { 'a.png': solidRgb(2, 2, [1, 2, 3]) }, dogs: { 'b.png': Uint8Array.from([1, 2, 3, 4]) } })
    expect(() => loadImageFolder(broken, { height: 2, width: 2, channels: 3 })).toThrow(`${join(broken, 'dogs', 'b.png')}: unreadable image (not a PNG or JPEG file)`)
    const truncated = solidRgb(4, 4, [9, 9, 9]).subarray(0, 40)
    const cut = makeFolder('cut', { cats: { 'a.png': solidRgb(2, 2, [1, 2, 3]) }, dogs: { 'b.png': truncated } })
    expect(() => loadImageFolder(cut, { height: 2, width: 2, channels: 3 })).toThrow(new RegExp(`^${join(cut, 'dogs', 'b.png')}: unreadable PNG: `))
    const jpeg = makeFolder('jpeg', { cats: { 'a.png': solidRgb(2, 2, [1, 2, 3]) }, dogs: { 'b.jpg': Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]) } })
    expect(() => loadImageFolder(jpeg, { height: 2, width: 2, channels: 3 })).toThrow(new RegExp(`^${join(jpeg, 'dogs', 'b.jpg')}: unreadable JPEG: `))
  })
})
