/**
 * NVIDIA GPU energy through `nvidia-smi` (NVML underneath), per GPU, best method first (Zeus's rule, product-anchors
 * §1.10): the driver's cumulative energy counter (mJ since the driver loaded, Volta and newer), else board power
 * `power.draw` (W) integrated over time by the meter, else utilisation × power limit (an estimate).
 *
 * The counter field name `total_energy_consumption` is what NVML calls it (nvmlDeviceGetTotalEnergyConsumption);
 * not every nvidia-smi accepts it in --query-gpu (UNVERIFIED on real hardware here: this machine has no GPU). An
 * nvidia-smi that answers 'Field ... is not a valid field to query' makes the source fall back to power.draw.
 */
import { execFile } from 'node:child_process'
import { estimateGpuWatts } from './estimate'
import { EnergySourceError, type DeviceReading, type EnergySource, type Sample, type SourceStatus } from './types'

export const NVIDIA_ENERGY_FIELD = 'total_energy_consumption'
/** Name last: it is the one field that could contain a comma. */
const BASE_FIELDS = ['index', 'uuid', 'power.draw', 'power.limit', 'utilization.gpu']
export const NVIDIA_SMI_TIMEOUT_MS = 5000

export interface GpuRow {
  index: number
  uuid: string | null
  name: string
  powerWatts: number | null
  powerLimitWatts: number | null
  utilizationPercent: number | null
  /** Driver energy counter in millijoules; null when the field is absent, [N/A] or [Not Supported]. */
  energyMillijoules: number | null
}

export interface NvidiaSmiSourceOptions {
  /** Path or name of the nvidia-smi executable; tests pass a fake script. */
  executable?: string
  timeoutMs?: number
}

export function nvidiaQueryArgs(withEnergy: boolean): string[] {
  const fields = [...BASE_FIELDS, ...(withEnergy ? [NVIDIA_ENERGY_FIELD] : []), 'name']
  return [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits']
}

/** Parses the CSV of nvidiaQueryArgs: numbers where numeric, null for [N/A], [Not Supported], [Unknown Error]... */
export function parseNvidiaEnergyCsv(stdout: string, withEnergy: boolean): GpuRow[] {
  const numeric = (field: string | undefined): number | null => {
    const value = field?.trim() ?? ''
    if (value === '' || value.startsWith('[')) return null
    const n = Number(value)
    return Number.isFinite(n) ? n : null
  }
  const fieldCount = BASE_FIELDS.length + (withEnergy ? 1 : 0)
  const rows: GpuRow[] = []
  for (const line of stdout.split(/\r?\n/).map((l) => l.trim())) {
    if (line === '') continue
    const parts = line.split(',')
    if (parts.length < fieldCount + 1) continue // a message, not a row
    const index = numeric(parts[0])
    if (index === null) continue
    const uuid = parts[1].trim()
    rows.push({
      index,
      uuid: uuid === '' || uuid.startsWith('[') ? null : uuid,
      powerWatts: numeric(parts[2]),
      powerLimitWatts: numeric(parts[3]),
      utilizationPercent: numeric(parts[4]),
      energyMillijoules: withEnergy ? numeric(parts[5]) : null,
      name: parts.slice(fieldCount).join(',').trim() || 'NVIDIA GPU',
    })
  }
  return rows
}

interface RunResult {
  ok: boolean
  stdout: string
  /** ENOENT, a signal, exit code, or stderr's first line. */
  problem: string
  notInstalled: boolean
  invalidField: boolean
}

export class NvidiaSmiSource implements EnergySource {
  readonly id = 'nvidia' as const
  private readonly executable: string
  private readonly timeoutMs: number
  /** null until the first successful query decides whether the energy field is accepted. */
  private withEnergy: boolean | null = null
  /** First counter value per GPU (mJ), so readings start at 0 J. */
  private readonly counterBaseMj = new Map<string, number>()

  constructor(options: NvidiaSmiSourceOptions = {}) {
    this.executable = options.executable ?? 'nvidia-smi'
    this.timeoutMs = options.timeoutMs ?? NVIDIA_SMI_TIMEOUT_MS
  }

  private run(args: string[]): Promise<RunResult> {
    return new Promise((resolve) => {
      execFile(this.executable, args, { timeout: this.timeoutMs, windowsHide: true, encoding: 'utf8' }, (error, stdout, stderr) => {
        const text = `${stdout}\n${stderr}`
        const invalidField = /not a valid field/i.test(text)
        if (!error) {
          resolve({ ok: true, stdout, problem: '', notInstalled: false, invalidField })
          return
        }
        const e = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: number | string }
        const firstLine = (stderr || stdout || e.message).trim().split('\n')[0]
        const problem =
          e.code === 'ENOENT'
            ? `${this.executable} not found`
            : e.killed
              ? `${this.executable} did not answer within ${this.timeoutMs} ms`
              : `${this.executable} failed (exit ${e.code ?? e.signal}): ${firstLine}`
        resolve({ ok: false, stdout, problem, notInstalled: e.code === 'ENOENT', invalidField })
      })
    })
  }

  /** Runs the query, deciding once whether this nvidia-smi accepts the energy field. */
  private async query(): Promise<{ rows: GpuRow[]; result: RunResult }> {
    if (this.withEnergy !== false) {
      const result = await this.run(nvidiaQueryArgs(true))
      if (result.ok || !result.invalidField) {
        if (result.ok) this.withEnergy = true
        return { rows: result.ok ? parseNvidiaEnergyCsv(result.stdout, true) : [], result }
      }
      this.withEnergy = false
    }
    const result = await this.run(nvidiaQueryArgs(false))
    return { rows: result.ok ? parseNvidiaEnergyCsv(result.stdout, false) : [], result }
  }

  async probe(): Promise<SourceStatus> {
    const base = { sourceId: this.id, label: 'NVIDIA GPUs (nvidia-smi)' }
    const { rows, result } = await this.query()
    if (!result.ok) {
      return {
        ...base,
        accuracy: 'measured',
        state: result.notInstalled ? 'not-found' : 'unreadable',
        detail: result.notInstalled ? 'nvidia-smi is not installed or not on PATH (no NVIDIA driver)' : result.problem,
        howToFix: result.notInstalled
          ? null
          : 'Check that the NVIDIA driver is loaded and matches its user-space tools (`nvidia-smi` in a terminal must list the GPU).',
        devices: [],
      }
    }
    if (rows.length === 0) {
      return { ...base, accuracy: 'measured', state: 'not-found', detail: 'nvidia-smi ran but listed no GPU', howToFix: null, devices: [] }
    }
    const methods = rows.map((row) => `gpu${row.index} ${row.name}: ${describeGpuMethod(row)}`)
    const anyMeasured = rows.some((row) => row.energyMillijoules !== null || row.powerWatts !== null)
    const noneUsable = rows.every((row) => describeGpuMethod(row) === 'no reading')
    return {
      ...base,
      accuracy: anyMeasured ? 'measured' : 'estimated',
      state: noneUsable ? 'unreadable' : 'found',
      detail: methods.join('; '),
      howToFix: noneUsable ? 'nvidia-smi reports neither power, energy nor utilisation for these GPUs (virtual GPU or an old board).' : null,
      devices: rows.map((row) => `gpu${row.index}`),
    }
  }

  async read(): Promise<Sample> {
    const { rows, result } = await this.query()
    if (!result.ok) throw new EnergySourceError(this.id, result.problem)
    if (rows.length === 0) throw new EnergySourceError(this.id, 'nvidia-smi listed no GPU')
    const readings: DeviceReading[] = []
    const notes: string[] = []
    for (const row of rows) {
      const deviceId = `gpu${row.index}`
      const label = `${deviceId} ${row.name}`
      if (row.energyMillijoules !== null) {
        // Key the baseline by uuid when known, so a different board appearing at the same index restarts at 0.
        const key = row.uuid ?? deviceId
        if (!this.counterBaseMj.has(key)) this.counterBaseMj.set(key, row.energyMillijoules)
        const joules = (row.energyMillijoules - (this.counterBaseMj.get(key) ?? 0)) / 1000
        readings.push({ deviceId, kind: 'gpu', label, method: 'counter', energyJoules: joules })
      } else if (row.powerWatts !== null) {
        readings.push({ deviceId, kind: 'gpu', label, method: 'power-integration', powerWatts: row.powerWatts })
      } else if (row.utilizationPercent !== null && row.powerLimitWatts !== null) {
        readings.push({
          deviceId,
          kind: 'gpu',
          label,
          method: 'estimate',
          powerWatts: estimateGpuWatts(row.utilizationPercent, row.powerLimitWatts),
        })
      } else {
        notes.push(`${label}: no energy, power or utilisation value this time`)
      }
    }
    return { sourceId: this.id, readings, notes }
  }
}

function describeGpuMethod(row: GpuRow): string {
  if (row.energyMillijoules !== null) return 'energy counter'
  if (row.powerWatts !== null) return 'power.draw integrated over time'
  if (row.utilizationPercent !== null && row.powerLimitWatts !== null) return 'estimate: utilisation × power limit'
  return 'no reading'
}
