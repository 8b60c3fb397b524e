/**
 * What the app reports about a dropped or opened file/folder before anything imports it.
 * The kind is sniffed from the first bytes (and, for folders, the names inside), never from the extension alone.
 */

export const FILE_KINDS = [
  'safetensors', // [u64 header length][JSON header][data]
  'safetensors-index', // model.safetensors.index.json of a sharded checkpoint
  'pytorch-zip', // torch.save zip format (.bin/.pt/.pth)
  'pytorch-legacy', // pre-1.6 torch.save pickle stream
  'pickle', // a bare pickle stream that is not a torch checkpoint
  'hf-config', // config.json of a HuggingFace model
  'tokenizer', // tokenizer.json / vocab.txt
  'json',
  'jsonl',
  'text',
  'png',
  'jpeg',
  'zip',
  'gzip',
  'hf-checkpoint-folder', // a folder with config.json and weights
  'image-folder', // a folder of class sub-folders with images
  'text-folder', // a folder of .txt files
  'folder',
  'empty',
  'unknown',
] as const
export type FileKind = (typeof FILE_KINDS)[number]

export const FILE_KIND_LABELS: Record<FileKind, string> = {
  safetensors: 'safetensors weights',
  'safetensors-index': 'sharded safetensors index',
  'pytorch-zip': 'PyTorch checkpoint (zip)',
  'pytorch-legacy': 'PyTorch checkpoint (legacy pickle format)',
  pickle: 'Python pickle',
  'hf-config': 'HuggingFace config.json',
  tokenizer: 'tokenizer',
  json: 'JSON',
  jsonl: 'JSON lines',
  text: 'plain text',
  png: 'PNG image',
  jpeg: 'JPEG image',
  zip: 'zip archive',
  gzip: 'gzip archive',
  'hf-checkpoint-folder': 'HuggingFace checkpoint folder',
  'image-folder': 'image classification folder',
  'text-folder': 'folder of text files',
  folder: 'folder',
  empty: 'empty file',
  unknown: 'unknown',
}

export interface DroppedItemReport {
  /** Absolute, resolved path (desktop and server paths), or the bare file name for a browser upload. */
  path: string
  name: string
  isDirectory: boolean
  /** Bytes of the file; for a folder, the sum over the files directly inside it. */
  sizeBytes: number
  kind: FileKind
  /** One line for people: "safetensors header of 12 tensors (F32)", "3 class folders, 120 images". */
  detail: string
  /** For folders: the entries directly inside (at most 50 names). */
  entries?: string[]
  /** Where the bytes came from: a path on the machine running the engine, or an upload from a browser. */
  source: 'path' | 'upload'
}
