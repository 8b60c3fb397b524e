import { describe, expect, it } from 'vitest'
import { validateStudioParams } from '../studio-validators'
import { assertTargetSizes, runTargetLabel, runTargetValidator } from './contract'
import type { DesignConfig } from './sizes'

// The built-in encoder seed: 2 layers, hidden 128 in 2 heads of 64, FFN 512.
const seed: DesignConfig = { family: 'bert', numLayers: 2, hiddenSize: 128, numHeads: 2, intermediateSize: 512, vocabSize: 4000, maxPositions: 128 }
const sizes = { numLayers: 4, hiddenSize: 192, numHeads: 3, intermediateSize: 768 }

describe('run targets (startGrow / startCompare `to`)', () => {
  it('take a preset, zoo id or file as before, or the designer sizes', () => {
    expect(runTargetValidator('bert-mini-grown', 'to')).toBe('bert-mini-grown')
    expect(runTargetValidator({ sizes }, 'to')).toEqual({ sizes })
    const start = validateStudioParams('startGrow', { from: 'seed:bert-moby', to: { sizes }, method: 'ligo', settings: { operatorSteps: 2 } })
    expect(start.to).toEqual({ sizes })
    expect(validateStudioParams('startCompare', { from: 'seed:bert-moby', to: { sizes }, methods: ['scratch', 'ligo'], data: 'moby-dick', budget: { kind: 'steps', value: 10 } }).to).toEqual({ sizes })
  })

  it('refuse malformed sizes and unknown target fields with the field named', () => {
    expect(() => runTargetValidator({ sizes: { ...sizes, numHeads: 0 } }, 'startGrow params.to')).toThrow('startGrow params.to.sizes.numHeads must be between 1')
    expect(() => runTargetValidator({ sizes: { ...sizes, hiddenSize: 1.5 } }, 'to')).toThrow(/to\.sizes\.hiddenSize/)
    expect(() => runTargetValidator({ config: { family: 'bert' } }, 'to')).toThrow(/unknown field "config"/)
    expect(() => runTargetValidator('', 'to')).toThrow(/to/)
    expect(() => validateStudioParams('startGrow', { from: 'seed:bert-moby', to: { sizes: { numLayers: 4 } }, method: 'ligo' })).toThrow(/to\.sizes\.hiddenSize/)
  })

  it("check sizes against the source with the designer's rules, every reason in one message", () => {
    expect(() => assertTargetSizes(seed, sizes, 'startGrow.to')).not.toThrow()
    expect(() => assertTargetSizes(seed, { ...sizes, numLayers: 1, hiddenSize: 200 }, 'startGrow.to')).toThrow(
      "startGrow.to: layers 1 is below the source's 2: growth only deepens; hidden size 200 is not a multiple of the head size 64: growth keeps the head size and adds heads (try 192 or 256)",
    )
  })

  it('name a target in a few words for run lists', () => {
    expect(runTargetLabel('bert-base')).toBe('bert-base')
    expect(runTargetLabel({ sizes })).toBe('4L · 192H · 3A · FFN 768')
    expect(runTargetLabel({ sizes: { ...sizes, numClassLayers: 2 } })).toBe('4L · 192H · 3A · FFN 768 · 2 CA')
  })
})
