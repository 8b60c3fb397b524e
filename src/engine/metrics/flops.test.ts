import { describe, expect, it } from 'vitest'
import {
  FlopsShapeError,
  blockForwardFlops,
  formatFlops,
  forwardFlopsBreakdown,
  forwardFlopsPerExample,
  frozenLayersStepFlops,
  kiStepFlops,
  kiTeacherForwardFlops,
  ligoGrowthStepFlops,
  ligoSurchargePerSequence,
  sequenceLength,
  trainingFlops,
  trainingStepFlops,
  type CaitFlopsShape,
  type DecoderFlopsShape,
  type EncoderFlopsShape,
  type VitFlopsShape,
} from './flops'

// Model sizes from docs/growth/ligo.md §5.1.
const bertBase: EncoderFlopsShape = { family: 'encoder', layers: 12, hidden: 768, heads: 12, ffn: 3072, vocab: 30522, seqLen: 128 }
const bertSmall: EncoderFlopsShape = { ...bertBase, layers: 6, hidden: 512, heads: 8, ffn: 2048 }
const gpt2Base: DecoderFlopsShape = { family: 'decoder', layers: 12, hidden: 768, heads: 12, ffn: 3072, vocab: 50257, seqLen: 1024 }
const image = { imageSize: 224, patchSize: 16, channels: 3, numClasses: 1000 }
const deitB: VitFlopsShape = { family: 'vit', layers: 12, hidden: 768, heads: 12, ffn: 3072, prefixTokens: 1, ...image }
const deitS: VitFlopsShape = { ...deitB, hidden: 384, heads: 6, ffn: 1536 }
const caitS24: CaitFlopsShape = { family: 'cait', layers: 24, hidden: 384, heads: 8, ffn: 1536, classAttentionLayers: 2, ...image }
const caitXS24: CaitFlopsShape = { ...caitS24, hidden: 288, heads: 6, ffn: 1152 }

/** Round to the paper's printed precision: `digits` decimals of value / 10^exponent. */
const printed = (value: number, exponent: number, digits = 2): number => Number((value / 10 ** exponent).toFixed(digits))

describe('paper numbers (docs/growth/accounting.md §3.3, Appendix A, Table 3)', () => {
  it('BERT-Base training step at batch 256, seq 128 = 15.07 TFLOP', () => {
    const step = trainingStepFlops(bertBase, 256)
    // Exact value from an independent Python transcription of Appendix A (15.06823133184e12).
    expect(step).toBe(15_068_231_331_840)
    expect(formatFlops(step)).toBe('15.07 TFLOP')
  })

  it('LiGO BERT-Small -> BERT-Base: one step 36.13 TFLOP; 100/500/1000/10000 steps match Table 3', () => {
    const step = ligoGrowthStepFlops(bertSmall, bertBase, 256)
    expect(printed(step, 12)).toBe(36.13)
    expect(printed(100 * step, 15)).toBe(3.61)
    expect(printed(500 * step, 15)).toBe(18.06)
    expect(printed(1000 * step, 15)).toBe(36.13)
    expect(printed(10000 * step, 15)).toBe(361.3)
    expect(printed(100 * step, 15, 3)).toBe(3.613) // Appendix A's extra digit
  })

  it('400K BERT-Base steps = 6.03e18; BERT-Small 220K steps = 1.10e18 (not charged to LiGO)', () => {
    expect(printed(trainingFlops(bertBase, 256, 400_000), 18)).toBe(6.03)
    expect(formatFlops(trainingFlops(bertBase, 256, 400_000), { style: 'scientific' })).toBe('6.03e18 FLOP')
    expect(printed(trainingFlops(bertSmall, 256, 220_000), 18)).toBe(1.1)
  })
})

describe('hand-computed tiny case', () => {
  it('one block of h=2, i=4, a=1 over s=3 tokens matches the term list written out by hand', () => {
    // per token: qkv 24, biases 6, scores 12, softmax 15, dropout 12, scale 3, values 12, out 8+2+8+2,
    // LN 5, ffn up 16+32+4, ffn down 16+2+8+2+10 = 199; times 3 tokens
    expect(blockForwardFlops(2, 4, 1, 3)).toBe(199 * 3)
  })

  it('surcharge of a width-only growth 1 layer h 2 -> 1 layer h 3, i 4, per sequence', () => {
    const small: EncoderFlopsShape = { family: 'encoder', layers: 1, hidden: 2, heads: 1, ffn: 4, vocab: 5, seqLen: 3 }
    const large: EncoderFlopsShape = { ...small, hidden: 3 }
    // L1=1, h1=2, h=3, d=1, i=4: qkvW 18+16, qkvB 3+2, oW 18+16, oB 3+2, attnLN 6+4, upW 24+32, upB 4+4,
    // downW 24+24, downB 6+3, ffnLN 6+3 = 218
    expect(ligoSurchargePerSequence(small, large)).toBe(218)
    expect(ligoGrowthStepFlops(small, large, 2)).toBe(trainingStepFlops(large, 2) + 2 * 2 * 218)
  })
})

describe('other families against independently published counts', () => {
  // DeiT (Touvron et al. 2021, Table 1) and CaiT (Touvron et al. 2021, Table 3) report fvcore "FLOPs", which
  // are multiply-accumulates: our 2·MAC count halved must land on them.
  it.each([
    ['DeiT-B', deitB, 17.6],
    ['DeiT-S', deitS, 4.6],
    ['CaiT-S24', caitS24, 9.4],
    ['CaiT-XS24', caitXS24, 5.4],
  ] as const)('%s forward ≈ %s GMACs per 224² image', (_name, shape, gmacs) => {
    const macs = forwardFlopsPerExample(shape) / 2
    expect(Math.abs(macs / 1e9 - gmacs) / gmacs).toBeLessThan(0.02)
  })

  it('GPT-2 base forward is within 2% of the Chinchilla appendix F formula (which skips elementwise ops)', () => {
    const { seqLen: s, vocab: v, hidden: d, layers: L, heads: H, ffn: f } = gpt2Base
    const attention = 2 * s * 3 * d * d + 2 * s * s * d + 3 * H * s * s + 2 * s * s * d + 2 * s * d * d
    const chinchilla = 2 * s * v * d + L * (attention + 2 * s * 2 * d * f) + 2 * s * d * v
    const ours = forwardFlopsPerExample(gpt2Base)
    expect(ours).toBeGreaterThan(chinchilla)
    expect(ours / chinchilla).toBeLessThan(1.02)
  })

  it('sequence lengths: text seqLen, ViT prefix + patches, CaiT patches only', () => {
    expect(sequenceLength(bertBase)).toBe(128)
    expect(sequenceLength(deitB)).toBe(197)
    expect(sequenceLength({ ...deitB, prefixTokens: 2 })).toBe(198)
    expect(sequenceLength(caitS24)).toBe(196)
  })

  it('breakdown parts add up and CaiT alone has class-attention FLOPs', () => {
    for (const shape of [bertBase, gpt2Base, deitB, caitS24]) {
      const b = forwardFlopsBreakdown(shape)
      expect(b.embedding + b.blocks + b.classAttention + b.head).toBe(b.total)
      expect(b.classAttention > 0).toBe(shape.family === 'cait')
    }
  })

  it('every family charges a LiGO surcharge on top of the large step', () => {
    expect(ligoGrowthStepFlops(deitS, deitB, 8)).toBeGreaterThan(trainingStepFlops(deitB, 8))
    expect(ligoGrowthStepFlops(caitXS24, caitS24, 8)).toBeGreaterThan(trainingStepFlops(caitS24, 8))
    const gpt2Medium: DecoderFlopsShape = { ...gpt2Base, layers: 24, hidden: 1024, heads: 16, ffn: 4096 }
    expect(ligoGrowthStepFlops(gpt2Base, gpt2Medium, 8)).toBeGreaterThan(trainingStepFlops(gpt2Medium, 8))
  })
})

describe('baselines', () => {
  it('KI adds exactly one teacher forward per example to the student step', () => {
    expect(kiTeacherForwardFlops(bertSmall, 256)).toBe(256 * forwardFlopsPerExample(bertSmall))
    expect(kiStepFlops(bertSmall, bertBase, 256) - trainingStepFlops(bertBase, 256)).toBe(256 * forwardFlopsPerExample(bertSmall))
  })

  it('MSLT: no frozen layers but frozen embedding saves one embedding pass; all frozen leaves only the head at 2x', () => {
    const parts = forwardFlopsBreakdown(bertBase)
    expect(frozenLayersStepFlops(bertBase, 4, { frozenLayers: 0, trainEmbeddings: true })).toBe(trainingStepFlops(bertBase, 4))
    expect(frozenLayersStepFlops(bertBase, 4, { frozenLayers: 0 })).toBe(trainingStepFlops(bertBase, 4) - 4 * parts.embedding)
    expect(frozenLayersStepFlops(bertBase, 1, { frozenLayers: 12 })).toBeCloseTo(parts.embedding + parts.blocks + 2 * parts.head, 0)
    const sixFrozen = frozenLayersStepFlops(bertBase, 1, { frozenLayers: 6 })
    expect(sixFrozen).toBeCloseTo(parts.embedding + parts.blocks / 2 + 2 * (parts.blocks / 2 + parts.head), 0)
  })
})

describe('errors and formatting', () => {
  it('names the field and value', () => {
    expect(() => trainingStepFlops({ ...bertBase, hidden: 770 }, 1)).toThrow('FlopsShape.hidden (770) must be divisible by heads (12)')
    expect(() => trainingStepFlops({ ...bertBase, seqLen: 0 }, 1)).toThrow('FlopsShape.seqLen must be an integer >= 1, got 0')
    expect(() => trainingStepFlops(bertBase, 0)).toThrow(FlopsShapeError)
    expect(() => forwardFlopsPerExample({ ...deitB, imageSize: 225 })).toThrow('must be a multiple of patchSize')
    expect(() => forwardFlopsPerExample({ ...bertBase, family: 'rnn' } as never)).toThrow(
      "Unknown FLOPs family \"rnn\". Expected one of: encoder, decoder, vit, cait",
    )
    expect(() => ligoGrowthStepFlops(bertBase, bertSmall, 1)).toThrow('must not exceed large')
    expect(() => ligoGrowthStepFlops(deitS, bertBase, 1)).toThrow("small is 'vit', large is 'encoder'")
    expect(() => frozenLayersStepFlops(bertBase, 1, { frozenLayers: 13 })).toThrow('frozenLayers must be an integer in [0, 12], got 13')
  })

  it('formats SI and scientific', () => {
    expect(formatFlops(0)).toBe('0 FLOP')
    expect(formatFlops(999)).toBe('999.00 FLOP')
    expect(formatFlops(1.5e9, { digits: 1 })).toBe('1.5 GFLOP')
    expect(formatFlops(3.6129748512768e15)).toBe('3.61 PFLOP')
    expect(formatFlops(3.6129748512768e15, { style: 'scientific' })).toBe('3.61e15 FLOP')
    expect(formatFlops(2e22)).toBe('20.00 ZFLOP')
  })
})
