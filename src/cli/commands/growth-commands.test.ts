/**
 * `ligo grow` and `ligo compare` through main(): help, usage errors (exit 2), flag -> params mapping, and a real
 * `ligo compare` in an engine process started from source (tiny models, 2 steps per method).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '@tensorflow/tfjs'
import { createEngineHost } from '../../host/engine-client'
import { createNodeEngineLauncher, sourceEngineLauncherOptions } from '../../host/node-launcher'
import { writeGrowthFixtures } from '../../engine/experiments/experiments.testing'
import { findSeedsDir, resolveSeed } from '../../engine/seeds'
import { main, type MainIo } from '../main'
import { captureIo } from './cli-test-io.testing'
import { compareParams, type CompareFlags } from './compare'
import { growParams, type GrowFlags } from './grow'

const root = mkdtempSync(join(tmpdir(), 'ligo-growth-cli-'))
let fixtures: Awaited<ReturnType<typeof writeGrowthFixtures>>
beforeAll(async () => {
  fixtures = await writeGrowthFixtures(root)
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

async function run(args: string[], overrides: Partial<MainIo> = {}) {
  const captured = captureIo(overrides)
  const code = await main(args, captured.io)
  return { code, ...captured.out }
}

describe('ligo grow / compare flags', () => {
  it('prints help listing the methods and budgets', async () => {
    const grow = await run(['grow', '--help'])
    expect(grow.code).toBe(0)
    expect(grow.stdout).toContain('Usage: ligo grow --from <checkpoint|seed|preset> --to <preset|config.json> --method <name>')
    expect(grow.stdout).toContain('bert2bert-aki')
    const compare = await run(['compare', '--help'])
    expect(compare.code).toBe(0)
    for (const flag of ['--methods', '--budget', '--seeds', '--grown-lr', '--grown-warmup', '--ladder', '--out']) expect(compare.stdout).toContain(flag)
  })

  it('exits 2 on missing or bad flags', async () => {
    expect(await run(['grow', '--from', 'bert-mini', '--to', 'bert-mini-grown', '--out', 'x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--method is required.') })
    expect((await run(['grow', '--from', 'a', '--to', 'b', '--method', 'magic', '--out', 'x'])).code).toBe(2)
    const base = ['compare', '--from', 'a', '--to', 'b', '--data', 'moby-dick', '--out', 'x']
    expect(await run([...base, '--budget', '10 parsecs'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--budget: Invalid budget "10 parsecs"') })
    expect(await run([...base, '--budget', '10', '--methods', 'ligo,magic'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown method(s) "magic"') })
    expect(await run([...base, '--budget', '10', '--methods', 'ligo'])).toMatchObject({ code: 2, stderr: expect.stringContaining('must include scratch') })
    expect(await run([...base, '--budget', '10', '--ki-distill-fraction', '2'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Invalid value "2" for --ki-distill-fraction: expected a number from 0 to 1.') })
  })

  it('maps flags to engine params', () => {
    expect(growParams({ from: fixtures.small, to: 'bert-mini-grown', method: 'ligo', out: 'g', 'ligo-operator-steps': 50, 'ligo-operator-lr': '2e-3' } as unknown as GrowFlags, '/w')).toEqual({
      from: fixtures.small,
      to: 'bert-mini-grown',
      method: 'ligo',
      out: '/w/g',
      settings: { operatorSteps: 50, operatorLr: 2e-3 },
    })
    expect(() => growParams({ from: 's', to: 'l', method: 'net2net', out: 'g', 'ki-distill-fraction': '0.2' } as unknown as GrowFlags, '/w')).toThrow('--ki-distill-fraction is a setting of ki, which this command does not run (methods: net2net).')
    const params = compareParams({ from: fixtures.small, to: 'l.json', data: 'moby-dick', budget: '3e14flops', out: 'o', methods: 'scratch, ligo', seeds: 3, 'grown-lr': '1e-4', 'no-energy': true, 'ligo-parameterization': 'paper', 'ligo-operator-steps': 20 } as unknown as CompareFlags, '/w')
    expect(params).toEqual({ from: fixtures.small, to: '/w/l.json', methods: ['scratch', 'ligo'], data: 'moby-dick', budget: { kind: 'flops', value: 3e14 }, out: '/w/o', seeds: 3, grown: { learningRate: 1e-4 }, settings: { ligo: { parameterization: 'paper', operatorSteps: 20 } }, energy: false })
  })

  it('takes --from through the one model resolver: a built-in seed name, a zoo id, a preset', () => {
    const flags = (from: string) => ({ from, to: 'bert-mini-grown', method: 'net2net', out: 'g' }) as unknown as GrowFlags
    const seedDir = resolveSeed('bert-moby', findSeedsDir()).dir
    expect(growParams(flags('bert-moby'), '/w').from).toBe(seedDir)
    expect(growParams(flags('seed:bert-moby'), '/w').from).toBe(seedDir)
    expect(growParams(flags('preset:bert-mini'), '/w').from).toBe('bert-mini')
    expect(compareParams({ from: 'gpt2-moby', to: 'l.json', data: 'moby-dick', budget: '10', out: 'o' } as unknown as CompareFlags, '/w').from).toBe(resolveSeed('gpt2-moby', findSeedsDir()).dir)
    expect(() => growParams(flags('no-such-model'), '/w')).toThrow(/Unknown model "no-such-model": not a model preset .*not a built-in seed, and no file or folder at \/w\/no-such-model/)
  })

  it('finds "run:<id>" (what the designer shows for a run of the app) in the default workspace, LIGO_WORKSPACE', () => {
    const flags = (from: string) => ({ from, to: 'bert-mini-grown', method: 'net2net', out: 'g' }) as unknown as GrowFlags
    const workspace = join(root, 'workspace')
    const grown = join(workspace, 'runs', 'grow-1')
    mkdirSync(join(grown, 'model'), { recursive: true })
    writeFileSync(join(grown, 'growth.json'), '{}')
    const before = process.env.LIGO_WORKSPACE
    process.env.LIGO_WORKSPACE = workspace
    try {
      expect(growParams(flags('run:grow-1'), '/w').from).toBe(join(grown, 'model'))
      expect(() => growParams(flags('run:grow-2'), '/w')).toThrow(`No run "grow-2" in the workspace ${join(workspace, 'runs')}`)
    } finally {
      if (before === undefined) delete process.env.LIGO_WORKSPACE
      else process.env.LIGO_WORKSPACE = before
    }
  })
})

describe('ligo compare in an engine process', () => {
  const startEngine: MainIo['startEngine'] = (choice) => createEngineHost(createNodeEngineLauncher({ ...sourceEngineLauncherOptions(), onLog: () => {} }), choice)
  it('runs two methods and prints the savings table', async () => {
    const out = join(root, 'cmp')
    const args = ['compare', '--from', fixtures.small, '--to', fixtures.large, '--data', fixtures.data, '--methods', 'scratch,bert2bert-aki', '--budget', '2steps', '--seeds', '1']
    const result = await run([...args, '--batch', '4', '--seq', '16', '--eval-every', '1', '--eval-batches', '1', '--no-energy', '--backend', 'wasm', '--out', out], { startEngine })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain("Target: scratch's final loss")
    expect(result.stdout).toMatch(/bert2bert-aki +1\/1/)
    expect(existsSync(join(out, 'report.json'))).toBe(true)
  }, 90_000)
})
