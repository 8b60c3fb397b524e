/**
 * Checkpoint work that needs TensorFlow.js and so runs in the engine process: the forward pass of an imported
 * checkpoint on HuggingFace-named inputs (`ligo forward`). Import and export themselves are TF-free
 * (src/engine/io) and run wherever they are called.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { CheckpointForwardInput, CheckpointForwardResult } from '../../shared/checkpoint'
import { StudioError } from '../../shared/errors'
import { importCheckpoint, type ImportedCheckpoint } from '../io/import-checkpoint'
import type { ShapedArray } from '../io/names'
import { isTextConfig, maxSequenceLength, type ModelConfig } from '../models/config'
import type { ParamMap } from '../models/layers/params'
import { forward } from '../models/registry'

type Tf = typeof tf

const invalid = (message: string): never => {
  throw new StudioError('invalid_request', `Forward input: ${message}`)
}

/** A rectangular [B][T] integer matrix, every value in [low, high). */
function intMatrix(value: unknown, field: string, low: number, high: number, shape?: readonly [number, number]): { data: Int32Array; shape: [number, number] } {
  if (!Array.isArray(value) || value.length === 0) invalid(`${field} must be a non-empty [batch][sequence] array of integers`)
  const rows = value as unknown[]
  const width = Array.isArray(rows[0]) ? rows[0].length : -1
  if (width < 1) invalid(`${field}[0] must be a non-empty array`)
  if (shape && (rows.length !== shape[0] || width !== shape[1])) invalid(`${field} must have the shape of input_ids [${shape.join(', ')}], got [${rows.length}, ${width}]`)
  const data = new Int32Array(rows.length * width)
  rows.forEach((row, b) => {
    if (!Array.isArray(row) || row.length !== width) invalid(`${field}[${b}] must have ${width} items like ${field}[0]`)
    ;(row as unknown[]).forEach((v, t) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < low || v >= high) invalid(`${field}[${b}][${t}] must be an integer in [${low}, ${high}), got ${JSON.stringify(v)}`)
      data[b * width + t] = v as number
    })
  })
  return { data, shape: [rows.length, width] }
}

/** pixel_values [B][C][S][S] floats, checked against the model's channels and image size. */
function pixelArray(value: unknown, channels: number, side: number): { data: Float32Array; batch: number } {
  if (!Array.isArray(value) || value.length === 0) invalid('pixel_values must be a non-empty [batch][channels][height][width] array')
  const images = value as unknown[]
  const per = channels * side * side
  const data = new Float32Array(images.length * per)
  let at = 0
  images.forEach((image, b) => {
    if (!Array.isArray(image) || image.length !== channels) invalid(`pixel_values[${b}] must have ${channels} channels`)
    ;(image as unknown[]).forEach((plane, c) => {
      if (!Array.isArray(plane) || plane.length !== side) invalid(`pixel_values[${b}][${c}] must have ${side} rows (image size ${side})`)
      ;(plane as unknown[]).forEach((row, y) => {
        if (!Array.isArray(row) || row.length !== side) invalid(`pixel_values[${b}][${c}][${y}] must have ${side} values`)
        for (const v of row as unknown[]) {
          if (typeof v !== 'number' || !Number.isFinite(v)) invalid(`pixel_values[${b}][${c}][${y}] holds ${JSON.stringify(v)}, not a finite number`)
          data[at++] = v as number
        }
      })
    })
  })
  return { data, batch: images.length }
}

const TEXT_FIELDS = ['input_ids', 'attention_mask', 'token_type_ids']

/** Canonical params as tf tensors (the caller disposes them). */
export function paramsToTensors(tfjs: Tf, params: Readonly<Record<string, ShapedArray>>): ParamMap {
  return Object.fromEntries(Object.entries(params).map(([name, p]) => [name, tfjs.tensor(p.data, [...p.shape], 'float32')]))
}

/** tf tensors (e.g. a grown model's parameters) as the Float32Array map exportCheckpoint takes; copies the values. */
export async function tensorsToParams(params: Readonly<ParamMap>): Promise<Record<string, ShapedArray>> {
  const out: Record<string, ShapedArray> = {}
  for (const [name, t] of Object.entries(params)) {
    if (t.dtype !== 'float32') throw new Error(`parameter ${name} is ${t.dtype}, expected float32`)
    out[name] = { shape: [...t.shape], data: Float32Array.from((await t.data()) as Float32Array) }
  }
  return out
}

/** Runs the model on HF-named inputs; returns logits shaped as transformers/timm return them. */
export function forwardOnInput(tfjs: Tf, config: ModelConfig, params: Readonly<Record<string, ShapedArray>>, input: unknown): { logits: number[][] | number[][][]; shape: number[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) invalid('must be a JSON object')
  const fields = input as CheckpointForwardInput & Record<string, unknown>
  const allowed = isTextConfig(config) ? TEXT_FIELDS : ['pixel_values']
  for (const key of Object.keys(fields)) if (!allowed.includes(key)) invalid(`unknown field "${key}" for a ${config.family} model (expected ${allowed.join(', ')})`)
  const tensors = paramsToTensors(tfjs, params)
  try {
    const logits = tfjs.tidy(() => {
      if (isTextConfig(config)) {
        const ids = intMatrix(fields.input_ids, 'input_ids', 0, config.vocabSize)
        if (ids.shape[1] > maxSequenceLength(config)) invalid(`input_ids has ${ids.shape[1]} tokens, more than the model's ${maxSequenceLength(config)} positions`)
        const mask = fields.attention_mask === undefined ? undefined : intMatrix(fields.attention_mask, 'attention_mask', 0, 2, ids.shape)
        const typeRows = 'typeVocabSize' in config ? config.typeVocabSize : 0
        if (fields.token_type_ids !== undefined && typeRows === 0) invalid('token_type_ids is not an input of GPT-2')
        const types = fields.token_type_ids === undefined ? undefined : intMatrix(fields.token_type_ids, 'token_type_ids', 0, typeRows, ids.shape)
        return forward(
          tensors,
          config,
          {
            inputIds: tfjs.tensor2d(ids.data, ids.shape, 'int32'),
            attentionMask: mask && tfjs.tensor2d(mask.data, mask.shape, 'int32'),
            tokenTypeIds: types && tfjs.tensor2d(types.data, types.shape, 'int32'),
          },
          { training: false },
        )
      }
      const pixels = pixelArray(fields.pixel_values, config.numChannels, config.imageSize)
      const side = config.imageSize
      // DeiT: 'average' is the WithTeacher inference output, (cls_logits + distillation_logits) / 2.
      return forward(tensors, config, { pixels: tfjs.tensor4d(pixels.data, [pixels.batch, config.numChannels, side, side]), layout: 'NCHW' }, { training: false, deitHeads: 'average' })
    })
    const shape = [...logits.shape]
    const values = logits.arraySync() as number[][] | number[][][]
    logits.dispose()
    return { logits: values, shape }
  } finally {
    for (const t of Object.values(tensors)) t.dispose()
  }
}

/** The engine method: import the checkpoint, run it, return logits and what the import had to say. */
export async function checkpointForward(tfjs: Tf, checkpoint: string, input: unknown): Promise<CheckpointForwardResult> {
  let imported: ImportedCheckpoint
  try {
    imported = await importCheckpoint(checkpoint)
  } catch (error) {
    throw new StudioError('invalid_request', (error as Error).message)
  }
  const { logits, shape } = forwardOnInput(tfjs, imported.config, imported.params, input)
  return { logits, shape, family: imported.family, sourceClass: imported.sourceClass, warnings: [...imported.assumptions, ...imported.warnings] }
}
