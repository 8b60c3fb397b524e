/**
 * CPU package and DRAM energy from the Linux powercap tree (Intel RAPL; AMD since Linux 5.8 uses the same driver).
 *
 *   /sys/class/powercap/intel-rapl:0/{name=package-0, energy_uj, max_energy_range_uj}
 *   /sys/class/powercap/intel-rapl:0:0 (core), :0:1 (uncore), :0:2 (dram on servers), intel-rapl:1 (psys) ...
 *
 * Rules (as CodeCarbon's rapl.md, product-anchors §1.9): read cumulative `energy_uj` and take deltas; unfold the
 * wrap-around with `max_energy_range_uj`; sum package and dram zones only (core/uncore are inside the package, psys
 * covers the whole platform and would double count); skip the MMIO interface when it repeats an MSR package.
 * Since the fix for CVE-2020-8694 (PLATYPUS, Nov 2020) energy_uj is root-only on most distributions: the probe
 * says so and how to grant read access. The app never asks for root.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { EnergySourceError, type DeviceKind, type DeviceReading, type EnergySource, type Sample, type SourceStatus } from './types'

export const DEFAULT_POWERCAP_ROOT = '/sys/class/powercap'

/** Zone directories: intel-rapl:0, intel-rapl:0:2, intel-rapl-mmio:0, amd-rapl:0 (flattened under the class dir). */
const ZONE_DIR = /^(intel-rapl|intel-rapl-mmio|amd-rapl)((?::\d+)+)$/

export interface RaplZone {
  /** Directory under the root, e.g. "intel-rapl:0:2". */
  dir: string
  /** Content of the `name` file: package-0, dram, core, uncore, psys. */
  name: string
  deviceId: string
  kind: DeviceKind
  /** µJ at which energy_uj wraps to 0; null when the file is missing (a decrease is then treated as a reset). */
  maxEnergyRangeUj: number | null
}

export interface PowercapDiscovery {
  rootExists: boolean
  /** Zones we sum and can read. */
  readable: RaplZone[]
  /** Zones we would sum but whose energy_uj cannot be read, with the error code. */
  unreadable: Array<RaplZone & { error: string }>
  /** Zones seen and deliberately not summed, with the reason. */
  skipped: Array<{ dir: string; name: string; reason: string }>
}

export interface PowercapSourceOptions {
  /** Tree root; tests pass a temporary directory. */
  root?: string
  /** Include DRAM zones (default true: training is memory-bound; CodeCarbon excludes them by default). */
  includeDram?: boolean
  /** File reader (utf8); injectable so tests can simulate EACCES even when they run as root. */
  readText?: (path: string) => Promise<string>
  /** Directory lister; injectable for the same reason. */
  listDir?: (path: string) => Promise<string[]>
}

const errorCode = (error: unknown): string => (error as NodeJS.ErrnoException)?.code ?? String(error)

export class PowercapSource implements EnergySource {
  readonly id = 'powercap' as const
  private readonly root: string
  private readonly includeDram: boolean
  private readonly readText: (path: string) => Promise<string>
  private readonly listDir: (path: string) => Promise<string[]>
  /** Per zone dir: last raw counter (µJ) and the unfolded total since the first read (µJ). */
  private readonly counters = new Map<string, { lastRawUj: number; totalUj: number }>()
  private zones: RaplZone[] | null = null

  constructor(options: PowercapSourceOptions = {}) {
    this.root = options.root ?? DEFAULT_POWERCAP_ROOT
    this.includeDram = options.includeDram ?? true
    this.readText = options.readText ?? ((path) => readFile(path, 'utf8'))
    this.listDir = options.listDir ?? ((path) => readdir(path))
  }

  async discover(): Promise<PowercapDiscovery> {
    let entries: string[]
    try {
      entries = await this.listDir(this.root)
    } catch {
      return { rootExists: false, readable: [], unreadable: [], skipped: [] }
    }
    const candidates: RaplZone[] = []
    const skipped: PowercapDiscovery['skipped'] = []
    for (const dir of entries.filter((e) => ZONE_DIR.test(e)).sort()) {
      let name: string
      try {
        name = (await this.readText(join(this.root, dir, 'name'))).trim()
      } catch (error) {
        skipped.push({ dir, name: '?', reason: `cannot read its name file (${errorCode(error)})` })
        continue
      }
      const zone = await this.classify(dir, name)
      if ('reason' in zone) skipped.push({ dir, name, reason: zone.reason })
      else candidates.push(zone)
    }
    // The MMIO interface repeats the MSR package counter on recent Intel CPUs: keep one of the two.
    const msrPackages = new Set(candidates.filter((z) => !z.dir.startsWith('intel-rapl-mmio')).map((z) => z.deviceId))
    const unique = candidates.filter((z) => {
      if (z.dir.startsWith('intel-rapl-mmio') && msrPackages.has(z.deviceId)) {
        skipped.push({ dir: z.dir, name: z.name, reason: `duplicate of the MSR interface's ${z.deviceId}` })
        return false
      }
      return true
    })
    const readable: RaplZone[] = []
    const unreadable: PowercapDiscovery['unreadable'] = []
    for (const zone of unique) {
      try {
        parseMicrojoules(await this.readText(join(this.root, zone.dir, 'energy_uj')), zone.dir)
        readable.push(zone)
      } catch (error) {
        unreadable.push({ ...zone, error: errorCode(error) })
      }
    }
    return { rootExists: true, readable, unreadable, skipped }
  }

  private async classify(dir: string, name: string): Promise<RaplZone | { reason: string }> {
    const indices = (ZONE_DIR.exec(dir)?.[2] ?? '').split(':').filter(Boolean)
    const socket = indices[0] ?? '0'
    let deviceId: string
    let kind: DeviceKind
    if (/^package-\d+$/.test(name)) {
      deviceId = name
      kind = 'cpu-package'
    } else if (name === 'dram') {
      if (!this.includeDram) return { reason: 'DRAM zones are excluded by option' }
      deviceId = `dram-${socket}`
      kind = 'dram'
    } else if (name === 'core' || name === 'uncore') {
      return { reason: `${name} is part of the package counter` }
    } else if (name === 'psys') {
      return { reason: 'psys covers the whole platform and would double count package and dram' }
    } else {
      return { reason: `unknown zone name "${name}"` }
    }
    let maxEnergyRangeUj: number | null = null
    try {
      maxEnergyRangeUj = parseMicrojoules(await this.readText(join(this.root, dir, 'max_energy_range_uj')), dir)
    } catch {
      maxEnergyRangeUj = null
    }
    return { dir, name, deviceId, kind, maxEnergyRangeUj }
  }

  async probe(): Promise<SourceStatus> {
    const found = await this.discover()
    const base = { sourceId: this.id, label: 'Linux powercap (RAPL)', accuracy: 'measured' as const }
    if (!found.rootExists) {
      return {
        ...base,
        state: 'not-found',
        detail: `no ${this.root}: this kernel exposes no RAPL energy counters (usual in virtual machines and outside Linux)`,
        howToFix: null,
        devices: [],
      }
    }
    const zones = [...found.readable, ...found.unreadable]
    if (zones.length === 0) {
      const seen = found.skipped.map((s) => `${s.dir} (${s.name}: ${s.reason})`).join('; ')
      return {
        ...base,
        state: 'not-found',
        detail: `${this.root} has no package or dram zone${seen ? `; seen: ${seen}` : ''}`,
        howToFix: 'Load the RAPL driver (as an administrator: `modprobe intel_rapl_msr`; AMD CPUs need Linux 5.8 or newer).',
        devices: [],
      }
    }
    const describe = (list: RaplZone[]): string => list.map((z) => `${z.deviceId} (${z.dir})`).join(', ')
    if (found.readable.length === 0) {
      return {
        ...base,
        state: 'unreadable',
        detail: `found ${describe(found.unreadable)} but energy_uj is not readable (${found.unreadable[0].error})`,
        howToFix: raplPermissionHelp(this.root, found.unreadable),
        devices: found.unreadable.map((z) => z.deviceId),
      }
    }
    const partly = found.unreadable.length > 0 ? `; not readable: ${describe(found.unreadable)}` : ''
    return {
      ...base,
      state: 'found',
      detail: `reading ${describe(found.readable)}${partly}`,
      howToFix: found.unreadable.length > 0 ? raplPermissionHelp(this.root, found.unreadable) : null,
      devices: found.readable.map((z) => z.deviceId),
    }
  }

  async read(): Promise<Sample> {
    if (this.zones === null) {
      const found = await this.discover()
      this.zones = found.readable
    }
    if (this.zones.length === 0) throw new EnergySourceError(this.id, `no readable RAPL zone under ${this.root}`)
    const readings: DeviceReading[] = []
    const notes: string[] = []
    const failures: string[] = []
    for (const zone of this.zones) {
      let raw: number
      try {
        raw = parseMicrojoules(await this.readText(join(this.root, zone.dir, 'energy_uj')), zone.dir)
      } catch (error) {
        failures.push(`${zone.dir}: ${errorCode(error)}`)
        continue
      }
      const totalUj = this.unfold(zone, raw, notes)
      readings.push({
        deviceId: zone.deviceId,
        kind: zone.kind,
        label: `${zone.deviceId} (${zone.dir})`,
        method: 'counter',
        energyJoules: totalUj / 1e6,
      })
    }
    if (readings.length === 0) throw new EnergySourceError(this.id, `cannot read any RAPL counter: ${failures.join('; ')}`)
    if (failures.length > 0) notes.push(`unreadable this time: ${failures.join('; ')}`)
    return { sourceId: this.id, readings, notes }
  }

  /**
   * Unfolds one counter into a monotone total. A decrease means the counter wrapped at max_energy_range_uj
   * (the range is ~262 kJ on Intel: one wrap every ~20 min at 200 W, so reads every second never miss one).
   */
  private unfold(zone: RaplZone, rawUj: number, notes: string[]): number {
    const state = this.counters.get(zone.dir)
    if (!state) {
      this.counters.set(zone.dir, { lastRawUj: rawUj, totalUj: 0 })
      return 0
    }
    let delta = rawUj - state.lastRawUj
    if (delta < 0) {
      if (zone.maxEnergyRangeUj !== null && state.lastRawUj <= zone.maxEnergyRangeUj) {
        delta = zone.maxEnergyRangeUj - state.lastRawUj + rawUj
        notes.push(`${zone.dir} wrapped around at ${zone.maxEnergyRangeUj} µJ`)
      } else {
        delta = 0
        notes.push(`${zone.dir} went backwards without a known range (counter reset?); interval not counted`)
      }
    }
    state.lastRawUj = rawUj
    state.totalUj += delta
    return state.totalUj
  }
}

function parseMicrojoules(text: string, where: string): number {
  const trimmed = text.trim()
  if (!/^\d+$/.test(trimmed)) throw new EnergySourceError('powercap', `${where}: expected an integer µJ value, got "${trimmed.slice(0, 40)}"`)
  return Number(trimmed)
}

/** How to let this user read the counters, without running the app as root (CodeCarbon's enable-rapl how-to). */
export function raplPermissionHelp(root: string, zones: RaplZone[]): string {
  const files = zones.map((z) => join(root, z.dir, 'energy_uj')).join(' ')
  return [
    'RAPL counters are readable only by root since the fix for CVE-2020-8694 (Nov 2020). LiGO Studio does not need',
    'root; grant this user read access instead (administrator commands):',
    `  until the next reboot:  sudo chmod o+r ${files}`,
    `  or for this user only:  sudo setfacl -m u:$USER:r ${files}`,
    '  permanently, through a "powercap" group and a udev rule:',
    '    sudo groupadd -f powercap && sudo usermod -aG powercap $USER   (then log in again)',
    '    /etc/udev/rules.d/99-powercap.rules:',
    '      SUBSYSTEM=="powercap", ACTION=="add", RUN+="/bin/chgrp powercap /sys%p/energy_uj", RUN+="/bin/chmod g+r /sys%p/energy_uj"',
    '    sudo udevadm control --reload && sudo udevadm trigger --subsystem-match=powercap',
    'Granting read access re-exposes the power side channel the CVE closed; on shared machines prefer the estimate.',
  ].join('\n')
}
