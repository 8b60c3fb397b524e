/**
 * Fake energy hardware for tests (ours and the CLI's `ligo info` tests): a powercap tree in a temporary folder and
 * an nvidia-smi shell script that prints canned CSV, one response per call, and can fail or refuse a field.
 * Not used at run time.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface FakeZone {
  /** Directory name, e.g. "intel-rapl:0" or "intel-rapl:0:2". */
  dir: string
  name: string
  energyUj: number
  /** Omitted = no max_energy_range_uj file. */
  maxEnergyRangeUj?: number
}

export interface FakePowercapTree {
  root: string
  setEnergy(dir: string, energyUj: number): Promise<void>
  remove(): Promise<void>
}

export async function createFakePowercapTree(zones: FakeZone[]): Promise<FakePowercapTree> {
  const base = await mkdtemp(join(tmpdir(), 'ligo-powercap-'))
  const root = join(base, 'powercap')
  await mkdir(root)
  for (const zone of zones) {
    const dir = join(root, zone.dir)
    await mkdir(dir)
    await writeFile(join(dir, 'name'), `${zone.name}\n`)
    await writeFile(join(dir, 'energy_uj'), `${zone.energyUj}\n`)
    if (zone.maxEnergyRangeUj !== undefined) await writeFile(join(dir, 'max_energy_range_uj'), `${zone.maxEnergyRangeUj}\n`)
  }
  return {
    root,
    setEnergy: (dir, energyUj) => writeFile(join(root, dir, 'energy_uj'), `${energyUj}\n`),
    remove: () => rm(base, { recursive: true, force: true }),
  }
}

export interface FakeNvidiaSmi {
  /** Path of the executable script. */
  executable: string
  /** What call number `call` (1-based) prints; calls past the last scripted one repeat the default. */
  respond(call: number, stdout: string): Promise<void>
  respondDefault(stdout: string): Promise<void>
  /** Make call `call` (or every later call with 'default') fail with this exit code and stderr. */
  fail(call: number | 'default', exitCode: number, stderr: string): Promise<void>
  /** Behave like an nvidia-smi that does not know the energy counter field. */
  rejectEnergyField(): Promise<void>
  /** Argument lines of every call so far. */
  calls(): Promise<string[]>
  remove(): Promise<void>
}

export async function createFakeNvidiaSmi(): Promise<FakeNvidiaSmi> {
  const dir = await mkdtemp(join(tmpdir(), 'ligo-nvidia-smi-'))
  const executable = join(dir, 'nvidia-smi')
  const script = `#!/bin/sh
dir="$(dirname "$0")"
n=$(cat "$dir/calls" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" > "$dir/calls"
echo "$*" >> "$dir/args.log"
case "$*" in
  *total_energy_consumption*)
    if [ -f "$dir/no-energy-field" ]; then
      echo 'Field "total_energy_consumption" is not a valid field to query.'
      exit 2
    fi;;
esac
f="$dir/response-$n"
[ -f "$f" ] || [ -f "$f.exit" ] || f="$dir/response-default"
if [ -f "$f.exit" ]; then
  cat "$f.stderr" >&2
  exit "$(cat "$f.exit")"
fi
cat "$f" 2>/dev/null
`
  await writeFile(executable, script)
  await chmod(executable, 0o755)
  return {
    executable,
    respond: (call, stdout) => writeFile(join(dir, `response-${call}`), stdout),
    respondDefault: (stdout) => writeFile(join(dir, 'response-default'), stdout),
    fail: async (call, exitCode, stderr) => {
      const name = call === 'default' ? 'response-default' : `response-${call}`
      await writeFile(join(dir, `${name}.exit`), String(exitCode))
      await writeFile(join(dir, `${name}.stderr`), `${stderr}\n`)
    },
    rejectEnergyField: () => writeFile(join(dir, 'no-energy-field'), ''),
    calls: async () => (await readFile(join(dir, 'args.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean),
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}
