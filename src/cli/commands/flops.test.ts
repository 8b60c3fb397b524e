import { describe, expect, it } from 'vitest'
import { main } from '../main'
import { captureIo } from './cli-test-io.testing'

async function flops(...args: string[]) {
  const { io, out } = captureIo()
  const code = await main(['flops', ...args], io)
  return { code, ...out }
}

describe('ligo flops', () => {
  it('prints the paper figures (docs/growth/accounting.md §3.3, Table 3)', async () => {
    const step = await flops('--model', 'bert-base', '--batch', '256', '--seq', '128')
    expect(step.code).toBe(0)
    expect(step.stdout).toBe('BERT-Base, batch 256, sequence 128\n  training step: 15.07 TFLOP (1.51e13 FLOP)\n')
    const grow = await flops('--model', 'bert-base', '--grow-from', 'bert-small', '--grow-steps', '100')
    expect(grow.stdout).toMatch(/LiGO step from BERT-Small: +36\.13 TFLOP\n/)
    expect(grow.stdout).toMatch(/100 LiGO steps: +3\.61e15 FLOP\n/)
    for (const [n, expected] of [['500', '1.81e16'], ['1000', '3.61e16'], ['10000', '3.61e17']]) {
      expect((await flops('--model', 'bert-base', '--grow-from', 'bert-small', '--grow-steps', n)).stdout).toContain(`${expected} FLOP`)
    }
    expect((await flops('--model', 'bert-base', '--steps', '400000')).stdout).toMatch(/400000 steps: +6\.03e18 FLOP\n/)
  })

  it('prints JSON with exact numbers', async () => {
    const result = await flops('--model', 'bert-base', '--grow-from', 'bert-small', '--grow-steps', '100', '--json')
    const json = JSON.parse(result.stdout) as { stepFlops: number; growFlops: number }
    expect(json.stepFlops).toBe(15_068_231_331_840)
    expect(Number((json.growFlops / 1e15).toFixed(2))).toBe(3.61)
  })

  it('exits 2 on bad flags', async () => {
    expect(await flops()).toMatchObject({ code: 2, stderr: 'ligo: --model is required.\nRun "ligo flops --help" for usage.\n' })
    expect((await flops('--model', 'bert-giant')).stderr).toContain('Unknown model preset "bert-giant" for --model. Expected one of: bert-small')
    expect((await flops('--model', 'bert-base', '--grow-from', 'bert-small')).code).toBe(2)
    expect((await flops('--model', 'bert-base', '--grow-from', 'vit-mini', '--grow-steps', '1')).stderr).toContain('--grow-from vit-mini is a vit model')
    expect((await flops('--model', 'bert-base', '--batch', '0')).code).toBe(2)
  })
})
