/**
 * `ligo info` and the energy sources of this machine, through a real engine process (from source with tsx):
 * no RAPL and no NVIDIA GPU here, so the CPU-time estimate is the source in use, labelled estimated; the carbon
 * flags are checked before the engine starts.
 */
import { describe, expect, it } from 'vitest'
import { main, type MainIo } from '../../src/cli/main'
import { createEngineHost } from '../../src/host/engine-client'
import { createNodeEngineLauncher, sourceEngineLauncherOptions } from '../../src/host/node-launcher'
import type { HardwareRecord } from '../../src/shared'

interface Run {
  code: number
  stdout: string
  stderr: string
}

const realEngine: MainIo['startEngine'] = (choice) => createEngineHost(createNodeEngineLauncher({ ...sourceEngineLauncherOptions(), onLog: () => {} }), choice)
const noEngine: MainIo['startEngine'] = () => {
  throw new Error('this test must not start an engine')
}

async function run(argv: string[], options: { env?: Record<string, string>; startEngine?: MainIo['startEngine'] } = {}): Promise<Run> {
  const out: Run = { code: -1, stdout: '', stderr: '' }
  out.code = await main(argv, {
    stdout: (text) => void (out.stdout += text),
    stderr: (text) => void (out.stderr += text),
    exit: () => {},
    env: options.env ?? {},
    onShutdownSignal: () => () => {},
    startEngine: options.startEngine ?? noEngine,
  })
  return out
}

describe('ligo info: energy sources and carbon assumptions', () => {
  it('--json lists the energy sources found here, the estimate in use with accuracy "estimated"', async () => {
    const result = await run(['info', '--json', '--backend', 'cpu', '--grid-region', 'fr', '--pue', '1.25'], { startEngine: realEngine })
    expect(result.code, result.stderr).toBe(0)
    const record = JSON.parse(result.stdout) as HardwareRecord
    expect(record.energy!.map((s) => s.id)).toEqual(['powercap', 'nvidia', 'estimate'])
    const used = record.energy!.filter((s) => s.used)
    expect(used.map((s) => [s.id, s.accuracy])).toEqual([['estimate', 'estimated']])
    expect(record.energy!.find((s) => s.id === 'powercap')!.state).not.toBe('found')
    expect(record.carbon).toMatchObject({ region: 'FR', gramsPerKwh: 56, year: 2023, pue: 1.25, origin: { region: 'flag', pue: 'flag' } })
  })

  it('prints an Energy section that calls the estimate an estimate, and the carbon source and year', async () => {
    const result = await run(['info', '--backend', 'cpu'], { startEngine: realEngine, env: { LIGO_GRID_REGION: 'DE' } })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^Energy {3}Linux powercap \(RAPL\): not found, not used \(would be measured\); /m)
    expect(result.stdout).toMatch(/^ {9}Estimate from CPU time: in use, ESTIMATE, not a measurement; this process's CPU time × [\d.]+ W per thread/m)
    expect(result.stdout).toMatch(/^Carbon {3}381 gCO2e\/kWh, Germany \(DE\), 2023 average from Ember .*; PUE 1 \(no building overhead\)$/m)
  })

  it('refuses bad carbon settings with exit code 2 before starting an engine', async () => {
    const region = await run(['info', '--grid-region', 'XX'])
    expect(region.code).toBe(2)
    expect(region.stderr).toContain('ligo: Unknown grid region "XX" in --grid-region. Use a country code from the carbon table, e.g. DE, FR, GB, US, IN, CN')
    expect(region.stderr).toContain('Run "ligo info --help" for usage.')
    const pue = await run(['info'], { env: { LIGO_PUE: '0.8' } })
    expect(pue.code).toBe(2)
    expect(pue.stderr).toContain('LIGO_PUE must be at least 1, got 0.8')
  })
})
