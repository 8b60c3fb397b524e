/**
 * `npm run bench:chart`: the loss chart in Chromium (issue 12: "a chart of 100,000 points redraws in under 16 ms").
 * Bundles bench/chart-page.ts with esbuild, opens it in headless Chromium (playwright-core, /usr/bin/chromium or
 * CHROMIUM_PATH) and, for each size, draws the same methods × seeds chart (each seed at its own wall-clock x) with the
 * previous layout (a table over the union of every series' x values, bench/chart-baseline.ts) and with the decimated
 * table the app draws now (components/charts/decimated-chart.ts), taking turns, and prints for a full redraw, a live
 * update (every run logs a point; "live + build" with the chart data built for it: from all points before, appended
 * now) and a zoom the median wall time and the browser's CPU time per operation (all its processes, from /proc: on
 * a shared machine wall time stretches with the load). Not a test: timings depend on the machine, so the load
 * average is printed too.
 *
 *   npx tsx bench/chart.ts [--points 10000,100000,1000000] [--methods 4] [--seeds 3] [--repeats 60] [--smoothing 0]
 *                          [--screenshots DIR]   (the 100,000-point chart by both layouts, light and dark, and their pixel difference)
 */
import { build } from 'esbuild'
import { readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright-core'

const args = process.argv.slice(2)
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const sizes = option('--points', '10000,100000,1000000').split(',').map(Number)
const settings = { methods: Number(option('--methods', '4')), seeds: Number(option('--seeds', '3')), repeats: Number(option('--repeats', '60')), smoothing: Number(option('--smoothing', '0')), width: 1000, height: 400 }
const screenshots = args.includes('--screenshots') ? option('--screenshots', 'test-results') : null
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/** The page's light and dark colours (src/renderer/src/styles/base.css: --text, --muted, --border, --surface). */
const THEMES = {
  light: { ink: '#1d232b', muted: '#5b6573', grid: '#d9dde3', background: '#ffffff' },
  dark: { ink: '#e4e7ec', muted: '#9aa4b2', grid: '#353b45', background: '#1d2127' },
}

interface Setup {
  series: number
  linePoints: number
  cells: number[]
  layoutMs: number[]
  buildMs: number
}

type PageApi = {
  setupBench(o: object): Setup
  benchRedraws(c: number, n: number): Promise<number[]>
  benchRaster(c: number, n: number): Promise<Record<string, number>>
  benchLive(c: number): Promise<Array<[number, number]>>
  benchLiveBuild(c: number): Promise<number[]>
  benchZooms(c: number, n: number): Promise<number[]>
  teardownBench(): void
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ')
const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)} ms`
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const TICK_MS = 10 // /proc/<pid>/stat counts CPU time in clock ticks of 1/100 s (USER_HZ on Linux)

/**
 * CPU milliseconds used so far by a process and all its descendants (Chromium's browser, renderer and GPU processes).
 * On a machine shared with other jobs wall-clock times stretch with the load; CPU time much less so.
 */
function treeCpuMs(root: number): number {
  const stats = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((pid) => {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()!.split(' ')
        return [{ pid: Number(pid), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) }]
      } catch {
        return [] // the process ended meanwhile
      }
    })
  const tree = new Set([root])
  for (let grew = true; grew; ) {
    grew = false
    for (const s of stats) if (!tree.has(s.pid) && tree.has(s.ppid)) tree.add(s.pid), (grew = true)
  }
  return stats.filter((s) => tree.has(s.pid)).reduce((n, s) => n + s.ticks, 0) * TICK_MS
}

/** The Chromium that playwright started: this process's child (playwright-core's Browser does not expose it). */
function launchedBrowserPid(): number {
  const child = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .find((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
        return Number(stat.split(') ').pop()!.split(' ')[1]) === process.pid && /chrom/i.test(stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')))
      } catch {
        return false
      }
    })
  if (!child) throw new Error('bench:chart: cannot find the Chromium process it started in /proc (CPU times need Linux)')
  return Number(child)
}

/** Runs step(c) for both charts turn about (`rounds` times), with the browser's CPU time around each. */
async function turnAbout<T>(rounds: number, browserPid: number, step: (c: number) => Promise<T[]>): Promise<Array<{ values: T[]; cpuMs: number }>> {
  const out = [0, 1].map(() => ({ values: [] as T[], cpuMs: 0 }))
  for (let r = 0; r < rounds; r++) {
    for (const c of r % 2 === 0 ? [0, 1] : [1, 0]) {
      const before = treeCpuMs(browserPid)
      out[c].values.push(...(await step(c)))
      out[c].cpuMs += treeCpuMs(browserPid) - before
    }
  }
  return out
}

async function newPage(browser: Awaited<ReturnType<typeof chromium.launch>>, script: string, deviceScaleFactor: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1000 }, deviceScaleFactor })
  await page.setContent('<!doctype html><html><body style="margin:0"></body></html>')
  await page.addScriptTag({ content: script })
  return page
}

async function main(): Promise<void> {
  const bundle = await build({ entryPoints: [new URL('./chart-page.ts', import.meta.url).pathname], bundle: true, write: false, format: 'iife', target: 'chrome120', loader: { '.css': 'text' } })
  const script = bundle.outputFiles[0].text
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  })
  try {
    console.log(`Chromium ${browser.version()} (headless, software rendering), ${settings.methods} methods × ${settings.seeds} seeds, x = wall time (each seed its own), smoothing ${settings.smoothing}, ${settings.width}×${settings.height} px`)
    console.log(`load average at start: ${load()}`)
    const browserPid = launchedBrowserPid()
    for (const points of sizes) {
      const page = await newPage(browser, script, 1)
      const setup = await page.evaluate((o) => (globalThis as unknown as PageApi).setupBench(o), { ...settings, points })
      const batch = points >= 1_000_000 ? 4 : 10
      const rounds = Math.max(1, Math.round(settings.repeats / batch))
      const redraw = await turnAbout(rounds, browserPid, (c) => page.evaluate(([c, n]) => (globalThis as unknown as PageApi).benchRedraws(c, n), [c, batch]))
      const raster = await turnAbout(1, browserPid, async (c) => [await page.evaluate(([c, n]) => (globalThis as unknown as PageApi).benchRaster(c, n), [c, batch])])
      const live = await turnAbout(1, browserPid, (c) => page.evaluate((c) => (globalThis as unknown as PageApi).benchLive(c), c))
      const liveBuild = await turnAbout(1, browserPid, (c) => page.evaluate((c) => (globalThis as unknown as PageApi).benchLiveBuild(c), c))
      const zoom = await turnAbout(Math.max(1, Math.round(rounds / 2)), browserPid, (c) => page.evaluate(([c, n]) => (globalThis as unknown as PageApi).benchZooms(c, n), [c, 4]))
      await page.evaluate(() => (globalThis as unknown as PageApi).teardownBench())
      await page.close()
      const perOp = (r: { values: unknown[]; cpuMs: number }) => r.cpuMs / r.values.length
      console.log(`\n${points.toLocaleString('en')} logged points: ${setup.series} series, ${setup.linePoints.toLocaleString('en')} points in lines, ${redraw[0].values.length} redraws each (load ${load()})`)
      console.log('                        previous (union table)      decimated (now)')
      const row = (label: string, a: string, b: string) => console.log(`${label.padEnd(24)}${a.padEnd(28)}${b}`)
      const pair = (f: (c: number) => string) => [f(0), f(1)] as const
      row('table cells', ...pair((c) => setup.cells[c].toLocaleString('en')))
      row('first layout + draw', ...pair((c) => ms(setup.layoutMs[c])))
      row('full redraw, median', ...pair((c) => ms(median(redraw[c].values))))
      row('full redraw, CPU each', ...pair((c) => ms(perOp(redraw[c]))))
      row('  thin lines (w 1)', ...pair((c) => ms(raster[c].values[0].thin)))
      row('  bold lines (w 2.5)', ...pair((c) => ms(raster[c].values[0].bold)))
      row('  band fills', ...pair((c) => ms(raster[c].values[0].fill)))
      row('live update, median', ...pair((c) => ms(median(live[c].values.map(([t]) => t)))))
      row('live update, CPU each', ...pair((c) => ms(perOp(live[c]))))
      row('  points taken in', ...pair((c) => `${median(live[c].values.map(([, n]) => n)).toLocaleString('en')} of ${setup.linePoints.toLocaleString('en')}`))
      row('live + build, median', ...pair((c) => ms(median(liveBuild[c].values))))
      row('live + build, CPU each', ...pair((c) => ms(perOp(liveBuild[c]))))
      row('zoom, median', ...pair((c) => ms(median(zoom[c].values))))
      row('zoom, CPU each', ...pair((c) => ms(perOp(zoom[c]))))
      console.log(`redraw target: < 16 ms; building the chart data from all points (in "live + build" on the left only): median ${ms(setup.buildMs)}`)
    }
    if (screenshots) {
      for (const [name, theme] of Object.entries(THEMES)) {
        const page = await newPage(browser, script, 2)
        const diff = await page.evaluate((o) => (globalThis as unknown as { drawChartPair: (x: typeof o) => Promise<Record<string, number>> }).drawChartPair(o), { ...settings, points: 100_000, smoothing: 0.6, repeats: 1, theme })
        for (const kind of ['baseline', 'decimated']) await page.locator(`#chart-${kind}`).screenshot({ path: join(screenshots, `chart-${kind}-${name}.png`) })
        await page.locator('#chart-diff').screenshot({ path: join(screenshots, `chart-difference-${name}.png`) })
        await page.close()
        console.log(`\n${name}: ${join(screenshots, `chart-{baseline,decimated,difference}-${name}.png`)}; device pixels differing ${diff.differ} of ${diff.pixels} (${((100 * diff.differ) / diff.pixels).toFixed(2)}%), by more than 64 in a channel ${diff.visible}`)
      }
    }
    console.log(`\nload average at end: ${load()}`)
  } finally {
    await browser.close()
  }
}

void main()
