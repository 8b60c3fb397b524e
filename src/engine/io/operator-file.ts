/**
 * A grown model's saved LiGO operator (operator/operator.safetensors + operator.json, written by exportOperator)
 * read back as matrices to draw (engine/growth/design/operator-matrices.ts): the depth operator of the blocks
 * and the width operators of the residual stream and the first block, as they were learned.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { GrowthOperatorResult, OperatorMatrix } from '../../shared/growth-design'
import { StudioError } from '../../shared/errors'
import { DEFAULT_MAX_CELLS, DEPTH_LABELS, matrixFor } from '../growth/design/sampling'
import type { LigoCoefficientsDescription } from '../growth/types'
import { openSafetensors } from './formats/safetensors'

/** The learned operator a LiGO growth saved: `dir` is the grow output (with operator/) or the operator folder. */
export async function learnedOperator(dir: string, options: { maxCells?: number } = {}): Promise<GrowthOperatorResult> {
  const maxCells = options.maxCells ?? DEFAULT_MAX_CELLS
  const folder = existsSync(join(dir, 'operator', 'operator.json')) ? join(dir, 'operator') : dir
  const jsonPath = join(folder, 'operator.json')
  if (!existsSync(jsonPath)) throw new StudioError('not_found', `${dir}: no saved LiGO operator (operator/operator.json); only a LiGO growth saves one`)
  const description = JSON.parse(readFileSync(jsonPath, 'utf8')) as LigoCoefficientsDescription
  if (description.format !== 'ligo-coefficients') throw new StudioError('invalid_request', `${jsonPath}: format ${JSON.stringify(description.format)} is not ligo-coefficients`)
  const file = await openSafetensors(join(folder, 'operator.safetensors'))
  const read = async (name: string) => (await file.readTensor(name)).toFloat32()
  const l1 = description.smallConfig.numLayers
  const l2 = description.largeConfig.numLayers
  const depthInfo = description.coefficients.find((c) => c.role === 'depth' && c.name.startsWith('depth.blocks.'))
  const widthInfos = description.coefficients.filter((c) => c.role === 'width' && (c.name === 'width.emb' || /^width\.blocks\.0\./.test(c.name)))
  const width: OperatorMatrix[] = []
  for (const info of widthInfos) {
    const [rows, cols] = info.shape
    // official [I; C] saves C only: draw the new rows, with their large-unit numbers
    width.push(matrixFor(info.name, await read(info.name), rows, cols, { rowLabel: description.parameterization === 'official' ? 'new unit' : 'large unit', colLabel: 'small unit' }, maxCells))
  }
  return {
    method: 'ligo',
    kind: 'learned',
    smallLayers: l1,
    largeLayers: l2,
    depth: depthInfo ? matrixFor(depthInfo.name, await read(depthInfo.name), l2, l1, DEPTH_LABELS, maxCells) : null,
    width,
    mappings: [],
    notes: [`${description.parameterization} parameterisation, ${description.counts.total.toLocaleString('en-US')} coefficients`],
  }
}
