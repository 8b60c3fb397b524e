/**
 * Values of every shared fixture against fixture-tensors.json, made by make-fixture-reference.py: an independent
 * reader in Python's standard library (json/struct for safetensors; zipfile and pickle with its own find_class
 * allow-list and stride gathering for the torch .bin). Debian's python3-torch was not installed where the JSON was
 * made, and no fixture ships both a .bin and a .safetensors of the same weights, so this is the cross-check.
 * Compared: dtype, shape, SHA-256 of the row-major little-endian bytes, first values and the sum.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SHARED_FIXTURES } from '../fixtures/bad-checkpoints/builders'
import { bytesOf } from '../../src/engine/io/formats/dtypes'
import { openCheckpointFile } from '../../src/engine/io/formats/open-checkpoint'

interface ReferenceTensor {
  dtype: string
  shape: number[]
  sha256: string
  sum: number
  first: number[]
}

const reference: Record<string, Record<string, ReferenceTensor>> = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixture-tensors.json'), 'utf8'),
)

describe('fixtures against the independent Python reference', () => {
  it('covers every weight file of the shared fixtures', () => {
    expect(Object.keys(reference).sort()).toEqual([
      'bert-tiniest-lmhead/model.safetensors',
      'gpt2-fake-lmhead/model.safetensors',
      'gpt2-tiny-model/model.safetensors',
      'vit-dummy-bin/pytorch_model.bin',
    ])
  })

  it.each(Object.keys(reference))('%s', async (file) => {
    const expected = reference[file]
    const reader = await openCheckpointFile(join(SHARED_FIXTURES, file))
    expect([...reader.tensors.keys()].sort()).toEqual(Object.keys(expected).sort())
    for (const [name, want] of Object.entries(expected)) {
      const tensor = await reader.readTensor(name)
      expect({ name, dtype: tensor.dtype, shape: [...tensor.shape] }).toEqual({ name, dtype: want.dtype, shape: want.shape })
      expect(createHash('sha256').update(bytesOf(tensor.data)).digest('hex'), name).toBe(want.sha256)
      const values = tensor.toFloat32()
      expect([...values.subarray(0, want.first.length)], name).toEqual(want.first)
      let sum = 0
      for (const v of values) sum += v
      expect(sum, name).toBeCloseTo(want.sum, 9)
    }
  })
})
