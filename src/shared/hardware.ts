/**
 * The hardware/backend record: what the engine runs on and why.
 * Produced by engine/backend at start, shown by `ligo info` and the Hardware view.
 */
import type { CarbonAssumptions, EnergySourceSummary } from './energy'

/** TensorFlow.js backends in order of preference (best first). One source of truth for the order. */
export const BACKEND_PREFERENCE = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const
export type BackendName = (typeof BACKEND_PREFERENCE)[number]

/** Plain-language labels for UI and CLI. */
export const BACKEND_LABELS: Record<BackendName, string> = {
  'tensorflow-gpu': 'TensorFlow native, CUDA GPU (@tensorflow/tfjs-node-gpu)',
  tensorflow: 'TensorFlow native, CPU (@tensorflow/tfjs-node)',
  wasm: 'WebAssembly (@tensorflow/tfjs-backend-wasm)',
  cpu: 'Plain JavaScript (@tensorflow/tfjs-backend-cpu)',
}

export interface BackendCandidate {
  name: BackendName
  /** True for the backend actually in use. */
  selected: boolean
  /** True when the backend could be loaded and initialised (or was not tried because a better one won). */
  available: boolean | null
  /** Why it was (not) used: e.g. "package @tensorflow/tfjs-node is not installed", "forced by LIGO_BACKEND". */
  reason: string
}

export interface GpuInfo {
  name: string
  memoryBytes: number | null
  driverVersion: string | null
  source: 'nvidia-smi'
}

export interface HardwareRecord {
  backend: BackendName
  /** How the backend was chosen: automatic fallback, or forced by setting / environment. */
  selection: { mode: 'auto' | 'forced'; source: 'default' | 'setting' | 'environment'; requested: BackendName | null }
  candidates: BackendCandidate[]
  tfjsVersion: string
  /** Version of the backend package in use, when known. */
  backendVersion: string | null
  cpu: { model: string; cores: number; arch: string; simd: string[] }
  /** WebAssembly SIMD support in this runtime (used by the wasm backend). */
  wasmSimd: boolean
  /** Threads the backend computes with. */
  threads: number
  memory: { totalBytes: number; freeBytes: number }
  gpus: GpuInfo[]
  /** Why no GPU is listed, when none is. */
  gpuNote: string | null
  platform: string
  osRelease: string
  runtime: { node: string; electron: string | null; v8: string }
  /** Plain-language advice on getting a faster backend, empty when nothing better is possible. */
  advice: string[]
  /** Energy sources on this machine (measured or estimated, and how to fix an unreadable one); absent from older engines. */
  energy?: EnergySourceSummary[]
  /** The carbon assumptions the engine applies (grid region, intensity with source and year, PUE). */
  carbon?: CarbonAssumptions
  /** The optional native kernels (native/ addon over the platform BLAS): whether they run and why (not). */
  nativeKernels?: NativeKernelsRecord
}

/** Which native kernels are active and why, or why none are (addon not built, no BLAS found, other backend). */
export interface NativeKernelsRecord {
  active: boolean
  /** TF.js kernel names the addon serves, e.g. "BatchMatMul", "LigoSoftmaxCrossEntropy". */
  kernels: string[]
  /** The BLAS the addon was linked with, as it describes itself (e.g. "OpenBLAS 0.3.21 ... Cooperlake"). */
  blas: string | null
  /** Threads the native kernels use. */
  threads: number | null
  reason: string
}
