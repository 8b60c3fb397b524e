/**
 * The loss of a model that knows only how often each label occurs: the unigram model of the training split's labels
 * (text: the tokens the loss scores, i.e. next tokens for a causal LM, the masked tokens for a masked LM) or the
 * class prior (images), with add-one smoothing, scored on the same validation batches `evaluate` reads
 * (train/trainer.ts: the first `evalBatches` batches of the unshuffled validation pass, the same positions).
 * A source model is only worth growing when its loss is clearly below this figure (docs/growth/savings.md point 6:
 * a source on the masked-LM plateau is unigram-like and grows into a model on the plateau).
 */
import type { TrainingData } from '../train/training-data'

/** The labels a batch's loss counts, with their weights (text: labelWeights; images: every label, weight 1). */
function* scoredLabels(batch: { labels: Int32Array; labelWeights?: Float32Array }): Generator<[label: number, weight: number]> {
  for (let i = 0; i < batch.labels.length; i++) {
    const weight = batch.labelWeights ? batch.labelWeights[i] : 1
    if (weight > 0) yield [batch.labels[i], weight]
  }
}

export interface PriorLoss {
  /** Cross-entropy (nats) of the smoothed label frequencies on the validation batches. */
  loss: number
  /** Labels the model could predict: vocabulary size (text) or classes (images). */
  classes: number
  /** Scored labels counted on the training split (one epoch) and on the validation batches. */
  trainLabels: number
  validationLabels: number
}

/**
 * Counts one epoch of the training stream (its position is put back afterwards, so runs see the same batches) and
 * scores the first `evalBatches` validation batches. `classes`: the label space (the model's vocabulary or classes).
 */
export function priorLoss(data: TrainingData, evalBatches: number, classes: number): PriorLoss {
  if (!(Number.isInteger(classes) && classes >= 1)) throw new Error(`priorLoss: classes must be a positive integer, got ${classes}`)
  const counts = new Float64Array(classes)
  let trainLabels = 0
  const start = data.train.state
  try {
    data.train.restore({ epoch: 0, index: 0 })
    for (let b = 0; b < data.train.batchesPerEpoch; b++) {
      for (const [label, weight] of scoredLabels(data.train.next())) {
        if (label < 0 || label >= classes) throw new Error(`priorLoss: label ${label} outside 0..${classes - 1}`)
        counts[label] += weight
        trainLabels += weight
      }
    }
  } finally {
    data.train.restore(start)
  }
  const total = trainLabels + classes // add-one smoothing
  const validation = data.validation()
  const batches = Math.min(evalBatches, validation.batchesPerEpoch)
  let nats = 0
  let validationLabels = 0
  for (let b = 0; b < batches; b++) {
    for (const [label, weight] of scoredLabels(validation.next())) {
      nats -= weight * Math.log((counts[label] + 1) / total)
      validationLabels += weight
    }
  }
  if (validationLabels === 0) throw new Error('priorLoss: the validation batches score no label')
  return { loss: nats / validationLabels, classes, trainLabels, validationLabels }
}
