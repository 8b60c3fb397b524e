/**
 * Peak memory of the reference model's training (bench/reference-model.ts) against PyTorch's on the same model:
 * each configuration runs in its own process, which reports its peak resident set size (getrusage maxrss) after
 * `--steps` training steps, and the RSS before training (runtime, model and inputs loaded).
 *
 *   npx tsx bench/memory.ts [--steps 4] [--threads 2]     (python3-torch for the PyTorch column)
 *
 * The target ("Engine speed"): the engine's peak within 1.5× PyTorch's.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

type Variant = 'full' | 'mlm15'
interface Peak { maxRssMiB: number; beforeMiB: number; note?: string }

const args = process.argv.slice(2)
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const STEPS = Number(option('--steps', '4'))
const THREADS = option('--threads', '2')

/** Child: trains `variant` for STEPS steps on the engine's path (`native`: with the addon) and prints its peaks. */
async function child(variant: Variant, native: boolean): Promise<void> {
  await import('@tensorflow/tfjs') // gradients
  const { loadNativeAddon, registerNativeKernels } = await import('../src/engine/backend/native-kernels')
  const model = await import('./reference-model')
  await model.useWasm()
  const loaded = loadNativeAddon()
  if (native) {
    if (!loaded.ok) throw new Error(`bench/memory: the native addon is not there (${loaded.reason})`)
    registerNativeKernels(loaded.addon)
    loaded.addon.setThreads(Number(THREADS), Number(THREADS))
  }
  const inputs = model.makeInputs()
  const params = model.makeVariables('memory')
  const trainer = model.engineTrainer(params, model.engineLossFn(inputs), variant)
  const beforeMiB = process.resourceUsage().maxRSS / 1024
  for (let i = 0; i < STEPS; i++) trainer.step()
  console.log(`RESULT ${JSON.stringify({ maxRssMiB: process.resourceUsage().maxRSS / 1024, beforeMiB })}`)
}

function runEngine(variant: Variant, native: boolean): Peak {
  const run = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', variant, native ? 'native' : 'wasm', '--steps', String(STEPS), '--threads', THREADS], { encoding: 'utf8', timeout: 600_000 })
  const line = run.stdout?.split('\n').find((l) => l.startsWith('RESULT '))
  if (!line) return { maxRssMiB: NaN, beforeMiB: NaN, note: `failed: ${(run.stderr ?? '').trim().split('\n').slice(-3).join(' ')}` }
  return JSON.parse(line.slice('RESULT '.length)) as Peak
}

function runTorch(variant: Variant): Peak {
  const python = '/usr/bin/python3'
  if (!existsSync(python) || spawnSync(python, ['-c', 'import torch']).status !== 0) return { maxRssMiB: NaN, beforeMiB: NaN, note: 'python3-torch not installed' }
  const run = spawnSync(python, [join(__dirname, 'torch_peer.py'), '--threads', THREADS, '--losses', variant, '--steps', String(STEPS), '--warmup', '0'], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: THREADS, OMP_WAIT_POLICY: 'PASSIVE' },
    timeout: 600_000,
  })
  if (run.status !== 0) return { maxRssMiB: NaN, beforeMiB: NaN, note: `failed: ${run.stderr.trim().split('\n').pop()}` }
  const r = JSON.parse(run.stdout.trim().split('\n').pop()!) as { max_rss_mib: number; rss_before_training_mib: number }
  return { maxRssMiB: r.max_rss_mib, beforeMiB: r.rss_before_training_mib }
}

function main(): void {
  const mib = (v: number) => (Number.isNaN(v) ? '–' : v.toFixed(0))
  const lines = [
    `Peak memory (maxrss, MiB) of ${STEPS} training steps, ${THREADS} threads, one process per cell; "+train" = peak minus the RSS before training`,
    '',
    '| path | full peak | full +train | mlm15 peak | mlm15 +train |',
    '| --- | ---: | ---: | ---: | ---: |',
  ]
  const results: Record<string, Record<Variant, Peak>> = {}
  const paths: Array<[string, (v: Variant) => Peak]> = [
    ['engine on wasm + native addon', (v) => runEngine(v, true)],
    ['engine on wasm, no addon', (v) => runEngine(v, false)],
    ['PyTorch', runTorch],
  ]
  for (const [label, run] of paths) {
    const row = { full: run('full'), mlm15: run('mlm15') }
    results[label] = row
    console.error(`  ${label}: ${JSON.stringify(row)}`)
    const note = row.full.note ?? row.mlm15.note
    lines.push(note ? `| ${label} | ${note} | | | |` : `| ${label} | ${mib(row.full.maxRssMiB)} | ${mib(row.full.maxRssMiB - row.full.beforeMiB)} | ${mib(row.mlm15.maxRssMiB)} | ${mib(row.mlm15.maxRssMiB - row.mlm15.beforeMiB)} |`)
  }
  const torch = results['PyTorch']
  for (const label of ['engine on wasm + native addon', 'engine on wasm, no addon']) {
    const e = results[label]
    const ratio = (v: Variant) => (e[v].maxRssMiB / torch[v].maxRssMiB).toFixed(2)
    if (!torch.full.note && !e.full.note) lines.push('', `${label} / PyTorch peak: full ${ratio('full')}×, mlm15 ${ratio('mlm15')}× (target ≤ 1.5×)`)
  }
  console.log(lines.join('\n'))
}

if (args.includes('--child')) {
  child(option('--child', 'full') as Variant, args[args.indexOf('--child') + 2] === 'native').catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
} else {
  main()
}
