/**
 * A zip archive of whole files, stored without compression (float weights hardly compress, and storing keeps the
 * download a straight copy), for `ligo serve`'s export download: the browser cannot fetch a folder. Classic zip
 * (APPNOTE 4.3): local header + data per file, then the central directory and its end record. No ZIP64, so every
 * file and the archive itself must stay under 4 GiB; larger exports are refused with the sizes (the export folder
 * itself is unaffected). Written to a temporary file and renamed, so a half-written archive never has the final name.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs'
import { rename, rm, stat } from 'node:fs/promises'
import { crc32 } from 'node:zlib'
import { StudioError } from '../../shared'

/** The classic format's 32-bit size and offset fields. */
const ZIP32_LIMIT = 0xffffffff
/** General purpose flag bit 11: the names are UTF-8. */
const UTF8_NAMES = 0x0800
/** Version 2.0: the lowest that stored files need. */
const VERSION = 20

export interface ZipEntry {
  /** Name inside the archive (no folders: export folders are flat). */
  name: string
  /** The file on disk. */
  path: string
}

/** MS-DOS time and date of a JavaScript date (2-second resolution, local time, as zip tools read it). */
function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.max(1980, date.getFullYear())
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  }
}

async function fileCrc(path: string): Promise<number> {
  let crc = 0
  for await (const chunk of createReadStream(path)) crc = crc32(chunk as Buffer, crc)
  return crc >>> 0
}

function write(out: WriteStream, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => out.write(bytes, (error) => (error ? reject(error) : resolve())))
}

async function copyInto(out: WriteStream, path: string): Promise<void> {
  for await (const chunk of createReadStream(path)) await write(out, chunk as Buffer)
}

/** Write `entries` into a zip at `zipPath` (atomically). Returns the archive's size in bytes. */
export async function writeStoredZip(zipPath: string, entries: readonly ZipEntry[], modified = new Date()): Promise<number> {
  const sizes = await Promise.all(entries.map(async (e) => (await stat(e.path)).size))
  const names = entries.map((e) => Buffer.from(e.name, 'utf8'))
  const total = sizes.reduce((sum, size, i) => sum + size + 30 + names[i].length + 46 + names[i].length, 22)
  if (total > ZIP32_LIMIT) {
    throw new StudioError('invalid_request', `${zipPath}: ${entries.length} files of ${sizes.reduce((a, b) => a + b, 0)} bytes need ZIP64 (over 4 GiB), which this archive writer does not produce; download the files from the export folder instead`)
  }
  const { time, date } = dosDateTime(modified)
  const temporary = `${zipPath}.${process.pid}.partial`
  const out = createWriteStream(temporary)
  const central: Buffer[] = []
  let offset = 0
  try {
    for (let i = 0; i < entries.length; i++) {
      const crc = await fileCrc(entries[i].path)
      const local = Buffer.alloc(30)
      local.writeUInt32LE(0x04034b50, 0) // local file header signature
      local.writeUInt16LE(VERSION, 4)
      local.writeUInt16LE(UTF8_NAMES, 6)
      local.writeUInt16LE(0, 8) // method 0: stored
      local.writeUInt16LE(time, 10)
      local.writeUInt16LE(date, 12)
      local.writeUInt32LE(crc, 14)
      local.writeUInt32LE(sizes[i], 18) // compressed size = size (stored)
      local.writeUInt32LE(sizes[i], 22)
      local.writeUInt16LE(names[i].length, 26)
      local.writeUInt16LE(0, 28) // no extra field
      await write(out, Buffer.concat([local, names[i]]))
      await copyInto(out, entries[i].path)

      const record = Buffer.alloc(46)
      record.writeUInt32LE(0x02014b50, 0) // central directory header signature
      record.writeUInt16LE(VERSION, 4) // made by: MS-DOS attributes, version 2.0
      record.writeUInt16LE(VERSION, 6)
      record.writeUInt16LE(UTF8_NAMES, 8)
      record.writeUInt16LE(0, 10)
      record.writeUInt16LE(time, 12)
      record.writeUInt16LE(date, 14)
      record.writeUInt32LE(crc, 16)
      record.writeUInt32LE(sizes[i], 20)
      record.writeUInt32LE(sizes[i], 24)
      record.writeUInt16LE(names[i].length, 28)
      // extra, comment, disk number, internal and external attributes: 0
      record.writeUInt32LE(offset, 42)
      central.push(record, names[i])
      offset += 30 + names[i].length + sizes[i]
    }
    const directory = Buffer.concat(central)
    const end = Buffer.alloc(22)
    end.writeUInt32LE(0x06054b50, 0) // end of central directory signature
    end.writeUInt16LE(entries.length, 8) // entries on this disk
    end.writeUInt16LE(entries.length, 10) // entries in total
    end.writeUInt32LE(directory.length, 12)
    end.writeUInt32LE(offset, 16)
    await write(out, Buffer.concat([directory, end]))
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
    await rename(temporary, zipPath)
    return offset + directory.length + end.length
  } catch (error) {
    out.destroy()
    await rm(temporary, { force: true })
    throw error
  }
}
