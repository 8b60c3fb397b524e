/**
 * `ligo inspect`, `ligo forward` and `ligo export` through main(argv, io): output, files written, exit codes
 * (0 ok, 1 failure, 2 usage) and help. `forward` runs once against a real engine process (from source) and
 * otherwise against an in-process engine stand-in that calls the same engine method.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { SHARED_FIXTURES } from '../../../test/fixtures/bad-checkpoints/builders'
import { createEngineHost } from '../../host/engine-client'
import type { EngineHost } from '../../host/engine-types'
import { createNodeEngineLauncher, sourceEngineLauncherOptions } from '../../host/node-launcher'
import { tempDir } from '../../engine/io/export-fixtures.testing'
import { checkpointForward } from '../../engine/tasks/checkpoint-tasks'
import { main, type MainIo } from '../main'

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** An engine that answers checkpointForward in this process (the method's own code, without the IPC hop). */
const inProcessEngine = (): EngineHost =>
  ({
    call: async (method: string, params: { checkpoint: string; input: unknown }) => {
      if (method !== 'checkpointForward') throw new Error(`unexpected engine call ${method}`)
      return checkpointForward(tf, params.checkpoint, params.input)
    },
    onStatus: () => () => {},
    stop: async () => {},
  }) as unknown as EngineHost

async function run(argv: string[], overrides: Partial<MainIo> = {}): Promise<Run> {
  const out = { stdout: '', stderr: '' }
  const code = await main(argv, {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    exit: () => {},
    env: {},
    onShutdownSignal: () => () => {},
    startEngine: () => {
      throw new Error('this command must not start an engine')
    },
    ...overrides,
  })
  return { code, ...out }
}

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('ligo inspect', () => {
  it('prints architecture, config, parameter count, dtype and tensors', async () => {
    const result = await run(['inspect', join(SHARED_FIXTURES, 'gpt2-tiny-model')])
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(result.stdout).toMatch(/^Architecture  gpt2: GPT2Model, transformers, head lm$/m)
    expect(result.stdout).toMatch(/^Parameters    2,\d{3}$/m)
    expect(result.stdout).toMatch(/^Dtype         F32 \(16 tensors\)$/m)
    expect(result.stdout).toMatch(/^ {2}h\.0\.attn\.c_attn\.weight +F32 +\[2,6\] +-> blocks\.0\.attn\.q\.weight, blocks\.0\.attn\.k\.weight, blocks\.0\.attn\.v\.weight$/m)
  })

  it('--json gives the same record for scripts, and a single file says what it assumed', async () => {
    const folder = tempDir('inspect')
    writeFileSync(join(folder, 'w.safetensors'), readFileSync(join(SHARED_FIXTURES, 'bert-tiniest-lmhead', 'model.safetensors')))
    const result = await run(['inspect', join(folder, 'w.safetensors'), '--json'])
    expect(result.code).toBe(0)
    const record = JSON.parse(result.stdout)
    expect(record).toMatchObject({ family: 'bert', className: 'BertForMaskedLM', head: 'mlm', dtypes: { F32: 26 }, configFile: null })
    // embeddings V·H + P·H + T·H + LN 2H; one layer 4(H²+H) + 2H + (I·H+I) + (H·I+H) + 2H; MLM head H²+H + 2H + V
    expect(record.parameters).toBe(30522 * 4 + 512 * 4 + 2 * 4 + 8 + (4 * 20 + 8 + 40 + 36 + 8) + (20 + 8 + 30522))
    expect(record.tensors).toHaveLength(26)
    expect(record.assumptions.join('\n')).toMatch(/assumed 1 attention head/)
  })

  it('fails with exit code 1 and a clear message on bad files, 2 on a missing path', async () => {
    const folder = tempDir('inspect-bad')
    writeFileSync(join(folder, 'model.safetensors'), Buffer.from([1, 2, 3]))
    const bad = await run(['inspect', folder])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^ligo inspect: model\.safetensors: /)
    expect(await run(['inspect'])).toMatchObject({ code: 2, stderr: expect.stringContaining('"ligo inspect" needs <path>') })
    expect((await run(['inspect', 'a', 'b'])).code).toBe(2)
  })
})

describe('ligo export', () => {
  it('exports a checkpoint and prints the files', async () => {
    const out = join(tempDir('cli-export'), 'vit')
    const result = await run(['export', join(SHARED_FIXTURES, 'vit-dummy-bin'), '--format', 'timm', '--out', out])
    // The HF checkpoint uses eps 1e-12; timm hard-codes 1e-6, and the user is told.
    expect(result).toMatchObject({ code: 0, stderr: 'ligo export: timm hard-codes LayerNorm eps 1e-6; this model was trained with 1e-12, so outputs in timm differ slightly\n' })
    expect(result.stdout).toMatch(/as timm VisionTransformer \(vit_\*\) \(20 tensors\)/)
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toMatchObject({ architecture: 'vit_base_patch16_224', num_classes: 2, model_args: { embed_dim: 5 } })
  })

  it('refuses a non-empty folder (1), missing flags and bad choices (2)', async () => {
    const out = tempDir('cli-export-full')
    writeFileSync(join(out, 'keep.txt'), 'x')
    const refused = await run(['export', join(SHARED_FIXTURES, 'gpt2-tiny-model'), '--format', 'hf', '--out', out])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/is not empty.*--force/)
    expect((await run(['export', join(SHARED_FIXTURES, 'gpt2-tiny-model'), '--format', 'hf', '--out', out, '--force', '--json'])).code).toBe(0)
    expect(readFileSync(join(out, 'keep.txt'), 'utf8')).toBe('x')
    expect(await run(['export', 'x', '--out', out])).toMatchObject({ code: 2, stderr: expect.stringContaining('--format hf|timm is required') })
    expect((await run(['export', 'x', '--format', 'onnx', '--out', out])).stderr).toContain('Invalid value "onnx" for --format')
    const cait = await run(['export', join(SHARED_FIXTURES, 'gpt2-tiny-model'), '--format', 'timm', '--out', join(out, 'sub')])
    expect(cait).toMatchObject({ code: 1, stderr: expect.stringMatching(/gpt2 model cannot be exported in timm format/) })
  })

  it('exports the latest checkpoint of a training run folder', async () => {
    const runDir = tempDir('run')
    const { makeConfig } = await import('../../engine/models/config')
    const { deterministicParams } = await import('../../engine/io/export-fixtures.testing')
    const { writeSafetensors } = await import('../../engine/io/formats/safetensors')
    const config = makeConfig('gpt2', { hiddenSize: 8, numHeads: 2, numLayers: 1, intermediateSize: 16, vocabSize: 11, maxPositions: 6 })
    for (const step of [10, 20]) {
      const dir = join(runDir, 'checkpoints', `step-${String(step).padStart(7, '0')}`)
      const params = deterministicParams(config, step / 100)
      const { mkdirSync } = await import('node:fs')
      mkdirSync(dir, { recursive: true })
      await writeSafetensors(join(dir, 'model.safetensors'), Object.entries(params).map(([name, p]) => ({ name, dtype: 'F32', shape: p.shape, data: p.data })), { format: 'pt' })
      writeFileSync(join(dir, 'config.json'), JSON.stringify(config))
      writeFileSync(join(dir, 'trainer-state.json'), JSON.stringify({ step }))
    }
    writeFileSync(join(runDir, 'manifest.json'), JSON.stringify({ format: 'ligo-run', model: { config } }))
    writeFileSync(join(runDir, 'vocab.json'), '{}')
    const out = join(tempDir('run-export'), 'hf')
    const result = await run(['export', runDir, '--format', 'hf', '--out', out])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/checkpoint step-0000020 as GPT2LMHeadModel/)
    expect(existsSync(join(out, 'vocab.json'))).toBe(true)
    const { importCheckpoint } = await import('../../engine/io/import-checkpoint')
    const back = await importCheckpoint(out)
    expect(Array.from(back.params['blocks.0.attn.q.weight'].data)).toEqual(Array.from(deterministicParams(config, 0.2)['blocks.0.attn.q.weight'].data))
  })
})

describe('ligo forward', () => {
  it('writes {"logits": ...} shaped as transformers returns it', async () => {
    const folder = tempDir('forward')
    writeFileSync(join(folder, 'in.json'), JSON.stringify({ input_ids: [[1, 2, 3]] }))
    const result = await run(['forward', join(SHARED_FIXTURES, 'gpt2-tiny-model'), '--input', join(folder, 'in.json'), '--output', join(folder, 'out.json')], { startEngine: inProcessEngine })
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(result.stdout).toContain('GPT2Model (gpt2): logits [1, 3, 21] written to')
    const { logits } = JSON.parse(readFileSync(join(folder, 'out.json'), 'utf8'))
    expect([logits.length, logits[0].length, logits[0][0].length]).toEqual([1, 3, 21])
  })

  it('reports bad inputs with exit code 1 and missing flags with 2', async () => {
    const folder = tempDir('forward-bad')
    writeFileSync(join(folder, 'in.json'), '{"input_ids": [[1, 99]]}')
    const vocab = await run(['forward', join(SHARED_FIXTURES, 'gpt2-tiny-model'), '--input', join(folder, 'in.json')], { startEngine: inProcessEngine })
    expect(vocab).toMatchObject({ code: 1, stderr: 'ligo forward: Forward input: input_ids[0][1] must be an integer in [0, 21), got 99\n' })
    writeFileSync(join(folder, 'broken.json'), '{')
    expect((await run(['forward', join(SHARED_FIXTURES, 'gpt2-tiny-model'), '--input', join(folder, 'broken.json')], { startEngine: inProcessEngine })).stderr).toMatch(/is not valid JSON/)
    expect((await run(['forward', join(folder, 'none'), '--input', join(folder, 'in.json')])).stderr).toMatch(/no such file or folder/)
    expect(await run(['forward', join(SHARED_FIXTURES, 'gpt2-tiny-model')])).toMatchObject({ code: 2, stderr: expect.stringContaining('--input <json> is required') })
  })

  it('runs in a real engine process', async () => {
    const folder = tempDir('forward-engine')
    writeFileSync(join(folder, 'in.json'), JSON.stringify({ pixel_values: [[...Array(3)].map(() => [...Array(10)].map(() => Array(10).fill(0.5)))] }))
    const startEngine: MainIo['startEngine'] = (choice) => createEngineHost(createNodeEngineLauncher({ ...sourceEngineLauncherOptions(), onLog: () => {} }), choice)
    const result = await run(['forward', join(SHARED_FIXTURES, 'vit-dummy-bin'), '--input', join(folder, 'in.json'), '--backend', 'cpu'], { startEngine })
    expect(result.code, result.stderr).toBe(0)
    const { logits } = JSON.parse(result.stdout)
    const expected = (await checkpointForward(tf, join(SHARED_FIXTURES, 'vit-dummy-bin'), JSON.parse(readFileSync(join(folder, 'in.json'), 'utf8')))).logits
    expect(logits).toEqual(expected)
  }, 60_000)
})

describe('help', () => {
  it.each(['inspect', 'forward', 'export'])('ligo %s --help lists the arguments and flags', async (name) => {
    const result = await run([name, '--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Arguments:\n {2}<\w+>/m)
  })
})
