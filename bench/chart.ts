/**
 * `npm run bench:chart`: redraw time of the loss chart with 100,000 points in Chromium (issue 12: "a chart of
 * 100,000 points redraws in under 16 ms"). Bundles bench/chart-page.ts with esbuild, opens it in headless Chromium
 * (playwright-core, /usr/bin/chromium or CHROMIUM_PATH) and prints the median of many full redraws. Not a test:
 * timings depend on the machine.
 *
 *   npx tsx bench/chart.ts [--points 100000] [--methods 4] [--repeats 60] [--smoothing 0]   (smoothing > 0 adds the raw series behind: twice the points)
 */
import { build } from 'esbuild'
import { chromium } from 'playwright-core'

const args = process.argv.slice(2)
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback)
const settings = { points: option('--points', 100_000), methods: option('--methods', 4), repeats: option('--repeats', 60), smoothing: option('--smoothing', 0) }
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

async function main(): Promise<void> {
  const bundle = await build({ entryPoints: [new URL('./chart-page.ts', import.meta.url).pathname], bundle: true, write: false, format: 'iife', target: 'chrome120' })
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 600 }, deviceScaleFactor: 1 })
    await page.setContent('<!doctype html><html><body></body></html>')
    await page.addScriptTag({ content: bundle.outputFiles[0].text })
    const result = await page.evaluate((s) => (globalThis as unknown as { runChartBench: (o: typeof s) => Promise<Record<string, number>> }).runChartBench(s), settings)
    const version = browser.version()
    console.log(`Chromium ${version} (headless, software rendering), ${result.series} series, ${result.points} points drawn, ${settings.repeats} repeats`)
    console.log(`build chart data (smoothing ${settings.smoothing}): ${result.buildMs.toFixed(1)} ms`)
    console.log(`full redraw (paths + axes): median ${result.redrawMedianMs.toFixed(2)} ms, max ${result.redrawMaxMs.toFixed(2)} ms  (target < 16 ms)`)
    console.log(`live update (setData + redraw): median ${result.setDataMedianMs.toFixed(2)} ms`)
  } finally {
    await browser.close()
  }
}

void main()
