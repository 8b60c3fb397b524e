/**
 * Test helpers shared by the checkpoint import/export tests: deterministic parameters for a config and
 * temporary folders. Not used by production code.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ModelConfig } from '../models/config'
import { parameterShapes } from '../models/shapes'
import type { ShapedArray } from './names'

/** Values sin(k + offset) scaled per tensor: distinct in every tensor and every position, so mix-ups show. */
export function deterministicParams(config: ModelConfig, scale = 0.5): Record<string, ShapedArray> {
  const params: Record<string, ShapedArray> = {}
  let offset = 0
  for (const [name, shape] of Object.entries(parameterShapes(config))) {
    const count = shape.reduce((a, b) => a * b, 1)
    const data = new Float32Array(count)
    for (let k = 0; k < count; k++) data[k] = scale * Math.sin(offset + k * 1.37)
    if (/(norm|attn_norm|mlp_norm)\.weight$/.test(name)) for (let k = 0; k < count; k++) data[k] += 1
    offset += count
    params[name] = { shape, data }
  }
  return params
}

export const tempDir = (label: string): string => mkdtempSync(join(tmpdir(), `ligo-${label}-`))
