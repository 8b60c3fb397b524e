/** Small helpers to write the rule tables tersely: a Linear or LayerNorm is a weight rule plus a bias rule. */
import type { NameRule } from './types'

/** `{file}.weight` -> `{canonical}.weight` and the same for `.bias`, with the same transform. */
export function pair(file: string, canonical: string, transform: NameRule['transform'] = [], extra: Partial<NameRule> = {}): NameRule[] {
  return ['weight', 'bias'].map((p) => ({ file: `${file}.${p}`, canonical: `${canonical}.${p}`, transform, ...extra }))
}

/** A fused q|k|v pair (weight and bias) split along the output axis. */
export function fusedQkv(file: string, block: string, transform: NameRule['transform'], extra: Partial<NameRule> = {}): NameRule[] {
  return ['weight', 'bias'].map((p) => ({
    file: `${file}.${p}`,
    canonical: [`${block}.attn.q.${p}`, `${block}.attn.k.${p}`, `${block}.attn.v.${p}`] as const,
    transform,
    ...extra,
  }))
}

/** q, k, v kept separate (BERT query/key/value, ViT, CaiT class attention). */
export function separateQkv(fileBase: string, names: readonly [string, string, string], block: string, extra: Partial<NameRule> = {}): NameRule[] {
  return (['q', 'k', 'v'] as const).flatMap((part, n) => pair(`${fileBase}.${names[n]}`, `${block}.attn.${part}`, [], extra))
}
