/**
 * The energy part of the hardware record: every energy source this machine has (or lacks), its accuracy class,
 * whether a run would use it and how to fix an unreadable one, plus the carbon assumptions in force.
 * Probed afresh on each call, so a user who grants RAPL access sees it on the next `ligo info` or view reload.
 */
import type { CarbonAssumptions, EnergySourceSummary, HardwareRecord } from '../../../shared'
import { serializeError } from '../../../shared'
import { DEFAULT_ENERGY_SETTINGS, carbonAssumptions, resolveEnergySettings } from '../../settings/energy-settings'
import { describeEnergySources, type EnergySetupOptions, type EnergySourceDescription } from './index'

export function toEnergySourceSummary(description: EnergySourceDescription): EnergySourceSummary {
  return {
    id: description.sourceId,
    label: description.label,
    state: description.state,
    accuracy: description.accuracy,
    used: description.used,
    reason: description.reason,
    detail: description.detail,
    howToFix: description.howToFix,
    devices: [...description.devices],
  }
}

/**
 * The carbon assumptions for the record. Unlike a training run (which refuses a bad setting), the hardware record
 * must still be shown: a bad value is replaced by the defaults and named in `problem`.
 */
export function carbonAssumptionsForRecord(env: Record<string, string | undefined>): CarbonAssumptions {
  try {
    return carbonAssumptions(resolveEnergySettings({ env }))
  } catch (error) {
    return { ...carbonAssumptions(DEFAULT_ENERGY_SETTINGS), problem: `${serializeError(error).message} The defaults are used instead.` }
  }
}

export async function collectEnergyFacts(
  options: { env?: Record<string, string | undefined>; setup?: EnergySetupOptions } = {},
): Promise<Required<Pick<HardwareRecord, 'energy' | 'carbon'>>> {
  const descriptions = await describeEnergySources(options.setup)
  return { energy: descriptions.map(toEnergySourceSummary), carbon: carbonAssumptionsForRecord(options.env ?? process.env) }
}
