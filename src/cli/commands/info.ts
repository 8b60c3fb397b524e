/**
 * `ligo info`: start the engine, print the hardware/backend record (what computes, why the better backends were
 * skipped, the machine, and advice; then the energy sources and the carbon assumptions), as a table for people or JSON
 * for scripts.
 */
import { BACKEND_LABELS, BACKEND_PREFERENCE, serializeError, type HardwareRecord } from '../../shared'
import { backendChoice } from '../backend-flag'
import type { CliContext } from '../context'
import { energySettingsFromFlags, type EnergyFlagValues } from '../energy-flags'
import { carbonAssumptions } from '../../engine/settings/energy-settings'
import { formatEnergySection } from './info-energy'

export interface InfoFlags extends EnergyFlagValues {
  json: boolean
  backend: string | undefined
}

const GB = 1024 ** 3

function gigabytes(bytes: number): string {
  return `${(bytes / GB).toFixed(1)} GiB`
}

/** Rows of "label  value", the label column padded; continuation lines have an empty label. */
function table(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([label]) => label.length)) + 2
  return rows.map(([label, value]) => `${label.padEnd(width)}${value}`.trimEnd()).join('\n')
}

function selectionText(record: HardwareRecord): string {
  const { mode, source } = record.selection
  if (mode === 'auto') return 'chosen automatically'
  return source === 'environment' ? 'forced by LIGO_BACKEND' : 'forced by --backend / the backend setting'
}

/** The human-readable form of a hardware record. */
export function formatHardware(record: HardwareRecord): string {
  const rows: Array<[string, string]> = []
  rows.push(['Backend', `${record.backend}: ${BACKEND_LABELS[record.backend]} (${selectionText(record)})`])
  const versions = [`tfjs ${record.tfjsVersion}`]
  if (record.backendVersion) versions.push(`backend package ${record.backendVersion}`)
  versions.push(`${record.threads} thread${record.threads === 1 ? '' : 's'}`)
  rows.push(['', versions.join(', ')])

  // The backends ranked above the one in use, each with the reason it was not used.
  const rank = (name: string) => BACKEND_PREFERENCE.indexOf(name as (typeof BACKEND_PREFERENCE)[number])
  const better = record.candidates.filter((c) => !c.selected && rank(c.name) < rank(record.backend)).sort((a, b) => rank(a.name) - rank(b.name))
  better.forEach((c, i) => rows.push([i === 0 ? 'Skipped' : '', `${c.name}: ${c.reason}`]))

  const { cpu } = record
  rows.push(['CPU', `${cpu.model} (${cpu.arch}), ${cpu.cores} core${cpu.cores === 1 ? '' : 's'}`])
  rows.push(['SIMD', `${cpu.simd.length > 0 ? cpu.simd.join(' ') : 'none detected'}; WebAssembly SIMD ${record.wasmSimd ? 'yes' : 'no'}`])
  rows.push(['Memory', `${gigabytes(record.memory.totalBytes)} total, ${gigabytes(record.memory.freeBytes)} free`])
  if (record.gpus.length === 0) rows.push(['GPU', `none${record.gpuNote ? ` (${record.gpuNote})` : ''}`])
  record.gpus.forEach((gpu, i) => {
    const memory = gpu.memoryBytes === null ? '' : `, ${gigabytes(gpu.memoryBytes)}`
    const driver = gpu.driverVersion === null ? '' : `, driver ${gpu.driverVersion}`
    rows.push([i === 0 ? 'GPU' : '', `${gpu.name}${memory}${driver}`])
  })
  const electron = record.runtime.electron ? `, Electron ${record.runtime.electron}` : ''
  rows.push(['System', `${record.platform} ${record.osRelease}, Node ${record.runtime.node}${electron}, V8 ${record.runtime.v8}`])

  const energy = formatEnergySection(record)
  rows.push(...energy.rows)

  const advice = record.advice.length === 0 ? '' : `\n\nAdvice:\n${record.advice.map((a) => `  - ${a}`).join('\n')}`
  return `${table(rows)}${advice}${energy.notes}\n`
}

export async function runInfo(flags: InfoFlags, context: CliContext): Promise<number> {
  // Carbon settings are checked before the engine starts: a typo is a usage error (exit 2), not a wrong gCO2e.
  const energySettings = energySettingsFromFlags('info', flags, context.env)
  const engine = context.startEngine(backendChoice('info', flags.backend, context.env))
  try {
    // The flags may differ from the engine's environment: the assumptions shown are the ones this command resolved.
    const record = { ...(await engine.call('hardware', {})), carbon: carbonAssumptions(energySettings) }
    context.stdout(flags.json ? `${JSON.stringify(record, null, 2)}\n` : formatHardware(record))
    return 0
  } catch (error) {
    context.stderr(`ligo info: ${serializeError(error).message}\n`)
    return 1
  } finally {
    await engine.stop()
  }
}
