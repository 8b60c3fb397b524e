import { describe, expect, it } from 'vitest'
import { crc32c, maskedCrc32c } from './crc32c'
import { runScalarEvents, tensorboardEventFile, tensorboardFileName, tfRecord, TENSORBOARD_FILE_VERSION } from './tensorboard-events'

// An independent reader: bit-by-bit CRC-32C (no table) and a generic protobuf field walker.
function bitwiseCrc32c(bytes: Uint8Array): number {
  let crc = ~0 >>> 0
  for (const byte of bytes) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0x82f63b78 & -(crc & 1))
  }
  return ~crc >>> 0
}
const mask = (crc: number) => (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0

function readRecords(file: Uint8Array): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength)
  const records: Uint8Array[] = []
  for (let at = 0; at < file.length; ) {
    const length = Number(view.getBigUint64(at, true))
    expect(view.getUint32(at + 8, true)).toBe(mask(bitwiseCrc32c(file.subarray(at, at + 8))))
    const data = file.subarray(at + 12, at + 12 + length)
    expect(view.getUint32(at + 12 + length, true)).toBe(mask(bitwiseCrc32c(data)))
    records.push(data)
    at += 12 + length + 4
  }
  return records
}

type Field = { field: number; varint?: bigint; bytes?: Uint8Array }
function readFields(bytes: Uint8Array): Field[] {
  const fields: Field[] = []
  let at = 0
  const varint = (): bigint => {
    let result = 0n
    for (let shift = 0n; ; shift += 7n) {
      const b = bytes[at++]
      result |= BigInt(b & 0x7f) << shift
      if (b < 0x80) return result
    }
  }
  while (at < bytes.length) {
    const key = Number(varint())
    const [field, wire] = [key >> 3, key & 7]
    if (wire === 0) fields.push({ field, varint: varint() })
    else {
      const length = wire === 1 ? 8 : wire === 5 ? 4 : Number(varint())
      fields.push({ field, bytes: bytes.slice(at, at + length) })
      at += length
    }
  }
  return fields
}
const f64 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getFloat64(0, true)
const f32 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getFloat32(0, true)

function readEvent(data: Uint8Array) {
  const fields = readFields(data)
  const one = (n: number) => fields.find((f) => f.field === n)
  const summary = one(5)?.bytes
  const values = summary
    ? Object.fromEntries(
        readFields(summary).map((v) => {
          const inner = readFields(v.bytes!)
          return [new TextDecoder().decode(inner.find((f) => f.field === 1)!.bytes), f32(inner.find((f) => f.field === 2)!.bytes!)]
        }),
      )
    : null
  return { wallTime: f64(one(1)!.bytes!), step: Number(one(2)!.varint), fileVersion: one(3) ? new TextDecoder().decode(one(3)!.bytes) : null, values }
}

describe('CRC-32C', () => {
  it('matches the RFC 3720 (iSCSI) test vectors and the check value', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa)
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43)
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e)
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283)
  })
  it('masks as TFRecord does', () => {
    const bytes = new TextEncoder().encode('loss')
    expect(maskedCrc32c(bytes)).toBe(mask(bitwiseCrc32c(bytes)))
  })
})

describe('TensorBoard event file', () => {
  it('frames a record: 8-byte length, masked CRCs of length and data', () => {
    const record = tfRecord(Uint8Array.of(1, 2, 3))
    expect(record.length).toBe(8 + 4 + 3 + 4)
    expect(readRecords(record)).toEqual([Uint8Array.of(1, 2, 3)])
  })

  it('starts with the version event and holds one scalar event per point, read back by an independent decoder', () => {
    const points = [
      { step: 0, flops: 1e12, wallSeconds: 30, joules: 900, trainLoss: null, valLoss: 6.9 },
      { step: 100, flops: 3.5e12, wallSeconds: 95.5, joules: null, trainLoss: 6.41, valLoss: null },
    ]
    const file = tensorboardEventFile(runScalarEvents(points, 1_790_000_000))
    const events = readRecords(file).map(readEvent)
    expect(events[0]).toMatchObject({ fileVersion: TENSORBOARD_FILE_VERSION, step: 0, wallTime: 1_790_000_030 })
    expect(events[1]).toMatchObject({ step: 0, wallTime: 1_790_000_030 })
    expect(events[1].values).toEqual({ 'cost/flops': Math.fround(1e12), 'cost/wall_seconds': 30, 'loss/validation': Math.fround(6.9), 'cost/energy_joules': 900 })
    expect(events[2]).toMatchObject({ step: 100, wallTime: 1_790_000_095.5 })
    expect(events[2].values).toEqual({ 'cost/flops': Math.fround(3.5e12), 'cost/wall_seconds': 95.5, 'loss/train': Math.fround(6.41) })
    expect(events).toHaveLength(3)
  })

  it('writes steps beyond 2^31 as varints', () => {
    const [, event] = readRecords(tensorboardEventFile([{ wallTime: 1, step: 2 ** 40 + 3, values: { x: 1 } }])).map(readEvent)
    expect(event.step).toBe(2 ** 40 + 3)
  })

  it('names the file as TensorBoard expects', () => {
    expect(tensorboardFileName(1790000000.7, 'my box')).toBe('events.out.tfevents.1790000000.my_box')
  })
})
