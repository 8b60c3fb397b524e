/**
 * The paper's savings against training from scratch (Wang et al., "Learning to Grow Pretrained Models for Efficient
 * Transformer Training", ICLR 2023), shown beside the user's own figures in the headline panel. Percent of FLOPs and
 * of wall time to reach scratch's final quality; null where the paper only plots the curve. The paper's "bert2BERT" is
 * the AKI variant here. Matched to a comparison by the large model's family (the closest pair the paper reports).
 */

export interface PaperSaving {
  flopsPercent: number
  wallPercent: number | null
}

export interface PaperPair {
  /** "BERT-Small → BERT-Base". */
  label: string
  /** Model families of this project the pair stands for (engine/models/registry.ts). */
  families: readonly string[]
  /** Where in the paper. */
  where: string
  methods: Readonly<Record<string, PaperSaving>>
}

export const PAPER_PAIRS: readonly PaperPair[] = [
  {
    label: 'BERT-Small → BERT-Base',
    families: ['bert', 'roberta'],
    where: 'Table 1',
    methods: {
      ligo: { flopsPercent: 44.7, wallPercent: 40.7 },
      stackbert: { flopsPercent: 34.1, wallPercent: 33.3 },
      mslt: { flopsPercent: 34.9, wallPercent: 30.0 },
      ki: { flopsPercent: -5.7, wallPercent: -13.9 },
      'bert2bert-aki': { flopsPercent: 29.0, wallPercent: 25.1 },
    },
  },
  {
    label: 'DeiT-S → DeiT-B',
    families: ['vit', 'deit'],
    where: 'Table 2',
    methods: {
      ligo: { flopsPercent: 55.4, wallPercent: 52.0 },
      stackbert: { flopsPercent: 23.8, wallPercent: 15.1 },
      mslt: { flopsPercent: 36.7, wallPercent: 28.9 },
      ki: { flopsPercent: -11.2, wallPercent: -36.8 },
      'bert2bert-aki': { flopsPercent: 40.8, wallPercent: 37.0 },
    },
  },
  { label: 'CaiT-XS → CaiT-S', families: ['cait'], where: 'Appendix C.2', methods: { ligo: { flopsPercent: 52.6, wallPercent: 46.1 } } },
  { label: 'GPT2-Base → GPT2-Medium', families: ['gpt2'], where: 'Figure 3(c)', methods: { ligo: { flopsPercent: 22.5, wallPercent: null } } },
]

/** The paper's pair for a large model's family, or null when the paper has none. */
export function paperPairFor(family: string | null | undefined): PaperPair | null {
  return PAPER_PAIRS.find((pair) => family !== null && family !== undefined && pair.families.includes(family)) ?? null
}
