import { describe, expect, it } from 'vitest'
import { checkTargetConfig, checkTargetSizes, describeProblem } from './rules'
import { applySizes, controlsOf, sizesOf, type DesignConfig } from './sizes'

// BERT-Small (docs/growth/ligo.md §5.1): head size 512 / 8 = 64.
const bertSmall: DesignConfig = { family: 'bert', numLayers: 6, hiddenSize: 512, numHeads: 8, intermediateSize: 2048, vocabSize: 30522, maxPositions: 512 }
const caitXs: DesignConfig = { family: 'cait', numLayers: 24, numClassLayers: 2, hiddenSize: 288, numHeads: 6, intermediateSize: 1152, imageSize: 224, patchSize: 16, numChannels: 3, numClasses: 1000 }

describe('designer rules', () => {
  it('accepts the paper pair BERT-Small -> BERT-Base', () => {
    expect(checkTargetSizes(bertSmall, { numLayers: 12, hiddenSize: 768, numHeads: 12, intermediateSize: 3072 })).toEqual([])
  })

  it('puts each reason next to its control: shrinking depth and width', () => {
    const problems = checkTargetSizes(bertSmall, { numLayers: 4, hiddenSize: 512, numHeads: 8, intermediateSize: 1024 })
    expect(problems.map((p) => [p.control, p.code])).toEqual([['numLayers', 'shrinks'], ['intermediateSize', 'shrinks']])
    expect(describeProblem(problems[0])).toBe("layers 4 is below the source's 6: growth only deepens")
    expect(describeProblem(problems[1])).toBe("FFN width 1024 is below the source's 2048: growth only widens")
  })

  it('refuses a hidden size that is not a multiple of the head size, with the nearest ones', () => {
    const [problem, ...rest] = checkTargetSizes(bertSmall, { numLayers: 6, hiddenSize: 700, numHeads: 11, intermediateSize: 2048 })
    expect(rest).toEqual([]) // the heads reason waits until the hidden size is valid
    expect(problem).toEqual({ control: 'hiddenSize', code: 'hidden-not-multiple-of-head', values: { target: 700, headSize: 64, below: 640, above: 704 } })
    expect(describeProblem(problem)).toContain('try 640 or 704')
  })

  it('names the head count that keeps the head size', () => {
    const problems = checkTargetSizes(bertSmall, { numLayers: 6, hiddenSize: 768, numHeads: 8, intermediateSize: 2048 })
    expect(problems).toEqual([{ control: 'numHeads', code: 'heads-change-head-size', values: { target: 8, headSize: 64, heads: 12, hiddenSize: 768 } }])
    expect(describeProblem(problems[0])).toBe('8 heads would change the head size 64: hidden size 768 needs 12 heads')
  })

  it('refuses non-integers and zero', () => {
    const problems = checkTargetSizes(bertSmall, { numLayers: 0, hiddenSize: 512.5, numHeads: 8, intermediateSize: 2048 })
    expect(problems.map((p) => [p.control, p.code])).toEqual([['numLayers', 'not-positive-integer'], ['hiddenSize', 'not-positive-integer']])
  })

  it('checks CaiT class-attention layers and only shows that control for CaiT', () => {
    expect(controlsOf(caitXs)).toContain('numClassLayers')
    expect(controlsOf(bertSmall)).not.toContain('numClassLayers')
    const problems = checkTargetSizes(caitXs, { ...sizesOf(caitXs), numClassLayers: 1 })
    expect(problems.map((p) => [p.control, p.code])).toEqual([['numClassLayers', 'shrinks']])
  })

  it('refuses another family and a changed vocabulary, positions or patch size from a loaded config', () => {
    expect(checkTargetConfig(bertSmall, { ...bertSmall, family: 'gpt2' })[0].code).toBe('family-differs')
    const changed = checkTargetConfig(bertSmall, { ...bertSmall, vocabSize: 50265, maxPositions: 1024, numLayers: 12 })
    expect(changed.map((p) => p.control)).toEqual(['vocabSize', 'maxPositions'])
    expect(checkTargetConfig(caitXs, { ...caitXs, patchSize: 8 }).map((p) => p.control)).toEqual(['patchSize'])
    expect(describeProblem(changed[0])).toBe("vocabSize 50265 differs from the source's 30522: growth keeps it")
  })

  it('applySizes keeps every other field of the source', () => {
    const grown = applySizes(caitXs, { numLayers: 24, numClassLayers: 2, hiddenSize: 384, numHeads: 8, intermediateSize: 1536 })
    expect(grown).toEqual({ ...caitXs, hiddenSize: 384, numHeads: 8, intermediateSize: 1536 })
  })
})
