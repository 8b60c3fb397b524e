/**
 * The growth benchmark's suites as data (issue 14). Each grows a built-in seed by depth ×2 and width ×1.5 (the
 * BERT-Small -> BERT-Base ratio): the causal LM is the primary text suite (a causal LM has no masked-LM plateau, so
 * scratch passes the source's loss within a desktop budget); the encoder, ViT and CaiT suites keep the other families.
 *
 * Standard budgets: the whole standard setting (tuning trials, 3 seeds, 12 methods, evaluations) is sized for 90 minutes
 * of a 2-core machine; README.md "Growth benchmark" has the measured times. Scratch must pass the source's loss
 * within its budget, or the headline saving is degenerate (docs/growth/savings.md point 1): the causal and vision
 * suites start from a source the bench pretrains briefly (`standardSource`, not charged; still well below the
 * unigram / class-prior loss) rather than the built-in seed, which scratch cannot reach within a desktop budget. The
 * encoder suite keeps its seed: a masked LM's loss sits on a plateau for longer than a desktop budget (its scratch
 * stayed above 6.4 in 300 steps, src/engine/experiments/README.md), so only a source barely off that plateau could be
 * passed; its report refuses the headline and says why.
 * Tuning: scratch's and the grown models' peak learning rates get the same number of trials (`scratchLrs` and
 * `grownLrs` have the same length); scratch warms up over SCRATCH_WARMUP_FRACTION of its budget, the grown models
 * start at their peak (docs/growth/savings.md point 3); both decay linearly to zero at the end of the budget.
 */
import { getPreset } from '../src/engine/models/presets'

export interface SuiteSize {
  budgetSteps: number
  batch: number
  /** Text suites: tokens per sequence. */
  seq?: number
  evalEvery: number
  evalBatches: number
  /** Image suites: a seeded subset of at most this many images. */
  maxExamples?: number
}

export interface Suite {
  name: 'causal' | 'encoder' | 'vit' | 'cait'
  /** Built-in seed folder (resources/seeds) and the preset to pretrain when it is missing. */
  seed: string
  preset: string
  data: string
  /** The large config: depth ×2, width ×1.5 of the seed. */
  large: Record<string, unknown>
  /** `ligo train` flags to pretrain the fallback source (not charged). */
  pretrain: string[]
  /**
   * The standard setting's source, when not the built-in seed: `ligo train` flags the bench pretrains the preset with
   * (not charged), and why. A source scratch cannot pass within a desktop budget makes the headline degenerate.
   */
  standardSource?: { pretrain: string[]; why: string }
  standard: SuiteSize
  quick: SuiteSize
  /** Peak learning rates tried for scratch and for the grown models (the same number of trials). */
  scratchLrs: number[]
  grownLrs: number[]
}

/** Scratch's warmup, as a share of its budget (then linear decay to zero at the budget's end). */
export const SCRATCH_WARMUP_FRACTION = 0.05
/** The tuning trials run this share of the budget (their schedules decay to zero at their own end). */
export const TUNE_BUDGET_FRACTION = 1 / 3
/** The grown models whose mean final loss picks the grown schedule (the function-preserving map and LiGO). */
export const TUNE_GROWN_METHODS = ['net2net', 'ligo'] as const
/** Tuning runs on a seed the measured runs do not use, so the choice is not fitted to the reported seeds. */
export const TUNE_SEED = 100
export const STANDARD_SEEDS = 3
/** `--quick` (CI, under a minute on 2 cores): the primary text suite and one vision suite, two tuning trials each. */
export const QUICK_SUITES: readonly Suite['name'][] = ['causal', 'vit']
export const QUICK_TRIALS = 2
/**
 * Baselines that must have a row on every suite's pair (issue 14: the depth-only ones run with a width map). Others
 * may refuse a pair with their reason (LEMON: whole-factor widths on post-LN families; G_stack: depth only), which the
 * report lists.
 */
export const EVERY_PAIR_BASELINES = ['stackbert', 'interpolation', 'mslt'] as const

function grownSizes(preset: string): Record<string, unknown> {
  const c = getPreset(preset).config
  return { family: c.family, numLayers: c.numLayers * 2, hiddenSize: (c.hiddenSize * 3) / 2, numHeads: (c.numHeads * 3) / 2, intermediateSize: (c.intermediateSize * 3) / 2 }
}

const QUICK_TEXT: SuiteSize = { budgetSteps: 3, batch: 2, seq: 16, evalEvery: 3, evalBatches: 1 }
const QUICK_IMAGE: SuiteSize = { budgetSteps: 3, batch: 4, maxExamples: 64, evalEvery: 3, evalBatches: 1 }

const TEXT_LRS = { scratchLrs: [5e-4, 1e-3, 2e-3], grownLrs: [2.5e-4, 5e-4, 1e-3] }
const IMAGE_LRS = { scratchLrs: [1e-3, 2e-3, 4e-3], grownLrs: [5e-4, 1e-3, 2e-3] }
const textPretrain = (steps: number) => ['--steps', String(steps), '--batch', '16', '--seq', '128', '--lr', '1e-3', '--warmup', String(steps / 10), '--seed', '0', '--eval-every', '100']
const imagePretrain = (steps: number) => ['--steps', String(steps), '--batch', '64', '--lr', '2e-3', '--warmup', String(steps / 10), '--schedule', 'cosine', '--weight-decay', '0.05', '--seed', '0', '--eval-every', '100']
const IMAGE_PRETRAIN = imagePretrain(500)
/**
 * The vision suites' standard source: 60 pretraining steps. Measured 2026-12-02: from a 120-step source (validation
 * loss 1.12 on the comparison's batches, 1.13 below the class prior) scratch ended at 1.18-1.26 in 100 steps of 32
 * images, above it in every seed; the built-in seeds (500 steps, loss ~0.1) are far beyond that.
 */
const IMAGE_STANDARD_SOURCE = { pretrain: imagePretrain(60), why: 'the built-in seed (500 pretraining steps, 93-94% accuracy) is beyond what scratch reaches within the standard budget' }

/** A suite growing `preset`'s seed by depth ×2 and width ×1.5. */
const suite = (name: Suite['name'], seed: string, preset: string, rest: Pick<Suite, 'data' | 'pretrain' | 'standardSource' | 'standard' | 'quick' | 'scratchLrs' | 'grownLrs'>): Suite => ({ name, seed, preset, large: grownSizes(preset), ...rest })

export const SUITES: Suite[] = [
  suite('causal', 'gpt2-moby', 'gpt2-seed', {
    data: 'moby-dick',
    pretrain: textPretrain(500),
    // Measured 2026-12-02: with 500 steps (0.3 s each, 36 runs: over two hours) scratch ended at 5.66, above the
    // built-in seed's 5.58 (500 pretraining steps), so no headline; a 200-step source (about 0.7 below the unigram
    // loss) is passed by scratch within 250 steps, which fits the 90-minute standard setting.
    standardSource: { pretrain: textPretrain(200), why: 'the built-in seed (500 pretraining steps) is beyond what scratch reaches within the standard budget' },
    standard: { budgetSteps: 250, batch: 16, seq: 64, evalEvery: 25, evalBatches: 4 },
    quick: QUICK_TEXT,
    ...TEXT_LRS,
  }),
  suite('encoder', 'bert-moby', 'bert-seed', { data: 'moby-dick', pretrain: textPretrain(700), standard: { budgetSteps: 50, batch: 16, seq: 64, evalEvery: 10, evalBatches: 4 }, quick: QUICK_TEXT, ...TEXT_LRS }),
  suite('vit', 'vit-mnist', 'vit-mini', { data: 'mnist', pretrain: IMAGE_PRETRAIN, standardSource: IMAGE_STANDARD_SOURCE, standard: { budgetSteps: 100, batch: 32, evalEvery: 20, evalBatches: 4 }, quick: QUICK_IMAGE, ...IMAGE_LRS }),
  suite('cait', 'cait-mnist', 'cait-mini', { data: 'mnist', pretrain: IMAGE_PRETRAIN, standardSource: IMAGE_STANDARD_SOURCE, standard: { budgetSteps: 100, batch: 32, evalEvery: 20, evalBatches: 4 }, quick: QUICK_IMAGE, ...IMAGE_LRS }),
]
