/**
 * Watts per hardware thread for the CPU estimate: a representative part's rated power divided by its threads.
 * process.cpuUsage() counts CPU time per logical CPU, so one busy thread for one second costs wattsPerThread J.
 * Rows are tried in order (specific before generic); the first whose pattern matches os.cpus()[0].model wins.
 *
 * Figures are vendor-rated TDP / default TDP (Intel: base power "PBP"/TDP) and thread counts of the example part;
 * Apple publishes no TDP, so the M-series rows use approximate CPU package power under all-core load reported by
 * reviewers. The default (4 W per thread) is CodeCarbon's constant for unknown CPUs (product-anchors §1.9, item 7).
 * The estimate leaves out idle power and anything outside this process; it is labelled 'estimated' everywhere.
 */

export interface CpuPowerRow {
  /** Stable id for the record: 'amd-epyc-9004'. */
  id: string
  pattern: RegExp
  /** The part whose figures the row uses. */
  example: string
  ratedWatts: number
  threads: number
  basis: string
}

export const CPU_POWER_TABLE: readonly CpuPowerRow[] = [
  { id: 'amd-epyc-7003', pattern: /EPYC\s+7\d\d3/i, example: 'AMD EPYC 7763 (Milan, 64C/128T)', ratedWatts: 280, threads: 128, basis: 'default TDP' },
  { id: 'amd-epyc-9004', pattern: /EPYC/i, example: 'AMD EPYC 9654 (Genoa, 96C/192T)', ratedWatts: 360, threads: 192, basis: 'default TDP' },
  { id: 'amd-ryzen-mobile', pattern: /Ryzen.*\d{4}(U|HS|H)\b/i, example: 'AMD Ryzen 7 7840U (8C/16T)', ratedWatts: 28, threads: 16, basis: 'default TDP' },
  { id: 'amd-ryzen-9', pattern: /Ryzen\s+9/i, example: 'AMD Ryzen 9 7950X (16C/32T)', ratedWatts: 170, threads: 32, basis: 'default TDP' },
  { id: 'amd-ryzen', pattern: /Ryzen/i, example: 'AMD Ryzen 5 5600X (6C/12T)', ratedWatts: 65, threads: 12, basis: 'default TDP' },
  { id: 'intel-xeon-sapphire-rapids', pattern: /Xeon.*(Platinum|Gold)\s+\d4\d\d/i, example: 'Intel Xeon Platinum 8480+ (56C/112T)', ratedWatts: 350, threads: 112, basis: 'TDP' },
  { id: 'intel-xeon', pattern: /Xeon/i, example: 'Intel Xeon Platinum 8380 (Ice Lake, 40C/80T)', ratedWatts: 270, threads: 80, basis: 'TDP' },
  { id: 'intel-core-mobile', pattern: /Core.*i\d-\d{4,5}(U|G\d|P|H)\b|Core\s+Ultra/i, example: 'Intel Core i7-1165G7 (4C/8T)', ratedWatts: 28, threads: 8, basis: 'TDP (upper configurable)' },
  { id: 'intel-core-i9', pattern: /Core.*i9/i, example: 'Intel Core i9-13900K (24C/32T)', ratedWatts: 125, threads: 32, basis: 'processor base power' },
  { id: 'intel-core', pattern: /Core/i, example: 'Intel Core i5-12400 (6C/12T)', ratedWatts: 65, threads: 12, basis: 'processor base power' },
  { id: 'apple-m-pro-max', pattern: /Apple M\d+\s+(Pro|Max|Ultra)/i, example: 'Apple M1 Max (10 cores)', ratedWatts: 30, threads: 10, basis: 'approximate CPU package power under load (no published TDP)' },
  { id: 'apple-m', pattern: /Apple M\d+/i, example: 'Apple M1 (8 cores)', ratedWatts: 20, threads: 8, basis: 'approximate CPU package power under load (no published TDP)' },
]

export const DEFAULT_WATTS_PER_THREAD = 4

export interface CpuPowerEstimate {
  wattsPerThread: number
  /** The table row used, or null for the default. */
  row: CpuPowerRow | null
  /** One line for the record: "2.00 W per thread: AMD EPYC 9654 (Genoa, 96C/192T) default TDP 360 W / 192 threads". */
  description: string
}

export function cpuWattsPerThread(model: string, table: readonly CpuPowerRow[] = CPU_POWER_TABLE): CpuPowerEstimate {
  const row = table.find((r) => r.pattern.test(model)) ?? null
  if (!row) {
    return {
      wattsPerThread: DEFAULT_WATTS_PER_THREAD,
      row: null,
      description: `${DEFAULT_WATTS_PER_THREAD.toFixed(2)} W per thread: default for an unlisted CPU ("${model}")`,
    }
  }
  const wattsPerThread = row.ratedWatts / row.threads
  return {
    wattsPerThread,
    row,
    description: `${wattsPerThread.toFixed(2)} W per thread: ${row.example} ${row.basis} ${row.ratedWatts} W / ${row.threads} threads`,
  }
}
