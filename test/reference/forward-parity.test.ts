/**
 * `ligo forward` parity: logits of every shared fixture and of the synthetic RoBERTa / DeiT / timm DeiT / timm
 * CaiT checkpoints (test/reference/synthetic) against forward-reference.json, computed by
 * make-forward-reference.py with plain PyTorch models written from the HF/timm definitions (float64), so CI needs
 * no torch. Tolerance 1e-4 (relative above 1). Large vocabularies are compared on selected columns and on the
 * sum over the vocabulary.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { SHARED_FIXTURES } from '../fixtures/bad-checkpoints/builders'
import { checkpointForward } from '../../src/engine/tasks/checkpoint-tasks'

interface Case {
  name: string
  checkpoint: string
  input: Record<string, unknown>
  shape: number[]
  columns?: number[]
  logits: unknown
  sums?: unknown
}

const reference = JSON.parse(readFileSync(join(import.meta.dirname, 'forward-reference.json'), 'utf8')) as { cases: Case[] }
const TOLERANCE = 1e-4

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** Flattens nested arrays, keeping only `columns` of the last axis when given. */
function flatten(values: unknown, columns?: number[]): number[] {
  if (!Array.isArray(values)) return [values as number]
  if (typeof values[0] === 'number') return columns ? columns.map((c) => values[c] as number) : (values as number[])
  return values.flatMap((v) => flatten(v, columns))
}

function sums(values: unknown): number[] {
  if (Array.isArray(values) && typeof values[0] === 'number') return [(values as number[]).reduce((a, b) => a + b, 0)]
  return (values as unknown[]).flatMap(sums)
}

function expectClose(actual: number[], expected: number[], tolerance: number, what: string): void {
  expect(actual.length, what).toBe(expected.length)
  let worst = 0
  for (let k = 0; k < expected.length; k++) worst = Math.max(worst, Math.abs(actual[k] - expected[k]) / Math.max(1, Math.abs(expected[k])))
  expect(worst, `${what}: largest difference`).toBeLessThan(tolerance)
}

describe('forward parity with the PyTorch reference', () => {
  it('covers every fixture and every architecture', () => {
    expect(reference.cases.map((c) => c.name)).toEqual([
      'bert-tiniest-lmhead',
      'gpt2-tiny-model',
      'gpt2-fake-lmhead',
      'vit-dummy-bin',
      'roberta-mlm',
      'deit-hf-teacher',
      'deit-timm-distilled',
      'cait-timm',
    ])
  })

  it.each(reference.cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const path = c.checkpoint.startsWith('synthetic/') ? join(import.meta.dirname, c.checkpoint) : join(SHARED_FIXTURES, c.checkpoint)
    const result = await checkpointForward(tf, path, c.input)
    expect(result.shape).toEqual(c.shape)
    expectClose(flatten(result.logits, c.columns), flatten(c.logits), TOLERANCE, `${c.name} logits`)
    // A sum over 50k columns accumulates float32 rounding: 1e-4 per column at most.
    if (c.sums) expectClose(sums(result.logits), flatten(c.sums), TOLERANCE * c.shape[c.shape.length - 1], `${c.name} sums over the vocabulary`)
  })
})
