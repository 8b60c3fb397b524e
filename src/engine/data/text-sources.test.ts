import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadTextSource } from './text-sources'

const root = mkdtempSync(join(tmpdir(), 'ligo-text-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
const file = (name: string, content: string | Uint8Array) => {
  const path = join(root, name)
  writeFileSync(path, content)
  return path
}

describe('loadTextSource', () => {
  it('reads a .txt file as paragraphs', () => {
    const path = file('book.txt', 'First paragraph\nstill first.\n\n\n  Second.  \r\n\r\nThird')
    expect(loadTextSource(path)).toEqual([
      { id: `${path}#1`, text: 'First paragraph\nstill first.' },
      { id: `${path}#2`, text: 'Second.' },
      { id: `${path}#3`, text: 'Third' },
    ])
  })

  it('reads a folder of .txt files recursively in path order, one document per file', () => {
    const dir = join(root, 'folder')
    mkdirSync(join(dir, 'sub'), { recursive: true })
    writeFileSync(join(dir, 'b.txt'), 'bee')
    writeFileSync(join(dir, 'a.txt'), 'ay')
    writeFileSync(join(dir, 'sub', 'c.TXT'), 'sea')
    writeFileSync(join(dir, 'notes.md'), 'ignored')
    expect(loadTextSource(dir).map((d) => [d.id, d.text])).toEqual([['a.txt', 'ay'], ['b.txt', 'bee'], [join('sub', 'c.TXT'), 'sea']])
  })

  it('reads .jsonl with a configurable field', () => {
    const path = file('data.jsonl', '{"text": "one"}\n\n{"text": "two", "x": 1}\n')
    expect(loadTextSource(path).map((d) => d.text)).toEqual(['one', 'two'])
    const custom = file('custom.jsonl', '{"body": "hello"}\n')
    expect(loadTextSource(custom, { jsonlField: 'body' })).toEqual([{ id: `${custom}:1`, text: 'hello' }])
  })

  it('names the file and the line in its errors', () => {
    const empty = file('empty.txt', '  \n\n ')
    expect(() => loadTextSource(empty)).toThrow(`${empty}: the file is empty (no text)`)
    const bad = file('bad.jsonl', '{"text": "ok"}\n{"text": "ok"}\n{"text": oops}\n')
    expect(() => loadTextSource(bad)).toThrow(new RegExp(`^${bad} line 3: invalid JSON \\(`))
    const missing = file('missing.jsonl', '{"text": "ok"}\n{"content": "x", "id": 2}\n')
    expect(() => loadTextSource(missing)).toThrow(`${missing} line 2: missing field "text" (fields present: content, id)`)
    const wrongType = file('wrong.jsonl', '{"text": 5}\n')
    expect(() => loadTextSource(wrongType)).toThrow(`${wrongType} line 1: field "text" must be a string, got number`)
    const emptyJsonl = file('empty.jsonl', '\n\n')
    expect(() => loadTextSource(emptyJsonl)).toThrow(`${emptyJsonl}: no text found (the file has no non-empty "text" values)`)
    const noTxt = join(root, 'no-txt')
    mkdirSync(noTxt)
    writeFileSync(join(noTxt, 'readme.md'), 'x')
    expect(() => loadTextSource(noTxt)).toThrow(`${noTxt}: the folder has no .txt files`)
    const binary = file('binary.txt', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01]))
    expect(() => loadTextSource(binary)).toThrow(`${binary}: looks like a binary file (NUL byte at offset 4); expected UTF-8 text`)
    const latin1 = file('latin1.txt', Uint8Array.from([0x63, 0x61, 0x66, 0xe9]))
    expect(() => loadTextSource(latin1)).toThrow(`${latin1}: is not valid UTF-8 text`)
    const csv = file('data.csv', 'a,b')
    expect(() => loadTextSource(csv)).toThrow(`${csv}: unsupported text data ".csv". Expected one of: .txt file, .jsonl file, folder of .txt files`)
    expect(() => loadTextSource(join(root, 'nope.txt'))).toThrow(`Text data not found: ${join(root, 'nope.txt')}`)
  })
})
