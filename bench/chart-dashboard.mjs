// Screenshots of the runs page with a large comparison (issue 12: the dashboard stays honest under load): writes a
// finished comparison of 4 methods × 3 seeds with 100,000 evaluations in all into the workspace of a fresh
// `ligo serve` (the experiment folder of engine/experiments/README.md, as the host reads it), opens its page in
// Chromium in light and dark, and saves full-page shots. Needs the built app (out/: `npx electron-vite build`).
//
//   node bench/chart-dashboard.mjs [--points 100000] [--out test-results] [--name chart-dashboard]
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { assertBuilt, openBrowser, screenshot, setColorScheme, startServe } from '../test/e2e/helpers/studio.mjs'

const args = process.argv.slice(2)
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const points = Number(option('--points', '100000'))
const name = option('--name', 'chart-dashboard')
const methods = ['scratch', 'ligo', 'stackbert', 'bert2bert']
const seeds = [0, 1, 2]
const id = 'cmp-large-chart'

/** One run's metrics log: a loss curve with evaluation noise, each seed at its own seconds per step. */
function metricsLog(m, seed, steps) {
  const lines = []
  for (let i = 1; i <= steps; i++) {
    const r = m * seeds.length + seed
    const noise = Math.sin(i * 12.9898 + r * 78.233) * 43758.5453
    const loss = 7 - (3 - 0.3 * m) * (Math.log1p(i / 100) / Math.log1p(steps / 100)) + 0.08 * (noise - Math.floor(noise) - 0.5) + 0.04 * Math.sin(i / 40 + r)
    lines.push(JSON.stringify({ step: i, examples: i * 8, flops: i * (1 + 0.1 * m) * 1e12, wallSeconds: i * (0.1 + 0.013 * r), cpuSeconds: i * 0.2, trainLoss: loss + 0.1, trainLossMean: loss + 0.1, gradNorm: 1, lr: 1e-4, eval: { loss, examples: 64 } }))
  }
  return `${lines.join('\n')}\n`
}

function writeComparison(workspace) {
  const dir = join(workspace, 'comparisons', id)
  const steps = Math.round(points / (methods.length * seeds.length))
  const createdAt = '2026-12-01T10:00:00.000Z'
  mkdirSync(dir, { recursive: true })
  const params = { from: 'bert-mini', to: 'bert-mini-grown', methods, budget: { kind: 'steps', value: steps }, seeds: seeds.length, seed: 0, data: 'moby-dick' }
  writeFileSync(join(dir, 'studio-run.json'), JSON.stringify({ format: 'ligo-studio-run', version: 1, id, params, state: 'finished', createdAt, error: null }))
  const runs = {}
  methods.forEach((method, m) =>
    seeds.forEach((seed) => {
      const key = `${method}-seed${seed}`
      runs[key] = { status: 'done' }
      mkdirSync(join(dir, key))
      writeFileSync(join(dir, key, 'manifest.json'), JSON.stringify({ createdAt, backend: 'wasm', growth: { initial: { loss: 7.05, flops: m * 1e13, wallSeconds: m, joules: null } } }))
      writeFileSync(join(dir, key, 'metrics.jsonl'), metricsLog(m, seed, steps))
    }),
  )
  writeFileSync(join(dir, 'experiment.json'), JSON.stringify({ settings: { methods, seeds }, runs, sourceLoss: { 0: 4.4, 1: 4.5, 2: 4.45 } }))
}

assertBuilt()
const server = await startServe()
let browser
try {
  writeComparison(server.workspace)
  browser = await openBrowser(server.url)
  const page = browser.page
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.goto(`${server.origin}/#/runs?run=${id}`)
  await page.waitForFunction((n) => Number(document.body.textContent.match(/(\d+) points so far/)?.[1]) >= n, points, { timeout: 120_000 })
  // wall time: every seed at its own x (the layout that used to cost a table over the union of all x values)
  await page.getByTestId('chart-axis').selectOption('wallSeconds')
  for (const scheme of ['light', 'dark']) {
    await setColorScheme(page, scheme)
    await page.waitForTimeout(500)
    console.log(await screenshot(page, `${name}-${scheme}`))
  }
  // zoom: drag across a fifth of the plot (re-decimated from the full lines), then hover for the read-out
  const box = await page.locator('[data-testid=loss-chart] .u-over').boundingBox()
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 })
  await page.mouse.up()
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2)
  await page.getByTestId('chart-readout').waitFor()
  console.log(await screenshot(page, `${name}-zoomed-dark`))
} finally {
  await browser?.close()
  await server.stop()
}
