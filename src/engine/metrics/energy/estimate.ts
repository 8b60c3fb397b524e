/**
 * The fallback that works everywhere (and the only source on machines like ours, engine-measurements §5):
 *   CPU: this process's CPU time (user + system, all its threads, wasm and native workers included) × watts per
 *        hardware thread from cpu-power-table.ts. Idle power and other processes are not counted.
 *   GPU: utilisation × rated power, when a caller can tell the utilisation (nvidia-smi without a power sensor).
 * Always labelled 'estimated'. CodeCarbon's ladder is the model (TDP × load; 4 W/thread default), product-anchors §1.9.
 */
import { cpus } from 'node:os'
import { cpuWattsPerThread, type CpuPowerEstimate } from './cpu-power-table'
import type { DeviceReading, EnergySource, Sample, SourceStatus } from './types'

/** Board power while busy, linearly in utilisation (0..100 %), idle draw not modelled. */
export function estimateGpuWatts(utilizationPercent: number, ratedWatts: number): number {
  const fraction = Math.min(100, Math.max(0, utilizationPercent)) / 100
  return fraction * Math.max(0, ratedWatts)
}

export interface GpuUtilisation {
  deviceId: string
  label: string
  utilizationPercent: number
  ratedWatts: number
}

export interface EstimateSourceOptions {
  /** CPU model string; default os.cpus()[0].model. */
  cpuModel?: string
  /** Watts per hardware thread, overriding the table (a user setting). */
  wattsPerThread?: number
  /** Cumulative process CPU time in microseconds, process.cpuUsage()'s shape; injectable for tests. */
  cpuUsage?: () => { user: number; system: number }
  /** GPU utilisation and rated power, when known; omitted = CPU only. */
  gpuUtilisation?: () => Promise<GpuUtilisation[]>
}

export class EstimateSource implements EnergySource {
  readonly id = 'estimate' as const
  readonly cpuPower: CpuPowerEstimate
  private readonly cpuUsage: () => { user: number; system: number }
  private readonly gpuUtilisation: (() => Promise<GpuUtilisation[]>) | null
  private startCpuMicros: number | null = null

  constructor(options: EstimateSourceOptions = {}) {
    const model = options.cpuModel ?? cpus()[0]?.model ?? 'unknown CPU'
    const fromTable = cpuWattsPerThread(model)
    if (options.wattsPerThread !== undefined) {
      if (!(Number.isFinite(options.wattsPerThread) && options.wattsPerThread > 0 && options.wattsPerThread <= 100)) {
        throw new RangeError(`EstimateSource wattsPerThread must be in (0, 100] W, got ${options.wattsPerThread}`)
      }
      this.cpuPower = {
        wattsPerThread: options.wattsPerThread,
        row: null,
        description: `${options.wattsPerThread.toFixed(2)} W per thread: set by the user (table would say ${fromTable.description})`,
      }
    } else {
      this.cpuPower = fromTable
    }
    this.cpuUsage = options.cpuUsage ?? (() => process.cpuUsage())
    this.gpuUtilisation = options.gpuUtilisation ?? null
  }

  async probe(): Promise<SourceStatus> {
    return {
      sourceId: this.id,
      state: 'found',
      accuracy: 'estimated',
      label: 'Estimate from CPU time',
      detail: `this process's CPU time × ${this.cpuPower.description}${this.gpuUtilisation ? '; GPUs: utilisation × power limit' : ''}`,
      howToFix: null,
      devices: ['cpu-process'],
    }
  }

  async read(): Promise<Sample> {
    const usage = this.cpuUsage()
    const micros = usage.user + usage.system
    if (this.startCpuMicros === null) this.startCpuMicros = micros
    const cpuSeconds = Math.max(0, micros - this.startCpuMicros) / 1e6
    const readings: DeviceReading[] = [
      {
        deviceId: 'cpu-process',
        kind: 'cpu-process',
        label: 'this process (CPU time)',
        method: 'estimate',
        energyJoules: cpuSeconds * this.cpuPower.wattsPerThread,
      },
    ]
    const notes: string[] = []
    if (this.gpuUtilisation) {
      try {
        for (const gpu of await this.gpuUtilisation()) {
          readings.push({
            deviceId: gpu.deviceId,
            kind: 'gpu',
            label: gpu.label,
            method: 'estimate',
            powerWatts: estimateGpuWatts(gpu.utilizationPercent, gpu.ratedWatts),
          })
        }
      } catch (error) {
        notes.push(`GPU utilisation unavailable: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    return { sourceId: this.id, readings, notes }
  }
}
