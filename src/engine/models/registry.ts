/**
 * Family name -> implementation. Every family answers the same questions (style.md "Habits"): config check,
 * parameter shapes, init, forward, loss, which layer each parameter belongs to, which parameters skip weight decay.
 * Growth operators and the trainer use only this interface.
 */
import type * as tf from '@tensorflow/tfjs-core'
import { ModelConfigError, validateConfig, type ConfigOf, type CaiTConfig, type DecoderConfig, type EncoderConfig, type FamilyName, type ModelConfig, type ViTConfig } from './config'
import { caitForward } from './cait'
import { decoderForward } from './decoder'
import { encoderForward } from './encoder'
import { applyGrowthMasks } from './growth-masks'
import { initParameters } from './init'
import type { ParamMap } from './layers/params'
import { causalLmLoss, classificationLoss, maskedLmLoss, type LossTargets } from './losses'
import { parameterShapes, type ShapeTable } from './shapes'
import type { ForwardOptions, TextInputs, VisionInputs } from './types'
import { vitForward } from './vit'

/** Where a parameter sits: embeddings, the i-th block, the j-th CaiT class-attention block, or the top. */
export type ParameterGroup =
  | { stage: 'embed'; layer: null }
  | { stage: 'blocks'; layer: number }
  | { stage: 'cls_blocks'; layer: number }
  | { stage: 'final'; layer: null } // final_norm, pooler
  | { stage: 'head'; layer: null }

export interface ModelFamily<C extends ModelConfig = ModelConfig, I = TextInputs | VisionInputs> {
  name: FamilyName
  modality: 'text' | 'vision'
  /** What forward returns and what loss expects. */
  objective: 'masked-lm' | 'causal-lm' | 'classification'
  /** validateConfig plus "this config belongs to this family". */
  validate(config: unknown): C
  parameterShapes(config: C): ShapeTable
  init(config: C, seed: number): ParamMap
  /** Pure function of the parameter map: text [B, T, V]; vision [B, K] (DeiT 'both': [2, B, K]). */
  forward(params: ParamMap, config: C, inputs: I, options: ForwardOptions): tf.Tensor
  loss(logits: tf.Tensor, targets: LossTargets): tf.Scalar
  parameterGroup(name: string): ParameterGroup
  /** True for parameters AdamW should not decay. */
  noDecay(name: string, shape: readonly number[]): boolean
}

/** Parse a canonical name's layer (docs/formats/checkpoints.md §5.1). */
export function parameterGroup(name: string): ParameterGroup {
  const block = /^(blocks|cls_blocks)\.(\d+)\./.exec(name)
  if (block) return { stage: block[1] as 'blocks' | 'cls_blocks', layer: Number(block[2]) }
  if (name.startsWith('embed.')) return { stage: 'embed', layer: null }
  if (name.startsWith('final_norm.') || name.startsWith('pooler.')) return { stage: 'final', layer: null }
  if (name.startsWith('head.')) return { stage: 'head', layer: null }
  throw new Error(`Not a canonical parameter name: "${name}"`)
}

/** Name -> group for every parameter of a config. */
export function parameterGroups(config: ModelConfig): Record<string, ParameterGroup> {
  return Object.fromEntries(Object.keys(parameterShapes(config)).map((name) => [name, parameterGroup(name)]))
}

/**
 * Weight decay: 1-D tensors never decay (biases, LayerNorm, LayerScale, CLS/DIST tokens, MLM output bias),
 * as in HF Trainer and nanoGPT; 2-D+ weights and the word embedding do. Vision families also exempt the position
 * table, following timm's no_weight_decay() {pos_embed, cls_token, dist_token}.
 */
const textNoDecay = (_name: string, shape: readonly number[]) => shape.length <= 1
const visionNoDecay = (name: string, shape: readonly number[]) => shape.length <= 1 || name === 'embed.pos.weight'

function validatorFor<C extends ModelConfig>(...families: FamilyName[]): (config: unknown) => C {
  return (config) => {
    const c = validateConfig(config)
    if (!families.includes(c.family)) throw new ModelConfigError(`Model config: family "${c.family}" given where ${families.join(' or ')} was expected`)
    return c as C
  }
}

const common = { parameterShapes, init: initParameters, parameterGroup }

function encoderFamily(name: 'bert' | 'roberta'): ModelFamily<EncoderConfig, TextInputs> {
  return { ...common, name, modality: 'text', objective: 'masked-lm', validate: validatorFor(name), forward: masked(encoderForward), loss: maskedLmLoss, noDecay: textNoDecay }
}

function vitFamily(name: 'vit' | 'deit'): ModelFamily<ViTConfig, VisionInputs> {
  return { ...common, name, modality: 'vision', objective: 'classification', validate: validatorFor(name), forward: masked(vitForward), loss: classificationLoss, noDecay: visionNoDecay }
}

export const FAMILIES = {
  bert: encoderFamily('bert'),
  roberta: encoderFamily('roberta'),
  gpt2: { ...common, name: 'gpt2', modality: 'text', objective: 'causal-lm', validate: validatorFor<DecoderConfig>('gpt2'), forward: masked(decoderForward), loss: causalLmLoss, noDecay: textNoDecay } as ModelFamily<DecoderConfig, TextInputs>,
  vit: vitFamily('vit'),
  deit: vitFamily('deit'),
  cait: { ...common, name: 'cait', modality: 'vision', objective: 'classification', validate: validatorFor<CaiTConfig>('cait'), forward: masked(caitForward), loss: classificationLoss, noDecay: visionNoDecay } as ModelFamily<CaiTConfig, VisionInputs>,
} satisfies { [F in FamilyName]: ModelFamily<ConfigOf<F>, F extends 'bert' | 'roberta' | 'gpt2' ? TextInputs : VisionInputs> }

export function getFamily(name: string): ModelFamily<ModelConfig, TextInputs | VisionInputs> {
  if (!Object.prototype.hasOwnProperty.call(FAMILIES, name)) throw new Error(`Unknown model family "${name}". Expected one of: ${Object.keys(FAMILIES).join(', ')}`)
  return FAMILIES[name as FamilyName] as unknown as ModelFamily<ModelConfig, TextInputs | VisionInputs>
}

/** A family's forward with the weight-side growth masks applied to its parameters (growth-masks.ts) when given. */
function masked<C extends ModelConfig, I>(f: (params: ParamMap, config: C, inputs: I, options: ForwardOptions) => tf.Tensor) {
  return (params: ParamMap, config: C, inputs: I, options: ForwardOptions): tf.Tensor => f(options.growthMasks ? applyGrowthMasks(params, config, options.growthMasks) : params, config, inputs, options)
}

/** Forward for any config: dispatches on config.family. */
export function forward(params: ParamMap, config: ModelConfig, inputs: TextInputs | VisionInputs, options: ForwardOptions): tf.Tensor {
  return getFamily(config.family).forward(params, config, inputs, options)
}

/** Check a parameter map against the config's shape table; names every missing, extra or misshaped tensor. */
export function checkParameters(params: ParamMap, config: ModelConfig): void {
  const expected = parameterShapes(config)
  const problems: string[] = []
  for (const [name, shape] of Object.entries(expected)) {
    const t = params[name]
    if (!t) problems.push(`missing ${name} [${shape}]`)
    else if (t.shape.length !== shape.length || t.shape.some((n, i) => n !== shape[i])) problems.push(`${name}: got [${t.shape}], config needs [${shape}]`)
  }
  for (const name of Object.keys(params)) if (!(name in expected)) problems.push(`unexpected ${name}`)
  if (problems.length) throw new Error(`Parameters do not match the ${config.family} config (${problems.length} problems): ${problems.slice(0, 10).join('; ')}`)
}
