/**
 * Facts about the machine and runtime for the hardware record: CPU model/cores/SIMD flags, WebAssembly SIMD,
 * memory, OS and runtime versions, and the plain-language advice on getting a faster backend.
 * Backend-independent: select-backend.ts adds the candidates and the chosen backend.
 */
import { readFileSync } from 'node:fs'
import * as os from 'node:os'
import type { BackendCandidate, BackendName, GpuInfo, HardwareRecord, NativeKernelsRecord } from '../../shared'

/**
 * SIMD feature flags worth showing, as Linux /proc/cpuinfo spells them (x86 "flags", ARM "Features").
 * Order is roughly oldest to newest; "pni" is the kernel's name for SSE3.
 */
const SIMD_FLAGS = [
  'sse', 'sse2', 'pni', 'ssse3', 'sse4_1', 'sse4_2', 'avx', 'avx2', 'fma', 'f16c', 'avx_vnni',
  'avx512f', 'avx512dq', 'avx512cd', 'avx512bw', 'avx512vl', 'avx512ifma', 'avx512vbmi', 'avx512_vnni',
  'avx512_bf16', 'avx512_fp16', 'amx_tile', 'amx_bf16', 'amx_int8',
  'neon', 'asimd', 'asimdhp', 'asimddp', 'sve', 'sve2',
] as const

/** SIMD flags from /proc/cpuinfo text (first processor's flags/Features line), in SIMD_FLAGS order. */
export function parseCpuinfoSimdFlags(cpuinfo: string): string[] {
  const line = cpuinfo.split('\n').find((l) => /^(flags|features)\s*:/i.test(l))
  if (!line) return []
  const present = new Set(line.slice(line.indexOf(':') + 1).trim().split(/\s+/))
  return SIMD_FLAGS.filter((flag) => present.has(flag)).map((flag) => (flag === 'pni' ? 'sse3' : flag))
}

/** Best effort outside Linux: what the architecture guarantees (x86-64 baseline SSE2, ARMv8 NEON). */
function baselineSimdFlags(arch: string): string[] {
  if (arch === 'x64') return ['sse', 'sse2']
  if (arch === 'arm64') return ['neon']
  return []
}

export function cpuSimdFlags(platform = process.platform, arch = process.arch, readCpuinfo = () => readFileSync('/proc/cpuinfo', 'utf8')): string[] {
  if (platform === 'linux') {
    try {
      const flags = parseCpuinfoSimdFlags(readCpuinfo())
      if (flags.length > 0) return flags
    } catch {
      // /proc may be hidden (sandboxes); fall through to the architecture baseline
    }
  }
  return baselineSimdFlags(arch)
}

/**
 * The smallest module that uses a SIMD instruction: `(func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)`.
 * Same bytes as the wasm-feature-detect project's SIMD probe; validate() is false where SIMD is unsupported.
 */
const WASM_SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
])

export function wasmSimdSupported(): boolean {
  try {
    // The node lib typings declare WebAssembly's types but not the global value.
    const wasm = (globalThis as { WebAssembly?: { validate(bytes: Uint8Array): boolean } }).WebAssembly
    return wasm ? wasm.validate(WASM_SIMD_PROBE) : false
  } catch {
    return false
  }
}

export type MachineFacts = Pick<HardwareRecord, 'cpu' | 'wasmSimd' | 'memory' | 'platform' | 'osRelease' | 'runtime'>

export function collectMachineFacts(): MachineFacts {
  const cpus = os.cpus()
  const electron = (process.versions as Record<string, string | undefined>).electron ?? null
  return {
    cpu: {
      model: cpus[0]?.model.trim() || 'unknown CPU',
      cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
      arch: process.arch,
      simd: cpuSimdFlags(),
    },
    wasmSimd: wasmSimdSupported(),
    memory: { totalBytes: os.totalmem(), freeBytes: os.freemem() },
    platform: process.platform,
    osRelease: os.release(),
    runtime: { node: process.versions.node, electron, v8: process.versions.v8 },
  }
}

export interface AdviceInput {
  backend: BackendName
  candidates: BackendCandidate[]
  gpus: GpuInfo[]
  wasmSimd: boolean
  platform: string
  arch: string
  forced: boolean
  /** The native kernels addon's state on this backend (wasm only); absent = not known yet. */
  nativeKernels?: NativeKernelsRecord
}

/** What the user could do to get a faster backend, in plain words. Empty when the best one is in use. */
export function adviceFor(input: AdviceInput): string[] {
  const { backend, candidates, gpus, platform, arch } = input
  const advice: string[] = []
  const reasonOf = (name: BackendName) => candidates.find((c) => c.name === name)?.reason ?? ''
  const notInstalled = (name: BackendName) => reasonOf(name).includes('is not installed')
  const cudaPlatform = (platform === 'linux' || platform === 'win32') && arch === 'x64'

  if (input.forced) {
    advice.push(`The backend is forced to "${backend}". Unset LIGO_BACKEND (or the backend setting) to let the app pick the fastest one.`)
  }
  if (gpus.length > 0 && backend !== 'tensorflow-gpu') {
    const gpuNames = gpus.map((g) => g.name).join(', ')
    advice.push(
      cudaPlatform
        ? `An NVIDIA GPU is visible (${gpuNames}) but not used. To train on it: install CUDA 11.8 and cuDNN 8.6 (Linux x64 or Windows x64), then run \`npm install @tensorflow/tfjs-node-gpu\` in the app folder.` +
            (notInstalled('tensorflow-gpu') ? '' : ` Last attempt: ${reasonOf('tensorflow-gpu')}`)
        : `An NVIDIA GPU is visible (${gpuNames}), but @tensorflow/tfjs-node-gpu only supports Linux x64 and Windows x64 (this is ${platform} ${arch}).`,
    )
  }
  if (backend === 'wasm' || backend === 'cpu') {
    if (notInstalled('tensorflow')) {
      advice.push(
        'Native TensorFlow on the CPU is usually several times faster than WebAssembly: run `npm install @tensorflow/tfjs-node` in the app folder (it downloads libtensorflow, so it needs network access).',
      )
    } else if (!input.forced && reasonOf('tensorflow')) {
      advice.push(`Native TensorFlow (@tensorflow/tfjs-node) is installed but could not be used: ${reasonOf('tensorflow')}`)
    }
  }
  if (backend === 'wasm') {
    const native = input.nativeKernels
    if (native?.active) {
      // The addon does the heavy work on every core; only the kernels it does not serve stay single-threaded.
      advice.push(`Training's matrix products and fused kernels run in the native kernels addon on ${native.threads ?? 'several'} threads (${native.blas ?? 'BLAS'}); the WebAssembly backend's other kernels compute on 1 thread.`)
    } else {
      advice.push('The WebAssembly backend computes on 1 thread in Node.js (a TensorFlow.js limitation), whatever the core count.')
      if (native && !native.reason.startsWith('disabled')) {
        advice.push(`Native kernels are off (${native.reason}); with a C compiler and libopenblas-dev, \`node scripts/build-native.js\` makes wasm training several times faster on every core.`)
      }
    }
    if (!input.wasmSimd) advice.push('This runtime lacks WebAssembly SIMD, which makes the WebAssembly backend about 3x slower: update Node.js or the app.')
  }
  if (backend === 'cpu' && !input.forced) {
    advice.push(`The plain JavaScript backend is 30x or more slower than WebAssembly; WebAssembly could not be used: ${reasonOf('wasm')}`)
  }
  return advice
}
