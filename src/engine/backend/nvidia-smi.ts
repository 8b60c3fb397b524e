/**
 * NVIDIA GPUs as `nvidia-smi` reports them. The only GPU probe the engine needs: tfjs-node-gpu runs on CUDA,
 * and CUDA needs the NVIDIA driver, which ships nvidia-smi. A missing tool is a note, never an error.
 */
import { execFile } from 'node:child_process'
import type { GpuInfo } from '../../shared'

export const NVIDIA_SMI_ARGS = ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader,nounits']
export const NVIDIA_SMI_TIMEOUT_MS = 3000

export interface GpuProbe {
  gpus: GpuInfo[]
  /** Why no GPU is listed, when none is (tool missing, timed out, failed, no device). */
  note: string | null
}

/** Runs a program and resolves its stdout; rejects with the Node error (code ENOENT, killed on timeout...). */
export type ExecFileFn = (file: string, args: string[], options: { timeout: number }) => Promise<string>

const execFileText: ExecFileFn = (file, args, options) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { timeout: options.timeout, windowsHide: true, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        Object.assign(error, { stderr })
        reject(error)
      } else resolve(stdout)
    })
  })

/**
 * One CSV line per GPU: "NVIDIA H200, 143771, 550.54.15" (memory in MiB because of `nounits`).
 * Fields that nvidia-smi cannot read come back as "[N/A]" or "[Not Supported]".
 */
export function parseNvidiaSmiCsv(stdout: string): GpuInfo[] {
  const known = (field: string | undefined): string | null => {
    const value = field?.trim() ?? ''
    return value === '' || value.startsWith('[') ? null : value
  }
  return stdout
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [name, memoryMiB, driverVersion] = line.split(',')
      const mib = known(memoryMiB) === null ? NaN : Number(memoryMiB)
      return {
        name: known(name) ?? 'unknown NVIDIA GPU',
        memoryBytes: Number.isFinite(mib) ? Math.round(mib * 1024 * 1024) : null,
        driverVersion: known(driverVersion),
        source: 'nvidia-smi' as const,
      }
    })
}

export async function probeNvidiaGpus(exec: ExecFileFn = execFileText, timeoutMs = NVIDIA_SMI_TIMEOUT_MS): Promise<GpuProbe> {
  let stdout: string
  try {
    stdout = await exec('nvidia-smi', NVIDIA_SMI_ARGS, { timeout: timeoutMs })
  } catch (error) {
    return { gpus: [], note: explainFailure(error, timeoutMs) }
  }
  const gpus = parseNvidiaSmiCsv(stdout)
  return { gpus, note: gpus.length === 0 ? 'nvidia-smi ran but listed no GPU' : null }
}

function explainFailure(error: unknown, timeoutMs: number): string {
  const e = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string; stderr?: string }
  if (e?.code === 'ENOENT') return 'No NVIDIA GPU visible: nvidia-smi is not installed or not on PATH (no NVIDIA driver)'
  if (e?.killed || e?.signal === 'SIGTERM') return `nvidia-smi did not answer within ${timeoutMs / 1000} s`
  const detail = (e?.stderr || e?.message || String(error)).trim().split('\n')[0]
  return `nvidia-smi failed: ${detail}`
}
