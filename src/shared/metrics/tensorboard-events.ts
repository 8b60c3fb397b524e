/**
 * TensorBoard event files for a run (issue 12, "Export"), so users can overlay it with their other runs in the tool
 * they already use. No TensorFlow or protobuf library: the few messages needed are encoded by hand.
 *
 * File = TFRecords: [length u64 LE][masked CRC-32C of the 8 length bytes, u32 LE][data][masked CRC-32C of data, u32 LE]
 * (crc32c.ts). Each record's data is an `Event` protobuf (tensorboard/compat/proto/event.proto):
 *   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 *   Summary { repeated Value value = 1; }   Value { string tag = 1; float simple_value = 2; }
 * The first record carries file_version "brain.Event:2"; then one event per logged step with its scalars. The file
 * name TensorBoard looks for: events.out.tfevents.<unix seconds>.<host>; one file per run, in a folder per run.
 */
import { maskedCrc32c } from './crc32c'
import type { RunPoint } from './run-points'

export interface ScalarEvent {
  /** Unix seconds (fractional) when the values were logged. */
  wallTime: number
  step: number
  /** Tag -> value ('loss/validation' -> 6.41). Stored as float32, as TensorBoard's simple_value. */
  values: Record<string, number>
}

export const TENSORBOARD_FILE_VERSION = 'brain.Event:2'

/** Growing byte buffer with the three protobuf wire types the Event messages use. */
class ProtoWriter {
  private bytes: number[] = []

  varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value))
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80)
      v >>= 7n
    }
    this.bytes.push(Number(v))
  }

  /** Field key: (number << 3) | wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32). */
  key(field: number, wire: 0 | 1 | 2 | 5): void {
    this.varint((field << 3) | wire)
  }

  double(field: number, value: number): void {
    this.key(field, 1)
    const view = new DataView(new ArrayBuffer(8))
    view.setFloat64(0, value, true)
    this.raw(new Uint8Array(view.buffer))
  }

  float(field: number, value: number): void {
    this.key(field, 5)
    const view = new DataView(new ArrayBuffer(4))
    view.setFloat32(0, value, true)
    this.raw(new Uint8Array(view.buffer))
  }

  int64(field: number, value: number): void {
    this.key(field, 0)
    this.varint(BigInt(Math.round(value)))
  }

  message(field: number, body: Uint8Array): void {
    this.key(field, 2)
    this.varint(body.length)
    this.raw(body)
  }

  string(field: number, value: string): void {
    this.message(field, new TextEncoder().encode(value))
  }

  raw(chunk: Uint8Array): void {
    for (const b of chunk) this.bytes.push(b)
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes)
  }
}

function encodeEvent(wallTime: number, step: number, body: (w: ProtoWriter) => void): Uint8Array {
  const w = new ProtoWriter()
  w.double(1, wallTime)
  w.int64(2, step)
  body(w)
  return w.finish()
}

function encodeSummary(values: Record<string, number>): Uint8Array {
  const summary = new ProtoWriter()
  for (const [tag, value] of Object.entries(values)) {
    const v = new ProtoWriter()
    v.string(1, tag)
    v.float(2, value)
    summary.message(1, v.finish())
  }
  return summary.finish()
}

/** One TFRecord around `data`. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4)
  const view = new DataView(out.buffer)
  view.setBigUint64(0, BigInt(data.length), true)
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true)
  out.set(data, 12)
  view.setUint32(12 + data.length, maskedCrc32c(data), true)
  return out
}

/** The bytes of an event file: the version record, then one record per event (non-finite values are left out). */
export function tensorboardEventFile(events: readonly ScalarEvent[], startWallTime = events[0]?.wallTime ?? 0): Uint8Array<ArrayBuffer> {
  const records = [tfRecord(encodeEvent(startWallTime, 0, (w) => w.string(3, TENSORBOARD_FILE_VERSION)))]
  for (const event of events) {
    const values = Object.fromEntries(Object.entries(event.values).filter(([, v]) => Number.isFinite(v)))
    if (Object.keys(values).length === 0) continue
    records.push(tfRecord(encodeEvent(event.wallTime, event.step, (w) => w.message(5, encodeSummary(values)))))
  }
  const out = new Uint8Array(records.reduce((n, r) => n + r.length, 0))
  let offset = 0
  for (const r of records) out.set(r, offset), (offset += r.length)
  return out
}

/** events.out.tfevents.<unix seconds>.<host>: the name TensorBoard's loader matches. */
export function tensorboardFileName(startWallTime: number, host: string): string {
  return `events.out.tfevents.${Math.floor(startWallTime)}.${host.replace(/[^A-Za-z0-9._-]/g, '_') || 'ligo'}`
}

/** Tags of a run's event file: the losses, and the costs so that TensorBoard can chart them against step too. */
export const TENSORBOARD_TAGS = {
  valLoss: 'loss/validation',
  trainLoss: 'loss/train',
  flops: 'cost/flops',
  wallSeconds: 'cost/wall_seconds',
  joules: 'cost/energy_joules',
} as const

/** A run's points as events; wall time = the run's start + its training seconds (paused time excluded). */
export function runScalarEvents(points: readonly RunPoint[], startedAtSeconds: number): ScalarEvent[] {
  return points.map((p) => {
    const values: Record<string, number> = { [TENSORBOARD_TAGS.flops]: p.flops, [TENSORBOARD_TAGS.wallSeconds]: p.wallSeconds }
    if (p.valLoss !== null) values[TENSORBOARD_TAGS.valLoss] = p.valLoss
    if (p.trainLoss !== null) values[TENSORBOARD_TAGS.trainLoss] = p.trainLoss
    if (p.joules !== null) values[TENSORBOARD_TAGS.joules] = p.joules
    return { wallTime: startedAtSeconds + p.wallSeconds, step: p.step, values }
  })
}
