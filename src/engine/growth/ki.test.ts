/** KI: α schedule, the temperature-scaled KL against a hand computation, masks, and the combined loss. */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { distillationLoss, distillationMask, ki, kiAlpha, kiLoss, kiSchedule } from './ki'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const softmax = (z: number[]) => {
  const e = z.map(Math.exp)
  const s = e.reduce((a, b) => a + b, 0)
  return e.map((x) => x / s)
}

describe('ki', () => {
  it('α decays linearly from 1 to 0 over distillSteps, then stays 0', () => {
    expect([0, 25, 50, 100, 150].map((t) => kiAlpha(t, 100))).toEqual([1, 0.75, 0.5, 0, 0])
    expect(() => kiSchedule(0)).toThrow('ki: distillSteps must be positive, got 0')
    expect(ki.schedule(10)).toEqual({ distillSteps: 10, temperature: 2 })
  })

  it('computes T²·KL(p_teacher ‖ p_student) at T = 2, averaged over counted rows', () => {
    const s = [1, 0, -1]
    const t = [0.5, 0.2, 0.1]
    const ps = softmax(s.map((x) => x / 2))
    const pt = softmax(t.map((x) => x / 2))
    const kl = pt.reduce((acc, p, i) => acc + p * Math.log(p / ps[i]), 0)
    const value = tf.tidy(() => distillationLoss(tf.tensor2d([s, s]), tf.tensor2d([t, s]), tf.tensor1d([1, 1])).dataSync()[0])
    expect(value).toBeCloseTo((4 * (kl + 0)) / 2, 6)
    const masked = tf.tidy(() => distillationLoss(tf.tensor2d([s, s]), tf.tensor2d([t, s]), tf.tensor1d([1, 0])).dataSync()[0])
    expect(masked).toBeCloseTo(4 * kl, 6)
    expect(tf.tidy(() => distillationLoss(tf.tensor2d([s]), tf.tensor2d([s]), null).dataSync()[0])).toBeCloseTo(0, 6)
    expect(() => distillationLoss(tf.zeros([2, 3]), tf.zeros([2, 4]), null)).toThrow('ki: student logits [2,3] and teacher logits [2,4] differ')
  })

  it('masks: MLM counts labelled positions, causal LM the positions that predict a label, images all', () => {
    tf.tidy(() => {
      const labels = tf.tensor2d([[-100, 5, -100], [2, -100, 3]], [2, 3], 'int32')
      const logits = tf.zeros([2, 3, 7])
      expect(distillationMask('masked-lm', labels, logits)?.arraySync()).toEqual([[0, 1, 0], [1, 0, 1]])
      expect(distillationMask('causal-lm', labels, logits)?.arraySync()).toEqual([[1, 0, 0], [0, 1, 0]])
      expect(distillationMask('classification', tf.tensor1d([1, 2], 'int32'), tf.zeros([2, 4]))).toBeNull()
    })
  })

  it('mixes the task loss and the distillation by α_t', () => {
    tf.tidy(() => {
      const task = tf.scalar(3)
      const student = tf.tensor2d([[1, 0, -1]])
      const teacher = tf.tensor2d([[0, 1, 0]])
      const distil = distillationLoss(student, teacher, null).dataSync()[0]
      const schedule = kiSchedule(4)
      expect(kiLoss(task, student, teacher, null, 0, schedule).dataSync()[0]).toBeCloseTo(distil, 5)
      expect(kiLoss(task, student, teacher, null, 1, schedule).dataSync()[0]).toBeCloseTo(0.25 * 3 + 0.75 * distil, 5)
      expect(kiLoss(task, student, teacher, null, 4, schedule)).toBe(task)
    })
  })
})
