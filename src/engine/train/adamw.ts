/**
 * AdamW (Loshchilov & Hutter 2019) with decoupled weight decay, as torch.optim.AdamW computes it:
 *
 *   p ← p · (1 − lr·λ)                      (decay, only for parameters not in the no-decay set)
 *   m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²
 *   p ← p − lr/(1 − β1^t) · m / (sqrt(v)/sqrt(1 − β2^t) + ε)
 *
 * The decay never passes through m and v (that is what "decoupled" means, unlike Adam with L2 in the gradient).
 * The learning rate comes with every update (the schedule is a pure function of the step, schedule.ts).
 * Slots m and v are named variables `${prefix}/${name}/m|v`; dispose() frees them. The state (t, m, v) is
 * exported as plain arrays for checkpoints and restored bit for bit.
 *
 * With the native kernels (wasm + addon) the update is one kernel call for all parameters, an in-place pass over each
 * one's p, m, v (no temporaries, no copies of weights or moments); elsewhere the same formula runs as TF.js ops. Both agree within float32
 * rounding (adamw.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core'
// TF.js-core-only module of engine/backend (no backend package; kernel-availability.ts explains the layering).
import { adamwUpdateInPlace, nativeAdamWActive } from '../backend/native-ops'

export interface AdamWOptions {
  beta1?: number
  beta2?: number
  /** torch default 1e-8; the LiGO code uses 1e-6 (docs/growth/ligo.md §3.2). */
  epsilon?: number
  weightDecay: number
  /** Parameters that skip weight decay (biases, LayerNorm, ...): the family's noDecay. */
  noDecay(name: string, shape: readonly number[]): boolean
}

export const ADAMW_DEFAULTS = { beta1: 0.9, beta2: 0.999, epsilon: 1e-6 } as const

/** What a checkpoint stores: the update count and both moments per parameter, in parameter order. */
export interface AdamWState {
  step: number
  slots: Array<{ name: string; shape: number[]; m: Float32Array; v: Float32Array }>
}

let instances = 0

export class AdamW {
  /** Updates applied so far (t in the bias corrections). */
  step = 0
  readonly beta1: number
  readonly beta2: number
  readonly epsilon: number
  readonly weightDecay: number
  private readonly slots = new Map<string, { m: tf.Variable; v: tf.Variable; decays: boolean }>()

  constructor(
    private readonly params: Readonly<Record<string, tf.Variable>>,
    options: AdamWOptions,
  ) {
    this.beta1 = options.beta1 ?? ADAMW_DEFAULTS.beta1
    this.beta2 = options.beta2 ?? ADAMW_DEFAULTS.beta2
    this.epsilon = options.epsilon ?? ADAMW_DEFAULTS.epsilon
    this.weightDecay = options.weightDecay
    for (const [key, value] of Object.entries({ beta1: this.beta1, beta2: this.beta2 })) {
      if (!(value >= 0 && value < 1)) throw new Error(`AdamW ${key} must be in [0, 1), got ${value}`)
    }
    if (!(this.epsilon > 0)) throw new Error(`AdamW epsilon must be > 0, got ${this.epsilon}`)
    if (!(this.weightDecay >= 0 && Number.isFinite(this.weightDecay))) throw new Error(`AdamW weight decay must be a finite number >= 0, got ${this.weightDecay}`)
    const prefix = `adamw${instances++}`
    for (const [name, p] of Object.entries(params)) {
      // tidy frees the zeros the variables were copied from (variables themselves survive a tidy).
      this.slots.set(name, {
        m: tf.tidy(() => tf.variable(tf.zerosLike(p), false, `${prefix}/${name}/m`)),
        v: tf.tidy(() => tf.variable(tf.zerosLike(p), false, `${prefix}/${name}/v`)),
        decays: !options.noDecay(name, p.shape),
      })
    }
  }

  /** Names of the parameters that get weight decay. */
  get decayed(): string[] {
    return [...this.slots].filter(([, s]) => s.decays).map(([n]) => n)
  }

  /** One update with learning rate `lr`. Every parameter needs a gradient (a missing one is a bug upstream). */
  apply(grads: Readonly<Record<string, tf.Tensor>>, lr: number): void {
    this.step += 1
    const t = this.step
    const bias1 = 1 - this.beta1 ** t
    const bias2 = 1 - this.beta2 ** t
    // Scalars computed in float64 on the host, then one float32 tensor each: the same rounding on every backend.
    const stepSize = lr / bias1
    const decayFactor = 1 - lr * this.weightDecay
    if (nativeAdamWActive()) {
      const entries = [...this.slots].map(([name, slot]) => {
        const grad = grads[name]
        if (!grad) throw new Error(`AdamW: no gradient for parameter "${name}"`)
        return { param: this.params[name], m: slot.m, v: slot.v, grad, weightDecay: slot.decays ? this.weightDecay : 0 }
      })
      adamwUpdateInPlace(entries, { lr, beta1: this.beta1, beta2: this.beta2, eps: this.epsilon, step: t })
      return
    }
    tf.tidy(() => {
      for (const [name, slot] of this.slots) {
        const g = grads[name]
        if (!g) throw new Error(`AdamW: no gradient for parameter "${name}"`)
        const p = this.params[name]
        const m = tf.add(tf.mul(slot.m, this.beta1), tf.mul(g, 1 - this.beta1))
        const v = tf.add(tf.mul(slot.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2))
        const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(bias2)), this.epsilon)
        const decayed = slot.decays && this.weightDecay > 0 ? tf.mul(p, decayFactor) : p
        p.assign(tf.sub(decayed, tf.mul(tf.div(m, denom), stepSize)))
        slot.m.assign(m)
        slot.v.assign(v)
      }
    })
  }

  exportState(): AdamWState {
    return {
      step: this.step,
      slots: [...this.slots].map(([name, s]) => ({ name, shape: [...s.m.shape], m: s.m.dataSync() as Float32Array, v: s.v.dataSync() as Float32Array })),
    }
  }

  /** Restores a state exported by exportState (same parameter names and shapes, or an error naming the first mismatch). */
  loadState(state: AdamWState): void {
    const given = new Map(state.slots.map((s) => [s.name, s]))
    for (const [name, slot] of this.slots) {
      const saved = given.get(name)
      if (!saved) throw new Error(`Optimizer state has no moments for parameter "${name}"`)
      if (saved.shape.length !== slot.m.shape.length || saved.shape.some((d, i) => d !== slot.m.shape[i]))
        throw new Error(`Optimizer state for "${name}" has shape [${saved.shape}], the parameter is [${slot.m.shape}]`)
    }
    if (given.size !== this.slots.size) throw new Error(`Optimizer state has ${given.size} parameters, the model has ${this.slots.size}`)
    if (!(Number.isInteger(state.step) && state.step >= 0)) throw new Error(`Optimizer state step must be an integer >= 0, got ${state.step}`)
    for (const [name, slot] of this.slots) {
      const saved = given.get(name)!
      tf.tidy(() => {
        slot.m.assign(tf.tensor(saved.m, saved.shape, 'float32'))
        slot.v.assign(tf.tensor(saved.v, saved.shape, 'float32'))
      })
    }
    this.step = state.step
  }

  dispose(): void {
    for (const slot of this.slots.values()) {
      slot.m.dispose()
      slot.v.dispose()
    }
    this.slots.clear()
  }
}
