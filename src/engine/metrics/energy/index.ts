/**
 * Energy and carbon for training runs. Sources are chosen once per run, best first (measured before estimated):
 *   CPU: powercap RAPL when readable, else the CPU-time estimate (never both: they would count the CPU twice);
 *   GPU: nvidia-smi when it lists a GPU.
 * `describeEnergySources()` is what `ligo info` and the Hardware view show: every source, its state and accuracy,
 * whether it is used and why, and how to fix an unreadable one.
 */
import { EstimateSource, type EstimateSourceOptions } from './estimate'
import { NvidiaSmiSource } from './nvidia'
import { PowercapSource } from './powercap'
import type { EnergySource, SourceStatus } from './types'

export * from './types'
export { PowercapSource, DEFAULT_POWERCAP_ROOT, raplPermissionHelp, type RaplZone, type PowercapSourceOptions } from './powercap'
export { NvidiaSmiSource, parseNvidiaEnergyCsv, nvidiaQueryArgs, NVIDIA_ENERGY_FIELD, type GpuRow } from './nvidia'
export { EstimateSource, estimateGpuWatts, type EstimateSourceOptions, type GpuUtilisation } from './estimate'
export { CPU_POWER_TABLE, DEFAULT_WATTS_PER_THREAD, cpuWattsPerThread, type CpuPowerRow, type CpuPowerEstimate } from './cpu-power-table'
export { CARBON_INTENSITY_TABLE, type CarbonIntensityRow } from './carbon-intensity-table'
export { estimateCarbon, findCarbonIntensity, CarbonError, JOULES_PER_KWH, type CarbonEstimate, type CarbonOptions } from './carbon'
export {
  EnergyMeter,
  EnergyMeterError,
  DEFAULT_MAX_WATTS,
  accuracyOf,
  type EnergyMeterOptions,
  type EnergyRecord,
  type EnergyReport,
  type EnergyTotals,
  type MeterAccuracy,
  type WindowReport,
} from './meter'

export interface EnergySetupOptions {
  /** powercap tree root (tests: a temporary fake tree). */
  powercapRoot?: string
  /** nvidia-smi executable (tests: a fake script). */
  nvidiaSmi?: string
  /** Options for the CPU-time estimate (CPU model, a user's watts per thread, an injected cpuUsage). */
  estimate?: EstimateSourceOptions
}

export interface EnergySourceDescription extends SourceStatus {
  /** True when a run would read this source. */
  used: boolean
  /** Why it is (not) used: "measures the CPU package", "RAPL measures the CPU instead". */
  reason: string
}

export interface EnergySetup {
  sources: EnergySource[]
  descriptions: EnergySourceDescription[]
}

/** Probes every source and picks the ones a run should read. */
export async function createEnergySources(options: EnergySetupOptions = {}): Promise<EnergySetup> {
  const powercap = new PowercapSource({ root: options.powercapRoot })
  const nvidia = new NvidiaSmiSource({ executable: options.nvidiaSmi })
  const estimate = new EstimateSource(options.estimate)
  const [powercapStatus, nvidiaStatus, estimateStatus] = await Promise.all([powercap.probe(), nvidia.probe(), estimate.probe()])

  const raplUsable = powercapStatus.state === 'found'
  const gpuUsable = nvidiaStatus.state === 'found'
  const sources: EnergySource[] = []
  if (raplUsable) sources.push(powercap)
  else sources.push(estimate)
  if (gpuUsable) sources.push(nvidia)

  const descriptions: EnergySourceDescription[] = [
    {
      ...powercapStatus,
      used: raplUsable,
      reason: raplUsable ? 'measures the CPU packages (all processes on them) and DRAM' : 'not available; the CPU is estimated instead',
    },
    {
      ...nvidiaStatus,
      used: gpuUsable,
      reason: gpuUsable ? 'measures each NVIDIA GPU (whole board, shared with other processes)' : 'no usable NVIDIA GPU',
    },
    {
      ...estimateStatus,
      used: !raplUsable,
      reason: raplUsable ? 'not needed: RAPL measures the CPU' : 'the only CPU figure on this machine: an estimate from this process\'s CPU time',
    },
  ]
  return { sources, descriptions }
}

/** The list `ligo info` prints: every source found (or not), with its accuracy class. */
export async function describeEnergySources(options: EnergySetupOptions = {}): Promise<EnergySourceDescription[]> {
  return (await createEnergySources(options)).descriptions
}
