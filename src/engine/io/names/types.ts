/**
 * Name maps as data (docs/formats/checkpoints.md §5.2, §5.3): one rule per file tensor, with a `{i}` block index, the
 * canonical name(s) it holds, and how its values become canonical. Import runs `transform`; export runs the
 * inverse (transpose <-> transpose, split3 <-> cat3, squeeze <-> unsqueeze) in reverse order.
 */
import type { FamilyName } from '../../models/config'

/**
 * One step from the file layout to the canonical one:
 * - transpose: a 2-D [in, out] GPT-2 Conv1D weight becomes [out, in];
 * - split3: a fused [3H, ...] (or [3H]) tensor becomes q, k, v along the first (output) axis (c_attn after its
 *   transpose, timm qkv); on export cat3 concatenates them back;
 * - squeeze: `lead` leading 1-dims are dropped ([1, 1, H] tokens -> [H], [1, N, H] positions -> [N, H]);
 *   on export unsqueeze puts them back.
 */
export type ImportStep = 'transpose' | 'split3' | 'squeeze'
export type ExportStep = 'transpose' | 'cat3' | 'unsqueeze'

export interface NameRule {
  /** Name in the file, relative to the layout's prefix; `{i}` is a block index. */
  readonly file: string
  /** The canonical name, or q, k, v names for a split3 rule; `{i}` as in `file`. */
  readonly canonical: string | readonly [string, string, string]
  /** Import steps in order; [] = identity. */
  readonly transform: readonly ImportStep[]
  /** Leading 1-dims removed by squeeze. */
  readonly lead?: number
  /** Which block list `{i}` counts: self-attention blocks (default) or CaiT's class-attention blocks. */
  readonly blocks?: 'blocks' | 'cls_blocks'
}

/** A file tensor that carries no parameter (buffers) or duplicates one (tied copies). */
export interface IgnoredName {
  /** Full file name with `{i}`. */
  readonly pattern: string
  readonly why: string
}

/**
 * One class of a library (BertForMaskedLM, GPT2LMHeadModel, timm cait_*...): the exact key set it saves is the
 * body under `prefix` plus its heads, restricted to the canonical parameters the model has (a tied head.lm.weight
 * is absent from the canonical set and therefore omitted, as transformers omits it).
 */
export interface ClassLayout {
  /** The class name written to config.json `architectures[0]` (HF) or a description (timm). */
  readonly className: string
  readonly library: 'transformers' | 'timm'
  /** Families whose parameters this class can hold. */
  readonly families: readonly FamilyName[]
  /** Prefix of the body (base_model_prefix), '' for bare models and timm. */
  readonly prefix: string
  /** Body rules, written under `prefix`. */
  readonly body: readonly NameRule[]
  /** Head rules, written without prefix. */
  readonly heads: readonly NameRule[]
  /** Canonical parameters this class does not hold although the family may (e.g. BertForMaskedLM has no pooler). */
  readonly drops?: readonly string[]
  /** Tensors that may appear in files of this class and are skipped on import. */
  readonly ignored: readonly IgnoredName[]
  /** HF LayerNorm keys may use legacy gamma/beta (transformers renames them); never for timm (CaiT gamma_1). */
  readonly legacyGammaBeta: boolean
}
