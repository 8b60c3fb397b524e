import { describe, expect, it } from 'vitest'
import { parseRecipe, recipeCommands, shellQuote, validateRecipe, type GrowthRecipe } from './recipe'

const recipe: GrowthRecipe = {
  format: 'ligo-growth-recipe',
  version: 1,
  from: 'bert-moby',
  to: { sizes: { numLayers: 4, hiddenSize: 192, numHeads: 3, intermediateSize: 768 } },
  method: 'ligo',
  grow: { settings: { operatorSteps: 100, operatorLr: 0.001 }, data: 'moby-dick', batchSize: 16, seqLen: 64 },
  compare: { methods: ['ligo', 'scratch', 'net2net'], budget: { kind: 'flops', value: 3e14 }, seeds: 3 },
}

describe('growth recipe', () => {
  it('round-trips through JSON', () => {
    expect(parseRecipe(JSON.stringify(recipe), 'r.json')).toEqual(recipe)
  })

  it('refuses a bad file with the file name and the field', () => {
    expect(() => parseRecipe('{', 'my.json')).toThrow(/^my\.json: not valid JSON/)
    expect(() => validateRecipe({ ...recipe, to: { sizes: { ...('sizes' in recipe.to ? recipe.to.sizes : {}), numHeads: 0 } } }, 'my.json')).toThrow('my.json.to.sizes.numHeads must be between 1')
    expect(() => validateRecipe({ ...recipe, format: 'other' }, 'x.json')).toThrow('x.json.format must be one of ligo-growth-recipe')
    expect(() => validateRecipe({ ...recipe, extra: 1 }, 'x.json')).toThrow('unknown field "extra"')
  })

  it('writes the equivalent ligo grow and ligo compare lines', () => {
    const lines = recipeCommands(recipe, { recipeFile: 'my design.json', growOut: 'grown/bert', compareOut: 'exp/bert' })
    expect(lines.grow).toBe("ligo grow --from bert-moby --to 'my design.json' --method ligo --ligo-operator-steps 100 --ligo-operator-lr 0.001 --data moby-dick --batch 16 --seq 64 --out grown/bert")
    expect(lines.compare).toBe(
      "ligo compare --from bert-moby --to 'my design.json' --methods ligo,scratch,net2net --budget 3e+14flops --seeds 3 --ligo-operator-steps 100 --ligo-operator-lr 0.001 --data moby-dick --batch 16 --seq 64 --out exp/bert",
    )
    const preset = recipeCommands({ ...recipe, to: { preset: 'bert-base' }, compare: undefined }, { recipeFile: 'r.json', growOut: 'g', compareOut: 'e' })
    expect(preset.grow).toContain('--to bert-base ')
    expect(preset.compare).toBeNull()
  })

  it('quotes shell words only when needed', () => {
    expect(shellQuote('runs/a-b_c.1')).toBe('runs/a-b_c.1')
    expect(shellQuote("it's here")).toBe(`'it'\\''s here'`)
  })
})
