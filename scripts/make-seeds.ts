/**
 * Regenerates the built-in pretrained seeds in resources/seeds: for each seed, `ligo train` (the real CLI command,
 * in-process, with the engine started from source) with fixed seeds and settings, then `ligo export` to the HF or
 * timm layout, then TRAINING.md, a trimmed metrics.jsonl and the seed's entry in resources/seeds/index.json.
 *
 *   npx tsx scripts/make-seeds.ts                      # all seeds, one after the other
 *   npx tsx scripts/make-seeds.ts --only vit-mnist     # some (comma-separated); other index entries are kept
 *   npx tsx scripts/make-seeds.ts --readme-only        # only rewrite resources/seeds/README.md from index.json
 *   npx tsx scripts/make-seeds.ts --work /tmp/seed-runs  # where the run folders go (default .tmp/seed-runs, git-ignored)
 *
 * Each seed folder also gets data-split.json (the data and train/validation split it trained on).
 * Runs are deterministic given the backend (weights, data order, masks and dropout come from --seed); wall times differ.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { createEngineHost } from '../src/host/engine-client'
import { createNodeEngineLauncher, sourceEngineLauncherOptions } from '../src/host/node-launcher'
import { main, type MainIo } from '../src/cli/main'
import { getPreset } from '../src/engine/models/presets'
import { parameterCount } from '../src/engine/models/param-count'
import { getCorpus } from '../src/engine/data/corpora'
import { runManifestSplit, splitRecord, splitRecordJson, SPLIT_RECORD_FILE } from '../src/engine/data/split-record'
import type { MetricRecord, RunManifest } from '../src/shared/train'
import { SEED_INDEX_FILE, SEED_INDEX_VERSION, type SeedEntry, type SeedIndex } from '../src/engine/seeds'

const REPO = resolve(__dirname, '..')
const SEEDS_DIR = join(REPO, 'resources', 'seeds')

interface SeedRecipe {
  name: string
  description: string
  task: SeedEntry['task']
  preset: string
  data: string
  format: 'hf' | 'timm'
  /** `ligo train` flags besides --model, --data and --out. */
  train: string[]
}

/**
 * Sizes: the growth benchmark grows these by depth x2 and width x1.5, so heads stay 64 wide (text) or 32 wide
 * (vision) and the grown hidden sizes (192, 96) split into 3 heads. Steps are sized for ~2-8 minutes each on 2 CPU
 * cores with the wasm backend.
 */
const SEED_RECIPES: readonly SeedRecipe[] = [
  {
    name: 'bert-moby',
    description: 'BERT-style encoder (2L, 128H, 2 heads) pretrained with masked LM on Moby-Dick, WordPiece 4000',
    task: 'masked-lm',
    preset: 'bert-seed',
    data: 'moby-dick',
    format: 'hf',
    train: ['--steps', '700', '--batch', '16', '--seq', '128', '--lr', '1e-3', '--warmup', '70', '--schedule', 'linear', '--weight-decay', '0.01', '--clip', '1', '--seed', '0', '--eval-every', '100', '--checkpoint-every', '100'],
  },
  {
    name: 'gpt2-moby',
    description: 'GPT-2-style decoder (2L, 128H, 2 heads) pretrained with causal LM on Moby-Dick, byte-level BPE 4000',
    task: 'causal-lm',
    preset: 'gpt2-seed',
    data: 'moby-dick',
    format: 'hf',
    train: ['--steps', '500', '--batch', '16', '--seq', '128', '--lr', '1e-3', '--warmup', '50', '--schedule', 'linear', '--weight-decay', '0.01', '--clip', '1', '--seed', '0', '--eval-every', '100', '--checkpoint-every', '100'],
  },
  {
    name: 'vit-mnist',
    description: 'ViT (4L, 64H, 2 heads, patch 7) trained on the built-in MNIST digits',
    task: 'image-classification',
    preset: 'vit-mini',
    data: 'mnist',
    format: 'hf',
    train: ['--steps', '1200', '--batch', '64', '--lr', '2e-3', '--warmup', '100', '--schedule', 'cosine', '--weight-decay', '0.05', '--clip', '1', '--seed', '0', '--eval-every', '100', '--checkpoint-every', '100'],
  },
  {
    name: 'cait-mnist',
    description: 'CaiT (4 SA + 2 class-attention blocks, 64H, 2 heads, patch 7) trained on the built-in MNIST digits',
    task: 'image-classification',
    preset: 'cait-mini',
    data: 'mnist',
    format: 'timm',
    train: ['--steps', '2000', '--batch', '64', '--lr', '2e-3', '--warmup', '100', '--schedule', 'cosine', '--weight-decay', '0.05', '--clip', '1', '--seed', '0', '--eval-every', '100', '--checkpoint-every', '100'],
  },
]

function cliIo(): MainIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    exit: () => {},
    env: process.env,
    onShutdownSignal: () => () => {},
    startEngine: (choice) => createEngineHost(createNodeEngineLauncher({ ...sourceEngineLauncherOptions(), onLog: (line) => process.stderr.write(`[engine] ${line}\n`) }), choice),
  }
}

async function ligo(argv: string[]): Promise<void> {
  process.stderr.write(`$ ligo ${argv.join(' ')}\n`)
  const code = await main(argv, cliIo())
  if (code !== 0) throw new Error(`ligo ${argv[0]} exited with ${code}`)
}

function folderBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0)
}

function readMetrics(runDir: string): MetricRecord[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as MetricRecord)
}

/** The run's metrics lines without the per-sample energy readings (the bulk of each line); every line is kept. */
function trimmedMetrics(lines: MetricRecord[]): string {
  return lines.map((l) => {
    const { energy, ...rest } = l as MetricRecord & { energy?: Record<string, unknown> }
    const slim = energy ? { ...rest, energy: { joules: energy.joules, accuracy: energy.accuracy } } : rest
    return JSON.stringify(slim)
  }).join('\n') + '\n'
}

function lastEval(lines: MetricRecord[]): NonNullable<MetricRecord['eval']> {
  const withEval = lines.filter((l) => l.eval)
  if (withEval.length === 0) throw new Error('the run logged no evaluation')
  return withEval[withEval.length - 1].eval!
}

function trainingMarkdown(recipe: SeedRecipe, manifest: RunManifest, lines: MetricRecord[], command: string, wallSeconds: number, entry: SeedEntry): string {
  const last = lines[lines.length - 1]
  const ev = lastEval(lines)
  const hw = manifest.hardware
  const machine = hw ? `${hw.cpu.model}, ${hw.cpu.cores} cores (${hw.platform}, ${hw.threads} thread(s)), Node ${hw.runtime.node}, TF.js ${hw.tfjsVersion}` : 'not recorded'
  const corpus = getCorpus(recipe.data)
  const quality = ev.accuracy !== undefined ? `validation accuracy ${(ev.accuracy * 100).toFixed(2)}%` : `validation perplexity ${ev.perplexity?.toFixed(2)}`
  const t = manifest.training
  return `# ${recipe.name}: how it was trained

${recipe.description}.

| | |
|---|---|
| model | preset \`${recipe.preset}\` (${manifest.model.family}), ${manifest.model.parameters.toLocaleString('en-US')} parameters |
| data | \`${recipe.data}\`: ${corpus.title}; ${manifest.data.trainExamples} training / ${manifest.data.validationExamples} validation ${corpus.kind === 'text' ? `sequences of ${t.seqLen} tokens (split by document)` : 'images'}; licence ${corpus.license} |
${manifest.data.tokenizer ? `| tokenizer | ${(manifest.data.tokenizer as { kind: string }).kind}, ${(manifest.data.tokenizer as { vocabSize: number }).vocabSize} ids, trained on the training split |\n` : ''}| objective | ${manifest.data.objective} |
| settings | ${t.steps} steps, batch ${t.batchSize}, AdamW lr ${t.learningRate} (warmup ${t.warmupSteps}, ${t.schedule} decay), weight decay ${t.weightDecay}, clip ${t.clipNorm}, seed ${manifest.seed} |
| seen | ${last.examples.toLocaleString('en-US')} ${corpus.kind === 'text' ? `sequences (${(last.tokens ?? 0).toLocaleString('en-US')} tokens)` : 'images'}, ${last.flops.toExponential(3)} FLOPs (ELECTRA-style counter) |
| final train loss | ${last.trainLoss.toFixed(4)} (mean of the last ${t.logEvery} steps: ${last.trainLossMean.toFixed(4)}) |
| final validation | loss ${ev.loss.toFixed(4)}, ${quality} on ${ev.examples} ${corpus.kind === 'text' ? 'sequences' : 'images'} |
| wall time | ${wallSeconds.toFixed(0)} s for the whole \`ligo train\` command (training loop ${last.wallSeconds.toFixed(0)} s) |
| machine | ${machine}; backend ${manifest.backend} |
| date | ${manifest.createdAt} (host ${hostname()}) |
| export | \`${recipe.format}\` layout, ${entry.files.length} files, ${(entry.bytes / 1e6).toFixed(2)} MB |

Exact commands (what scripts/make-seeds.ts ran):

\`\`\`sh
${command}
\`\`\`

Regenerate this seed alone: \`npx tsx scripts/make-seeds.ts --only ${recipe.name}\`.
\`metrics.jsonl\` is the run's metrics log (one line per ${t.logEvery} steps; energy readings cut to the joules).
`
}

function readIndex(): SeedIndex {
  const path = join(SEEDS_DIR, SEED_INDEX_FILE)
  if (!existsSync(path)) return { version: SEED_INDEX_VERSION, seeds: [] }
  return JSON.parse(readFileSync(path, 'utf8')) as SeedIndex
}

function writeIndex(entry: SeedEntry): void {
  const index = readIndex()
  const order = SEED_RECIPES.map((r) => r.name)
  const seeds = [...index.seeds.filter((s) => s.name !== entry.name), entry].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name))
  writeFileSync(join(SEEDS_DIR, SEED_INDEX_FILE), `${JSON.stringify({ version: SEED_INDEX_VERSION, seeds }, null, 2)}\n`)
}

function shapeLine(e: SeedEntry): string {
  const z = e.sizes
  const blocks = z.numClassLayers !== undefined ? `${z.numLayers} SA + ${z.numClassLayers} CA blocks` : `${z.numLayers} layers`
  const input = z.vocabSize !== undefined ? `vocab ${z.vocabSize}, ${z.maxPositions} positions` : `${z.imageSize}x${z.imageSize}x${z.numChannels}, patch ${z.patchSize}, ${z.numClasses} classes`
  return `${blocks}, hidden ${z.hiddenSize}, ${z.numHeads} heads, FFN ${z.intermediateSize}, ${input}`
}

function qualityOf(e: SeedEntry): string {
  const v = e.training.validation
  return `val. loss ${v.loss.toFixed(3)}${v.accuracy !== undefined ? `, accuracy ${(v.accuracy * 100).toFixed(1)}%` : `, perplexity ${v.perplexity?.toFixed(1)}`}`
}

/** resources/seeds/README.md from the index, so it never disagrees with it. */
function writeReadme(): void {
  const { seeds } = readIndex()
  const rows = seeds.map((e) => `| \`${e.name}\` | ${e.family} (${e.format}) | ${e.task} on \`${e.data}\` | ${shapeLine(e)} | ${e.parameters.toLocaleString('en-US')} | ${(e.bytes / 1e6).toFixed(2)} MB | ${e.training.steps} steps, ${e.training.wallSeconds} s | ${qualityOf(e)} |`)
  const licences = [...new Set(seeds.map((e) => e.data))].map((id) => `- \`${id}\`: ${getCorpus(id).title}. Licence: ${getCorpus(id).license}. Source: ${getCorpus(id).source}.`)
  writeFileSync(join(SEEDS_DIR, 'README.md'), `# Built-in pretrained seeds

Small models trained by \`ligo train\` on the data that ships with LiGO Studio, so a new user has something to grow on
day one without a download. Each folder is a HuggingFace (\`hf\`) or timm checkpoint folder that transformers/timm
load as it is, with its tokenizer (text models), \`TRAINING.md\` (data, settings, final metrics, wall time, machine,
date and the exact commands), the run's \`metrics.jsonl\` and \`data-split.json\` (the data and the train/validation
split it trained on: \`ligo compare\` validates grown models on the held-out side, docs/growth/split-policy.md). They
are tiny and briefly trained: good growth sources and test subjects, not useful language or vision models.

| seed | family | trained for | sizes | parameters | folder | training | held-out quality |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Widths keep 64-wide (text) or 32-wide (vision) heads, so the growth benchmark's depth x2, width x1.5 targets
(hidden 192 / 96 with 3 heads) are valid configs.

\`index.json\` is the registry as data (name, family, task, path, format, preset, sizes, parameter count, bytes, files,
training summary); \`src/engine/seeds.ts\` finds this folder (source tree, built app or packaged resources;
\`LIGO_SEEDS_DIR\` overrides) and resolves a seed name to its folder for the model zoo and \`ligo grow --from <seed>\`.
\`test/seeds/builtin-seeds.test.ts\` loads every seed through the checkpoint importer and checks its quality on
held-out data.

## Data licences

${licences.join('\n')}

The model weights are released under the project's licence (Apache-2.0).

## Regenerating

\`\`\`sh
npx tsx scripts/make-seeds.ts                     # all seeds, one after the other (about 15 minutes on 2 idle CPU cores)
npx tsx scripts/make-seeds.ts --only gpt2-moby    # one seed; the other entries of index.json are kept
\`\`\`

The script runs \`ligo train\` with fixed seeds and settings (listed in the script and in each TRAINING.md), then
\`ligo export --format hf|timm\`, then writes TRAINING.md, metrics.jsonl (energy samples cut), index.json and this README.
Run folders go to \`.tmp/seed-runs\` (git-ignored). Weights are reproducible on the same backend; wall times are not.
`)
}

function sizesOf(config: Record<string, unknown>): SeedEntry['sizes'] {
  const keys = ['numLayers', 'numClassLayers', 'hiddenSize', 'numHeads', 'intermediateSize', 'vocabSize', 'maxPositions', 'imageSize', 'patchSize', 'numChannels', 'numClasses'] as const
  return Object.fromEntries(keys.filter((k) => typeof config[k] === 'number').map((k) => [k, config[k] as number]))
}

async function makeSeed(recipe: SeedRecipe, workDir: string): Promise<void> {
  const runDir = join(workDir, recipe.name)
  const seedDir = join(SEEDS_DIR, recipe.name)
  rmSync(runDir, { recursive: true, force: true })
  const trainArgv = ['train', '--model', recipe.preset, '--data', recipe.data, ...recipe.train, '--out', runDir]
  const started = process.hrtime.bigint()
  await ligo(trainArgv)
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9
  rmSync(seedDir, { recursive: true, force: true })
  const exportArgv = ['export', runDir, '--format', recipe.format, '--out', seedDir]
  await ligo(exportArgv)

  const manifest = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as RunManifest
  const lines = readMetrics(runDir)
  writeFileSync(join(seedDir, 'metrics.jsonl'), trimmedMetrics(lines))
  // The split the seed trained on travels with it: `ligo compare` evaluates grown models on its held-out side.
  writeFileSync(join(seedDir, SPLIT_RECORD_FILE), splitRecordJson(splitRecord(recipe.data, runManifestSplit(manifest))))
  const ev = lastEval(lines)
  const last = lines[lines.length - 1]
  const config = manifest.model.config
  if (parameterCount(getPreset(recipe.preset).config) !== manifest.model.parameters) throw new Error(`${recipe.name}: the run's parameter count differs from preset ${recipe.preset}`)
  const shown = (argv: string[]) => `ligo ${argv.map((a) => (a.startsWith(REPO) ? relative(REPO, a) : a)).join(' ')}`
  const command = `${shown(trainArgv)}\n${shown(exportArgv)}`
  const entry: SeedEntry = {
    name: recipe.name,
    family: manifest.model.family as SeedEntry['family'],
    task: recipe.task,
    description: recipe.description,
    path: recipe.name,
    format: recipe.format,
    preset: recipe.preset,
    data: recipe.data,
    sizes: sizesOf(config),
    parameters: manifest.model.parameters,
    bytes: 0,
    files: [],
    training: {
      steps: last.step,
      examples: last.examples,
      ...(last.tokens !== undefined ? { tokens: last.tokens } : {}),
      flops: last.flops,
      trainLoss: last.trainLoss,
      validation: { ...ev },
      wallSeconds: Math.round(wallSeconds),
      date: manifest.createdAt,
    },
  }
  // TRAINING.md names the folder's size, so write it once with a placeholder, then measure and rewrite.
  for (let pass = 0; pass < 2; pass++) {
    writeFileSync(join(seedDir, 'TRAINING.md'), trainingMarkdown(recipe, manifest, lines, command, wallSeconds, entry))
    entry.files = readdirSync(seedDir).sort()
    entry.bytes = folderBytes(seedDir)
  }
  writeIndex(entry)
  process.stderr.write(`${recipe.name}: ${(entry.bytes / 1e6).toFixed(2)} MB, ${wallSeconds.toFixed(0)} s, validation ${JSON.stringify(ev)}\n`)
}

async function run(argv: string[]): Promise<void> {
  const flag = (name: string) => {
    const i = argv.indexOf(name)
    return i >= 0 ? argv[i + 1] : undefined
  }
  if (argv.includes('--readme-only')) return writeReadme()
  const only = flag('--only')?.split(',')
  const unknown = only?.filter((n) => !SEED_RECIPES.some((r) => r.name === n)) ?? []
  if (unknown.length > 0) throw new Error(`Unknown seed(s) ${unknown.join(', ')}. Expected: ${SEED_RECIPES.map((r) => r.name).join(', ')}`)
  const workDir = resolve(flag('--work') ?? join(REPO, '.tmp', 'seed-runs'))
  mkdirSync(workDir, { recursive: true })
  mkdirSync(SEEDS_DIR, { recursive: true })
  for (const recipe of SEED_RECIPES) if (!only || only.includes(recipe.name)) await makeSeed(recipe, workDir)
  writeReadme()
}

run(process.argv.slice(2)).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`make-seeds: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  },
)
