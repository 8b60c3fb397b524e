/**
 * Picks the TensorFlow.js backend once, at engine start, in BACKEND_PREFERENCE order, and writes down why each
 * candidate was or was not used. A forced backend (setting or LIGO_BACKEND) is used or fails loudly: no silent
 * fallback, because a user who forces a backend is measuring or debugging that backend.
 */
import { join, dirname, sep } from 'node:path'
import * as os from 'node:os'
import * as tfCore from '@tensorflow/tfjs-core'
import {
  BACKEND_ENV_VAR,
  BACKEND_PREFERENCE,
  StudioError,
  type BackendCandidate,
  type BackendName,
  type EngineStartOptions,
  type HardwareRecord,
  type NativeKernelsRecord,
} from '../../shared'
import { adviceFor, collectMachineFacts, type MachineFacts } from './hardware'
import { probeNvidiaGpus, type GpuProbe } from './nvidia-smi'
import { createPackageLoader, firstLine, isInstalled, loadPackage, packageVersion, type PackageLoader } from './package-loader'
import { registerWasmKernels } from './wasm-kernels'
import { activateNativeKernels } from './native-kernels'

export type Tf = typeof tfCore

const NATIVE_NOTE = 'optional dependency; its install downloads libtensorflow, which needs network access'

/** One entry per backend: which package provides it and how to bring it up. Order comes from BACKEND_PREFERENCE. */
interface BackendSpec {
  packageName: string
  /** The name the package registers with tfjs-core (both native packages register "tensorflow"). */
  tfjsName: string
  missingNote: string
  /** Runs after the package loaded and before tf.setBackend; returns the compute thread count once ready. */
  prepare(module: unknown, loader: PackageLoader): () => number
}

const nativeThreads = () => (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length)

const BACKEND_SPECS: Record<BackendName, BackendSpec> = {
  'tensorflow-gpu': {
    packageName: '@tensorflow/tfjs-node-gpu',
    tfjsName: 'tensorflow',
    missingNote: `${NATIVE_NOTE} with CUDA support; needs CUDA 11.8 and cuDNN 8.6 on Linux x64 or Windows x64`,
    // libtensorflow sizes its intra-op pool to the machine's cores; the GPU does the heavy work anyway.
    prepare: () => nativeThreads,
  },
  tensorflow: {
    packageName: '@tensorflow/tfjs-node',
    tfjsName: 'tensorflow',
    missingNote: NATIVE_NOTE,
    prepare: () => nativeThreads,
  },
  wasm: {
    packageName: '@tensorflow/tfjs-backend-wasm',
    tfjsName: 'wasm',
    missingNote: 'a regular dependency: reinstall the app',
    prepare: (module, loader) => {
      const wasm = module as typeof import('@tensorflow/tfjs-backend-wasm')
      // Point the loader at the .wasm binaries next to the package's JS; in a bundle the default guess
      // (the bundle's own folder) would be wrong.
      const distDir = join(dirname(loader.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')
      wasm.setWasmPaths(distDir + sep)
      registerWasmKernels()
      return () => wasm.getThreadsCount()
    },
  },
  cpu: {
    packageName: '@tensorflow/tfjs-backend-cpu',
    tfjsName: 'cpu',
    missingNote: 'a regular dependency: reinstall the app',
    prepare: () => () => 1,
  },
}

export interface SelectBackendOptions {
  start: Pick<EngineStartOptions, 'backend' | 'backendSource'>
  loader?: PackageLoader
  probeGpus?: () => Promise<GpuProbe>
  machine?: () => MachineFacts
  /** Turns the native kernels on for the chosen backend (tests inject a fake). */
  nativeKernels?: (backend: BackendName) => NativeKernelsRecord
}

export interface SelectedBackend {
  tf: Tf
  record: HardwareRecord
}

type Attempt = { ok: true; threads: number; version: string | null } | { ok: false; reason: string }

export async function selectBackend(options: SelectBackendOptions): Promise<SelectedBackend> {
  const loader = options.loader ?? createPackageLoader()
  const forced = options.start.backend
  const forcedBy = options.start.backendSource === 'setting' ? 'the backend setting' : BACKEND_ENV_VAR
  const [gpuProbe, machine] = [await (options.probeGpus ?? probeNvidiaGpus)(), (options.machine ?? collectMachineFacts)()]

  const candidates: BackendCandidate[] = []
  let chosen: { name: BackendName; threads: number; version: string | null } | null = null

  for (const name of BACKEND_PREFERENCE) {
    if (chosen) {
      candidates.push({ name, selected: false, available: null, reason: `not tried: ${chosen.name} is preferred and works` })
      continue
    }
    if (forced && name !== forced) {
      candidates.push({ name, selected: false, available: null, reason: `not tried: ${forced} is forced by ${forcedBy}` })
      continue
    }
    if (name === 'tensorflow-gpu' && !forced && gpuProbe.gpus.length === 0) {
      const installed = isInstalled(loader, BACKEND_SPECS[name].packageName)
      candidates.push({
        name,
        selected: false,
        available: false,
        reason: `not tried: ${gpuProbe.note ?? 'no NVIDIA GPU visible'}; ${BACKEND_SPECS[name].packageName} is ${installed ? 'installed' : 'not installed'}`,
      })
      continue
    }
    const attempt = await tryBackend(name, loader)
    if (attempt.ok) {
      chosen = { name, threads: attempt.threads, version: attempt.version }
      const why = forced ? `forced by ${forcedBy}` : 'the most preferred backend that loads and initialises'
      candidates.push({ name, selected: true, available: true, reason: why })
    } else {
      candidates.push({ name, selected: false, available: false, reason: attempt.reason })
    }
  }

  if (!chosen) {
    const reasons = candidates.filter((c) => c.available === false).map((c) => `${c.name}: ${c.reason}`)
    throw new StudioError(
      'unsupported',
      forced
        ? `Backend "${forced}" is forced by ${forcedBy} but cannot be used: ${reasons.join('; ')}. ` +
            `Choose another (${BACKEND_PREFERENCE.join(', ')}) or clear it to pick automatically.`
        : `No TensorFlow.js backend could be started. ${reasons.join('; ')}`,
    )
  }

  const record: HardwareRecord = {
    backend: chosen.name,
    selection: forced
      ? { mode: 'forced', source: options.start.backendSource ?? 'environment', requested: forced }
      : { mode: 'auto', source: 'default', requested: null },
    candidates,
    tfjsVersion: tfCore.version_core,
    backendVersion: chosen.version,
    cpu: machine.cpu,
    wasmSimd: machine.wasmSimd,
    threads: chosen.threads,
    memory: machine.memory,
    gpus: gpuProbe.gpus,
    gpuNote: gpuProbe.gpus.length === 0 ? gpuProbe.note ?? 'No NVIDIA GPU visible' : null,
    platform: machine.platform,
    osRelease: machine.osRelease,
    runtime: machine.runtime,
    advice: [],
  }
  // The native addon serves the wasm backend only; the record says which kernels run and why (not).
  record.nativeKernels = (options.nativeKernels ?? activateNativeKernels)(chosen.name)
  record.advice = adviceFor({
    backend: chosen.name,
    candidates,
    gpus: gpuProbe.gpus,
    wasmSimd: machine.wasmSimd,
    platform: machine.platform,
    arch: machine.cpu.arch,
    forced: forced !== null,
    nativeKernels: record.nativeKernels,
  })
  return { tf: tfCore, record }
}

async function tryBackend(name: BackendName, loader: PackageLoader): Promise<Attempt> {
  const spec = BACKEND_SPECS[name]
  const loaded = loadPackage(loader, spec.packageName, spec.missingNote)
  if (!loaded.ok) return { ok: false, reason: loaded.reason }
  try {
    if (!tfCore.findBackendFactory(spec.tfjsName)) {
      return {
        ok: false,
        reason: `${spec.packageName} loaded but registered no "${spec.tfjsName}" backend with this @tensorflow/tfjs-core ${tfCore.version_core} (a second, mismatched copy of tfjs-core?)`,
      }
    }
    const threads = spec.prepare(loaded.module, loader)
    const { ok, warnings } = await withCapturedWarnings(() => tfCore.setBackend(spec.tfjsName))
    if (!ok) {
      forget(spec.tfjsName)
      const detail = warnings.find((w) => !w.startsWith('Initialization of backend')) ?? 'no detail from TensorFlow.js'
      return { ok: false, reason: `${spec.packageName} loaded but its backend failed to initialise: ${detail}` }
    }
    await tfCore.ready()
    return { ok: true, threads: threads(), version: packageVersion(loader, spec.packageName) }
  } catch (error) {
    forget(spec.tfjsName)
    return { ok: false, reason: `${spec.packageName} failed to start: ${firstLine(error)}` }
  }
}

/** A failed native backend must not linger in the registry: the next package registers the same name. */
function forget(tfjsName: string): void {
  if (tfjsName === 'tensorflow' && tfCore.findBackendFactory(tfjsName)) tfCore.removeBackend(tfjsName)
}

/**
 * tf.setBackend reports an initialisation failure only through console.warn (and resolves false);
 * capture those lines so the record can say why.
 */
async function withCapturedWarnings(run: () => Promise<boolean>): Promise<{ ok: boolean; warnings: string[] }> {
  const warnings: string[] = []
  const original = console.warn
  console.warn = (...args: unknown[]) => {
    // tfjs passes err.stack, whose first line is "Error: <message>"
    const text = args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ')
    warnings.push(text.split('\n')[0].replace(/^\w*Error: /, ''))
  }
  try {
    return { ok: await run(), warnings }
  } finally {
    console.warn = original
  }
}
