/**
 * Runs the rule tables: expands `{i}` for a config, matches file names to rules, and moves values between the
 * file layout and the canonical one (import: transpose / split3 / squeeze; export: the inverses, reversed).
 */
import type { ModelConfig } from '../../models/config'
import { parameterShapes } from '../../models/shapes'
import type { ClassLayout, NameRule } from './types'

/** Values with their row-major shape (float32: the engine's working dtype). */
export interface ShapedArray {
  readonly shape: readonly number[]
  readonly data: Float32Array
}

/** One rule with `{i}` filled in: the full file name and the canonical name(s) it holds. */
export interface BoundRule {
  readonly file: string
  readonly canonical: readonly string[]
  readonly rule: NameRule
}

const fill = (pattern: string, i: number | null): string => (i === null ? pattern : pattern.replaceAll('{i}', String(i)))
const canonicalNames = (rule: NameRule): readonly string[] => (typeof rule.canonical === 'string' ? [rule.canonical] : rule.canonical)

/** Every rule of the class bound to the file name it has, with the layout's prefix on body rules. */
function bindAll(layout: ClassLayout, counts: { blocks: number; cls_blocks: number }): BoundRule[] {
  const bound: BoundRule[] = []
  const bind = (rule: NameRule, prefix: string) => {
    const indices = rule.file.includes('{i}') ? [...Array(counts[rule.blocks ?? 'blocks']).keys()] : [null]
    for (const i of indices) bound.push({ file: prefix + fill(rule.file, i), canonical: canonicalNames(rule).map((c) => fill(c, i)), rule })
  }
  for (const rule of layout.body) bind(rule, layout.prefix)
  for (const rule of layout.heads) bind(rule, '')
  return bound
}

/**
 * The file tensors this class holds for a model of this config: rules whose canonical parameters the model
 * has (so a tied head.lm.weight, an absent pooler or a missing qkv bias produce no key), minus the class's drops.
 */
export function boundRulesFor(layout: ClassLayout, config: ModelConfig): BoundRule[] {
  const shapes = parameterShapes(config)
  const dropped = new Set(layout.drops ?? [])
  const counts = { blocks: config.numLayers, cls_blocks: config.family === 'cait' ? config.numClassLayers : 0 }
  return bindAll(layout, counts).filter((b) => b.canonical.every((name) => name in shapes && !dropped.has(name)))
}

/** File name -> shape for every tensor a file of this class and config holds (the exact key set to write). */
export function fileShapes(layout: ClassLayout, config: ModelConfig): Map<string, number[]> {
  const shapes = parameterShapes(config)
  return new Map(boundRulesFor(layout, config).map((b) => [b.file, exportShape(b.rule, b.canonical.map((name) => shapes[name]))]))
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Compiled matchers, built once per class. */
const matcherCache = new WeakMap<ClassLayout, Array<{ regex: RegExp; rule: NameRule }>>()

function matchers(layout: ClassLayout): Array<{ regex: RegExp; rule: NameRule }> {
  let list = matcherCache.get(layout)
  if (!list) {
    const compile = (rule: NameRule, prefix: string) => ({ regex: new RegExp(`^${escapeRegex(prefix + rule.file).replaceAll('\\{i\\}', '(\\d+)')}$`), rule })
    list = [...layout.body.map((r) => compile(r, layout.prefix)), ...layout.heads.map((r) => compile(r, ''))]
    matcherCache.set(layout, list)
  }
  return list
}

/** The rule a file tensor belongs to, bound to its block index; null when the class has no such tensor. */
export function matchFileName(layout: ClassLayout, name: string): BoundRule | null {
  for (const { regex, rule } of matchers(layout)) {
    const m = regex.exec(name)
    if (m) {
      const i = m[1] === undefined ? null : Number(m[1])
      return { file: name, canonical: canonicalNames(rule).map((c) => fill(c, i)), rule }
    }
  }
  return null
}

/** True when the name is one of the class's ignorable tensors (buffers, tied copies, unused heads). */
export function ignoredReason(layout: ClassLayout, name: string): string | null {
  for (const { pattern, why } of layout.ignored) {
    if (new RegExp(`^${escapeRegex(pattern).replaceAll('\\{i\\}', '\\d+')}$`).test(name)) return why
  }
  return null
}

// ---------------------------------------------------------------- value transforms

function transpose2d(x: ShapedArray, where: string): ShapedArray {
  if (x.shape.length !== 2) throw new Error(`${where}: transpose needs a 2-D tensor, got shape [${x.shape.join(',')}]`)
  const [rows, cols] = x.shape
  const out = new Float32Array(x.data.length)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x.data[r * cols + c]
  return { shape: [cols, rows], data: out }
}

/** Split the first axis into three equal parts (q | k | v along the output dimension). */
function split3(x: ShapedArray, where: string): ShapedArray[] {
  const [first, ...rest] = x.shape
  if (first === undefined || first % 3 !== 0) throw new Error(`${where}: cannot split shape [${x.shape.join(',')}] into q, k, v (first axis must be a multiple of 3)`)
  const part = x.data.length / 3
  return [0, 1, 2].map((n) => ({ shape: [first / 3, ...rest], data: x.data.slice(n * part, (n + 1) * part) }))
}

function cat3(parts: readonly ShapedArray[], where: string): ShapedArray {
  const [a] = parts
  if (parts.length !== 3 || parts.some((p) => p.shape.join() !== a.shape.join())) throw new Error(`${where}: q, k, v must have the same shape to be fused`)
  const data = new Float32Array(a.data.length * 3)
  parts.forEach((p, n) => data.set(p.data, n * a.data.length))
  return { shape: [a.shape[0] * 3, ...a.shape.slice(1)], data }
}

function squeeze(x: ShapedArray, lead: number, where: string): ShapedArray {
  if (x.shape.length < lead || x.shape.slice(0, lead).some((d) => d !== 1)) {
    throw new Error(`${where}: expected ${lead} leading dimension(s) of size 1, got shape [${x.shape.join(',')}]`)
  }
  return { shape: x.shape.slice(lead), data: x.data }
}

/** File tensor -> canonical tensor(s), in the order of the bound rule's canonical names. */
export function toCanonical(bound: BoundRule, x: ShapedArray): ShapedArray[] {
  let values: ShapedArray[] = [x]
  for (const step of bound.rule.transform) {
    if (step === 'transpose') values = values.map((v) => transpose2d(v, bound.file))
    else if (step === 'split3') values = values.flatMap((v) => split3(v, bound.file))
    else values = values.map((v) => squeeze(v, bound.rule.lead ?? 0, bound.file))
  }
  return values
}

/** Canonical tensor(s) -> the file tensor: the inverse steps in reverse order. */
export function toFile(bound: BoundRule, parts: readonly ShapedArray[]): ShapedArray {
  let values = [...parts]
  for (const step of [...bound.rule.transform].reverse()) {
    if (step === 'transpose') values = values.map((v) => transpose2d(v, bound.file))
    else if (step === 'split3') values = [cat3(values, bound.file)]
    else values = values.map((v) => ({ shape: [...Array(bound.rule.lead ?? 0).fill(1), ...v.shape], data: v.data }))
  }
  return values[0]
}

/** The file shape of a rule given its canonical shapes (no data moved). */
export function exportShape(rule: NameRule, canonicalShapes: readonly number[][]): number[] {
  let shapes = canonicalShapes.map((s) => [...s])
  for (const step of [...rule.transform].reverse()) {
    if (step === 'transpose') shapes = shapes.map((s) => [...s].reverse())
    else if (step === 'split3') shapes = [[shapes[0][0] * 3, ...shapes[0].slice(1)]]
    else shapes = shapes.map((s) => [...Array(rule.lead ?? 0).fill(1), ...s])
  }
  return shapes[0]
}

/** The canonical shape(s) a file tensor of this shape becomes (no data moved). */
export function importShapes(bound: BoundRule, fileShape: readonly number[]): number[][] {
  let shapes = [[...fileShape]]
  for (const step of bound.rule.transform) {
    if (step === 'transpose') shapes = shapes.map((s) => [...s].reverse())
    else if (step === 'split3') shapes = shapes.flatMap((s) => [0, 1, 2].map(() => [s[0] / 3, ...s.slice(1)]))
    else shapes = shapes.map((s) => s.slice(bound.rule.lead ?? 0))
  }
  return shapes
}
