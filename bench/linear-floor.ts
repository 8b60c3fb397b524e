/**
 * The GEMM floor of a family's training step: only its transformer blocks' linear layers (the fused q|k|v, output,
 * MLP up and down projections of every layer, forward and backward), called straight on the addon in a C-speed loop
 * with one buffer set per layer as a step has, on 1 and 2 threads. No TF.js, no attention, norms, activations or
 * optimizer: the time a step cannot go below with these BLAS calls, and the engine FLOP rate that would give (the
 * FLOPs counter's step figure over that time), next to the reference model's rate (bench/reference-model.ts).
 *
 *   npx tsx bench/linear-floor.ts [--family vit] [--repeats 12]    (bert, roberta, gpt2, vit, deit)
 */
import { loadNativeAddon } from '../src/engine/backend/native-kernels'
import { familyBench, type BenchFamily } from './family-models'
import { median } from './round-stats'

const args = process.argv.slice(2)
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const family = option('--family', 'vit') as BenchFamily
// CaiT's class-attention blocks have other shapes (one query row); the floor counts plain blocks only.
if (!['bert', 'roberta', 'gpt2', 'vit', 'deit'].includes(family)) {
  console.error(`--family must be bert, roberta, gpt2, vit or deit, got "${family}"`)
  process.exit(2)
}
const repeats = Number(option('--repeats', '12'))

const loaded = loadNativeAddon()
if (!loaded.ok) {
  console.error(`bench/linear-floor.ts needs the native addon: ${loaded.reason}`)
  process.exit(2)
}
const addon = loaded.addon
const bench = familyBench(family)
const { hiddenSize: h, intermediateSize: f, numLayers } = bench.config
const rows = 'vocabSize' in bench.config ? bench.items : bench.items * (((bench.config.imageSize / bench.config.patchSize) ** 2) + (family === 'deit' ? 2 : 1))
const shapes: Array<[number, number]> = [[h, 3 * h], [h, h], [h, f], [f, h]] // [in, out]: q|k|v, out, up, down
const layers = Array.from({ length: numLayers }, () =>
  shapes.map(([inF, outF]) => ({ inF, outF, x: new Float32Array(rows * inF).fill(0.5), w: new Float32Array(outF * inF).fill(0.01), b: new Float32Array(outF), y: new Float32Array(rows * outF), dx: new Float32Array(rows * inF), dw: new Float32Array(outF * inF), db: new Float32Array(outF) })),
).flat()
const realFlops = layers.reduce((total, l) => total + 6 * rows * l.inF * l.outF, 0)
console.log(`${family}: ${numLayers} layers, ${rows} rows, linear layers only; ${(realFlops / 1e9).toFixed(2)} GFLOP real per step, the counter's step ${(bench.stepFlops / 1e9).toFixed(2)} GFLOP`)
for (const threads of [1, 2]) {
  addon.setThreads(threads, threads)
  const times: number[] = []
  for (let r = 0; r < repeats + 2; r++) {
    const start = performance.now()
    for (const l of layers) addon.linearForward(l.x, l.w, l.b, rows, l.inF, l.outF, l.y)
    for (const l of [...layers].reverse()) addon.linearBackward(l.y, l.x, l.w, rows, l.inF, l.outF, l.dx, l.dw, l.db)
    if (r >= 2) times.push(performance.now() - start)
  }
  const ms = median(times)
  console.log(`${threads} thread(s): ${ms.toFixed(1)} ms, ${(realFlops / ms / 1e6).toFixed(1)} real GFLOP/s; a step of only these would be ${(bench.stepFlops / ms / 1e6).toFixed(1)} GFLOP/s by the counter`)
}
