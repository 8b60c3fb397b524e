/**
 * Where each canonical parameter's axes live, in the terms of LiGO's tying (docs/growth/ligo.md §1.4, §7):
 * every width-carrying axis belongs to a *space* and is expanded either as an output axis (new rows / entries are
 * combinations of old ones: B) or as an input axis (new columns: A). Tying = two axes naming the same space.
 *
 *   emb      the residual stream (hidden H): embeddings, every LayerNorm/LayerScale, Q/K/V/FFN-up inputs,
 *            O/FFN-down outputs, final norm, pooler, classifier inputs. One space for the whole model (B^(emb)).
 *   head     the MLM head's transform (head.mlm.dense out, head.mlm.norm, untied decoder input). LiGO's official
 *            code gives it its own C^cls (§1.5 point 4); every other operator treats it as `emb`.
 *   q, k, v  per layer: the output rows of Q, K, V (head-major, so appended rows are whole new heads, §1.6);
 *            O's input is tied to V's output.
 *   ffn      per layer: FFN-up's output and FFN-down's input.
 *   heads    per layer: CaiT's talking-heads maps act on the head axis (A), in and out (our design, README).
 *
 * Block spaces carry (stage, layer); which layer (small or large) depends on the operator's parameterisation.
 * Every operator reads this one table, so their tying cannot drift apart.
 */
import { parameterGroup, type ModelConfig } from '../models'

export type SpaceKind = 'emb' | 'head' | 'q' | 'k' | 'v' | 'ffn' | 'heads'
export type BlockStage = 'blocks' | 'cls_blocks'
export const BLOCK_STAGES: readonly BlockStage[] = ['blocks', 'cls_blocks']

export interface Space {
  kind: SpaceKind
  /** Block spaces: the stage and layer they belong to; null for emb/head. */
  stage: BlockStage | null
  layer: number | null
}

/** An axis that grows: its space and whether it is an output (rows, B) or an input (columns, A) axis. */
export interface AxisRole {
  space: Space
  role: 'out' | 'in'
}

export interface ParameterLayout {
  name: string
  stage: 'embed' | 'blocks' | 'cls_blocks' | 'final' | 'head'
  layer: number | null
  /** Name inside the block ("attn.q.weight"); null outside blocks. */
  local: string | null
  /** Depth-mixing module ("attn.q", "attn_norm", "mlp_scale"); null outside blocks. */
  module: string | null
  /** weight (LayerNorm γ and LayerScale count as weights) or bias. */
  part: 'weight' | 'bias'
  /** One entry per tensor axis; null = that axis never grows (vocabulary, classes, pixels). */
  axes: Array<AxisRole | null>
}

type AxisSpec = [SpaceKind, 'out' | 'in'] | null
const OUT_EMB: AxisSpec[] = [['emb', 'out']]

/** Block-local name -> axes. */
const BLOCK_AXES: Record<string, AxisSpec[]> = {
  'attn_norm.weight': OUT_EMB,
  'attn_norm.bias': OUT_EMB,
  'attn.q.weight': [['q', 'out'], ['emb', 'in']],
  'attn.q.bias': [['q', 'out']],
  'attn.k.weight': [['k', 'out'], ['emb', 'in']],
  'attn.k.bias': [['k', 'out']],
  'attn.v.weight': [['v', 'out'], ['emb', 'in']],
  'attn.v.bias': [['v', 'out']],
  'attn.talk_pre.weight': [['heads', 'out'], ['heads', 'in']],
  'attn.talk_pre.bias': [['heads', 'out']],
  'attn.talk_post.weight': [['heads', 'out'], ['heads', 'in']],
  'attn.talk_post.bias': [['heads', 'out']],
  'attn.out.weight': [['emb', 'out'], ['v', 'in']], // O's input tied to V's output (§1.4)
  'attn.out.bias': OUT_EMB,
  attn_scale: OUT_EMB,
  'mlp_norm.weight': OUT_EMB,
  'mlp_norm.bias': OUT_EMB,
  'mlp.up.weight': [['ffn', 'out'], ['emb', 'in']],
  'mlp.up.bias': [['ffn', 'out']],
  'mlp.down.weight': [['emb', 'out'], ['ffn', 'in']], // FFN-down's input tied to FFN-up's output (§1.4)
  'mlp.down.bias': OUT_EMB,
  mlp_scale: OUT_EMB,
}

/** Non-block name -> axes. Embedding tables [rows, H]: the H axis is an output axis (a linear map of one-hots). */
function topAxes(name: string, config: ModelConfig): AxisSpec[] {
  switch (name) {
    case 'embed.tok.weight':
    case 'embed.pos.weight':
    case 'embed.type.weight':
      return [null, ['emb', 'out']]
    case 'embed.patch.weight': // [H, C, p, p]: a linear map from C·p·p pixels; only its output grows
      return [['emb', 'out'], null, null, null]
    case 'embed.norm.weight':
    case 'embed.norm.bias':
    case 'embed.patch.bias':
    case 'embed.cls':
    case 'embed.dist':
    case 'final_norm.weight':
    case 'final_norm.bias':
    case 'pooler.bias':
      return OUT_EMB
    case 'pooler.weight':
      return [['emb', 'out'], ['emb', 'in']]
    case 'head.mlm.dense.weight':
      return [['head', 'out'], ['emb', 'in']]
    case 'head.mlm.dense.bias':
    case 'head.mlm.norm.weight':
    case 'head.mlm.norm.bias':
      return [['head', 'out']]
    case 'head.mlm.bias':
    case 'head.cls.bias':
    case 'head.dist.bias':
      return [null]
    case 'head.lm.weight': // BERT/RoBERTa: reads the MLM transform; GPT-2: reads the final norm (the stream)
      return [null, [config.family === 'gpt2' ? 'emb' : 'head', 'in']]
    case 'head.cls.weight':
    case 'head.dist.weight':
      return [null, ['emb', 'in']]
  }
  throw new Error(`growth layout: no axis rule for parameter "${name}"`)
}

const BLOCK_NAME = /^(blocks|cls_blocks)\.(\d+)\.(.+)$/

/** The layout of one canonical parameter of `config`. */
export function parameterLayout(name: string, config: ModelConfig): ParameterLayout {
  const group = parameterGroup(name)
  const block = BLOCK_NAME.exec(name)
  if (!block) {
    const axes = topAxes(name, config).map((a) => (a ? { space: { kind: a[0], stage: null, layer: null }, role: a[1] } : null))
    return { name, stage: group.stage, layer: null, local: null, module: null, part: name.endsWith('.bias') ? 'bias' : 'weight', axes }
  }
  const stage = block[1] as BlockStage
  const layer = Number(block[2])
  const local = block[3]
  const spec = BLOCK_AXES[local]
  if (!spec) throw new Error(`growth layout: no axis rule for block parameter "${name}"`)
  const axes = spec.map((a) => {
    if (!a) return null
    const shared = a[0] === 'emb' || a[0] === 'head'
    return { space: { kind: a[0], stage: shared ? null : stage, layer: shared ? null : layer }, role: a[1] }
  })
  const part = local.endsWith('.bias') ? 'bias' : 'weight'
  const module = local.replace(/\.(weight|bias)$/, '')
  return { name, stage, layer, local, module, part, axes }
}

/** Width of a space in a config: H for emb/head/q/k/v, I for ffn, A for heads. */
export function spaceSize(kind: SpaceKind, config: ModelConfig): number {
  if (kind === 'ffn') return config.intermediateSize
  if (kind === 'heads') return config.numHeads
  return config.hiddenSize
}

/** Block count of a stage (CaiT's class-attention stage; 0 for families without it). */
export function stageDepth(stage: BlockStage, config: ModelConfig): number {
  if (stage === 'blocks') return config.numLayers
  return config.family === 'cait' ? config.numClassLayers : 0
}

/** A stable key for caches and coefficient names: "emb", "blocks.3.q". */
export function spaceKey(space: Space): string {
  return space.stage === null ? space.kind : `${space.stage}.${space.layer}.${space.kind}`
}

/**
 * The small parameter a large non-block parameter is grown from. Ties may differ between the two configs
 * (BERT-Small unties its decoder, BERT-Base ties it, docs/growth/ligo.md §5.1): an untied large decoder grows from the
 * small one's decoder, or from its word embedding when the small model is tied. Null: the small model has no
 * counterpart (a pooler only the large config adds), so the operator initialises it fresh.
 */
export function smallSourceName(name: string, small: ModelConfig, smallNames: ReadonlySet<string>): string | null {
  if (smallNames.has(name)) return name
  if (name === 'head.lm.weight' && 'tieWordEmbeddings' in small && small.tieWordEmbeddings) return 'embed.tok.weight'
  return null
}
