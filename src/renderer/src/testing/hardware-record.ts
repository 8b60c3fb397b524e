/** A HardwareRecord as the engine reports it on a 2-core Linux box without native TensorFlow (tests only). */
import type { HardwareRecord } from '../../../shared/hardware'

export function sampleHardwareRecord(): HardwareRecord {
  return {
    backend: 'wasm',
    selection: { mode: 'auto', source: 'default', requested: null },
    candidates: [
      { name: 'tensorflow-gpu', selected: false, available: false, reason: 'package @tensorflow/tfjs-node-gpu is not installed' },
      { name: 'tensorflow', selected: false, available: false, reason: 'package @tensorflow/tfjs-node is not installed' },
      { name: 'wasm', selected: true, available: true, reason: 'first backend that loaded' },
      { name: 'cpu', selected: false, available: null, reason: 'not tried: wasm was chosen first' },
    ],
    tfjsVersion: '4.22.0',
    backendVersion: '4.22.0',
    cpu: { model: 'AMD EPYC 7B13', cores: 2, arch: 'x64', simd: ['sse4_2', 'avx2', 'fma'] },
    wasmSimd: true,
    threads: 2,
    memory: { totalBytes: 8 * 1024 ** 3, freeBytes: 3 * 1024 ** 3 },
    gpus: [],
    gpuNote: 'nvidia-smi was not found',
    platform: 'linux',
    osRelease: '6.1.0',
    runtime: { node: '20.20.2', electron: null, v8: '11.3.244.8' },
    advice: ['Install @tensorflow/tfjs-node for the native TensorFlow CPU backend.'],
  }
}
