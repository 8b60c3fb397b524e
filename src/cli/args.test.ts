import { describe, expect, it } from 'vitest'
import { UsageError, closest, flagNamesIn, parseFlags, realFlag, type CommandSpec } from './args'

const demo: CommandSpec<never> = {
  name: 'demo',
  summary: '',
  usage: '',
  description: '',
  examples: [],
  run: async () => 0,
  flags: [
    { name: 'json', type: 'boolean', help: '' },
    { name: 'port', type: 'integer', min: 0, max: 65535, default: 4780, help: '' },
    { name: 'host', type: 'string', default: '127.0.0.1', help: '' },
    { name: 'backend', type: 'choice', choices: ['wasm', 'cpu'], help: '' },
  ],
}

function usageError(argv: string[]): string {
  try {
    parseFlags(demo, argv)
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).command).toBe('demo')
    return (error as Error).message
  }
  throw new Error(`no error for ${argv.join(' ')}`)
}

describe('parseFlags', () => {
  it('fills defaults and reads --flag value, --flag=value and switches', () => {
    expect(parseFlags(demo, [])).toEqual({ json: false, port: 4780, host: '127.0.0.1', backend: undefined })
    expect(parseFlags(demo, ['--json', '--port', '0', '--host=::1', '--backend', 'cpu'])).toEqual({ json: true, port: 0, host: '::1', backend: 'cpu' })
    expect(parseFlags(demo, ['--port=65535', '--'])).toMatchObject({ port: 65535 })
  })

  it('refuses unknown flags, suggesting the closest', () => {
    expect(usageError(['--prot', '1'])).toBe('Unknown flag "--prot" for "ligo demo". Did you mean --port?')
    expect(usageError(['--zzzzzz'])).toBe('Unknown flag "--zzzzzz" for "ligo demo".')
    expect(usageError(['-p'])).toBe('Unknown flag "-p" for "ligo demo".')
    expect(usageError(['extra'])).toBe('Unexpected argument "extra" for "ligo demo".')
    expect(usageError(['--', 'extra'])).toBe('"ligo demo" takes no arguments, got "extra".')
  })

  it('checks values against the flag type', () => {
    expect(usageError(['--port', 'abc'])).toBe('Invalid value "abc" for --port: expected a whole number from 0 to 65535.')
    expect(usageError(['--port', '70000'])).toBe('Invalid value "70000" for --port: expected a whole number from 0 to 65535.')
    expect(usageError(['--port', '1.5'])).toContain('expected a whole number')
    expect(usageError(['--backend', 'gpu'])).toBe('Invalid value "gpu" for --backend. Expected one of: wasm, cpu.')
    expect(usageError(['--port'])).toBe('--port needs a value: --port <value>.')
    expect(usageError(['--port', '--json'])).toBe('--port needs a value: --port <value>.')
    expect(usageError(['--host='])).toBe('--host needs a non-empty value.')
    expect(usageError(['--json=yes'])).toBe('--json is a switch and takes no value (got "--json=yes").')
    expect(usageError(['--json', '--json'])).toBe('--json is given more than once.')
  })
})

describe('closest', () => {
  it('finds names within two edits', () => {
    expect(closest('serv', ['info', 'serve'])).toBe('serve')
    expect(closest('inof', ['info', 'serve'])).toBe('info')
    expect(closest('train', ['info', 'serve'])).toBeNull()
  })
})

describe('flagNamesIn', () => {
  it("shows the flag that sets each parameter an engine message names, and leaves other names alone", () => {
    const flags = [
      { name: 'split-seed', type: 'integer', help: '' },
      { name: 'batch', type: 'integer', param: 'batchSize', help: '' },
    ] as const
    expect(flagNamesIn('`splitSeed` 1 differs; `batchSize` too; `energy` is not a flag here', flags)).toBe('--split-seed 1 differs; --batch too; `energy` is not a flag here')
  })
})

describe('realFlag', () => {
  it('reads a real number and names the flag when it is not one', () => {
    expect(realFlag('grow', 'lr', '2e-3', 0)).toBe(2e-3)
    expect(realFlag('grow', 'lr', undefined, 0)).toBeUndefined()
    expect(() => realFlag('grow', 'lr', '-1', 0)).toThrow('Invalid value "-1" for --lr: expected a number >= 0.')
    expect(() => realFlag('grow', 'lr', 'fast', 0)).toThrow('Invalid value "fast" for --lr')
  })
})
