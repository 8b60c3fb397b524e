/** The restricted unpickler on hand-assembled opcodes (meanings from CPython Lib/pickletools.py). */
import { describe, expect, it } from 'vitest'
import { CheckpointFormatError } from './errors'
import { pickleCallable, unpickle } from './pickle'

const refuseAll = { file: 'test.pkl', resolveGlobal: (m: string, n: string): never => { throw new Error(`no ${m}.${n}`) } }
const run = (bytes: number[]) => unpickle(Uint8Array.from(bytes), refuseAll)

describe('unpickle', () => {
  it('decodes scalars', () => {
    expect(run([0x80, 2, 0x4a, 0xfd, 0xff, 0xff, 0xff, 0x2e])).toBe(-3) // BININT
    expect(run([0x80, 2, 0x4d, 0x34, 0x12, 0x2e])).toBe(0x1234) // BININT2
    expect(run([0x80, 2, 0x8a, 1, 0xff, 0x2e])).toBe(-1) // LONG1 two's complement
    expect(run([0x80, 2, 0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x2e])).toBe(1n << 64n) // beyond 2^53 stays exact
    expect(run([0x80, 2, 0x47, 0xc0, 0x04, 0, 0, 0, 0, 0, 0, 0x2e])).toBe(-2.5) // BINFLOAT big-endian
    expect(run([0x80, 2, 0x4e, 0x2e])).toBeNull()
    expect(run([0x80, 2, 0x88, 0x2e])).toBe(true)
    expect(run([0x80, 3, 0x43, 2, 0xde, 0xad, 0x2e])).toEqual(Uint8Array.of(0xde, 0xad)) // SHORT_BINBYTES
    expect(run([0x80, 2, 0x58, 2, 0, 0, 0, 0xc3, 0xa9, 0x2e])).toBe('é') // BINUNICODE, UTF-8
  })

  it('reads LONG4 integers up to the 64-byte limit exactly, and refuses longer ones before reading them', () => {
    const bytes = new Array<number>(64).fill(0)
    bytes[63] = 0x40 // 2^(8*63 + 6)
    expect(run([0x80, 2, 0x8b, 64, 0, 0, 0, ...bytes, 0x2e])).toBe(1n << 510n)
    expect(run([0x80, 2, 0x8b, 2, 0, 0, 0, 0x00, 0x80, 0x2e])).toBe(-32768) // two's complement
    expect(() => run([0x80, 2, 0x8b, 65, 0, 0, 0, ...bytes, 0, 0x2e])).toThrow('LONG4 integer of 65 bytes is longer than the 64-byte limit')
  })

  it('appends more items than a function call can take as arguments', () => {
    const items = new Array<number>(200_000).fill(0).flatMap(() => [0x4b, 7]) // BININT1 7
    const list = run([0x80, 2, 0x5d, 0x28, ...items, 0x65, 0x2e]) as number[]
    expect(list.length).toBe(200_000)
    expect(list.every((v) => v === 7)).toBe(true)
  })

  it('builds containers and uses the memo', () => {
    // [ 'a', 'a' ] via BINPUT/BINGET; {'k': (1, 2)}; a set {1}
    expect(run([0x80, 2, 0x5d, 0x28, 0x8c, 1, 0x61, 0x71, 0, 0x68, 0, 0x65, 0x2e])).toEqual(['a', 'a'])
    expect(run([0x80, 2, 0x7d, 0x8c, 1, 0x6b, 0x4b, 1, 0x4b, 2, 0x86, 0x73, 0x2e])).toEqual(new Map([['k', [1, 2]]]))
    expect(run([0x80, 4, 0x8f, 0x28, 0x4b, 1, 0x90, 0x2e])).toEqual(new Set([1]))
  })

  it('only REDUCEs callables the caller allowed', () => {
    const options = { file: 'x.pkl', resolveGlobal: () => pickleCallable('m.f', (args) => (args[0] as number) * 2) }
    // GLOBAL 'm\nf\n', BININT1 21, TUPLE1, REDUCE
    expect(unpickle(Uint8Array.from([0x80, 2, 0x63, ...Buffer.from('m\nf\n'), 0x4b, 21, 0x85, 0x52, 0x2e]), options)).toBe(42)
    expect(() => run([0x80, 2, 0x4b, 1, 0x29, 0x52, 0x2e])).toThrow('pickle: REDUCE of number, which is not an allowed callable')
    expect(() => run([0x80, 2, 0x7d, 0x7d, 0x62, 0x2e])).toThrow('BUILD of a dict is not allowed')
  })

  it('fails cleanly on hostile input', () => {
    const fails = (bytes: number[], message: string) => {
      const error = (() => {
        try {
          run(bytes)
        } catch (e) {
          return e
        }
      })()
      expect(error).toBeInstanceOf(CheckpointFormatError)
      expect((error as Error).message).toContain(message)
    }
    fails([0x80, 2, 0x58, 0xff, 0xff, 0xff, 0x7f], 'data ends in the middle of an opcode') // 2 GB string in 7 bytes
    fails([0x80, 2, 0x30, 0x2e], 'stack underflow')
    fails([0x80, 2, 0x68, 5, 0x2e], 'memo has no entry 5')
    fails([0x80, 2, 0x74, 0x2e], 'no MARK to pop to')
    fails([0x80, 2, 0x4b, 1, 0x4b, 2, 0x2e], 'STOP with 2 values on the stack')
    fails([0x80, 2, 0x51, 0x2e], 'stack underflow')
    fails([0x80, 9], 'pickle protocol 9 is newer than 5')
    fails([0x80, 2, 0x63, ...Buffer.from('os\nsystem')], 'text argument is missing its newline')
  })
})
