/**
 * Every command, given a wrong path, a file of the wrong kind, an out-of-range number or an unknown name, prints
 * one line that names the argument and the problem, and no stack frame (issue 16). Commands that use the engine
 * get the real engine server in this process (test/helpers/in-process-engine.ts), whose log goes to stderr as the
 * CLI prints it, so an engine that logged a stack for a user's mistake would fail here too.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SHARED_FIXTURES } from '../fixtures/bad-checkpoints/builders'
import { main } from '../../src/cli/main'
import { createEngineHost } from '../../src/host/engine-client'
import { createNodeEngineLauncher, sourceEngineLauncherOptions } from '../../src/host/node-launcher'
import { startInProcessEngine } from '../helpers/in-process-engine'

let folder = ''
const at = (...parts: string[]) => join(folder, ...parts)

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'one-line-errors-'))
  // A config file where a checkpoint is expected.
  cpSync(join(SHARED_FIXTURES, 'bert-tiniest-lmhead', 'config.json'), at('large.json'))
  writeFileSync(at('notes.txt'), 'not a checkpoint\n')
  // Two small documents: text data that loads fast (the built-in corpora take minutes to import under vitest).
  mkdirSync(at('texts'))
  for (const name of ['a.txt', 'b.txt']) writeFileSync(at('texts', name), 'Call me Ishmael. Some years ago, never mind how long precisely.\n'.repeat(20))
  writeFileSync(at('broken.json'), '{ "input_ids": [1, 2')
  // A text checkpoint without its tokenizer files: GPT-2 with a 21-token vocabulary, so the built-in GPT-2
  // tokenizer (50257 ids) it falls back to does not fit.
  mkdirSync(at('no-tokenizer'))
  for (const file of ['config.json', 'model.safetensors']) cpSync(join(SHARED_FIXTURES, 'gpt2-tiny-model', file), at('no-tokenizer', file))
  // Larger models (engine config files) for the fixtures to grow into: twice the depth and width, same head size.
  const vitLarge = { family: 'vit', hiddenSize: 10, numLayers: 2, numHeads: 2, intermediateSize: 2, layerNormEps: 1e-12, hiddenDropout: 0, attentionDropout: 0, initializerRange: 0.02, qkvBias: true, numChannels: 3, patchSize: 10, imageSize: 10, numClasses: 2 }
  writeFileSync(at('vit-large.json'), JSON.stringify(vitLarge))
  const gpt2Large = { family: 'gpt2', hiddenSize: 4, numLayers: 2, numHeads: 2, intermediateSize: 16, layerNormEps: 1e-5, hiddenDropout: 0.1, attentionDropout: 0.1, initializerRange: 0.02, tieWordEmbeddings: true, vocabSize: 21, maxPositions: 1024 }
  writeFileSync(at('gpt2-large.json'), JSON.stringify(gpt2Large))
})
afterAll(() => rmSync(folder, { recursive: true, force: true }))

interface Case {
  argv: () => string[]
  /** What the line must name: the flag or the value it was given. */
  names: () => RegExp
  /** A real engine process (from source): for cases that reach the built-in data, which loads far faster outside vitest. */
  engineProcess?: true
}

const vit = join(SHARED_FIXTURES, 'vit-dummy-bin')
const bert = join(SHARED_FIXTURES, 'bert-tiniest-lmhead')
const missing = () => at('does-not-exist')

const CASES: Record<string, Case> = {
  'unknown command': { argv: () => ['trian'], names: () => /"trian"/ },
  'info with an unknown backend': { argv: () => ['info', '--backend', 'tpu'], names: () => /--backend.*tpu|tpu.*--backend/ },
  'serve with a port out of range': { argv: () => ['serve', '--port', '70000'], names: () => /--port/ },
  'inspect a missing path': { argv: () => ['inspect', missing()], names: () => /does-not-exist/ },
  'inspect a config file': { argv: () => ['inspect', at('large.json')], names: () => /large\.json/ },
  'inspect a text file': { argv: () => ['inspect', at('notes.txt')], names: () => /notes\.txt/ },
  'forward a missing checkpoint': { argv: () => ['forward', missing(), '--input', at('broken.json')], names: () => /does-not-exist/ },
  'forward a broken input file': { argv: () => ['forward', bert, '--input', at('broken.json')], names: () => /broken\.json/ },
  'export with an unknown format': { argv: () => ['export', bert, '--format', 'onnx', '--out', at('export')], names: () => /--format.*onnx|onnx.*--format/ },
  'export a missing checkpoint': { argv: () => ['export', missing(), '--format', 'hf', '--out', at('export')], names: () => /does-not-exist/ },
  'flops with an unknown model': { argv: () => ['flops', '--model', 'bert-gigantic'], names: () => /bert-gigantic/ },
  'flops with batch 0': { argv: () => ['flops', '--model', 'bert-mini', '--batch', '0'], names: () => /--batch/ },
  'train a text file as the model': { argv: () => ['train', '--model', at('notes.txt'), '--data', at('texts'), '--batch', '2', '--seq', '8', '--steps', '1', '--out', at('run1')], names: () => /notes\.txt/ },
  'train with a missing data path': { argv: () => ['train', '--model', 'bert-mini', '--data', missing(), '--steps', '1', '--out', at('run2')], names: () => /does-not-exist/ },
  'train with 0 steps': { argv: () => ['train', '--model', 'bert-mini', '--data', at('texts'), '--steps', '0'], names: () => /--steps/ },
  'train with a negative learning rate': { argv: () => ['train', '--model', 'bert-mini', '--data', at('texts'), '--steps', '1', '--lr', '-1'], names: () => /--lr/ },
  'train with a batch larger than the data': {
    argv: () => ['train', '--model', 'bert-mini', '--data', at('texts'), '--batch', '65536', '--seq', '8', '--steps', '1', '--out', at('run3')],
    names: () => /no full batch of --batch 65536/,
  },
  'train --resume a missing run': { argv: () => ['train', '--resume', missing()], names: () => /does-not-exist/ },
  'grow with an unknown method': { argv: () => ['grow', '--from', bert, '--to', 'bert-mini', '--method', 'magic', '--out', at('g1')], names: () => /--method.*magic|magic.*--method/ },
  'grow from a missing checkpoint': { argv: () => ['grow', '--from', missing(), '--to', 'bert-mini', '--method', 'ligo', '--out', at('g2')], names: () => /does-not-exist/ },
  'grow with image data that does not exist': {
    argv: () => ['grow', '--from', vit, '--to', at('vit-large.json'), '--method', 'ligo', '--data', missing(), '--out', at('g3')],
    names: () => /does-not-exist/,
  },
  'grow a text checkpoint without a tokenizer': {
    argv: () => ['grow', '--from', at('no-tokenizer'), '--to', at('gpt2-large.json'), '--method', 'ligo', '--out', at('g4')],
    names: () => /no-tokenizer|tokenizer/,
    engineProcess: true,
  },
  'compare with an unknown method': {
    argv: () => ['compare', '--from', bert, '--to', 'bert-mini', '--data', at('texts'), '--budget', '2', '--methods', 'ligo,magic', '--out', at('c1')],
    names: () => /magic/,
  },
  'compare with a budget that is not a budget': {
    argv: () => ['compare', '--from', bert, '--to', 'bert-mini', '--data', at('texts'), '--budget', 'lots', '--out', at('c2')],
    names: () => /--budget|lots/,
  },
}

describe('one-line CLI errors', () => {
  it.each(Object.entries(CASES))('%s', async (_, { argv, names, engineProcess }) => {
    let stderr = ''
    const write = (text: string) => void (stderr += text)
    const code = await main(argv(), {
      stdout: () => {},
      stderr: write,
      exit: () => {},
      env: {},
      onShutdownSignal: () => () => {},
      startEngine: (choice) => {
        const log = (line: string) => write(`[engine] ${line}\n`)
        return engineProcess ? createEngineHost(createNodeEngineLauncher({ ...sourceEngineLauncherOptions(), onLog: log }), choice) : startInProcessEngine(log)
      },
    })
    const lines = stderr.split('\n').filter((line) => line !== '')
    expect(code, stderr).toBeGreaterThan(0)
    expect(lines.filter((line) => /^\s+at /.test(line)), stderr).toEqual([])
    const errors = lines.filter((line) => line.startsWith('ligo'))
    expect(errors, stderr).toHaveLength(1)
    expect(errors[0]).toMatch(names())
    // A user's mistake is not an engine bug: the engine logs nothing about it.
    expect(lines.filter((line) => line.startsWith('[engine]')), stderr).toEqual([])
  })
})
