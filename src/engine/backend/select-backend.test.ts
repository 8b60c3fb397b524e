import * as tf from '@tensorflow/tfjs-core'
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu'
import { afterEach, describe, expect, it } from 'vitest'
import { StudioError } from '../../shared'
import { parseBackendName, resolveBackendChoice } from './backend-choice'
import type { GpuProbe } from './nvidia-smi'
import { createPackageLoader, type PackageLoader } from './package-loader'
import { selectBackend } from './select-backend'

const real = createPackageLoader()
const notFound = (name: string) => Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- x.js`), { code: 'MODULE_NOT_FOUND' })

/** The real loader, except for packages listed as missing, throwing, or replaced by a fake module. */
function fakeLoader(spec: { missing?: string[]; throwing?: Record<string, string>; fake?: Record<string, () => unknown> }): PackageLoader {
  const intercept = (specifier: string) => {
    const pkg = specifier.replace(/\/package\.json$/, '')
    if (spec.missing?.includes(pkg)) throw notFound(specifier)
    if (spec.throwing?.[pkg] && specifier === pkg) throw new Error(spec.throwing[pkg])
  }
  return {
    load: (specifier) => {
      intercept(specifier)
      if (spec.fake?.[specifier]) return spec.fake[specifier]()
      if (specifier.endsWith('/package.json') && spec.fake?.[specifier.replace(/\/package\.json$/, '')]) return { version: '9.9.9-fake' }
      return real.load(specifier)
    },
    resolve: (specifier) => {
      intercept(specifier)
      if (spec.fake?.[specifier.replace(/\/package\.json$/, '')]) return `/fake/${specifier}`
      return real.resolve(specifier)
    },
  }
}

const NATIVE = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']
const noGpu = async (): Promise<GpuProbe> => ({ gpus: [], note: 'No NVIDIA GPU visible: nvidia-smi is not installed or not on PATH (no NVIDIA driver)' })
const oneGpu = async (): Promise<GpuProbe> => ({ gpus: [{ name: 'NVIDIA H200', memoryBytes: 150_754_820_096, driverVersion: '550.54.15', source: 'nvidia-smi' }], note: null })
const AUTO = { backend: null, backendSource: null } as const

/** A stand-in for tfjs-node: registers a "tensorflow" backend (computing with the cpu backend's class). */
function fakeNative(factory: () => tf.KernelBackend = () => new MathBackendCPU()) {
  return () => {
    tf.registerBackend('tensorflow', factory)
    return {}
  }
}

afterEach(() => {
  if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow')
})

describe('selectBackend', () => {
  it('falls back to wasm when tfjs-node(-gpu) are missing, with a reason for each candidate', async () => {
    const { record } = await selectBackend({ start: AUTO, loader: fakeLoader({ missing: NATIVE }), probeGpus: noGpu })
    expect(record.backend).toBe('wasm')
    expect(tf.getBackend()).toBe('wasm')
    expect(record.selection).toEqual({ mode: 'auto', source: 'default', requested: null })
    expect(record.candidates).toEqual([
      { name: 'tensorflow-gpu', selected: false, available: false, reason: 'not tried: No NVIDIA GPU visible: nvidia-smi is not installed or not on PATH (no NVIDIA driver); @tensorflow/tfjs-node-gpu is not installed' },
      { name: 'tensorflow', selected: false, available: false, reason: '@tensorflow/tfjs-node is not installed (optional dependency; its install downloads libtensorflow, which needs network access)' },
      { name: 'wasm', selected: true, available: true, reason: 'the most preferred backend that loads and initialises' },
      { name: 'cpu', selected: false, available: null, reason: 'not tried: wasm is preferred and works' },
    ])
    expect(record.backendVersion).toBe((real.load('@tensorflow/tfjs-backend-wasm/package.json') as { version: string }).version)
    expect(record.tfjsVersion).toBe(tf.version_core)
    expect(record.threads).toBe(1) // the non-threaded wasm binary is the only one Node can use
    expect(record.gpus).toEqual([])
    expect(record.gpuNote).toContain('nvidia-smi')
    expect(record.advice.join(' ')).toContain('npm install @tensorflow/tfjs-node')
  })

  it('says why tfjs-node was skipped when it throws on load', async () => {
    const loader = fakeLoader({ missing: ['@tensorflow/tfjs-node-gpu'], throwing: { '@tensorflow/tfjs-node': 'libtensorflow.so.2: cannot open shared object file\nstack...' } })
    const { record } = await selectBackend({ start: AUTO, loader, probeGpus: noGpu })
    expect(record.backend).toBe('wasm')
    expect(record.candidates[1]).toEqual({
      name: 'tensorflow',
      selected: false,
      available: false,
      reason: '@tensorflow/tfjs-node failed to load: libtensorflow.so.2: cannot open shared object file',
    })
    expect(record.advice.join(' ')).toContain('installed but could not be used')
  })

  it('says why a native backend that loads but fails to initialise was skipped', async () => {
    const loader = fakeLoader({
      missing: ['@tensorflow/tfjs-node-gpu'],
      fake: { '@tensorflow/tfjs-node': fakeNative(() => { throw new Error('Could not load dynamic library libcudart.so.11.0') }) },
    })
    const { record } = await selectBackend({ start: AUTO, loader, probeGpus: noGpu })
    expect(record.backend).toBe('wasm')
    expect(record.candidates[1].reason).toBe('@tensorflow/tfjs-node loaded but its backend failed to initialise: Could not load dynamic library libcudart.so.11.0')
    expect(tf.findBackendFactory('tensorflow')).toBeFalsy() // the failed registration is removed
  })

  it('prefers a working tfjs-node and reports its version', async () => {
    const loader = fakeLoader({ missing: ['@tensorflow/tfjs-node-gpu'], fake: { '@tensorflow/tfjs-node': fakeNative() } })
    const { record } = await selectBackend({ start: AUTO, loader, probeGpus: noGpu })
    expect(record.backend).toBe('tensorflow')
    expect(tf.getBackend()).toBe('tensorflow')
    expect(record.backendVersion).toBe('9.9.9-fake')
    expect(record.candidates.map((c) => [c.name, c.available])).toEqual([['tensorflow-gpu', false], ['tensorflow', true], ['wasm', null], ['cpu', null]])
  })

  it('tries tfjs-node-gpu only when a GPU is visible, and advises CUDA when it is missing', async () => {
    const { record } = await selectBackend({ start: AUTO, loader: fakeLoader({ missing: NATIVE }), probeGpus: oneGpu })
    expect(record.candidates[0].reason).toBe(
      '@tensorflow/tfjs-node-gpu is not installed (optional dependency; its install downloads libtensorflow, which needs network access with CUDA support; needs CUDA 11.8 and cuDNN 8.6 on Linux x64 or Windows x64)',
    )
    expect(record.gpus[0].name).toBe('NVIDIA H200')
    expect(record.gpuNote).toBeNull()
    expect(record.advice.join(' ')).toMatch(/NVIDIA GPU is visible \(NVIDIA H200\).*CUDA 11\.8 and cuDNN 8\.6.*npm install @tensorflow\/tfjs-node-gpu/)

    const gpu = await selectBackend({
      start: AUTO,
      loader: fakeLoader({ missing: ['@tensorflow/tfjs-node'], fake: { '@tensorflow/tfjs-node-gpu': fakeNative() } }),
      probeGpus: oneGpu,
    })
    expect(gpu.record.backend).toBe('tensorflow-gpu')
    expect(gpu.record.advice).toEqual([])
  })

  it('falls back to cpu when wasm fails, and says why', async () => {
    const loader = fakeLoader({ missing: NATIVE, throwing: { '@tensorflow/tfjs-backend-wasm': 'WebAssembly is not supported here' } })
    const { record } = await selectBackend({ start: AUTO, loader, probeGpus: noGpu })
    expect(record.backend).toBe('cpu')
    expect(tf.getBackend()).toBe('cpu')
    expect(record.candidates[2]).toMatchObject({ available: false, reason: '@tensorflow/tfjs-backend-wasm failed to load: WebAssembly is not supported here' })
    expect(record.threads).toBe(1)
    expect(record.advice.join(' ')).toContain('WebAssembly could not be used: @tensorflow/tfjs-backend-wasm failed to load')
  })

  it('uses a forced backend even when a better one works, and records the source', async () => {
    const { record } = await selectBackend({ start: { backend: 'cpu', backendSource: 'setting' }, loader: fakeLoader({ missing: NATIVE }), probeGpus: noGpu })
    expect(record.backend).toBe('cpu')
    expect(record.selection).toEqual({ mode: 'forced', source: 'setting', requested: 'cpu' })
    expect(record.candidates.map((c) => c.reason)).toEqual([
      'not tried: cpu is forced by the backend setting',
      'not tried: cpu is forced by the backend setting',
      'not tried: cpu is forced by the backend setting',
      'forced by the backend setting',
    ])
    expect(record.advice[0]).toContain('forced to "cpu"')
  })

  it('fails with a clear error when the forced backend is unavailable (no silent fallback)', async () => {
    const attempt = selectBackend({ start: { backend: 'tensorflow', backendSource: 'environment' }, loader: fakeLoader({ missing: NATIVE }), probeGpus: noGpu })
    await expect(attempt).rejects.toBeInstanceOf(StudioError)
    await expect(attempt).rejects.toMatchObject({
      code: 'unsupported',
      message:
        'Backend "tensorflow" is forced by LIGO_BACKEND but cannot be used: tensorflow: @tensorflow/tfjs-node is not installed (optional dependency; its install downloads libtensorflow, which needs network access). Choose another (tensorflow-gpu, tensorflow, wasm, cpu) or clear it to pick automatically.',
    })
  })

  it('tries a forced tensorflow-gpu even without a visible GPU', async () => {
    const attempt = selectBackend({ start: { backend: 'tensorflow-gpu', backendSource: 'environment' }, loader: fakeLoader({ missing: NATIVE }), probeGpus: noGpu })
    await expect(attempt).rejects.toThrow('tensorflow-gpu: @tensorflow/tfjs-node-gpu is not installed')
  })
})

describe('backend choice (LIGO_BACKEND and the setting)', () => {
  it('parses names, treats empty and "auto" as automatic, and rejects unknown names with the allowed list', () => {
    expect(parseBackendName('wasm')).toBe('wasm')
    expect(parseBackendName(' tensorflow-gpu ')).toBe('tensorflow-gpu')
    expect(parseBackendName(undefined)).toBeNull()
    expect(parseBackendName('')).toBeNull()
    expect(parseBackendName('auto')).toBeNull()
    expect(() => parseBackendName('webgpu')).toThrow(
      'Unknown backend "webgpu" in LIGO_BACKEND. Expected one of: tensorflow-gpu, tensorflow, wasm, cpu (or empty / "auto" to choose automatically).',
    )
    expect(() => parseBackendName('WASM')).toThrow(StudioError)
  })

  it('lets the setting win over the environment, as the desktop app does', () => {
    expect(resolveBackendChoice({ env: { LIGO_BACKEND: 'cpu' } })).toEqual({ backend: 'cpu', backendSource: 'environment' })
    expect(resolveBackendChoice({ env: { LIGO_BACKEND: 'cpu' }, setting: 'wasm' })).toEqual({ backend: 'wasm', backendSource: 'setting' })
    expect(resolveBackendChoice({ env: {}, setting: 'auto' })).toEqual({ backend: null, backendSource: null })
    expect(() => resolveBackendChoice({ env: { LIGO_BACKEND: 'gpu' } })).toThrow('in LIGO_BACKEND')
  })
})
