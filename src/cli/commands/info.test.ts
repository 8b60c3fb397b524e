import { describe, expect, it } from 'vitest'
import type { HardwareRecord } from '../../shared'
import { formatHardware } from './info'

const record: HardwareRecord = {
  backend: 'wasm',
  selection: { mode: 'auto', source: 'default', requested: null },
  candidates: [
    { name: 'tensorflow-gpu', selected: false, available: false, reason: 'package @tensorflow/tfjs-node-gpu is not installed' },
    { name: 'tensorflow', selected: false, available: false, reason: 'package @tensorflow/tfjs-node is not installed' },
    { name: 'wasm', selected: true, available: true, reason: 'best available' },
    { name: 'cpu', selected: false, available: null, reason: 'not tried: wasm is preferred and works' },
  ],
  tfjsVersion: '4.22.0',
  backendVersion: '4.22.0',
  cpu: { model: 'Test CPU', cores: 8, arch: 'x64', simd: ['sse2', 'avx2'] },
  wasmSimd: true,
  threads: 1,
  memory: { totalBytes: 16 * 1024 ** 3, freeBytes: 4.5 * 1024 ** 3 },
  gpus: [],
  gpuNote: 'nvidia-smi not found',
  platform: 'linux',
  osRelease: '6.1.0',
  runtime: { node: '20.19.0', electron: null, v8: '11.3' },
  advice: ['Install @tensorflow/tfjs-node for a faster CPU backend.'],
}

describe('formatHardware', () => {
  it('shows the backend, why better ones were skipped (not worse ones), the machine and advice', () => {
    expect(formatHardware(record)).toBe(
      [
        'Backend  wasm: WebAssembly (@tensorflow/tfjs-backend-wasm) (chosen automatically)',
        '         tfjs 4.22.0, backend package 4.22.0, 1 thread',
        'Skipped  tensorflow-gpu: package @tensorflow/tfjs-node-gpu is not installed',
        '         tensorflow: package @tensorflow/tfjs-node is not installed',
        'CPU      Test CPU (x64), 8 cores',
        'SIMD     sse2 avx2; WebAssembly SIMD yes',
        'Memory   16.0 GiB total, 4.5 GiB free',
        'GPU      none (nvidia-smi not found)',
        'System   linux 6.1.0, Node 20.19.0, V8 11.3',
        '',
        'Advice:',
        '  - Install @tensorflow/tfjs-node for a faster CPU backend.',
        '',
      ].join('\n'),
    )
  })

  it('lists GPUs and a forced backend', () => {
    const text = formatHardware({
      ...record,
      backend: 'tensorflow-gpu',
      selection: { mode: 'forced', source: 'environment', requested: 'tensorflow-gpu' },
      gpus: [{ name: 'NVIDIA H200', memoryBytes: 141 * 1024 ** 3, driverVersion: '560.1', source: 'nvidia-smi' }],
      advice: [],
    })
    expect(text).toContain('(forced by LIGO_BACKEND)')
    expect(text).toContain('GPU      NVIDIA H200, 141.0 GiB, driver 560.1\n')
    expect(text).not.toContain('Skipped')
    expect(text).not.toContain('Advice')
  })
})
