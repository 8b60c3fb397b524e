/**
 * The `ligo` program through main(argv, io): help and usage errors from the command table, `info --json`
 * against a real engine process (run from source with tsx), and `serve` until a shutdown signal.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMMANDS } from '../../src/cli/commands'
import { main, type MainIo } from '../../src/cli/main'
import { createEngineHost } from '../../src/host/engine-client'
import type { EngineHost } from '../../src/host/engine-types'
import { createNodeEngineLauncher, sourceEngineLauncherOptions } from '../../src/host/node-launcher'
import type { EngineStatusEvent, HardwareRecord } from '../../src/shared'

const packageVersion = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version

interface Run {
  code: number
  exitCalls: number[]
  stdout: string
  stderr: string
}

function testIo(overrides: Partial<MainIo> = {}): MainIo & { out: Run } {
  const out: Run = { code: -1, exitCalls: [], stdout: '', stderr: '' }
  return {
    out,
    stdout: (text) => void (out.stdout += text),
    stderr: (text) => void (out.stderr += text),
    exit: (code) => void out.exitCalls.push(code),
    env: {},
    onShutdownSignal: () => () => {},
    startEngine: () => {
      throw new Error('this test must not start an engine')
    },
    ...overrides,
  }
}

async function run(argv: string[], overrides: Partial<MainIo> = {}): Promise<Run> {
  const io = testIo(overrides)
  io.out.code = await main(argv, io)
  expect(io.out.exitCalls).toEqual([io.out.code])
  return io.out
}

describe('ligo help and usage errors', () => {
  it('prints general help listing every command, with exit code 0', async () => {
    for (const argv of [['--help'], ['-h'], [], ['help']]) {
      const result = await run(argv)
      expect(result.code).toBe(0)
      expect(result.stdout).toContain('Usage: ligo <command> [flags]')
      const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      for (const command of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${command.name} +${escape(command.summary)}`, 'm'))
      expect(result.stderr).toBe('')
    }
  })

  it('prints the help of every command from the table', async () => {
    for (const command of COMMANDS) {
      for (const argv of [[command.name, '--help'], [command.name, '-h'], ['help', command.name], [command.name, '--port', 'x', '--help']]) {
        const result = await run(argv)
        expect(result.code, argv.join(' ')).toBe(0)
        expect(result.stdout).toContain(`Usage: ${command.usage}\n`)
        for (const flag of command.flags) expect(result.stdout).toContain(`--${flag.name}`)
      }
    }
  })

  it('prints the version from package.json', async () => {
    expect(await run(['--version'])).toMatchObject({ code: 0, stdout: `ligo ${packageVersion}\n` })
    expect((await run(['-V'])).stdout).toBe(`ligo ${packageVersion}\n`)
  })

  it('exits 2 with a message and a pointer to --help for unknown commands and flags', async () => {
    expect(await run(['grow-everything'])).toMatchObject({ code: 2, stdout: '', stderr: 'ligo: Unknown command "grow-everything".\nRun "ligo --help" for usage.\n' })
    expect((await run(['inf'])).stderr).toBe('ligo: Unknown command "inf". Did you mean "info"?\nRun "ligo --help" for usage.\n')
    expect((await run(['--verbose'])).stderr).toBe('ligo: Unknown flag "--verbose".\nRun "ligo --help" for usage.\n')
    expect(await run(['info', '--jsn'])).toMatchObject({
      code: 2,
      stderr: 'ligo: Unknown flag "--jsn" for "ligo info". Did you mean --json?\nRun "ligo info --help" for usage.\n',
    })
    expect((await run(['serve', '--port', 'http'])).stderr).toContain('Invalid value "http" for --port')
    expect((await run(['info', '--backend', 'tpu'])).stderr).toContain('Invalid value "tpu" for --backend. Expected one of: tensorflow-gpu, tensorflow, wasm, cpu.')
    expect((await run(['help', 'nope'])).code).toBe(2)
  })

  it('refuses a bad LIGO_BACKEND with exit code 2, naming the variable', async () => {
    const result = await run(['info'], { env: { LIGO_BACKEND: 'quantum' } })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('Unknown backend "quantum" in LIGO_BACKEND. Expected one of: tensorflow-gpu, tensorflow, wasm, cpu')
  })

  it('refuses --no-token with a non-loopback host before starting anything', async () => {
    const result = await run(['serve', '--no-token', '--host', '0.0.0.0'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--no-token is only allowed with a loopback --host')
  })
})

describe('ligo info with a real engine process', () => {
  const startEngine: MainIo['startEngine'] = (choice) => {
    const launcher = createNodeEngineLauncher({ ...sourceEngineLauncherOptions(), onLog: () => {} })
    return createEngineHost(launcher, choice)
  }

  it('--json prints the hardware record: wasm chosen automatically here', async () => {
    const result = await run(['info', '--json'], { startEngine })
    expect(result.code, result.stderr).toBe(0)
    const record = JSON.parse(result.stdout) as HardwareRecord
    expect(record.backend).toBe('wasm')
    expect(record.selection).toEqual({ mode: 'auto', source: 'default', requested: null })
    expect(record.candidates.map((c) => c.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'])
    expect(record.cpu.cores).toBeGreaterThan(0)
  })

  it('--backend wins over LIGO_BACKEND and is recorded as forced', async () => {
    const result = await run(['info', '--json', '--backend', 'cpu'], { startEngine, env: { LIGO_BACKEND: 'wasm' } })
    expect(result.code, result.stderr).toBe(0)
    const record = JSON.parse(result.stdout) as HardwareRecord
    expect(record.backend).toBe('cpu')
    expect(record.selection).toMatchObject({ mode: 'forced', source: 'setting', requested: 'cpu' })
  })
})

describe('ligo serve', () => {
  let root: string
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'ligo-cli-serve-'))
    writeFileSync(join(root, 'index.html'), '<!doctype html><p>studio</p>')
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('prints the URL with the token, serves until SIGINT, then stops the engine and exits 0', async () => {
    let stopped = false
    const engine: EngineHost = {
      call: (async () => ({ backend: 'cpu' })) as EngineHost['call'],
      onStatus: (_listener: (e: EngineStatusEvent) => void) => () => {},
      stop: async () => void (stopped = true),
    }
    // a holder object: TypeScript does not see assignments made inside callbacks to a local `let`
    const shutdown: { signal: ((name: string) => void) | null } = { signal: null }
    const io = testIo({
      startEngine: () => engine,
      rendererRoot: root,
      onShutdownSignal: (listener) => {
        shutdown.signal = listener
        return () => (shutdown.signal = null)
      },
    })
    const finished = main(['serve', '--port', '0', '--workspace', join(root, 'workspace'), '--max-upload', '16'], io)
    while (shutdown.signal === null) await new Promise((r) => setTimeout(r, 10))
    const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}/.exec(io.out.stdout)?.[0]
    expect(url, io.out.stdout).toBeDefined()
    expect(io.out.stdout).toContain(`Workspace: ${join(root, 'workspace')}\n`)
    const status = await new Promise<number>((done, fail) => get(url!, (res) => (res.resume(), done(res.statusCode ?? 0))).on('error', fail))
    expect(status).toBe(200)
    shutdown.signal!('SIGINT')
    expect(await finished).toBe(0)
    expect(stopped).toBe(true)
    expect(io.out.stderr).toContain('SIGINT: closing connections and stopping the engine.')
    // the port is closed afterwards (a fresh connection: the default agent would reuse the closed keep-alive one)
    await expect(new Promise((done, fail) => get(url!, { agent: false }, done).on('error', fail))).rejects.toThrow(/ECONNREFUSED/)
  })

  it('exits 1 with a clear message when the renderer is not built', async () => {
    let stopped = false
    const engine = { call: async () => ({}), onStatus: () => () => {}, stop: async () => void (stopped = true) } as unknown as EngineHost
    const result = await run(['serve', '--port', '0'], { startEngine: () => engine, rendererRoot: join(root, 'nope') })
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(`ligo serve: The browser UI is not built: ${join(root, 'nope', 'index.html')} is missing. Run "npm run build" first.\n`)
    expect(stopped).toBe(true)
  })
})
