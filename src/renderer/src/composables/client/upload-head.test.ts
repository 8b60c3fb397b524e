// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { SNIFF_HEAD_BYTES } from '../../../../shared/studio-api'
import { fromBase64 } from '../../testing/base64'
import { bytesToBase64, readUploadHead } from './upload-head'

const text = (s: string) => new TextEncoder().encode(s)

describe('bytesToBase64', () => {
  it('gives the RFC 4648 test vectors', () => {
    const vectors: Array<[string, string]> = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['foobar', 'Zm9vYmFy']]
    for (const [plain, encoded] of vectors) expect(bytesToBase64(text(plain))).toBe(encoded)
    expect(bytesToBase64(new Uint8Array([0xff, 0xfe, 0x00]))).toBe('//4A')
  })
  it('round-trips inputs longer than one chunk', () => {
    const long = new Uint8Array(20_000).map((_, i) => (i * 31 + 7) % 256)
    expect(fromBase64(bytesToBase64(long))).toEqual(long)
  })
})

describe('readUploadHead', () => {
  it('keeps the full size and at most SNIFF_HEAD_BYTES bytes', async () => {
    const small = await readUploadHead(new File(['{"a":1}'], 'config.json'))
    expect(small).toEqual({ name: 'config.json', sizeBytes: 7, headBase64: 'eyJhIjoxfQ==' })
    const big = await readUploadHead(new File([new Uint8Array(SNIFF_HEAD_BYTES * 3)], 'big.bin'))
    expect(big.sizeBytes).toBe(SNIFF_HEAD_BYTES * 3)
    expect(fromBase64(big.headBase64)).toHaveLength(SNIFF_HEAD_BYTES)
  })

  it('reports an unreadable File (a folder in Chromium) as unsupported', async () => {
    const unreadable = new File([], 'photos')
    Object.defineProperty(unreadable, 'slice', { value: () => ({ arrayBuffer: () => Promise.reject(new Error('NotFoundError')) }) })
    await expect(readUploadHead(unreadable)).rejects.toMatchObject({ code: 'unsupported', message: expect.stringContaining('"photos" is a folder') })
  })
})
