/**
 * Inputs for the reader fuzzing suite: random bytes, and real files with a few edits (byte overwrites, inserted and
 * deleted runs, truncation). Edits land anywhere, or in the first or last 2 KB where headers and zip directories
 * live (a uniform position in a checkpoint mostly hits tensor data, which every reader accepts).
 */
import fc from 'fast-check'
import { concat } from '../fixtures/bad-checkpoints/builders'

/** Cases per property: a fixed few in `npm test`, LIGO_FUZZ_RUNS in `npm run fuzz`. */
export const FUZZ_RUNS = Number(process.env.LIGO_FUZZ_RUNS) > 0 ? Number(process.env.LIGO_FUZZ_RUNS) : 25
/** Seed of the `npm test` runs, so they are the same cases every time; `npm run fuzz` draws fresh ones. */
export const FUZZ_SEED = process.env.LIGO_FUZZ_RUNS ? undefined : 16

type Edit =
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }

const STRUCTURE = 2048

const position = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }).map((f) => ({ region: 'anywhere' as const, f })),
  fc.nat(STRUCTURE).map((n) => ({ region: 'head' as const, n })),
  fc.nat(STRUCTURE).map((n) => ({ region: 'tail' as const, n })),
)
type Position = typeof position extends fc.Arbitrary<infer P> ? P : never

const edit: fc.Arbitrary<{ kind: Edit['kind']; where: Position; byte: number; bytes: Uint8Array; length: number }> = fc.record({
  kind: fc.constantFrom<Edit['kind']>('set', 'set', 'set', 'insert', 'delete', 'truncate'),
  where: position,
  // Bytes that matter to parsers: 0, 0xff, length-ish values, ASCII punctuation of JSON.
  byte: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 0xff, 0x7f, 0x80, 0x22, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a)),
  bytes: fc.uint8Array({ maxLength: 16 }),
  length: fc.integer({ min: 1, max: 64 }),
})

function resolve(where: Position, length: number): number {
  if (length === 0) return 0
  if (where.region === 'anywhere') return Math.min(length - 1, Math.floor(where.f * length))
  if (where.region === 'head') return Math.min(length - 1, where.n)
  return Math.max(0, length - 1 - where.n)
}

function apply(seed: Uint8Array, edits: ReadonlyArray<{ kind: Edit['kind']; where: Position; byte: number; bytes: Uint8Array; length: number }>): Uint8Array {
  let out: Uint8Array = seed.slice()
  for (const e of edits) {
    const at = resolve(e.where, out.length)
    if (e.kind === 'set' && out.length > 0) out[at] = e.byte
    else if (e.kind === 'insert') out = concat(out.subarray(0, at), e.bytes, out.subarray(at))
    else if (e.kind === 'delete') out = concat(out.subarray(0, at), out.subarray(Math.min(out.length, at + e.length)))
    else if (e.kind === 'truncate') out = out.slice(0, at)
  }
  return out
}

/** A real file with 1 to 6 edits. */
export function mutated(seed: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) => apply(seed, edits))
}

/** Random bytes, or a real file's first bytes (its magic number) followed by random bytes. */
export function randomAfter(seed: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 4096 }),
    fc.tuple(fc.integer({ min: 1, max: 64 }), fc.uint8Array({ maxLength: 4096 })).map(([keep, tail]) => concat(seed.subarray(0, keep), tail)),
  )
}

/** Either kind of input for one seed file. */
export function fuzzInput(seed: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof({ weight: 4, arbitrary: mutated(seed) }, { weight: 1, arbitrary: randomAfter(seed) })
}
