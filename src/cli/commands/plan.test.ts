/**
 * `ligo plan gstack` through main(): the paper's Llama examples (Llama2-7B on 2T tokens -> 11.1B base tokens,
 * Llama3-8B on 15T -> 6.58B), the clamp at desktop scale, g from presets, the speedup <-> saving conversion, help with
 * the defaults, and usage errors.
 */
import { describe, expect, it } from 'vitest'
import { parameterCount } from '../../engine/models/param-count'
import { getPreset } from '../../engine/models/presets'
import { main } from '../main'
import { captureIo } from './cli-test-io.testing'
import type { GStackPlanResult } from './plan'

async function run(args: string[]) {
  const captured = captureIo()
  const code = await main(args, captured.io)
  return { code, ...captured.out }
}

async function plan(args: string[]): Promise<GStackPlanResult> {
  const result = await run(['plan', 'gstack', ...args, '--json'])
  expect(result.code, result.stderr).toBe(0)
  return JSON.parse(result.stdout) as GStackPlanResult
}

describe('ligo plan gstack', () => {
  it("reproduces the paper's Llama examples without clamping", async () => {
    const llama2 = await plan(['--params', '7e9', '--tokens', '2e12', '--base-layers', '8', '--target-layers', '32'])
    expect(llama2.plan!.ruleBaseTokens / 1e9).toBeCloseTo(11.1, 1)
    expect(llama2.plan!.baseTokens).toBe(llama2.plan!.ruleBaseTokens)
    expect(llama2.plan!.clamped).toBe(false)
    expect(llama2.plan!.g).toBe(4)
    expect(llama2.layers).toEqual({ base: 8, target: 32 })
    const llama3 = await plan(['--params', '8e9', '--tokens', '15e12'])
    expect(llama3.plan!.baseTokens / 1e9).toBeCloseTo(6.58, 2)
    expect(llama3.layers).toBeUndefined() // g is the paper's 4, said in the text output
    const text = await run(['plan', 'gstack', '--params', '8e9', '--tokens', '15e12'])
    expect(text.stdout).toContain("growth factor g:   4 (the paper's")
    expect(text.stdout).toContain('base tokens, rule: 6.58')
  })

  it('clamps at desktop scale to --max-base-fraction and charges the base model from a preset', async () => {
    const desktop = await plan(['--to', 'gpt2-mini-grown', '--from', 'gpt2-mini', '--tokens', '1e8'])
    const large = getPreset('gpt2-mini-grown').config
    expect(desktop.targetParameters).toBe(parameterCount(large))
    expect(desktop.plan!.clamped).toBe(true)
    expect(desktop.plan!.baseTokens).toBeCloseTo(1e7, 0) // the default 10% of 1e8
    expect(desktop.plan!.g).toBe(2)
    expect(desktop.baseFlops).toBeCloseTo(6 * parameterCount(getPreset('gpt2-mini').config) * 1e7, -3)
    const tighter = await plan(['--to', 'gpt2-mini-grown', '--from', 'gpt2-mini', '--tokens', '1e8', '--max-base-fraction', '0.02'])
    expect(tighter.plan!.baseTokens).toBeCloseTo(2e6, 0)
    const text = await run(['plan', 'gstack', '--to', 'gpt2-mini-grown', '--from', 'gpt2-mini', '--tokens', '1e8'])
    expect(text.stdout).toContain('(clamped to 10.0% of the budget)')
  })

  it("converts the paper's speedup to a saving and back", async () => {
    expect((await plan(['--speedup', '0.546'])).saving).toBeCloseTo(0.353, 3)
    expect((await plan(['--saving', '0.353'])).speedup).toBeCloseTo(0.5456, 3)
    expect((await run(['plan', 'gstack', '--speedup', '0.546'])).stdout).toContain('Speedup 54.6% (the paper')
  })

  it('shows its defaults in --help and refuses what it cannot plan', async () => {
    const help = await run(['plan', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('--max-base-fraction')
    expect(help.stdout).toContain('(default: 0.1)')
    expect(await run(['plan', 'ligo', '--tokens', '1e9', '--params', '1e8'])).toMatchObject({ code: 2, stderr: expect.stringContaining('No planner for "ligo". Planners: gstack.') })
    expect(await run(['plan', 'gstack'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Give --tokens') })
    expect(await run(['plan', 'gstack', '--tokens', '1e9'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--to <preset> or --params <N>') })
    expect(await run(['plan', 'gstack', '--tokens', 'lots', '--params', '1e8'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Invalid value "lots" for --tokens') })
    expect(await run(['plan', 'gstack', '--saving', '1.2'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--saving') })
    expect(await run(['plan', 'gstack', '--to', 'gpt2-huge', '--tokens', '1e9'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown model preset "gpt2-huge" for --to') })
  })
})
