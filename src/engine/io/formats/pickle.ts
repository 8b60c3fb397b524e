/**
 * A restricted unpickler: a small stack machine for the pickle opcodes a torch state dict uses (protocols 2-5,
 * docs: docs/formats/checkpoints.md §4.2; opcode meanings from CPython's Lib/pickletools.py).
 *
 * Nothing from the file is ever executed. GLOBAL/STACK_GLOBAL only ask `resolveGlobal`, which returns a value
 * implemented in TypeScript (or throws to refuse); REDUCE may only apply a `PickleCallable` obtained that way;
 * BUILD goes to `build`, which refuses by default; persistent ids go to `persistentLoad`. Unknown opcodes are
 * refused, and every length is checked against the bytes left, so hostile input fails with an error and never hangs.
 *
 * Python values map to: None -> null, bool -> boolean, int -> number (bigint beyond 2^53), float -> number,
 * str -> string, bytes -> Uint8Array, list and tuple -> Array, dict -> Map (no prototype keys), set -> Set.
 */
import { CheckpointFormatError } from './errors'

/** Something REDUCE may call: an allow-listed constructor or function, implemented in TypeScript. */
export interface PickleCallable {
  readonly qualifiedName: string
  call(args: readonly unknown[]): unknown
}

export function pickleCallable(qualifiedName: string, call: (args: readonly unknown[]) => unknown): PickleCallable {
  return { qualifiedName, call }
}

export function isPickleCallable(value: unknown): value is PickleCallable {
  return typeof value === 'object' && value !== null && typeof (value as PickleCallable).call === 'function' && 'qualifiedName' in value
}

export interface UnpickleOptions {
  /** The file the pickle came from, for messages. */
  readonly file: string
  /** The value GLOBAL `module.name` pushes; throw to refuse the global. */
  resolveGlobal(module: string, name: string): unknown
  /** The value BINPERSID pushes for a persistent id; throw to refuse it. */
  persistentLoad?(pid: unknown): unknown
  /** BUILD `state` into `object` (returns the object to keep); without it BUILD is refused. */
  build?(object: unknown, state: unknown): unknown
}

/** Sanity caps: a state dict needs far less; each is also bounded by the pickle's length. */
const MAX_STACK = 1_000_000
const MAX_MEMO = 10_000_000
const MAX_MARKS = 10_000
/**
 * Longest LONG4 integer accepted. torch writes Python ints (epochs, sizes) that fit in a few bytes; a multi-megabyte
 * integer can only be an attack on the parser (issue 16), so it is refused instead of being converted.
 */
const MAX_LONG_BYTES = 64

const OPCODE_NAMES: Record<number, string> = {
  0x28: 'MARK', 0x2e: 'STOP', 0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x4e: 'NONE', 0x88: 'NEWTRUE', 0x89: 'NEWFALSE',
  0x4a: 'BININT', 0x4b: 'BININT1', 0x4d: 'BININT2', 0x8a: 'LONG1', 0x8b: 'LONG4', 0x47: 'BINFLOAT',
  0x58: 'BINUNICODE', 0x8c: 'SHORT_BINUNICODE', 0x8d: 'BINUNICODE8', 0x54: 'BINSTRING', 0x55: 'SHORT_BINSTRING',
  0x42: 'BINBYTES', 0x43: 'SHORT_BINBYTES', 0x8e: 'BINBYTES8', 0x5d: 'EMPTY_LIST', 0x6c: 'LIST', 0x61: 'APPEND',
  0x65: 'APPENDS', 0x29: 'EMPTY_TUPLE', 0x74: 'TUPLE', 0x85: 'TUPLE1', 0x86: 'TUPLE2', 0x87: 'TUPLE3', 0x7d: 'EMPTY_DICT',
  0x64: 'DICT', 0x73: 'SETITEM', 0x75: 'SETITEMS', 0x8f: 'EMPTY_SET', 0x90: 'ADDITEMS', 0x91: 'FROZENSET', 0x71: 'BINPUT',
  0x72: 'LONG_BINPUT', 0x68: 'BINGET', 0x6a: 'LONG_BINGET', 0x94: 'MEMOIZE', 0x70: 'PUT', 0x67: 'GET', 0x63: 'GLOBAL',
  0x93: 'STACK_GLOBAL', 0x52: 'REDUCE', 0x62: 'BUILD', 0x51: 'BINPERSID', 0x80: 'PROTO', 0x95: 'FRAME',
}

export function unpickle(bytes: Uint8Array, options: UnpickleOptions): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const utf8 = new TextDecoder('utf-8')
  const latin1 = new TextDecoder('latin1')
  const stack: unknown[] = []
  const marks: number[] = []
  const memo = new Map<number, unknown>()
  let pos = 0
  let opStart = 0

  const fail: (problem: string) => never = (problem) => {
    throw new CheckpointFormatError(options.file, `pickle: ${problem} (at byte ${opStart})`)
  }
  const take = (n: number): number => {
    if (n < 0 || pos + n > bytes.length) fail(`data ends in the middle of an opcode (needs ${n} more bytes)`)
    const at = pos
    pos += n
    return at
  }
  const u8 = (): number => bytes[take(1)]
  const u16 = (): number => view.getUint16(take(2), true)
  const u32 = (): number => view.getUint32(take(4), true)
  const u64 = (): number => {
    const value = view.getBigUint64(take(8), true)
    if (value > BigInt(bytes.length)) fail(`length ${value} is longer than the pickle`)
    return Number(value)
  }
  const slice = (n: number): Uint8Array => {
    const at = take(n)
    return bytes.subarray(at, at + n)
  }
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos)
    if (end < 0) fail('text argument is missing its newline')
    const text = latin1.decode(bytes.subarray(pos, end))
    pos = end + 1
    return text
  }
  const push = (value: unknown): void => {
    if (stack.length >= MAX_STACK) fail(`stack deeper than ${MAX_STACK}`)
    stack.push(value)
  }
  const pop = (): unknown => {
    if (stack.length === 0 || stack.length <= (marks.at(-1) ?? -1)) fail('stack underflow')
    return stack.pop()
  }
  const top = (): unknown => {
    if (stack.length === 0 || stack.length <= (marks.at(-1) ?? -1)) fail('stack underflow')
    return stack[stack.length - 1]
  }
  const popMark = (): unknown[] => {
    const mark = marks.pop()
    if (mark === undefined) fail('no MARK to pop to')
    return stack.splice(mark as number)
  }
  const memoPut = (index: number, value: unknown): void => {
    if (memo.size >= MAX_MEMO && !memo.has(index)) fail(`memo larger than ${MAX_MEMO}`)
    memo.set(index, value)
  }
  const memoGet = (index: number): unknown => {
    if (!memo.has(index)) fail(`memo has no entry ${index}`)
    return memo.get(index)
  }
  const signedLittleEndian = (data: Uint8Array): number | bigint => {
    if (data.length === 0) return 0
    // One hex string and one BigInt parse: linear in the length (a byte-by-byte shift-and-or is quadratic).
    let hex = ''
    for (let i = data.length - 1; i >= 0; i--) hex += data[i].toString(16).padStart(2, '0')
    let value = BigInt(`0x${hex}`)
    if (data[data.length - 1] & 0x80) value -= 1n << BigInt(8 * data.length)
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
  }
  const long4Length = (): number => {
    const length = u32()
    if (length > MAX_LONG_BYTES) fail(`LONG4 integer of ${length} bytes is longer than the ${MAX_LONG_BYTES}-byte limit (a state dict stores small integers)`)
    return length
  }
  const asMap = (value: unknown, op: string): Map<unknown, unknown> => {
    if (!(value instanceof Map)) fail(`${op} on a value that is not a dict`)
    return value as Map<unknown, unknown>
  }
  const asList = (value: unknown, op: string): unknown[] => {
    if (!Array.isArray(value)) fail(`${op} on a value that is not a list`)
    return value as unknown[]
  }
  const setItems = (target: Map<unknown, unknown>, items: unknown[]): void => {
    if (items.length % 2 !== 0) fail('SETITEMS with an odd number of items')
    for (let i = 0; i < items.length; i += 2) target.set(items[i], items[i + 1])
  }
  const global = (module: string, name: string): unknown => options.resolveGlobal(module, name)

  while (pos < bytes.length) {
    opStart = pos
    const op = u8()
    switch (op) {
      case 0x80: { // PROTO
        const protocol = u8()
        if (protocol > 5) fail(`pickle protocol ${protocol} is newer than 5`)
        break
      }
      case 0x95: // FRAME: an 8-byte frame length; frames are only a buffering hint
        take(8)
        break
      case 0x2e: { // STOP
        if (stack.length !== 1 || marks.length !== 0) fail(`STOP with ${stack.length} values on the stack (expected 1)`)
        return stack[0]
      }
      case 0x28: // MARK
        if (marks.length >= MAX_MARKS) fail(`more than ${MAX_MARKS} nested MARKs`)
        marks.push(stack.length)
        break
      case 0x30: pop(); break // POP
      case 0x31: popMark(); break // POP_MARK
      case 0x32: push(top()); break // DUP
      case 0x4e: push(null); break // NONE
      case 0x88: push(true); break // NEWTRUE
      case 0x89: push(false); break // NEWFALSE
      case 0x4a: push(view.getInt32(take(4), true)); break // BININT
      case 0x4b: push(u8()); break // BININT1
      case 0x4d: push(u16()); break // BININT2
      case 0x8a: push(signedLittleEndian(slice(u8()))); break // LONG1
      case 0x8b: push(signedLittleEndian(slice(long4Length()))); break // LONG4
      case 0x47: push(view.getFloat64(take(8), false)); break // BINFLOAT: big-endian double
      case 0x58: push(utf8.decode(slice(u32()))); break // BINUNICODE
      case 0x8c: push(utf8.decode(slice(u8()))); break // SHORT_BINUNICODE
      case 0x8d: push(utf8.decode(slice(u64()))); break // BINUNICODE8
      case 0x54: push(latin1.decode(slice(view.getInt32(take(4), true)))); break // BINSTRING (Python 2 str)
      case 0x55: push(latin1.decode(slice(u8()))); break // SHORT_BINSTRING
      case 0x42: push(slice(u32()).slice()); break // BINBYTES
      case 0x43: push(slice(u8()).slice()); break // SHORT_BINBYTES
      case 0x8e: push(slice(u64()).slice()); break // BINBYTES8
      case 0x5d: push([]); break // EMPTY_LIST
      case 0x6c: push(popMark()); break // LIST
      case 0x61: { // APPEND
        const value = pop()
        asList(top(), 'APPEND').push(value)
        break
      }
      case 0x65: { // APPENDS
        const items = popMark()
        const list = asList(top(), 'APPENDS')
        for (const item of items) list.push(item) // not push(...items): a spread of 100k+ values overflows the call stack
        break
      }
      case 0x29: push([]); break // EMPTY_TUPLE
      case 0x74: push(popMark()); break // TUPLE
      case 0x85: push([pop()]); break // TUPLE1
      case 0x86: { // TUPLE2
        const b = pop()
        push([pop(), b])
        break
      }
      case 0x87: { // TUPLE3
        const c = pop()
        const b = pop()
        push([pop(), b, c])
        break
      }
      case 0x7d: push(new Map()); break // EMPTY_DICT
      case 0x64: { // DICT
        const dict = new Map()
        setItems(dict, popMark())
        push(dict)
        break
      }
      case 0x73: { // SETITEM
        const value = pop()
        const key = pop()
        asMap(top(), 'SETITEM').set(key, value)
        break
      }
      case 0x75: { // SETITEMS
        const items = popMark()
        setItems(asMap(top(), 'SETITEMS'), items)
        break
      }
      case 0x8f: push(new Set()); break // EMPTY_SET
      case 0x90: { // ADDITEMS
        const items = popMark()
        const target = top()
        if (!(target instanceof Set)) fail('ADDITEMS on a value that is not a set')
        for (const item of items) (target as Set<unknown>).add(item)
        break
      }
      case 0x91: push(new Set(popMark())); break // FROZENSET
      case 0x71: memoPut(u8(), top()); break // BINPUT
      case 0x72: memoPut(u32(), top()); break // LONG_BINPUT
      case 0x94: memoPut(memo.size, top()); break // MEMOIZE
      case 0x70: memoPut(parseDecimal(line(), fail), top()); break // PUT
      case 0x68: push(memoGet(u8())); break // BINGET
      case 0x6a: push(memoGet(u32())); break // LONG_BINGET
      case 0x67: push(memoGet(parseDecimal(line(), fail))); break // GET
      case 0x63: { // GLOBAL "module\nname\n"
        const module = line()
        push(global(module, line()))
        break
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop()
        const module = pop()
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings')
        push(global(module as string, name as string))
        break
      }
      case 0x52: { // REDUCE: callable(*args)
        const args = pop()
        const callable = pop()
        if (!isPickleCallable(callable)) fail(`REDUCE of ${describe(callable)}, which is not an allowed callable`)
        if (!Array.isArray(args)) fail(`REDUCE arguments for ${(callable as PickleCallable).qualifiedName} are not a tuple`)
        push((callable as PickleCallable).call(args as unknown[]))
        break
      }
      case 0x62: { // BUILD: object.__setstate__(state)
        const state = pop()
        const object = pop()
        if (options.build === undefined) fail(`BUILD of ${describe(object)} is not allowed`)
        push(options.build!(object, state))
        break
      }
      case 0x51: { // BINPERSID
        const pid = pop()
        if (options.persistentLoad === undefined) fail('persistent ids are not allowed here')
        push(options.persistentLoad!(pid))
        break
      }
      default: {
        const name = OPCODE_NAMES[op]
        const printable = op >= 0x20 && op < 0x7f ? ` ('${String.fromCharCode(op)}')` : ''
        fail(`unsupported opcode 0x${op.toString(16).padStart(2, '0')}${printable}${name ? ` ${name}` : ''}`)
      }
    }
  }
  opStart = pos
  return fail('data ends without a STOP opcode')
}

function parseDecimal(text: string, fail: (problem: string) => never): number {
  if (!/^\d{1,9}$/.test(text)) fail(`bad memo index ${JSON.stringify(text)}`)
  return Number(text)
}

function describe(value: unknown): string {
  if (isPickleCallable(value)) return value.qualifiedName
  if (value instanceof Map) return 'a dict'
  if (Array.isArray(value)) return 'a tuple or list'
  return value === null ? 'None' : typeof value
}
