/** The shapes datasets take inside the data layer; plain arrays, no tensors (the trainer makes tensors). */

/** One text document: the unit of train/validation splitting (a chapter, a speech, a file, a jsonl line). */
export interface TextDocument {
  /** Stable name for messages and manifests, e.g. "chapter_12" or "notes.jsonl:17". */
  id: string
  text: string
}

/** Images of one size, already decoded and resized, with integer class labels. */
export interface ImageDataset {
  height: number
  width: number
  channels: number
  /** classNames[label] is the class of label. */
  classNames: string[]
  /** [count, height, width, channels] (NHWC, TF.js's layout), values in [0, 1]. */
  pixels: Float32Array
  /** [count], each in 0..classNames.length-1. */
  labels: Int32Array
  count: number
  /** Where each example came from (file path or "mnist/3/17"), same order as labels. */
  sources: string[]
}
