/**
 * Browser side of `npm run bench:chart` (bundled by bench/chart.ts): the loss chart's uPlot options (the app's own,
 * components/charts/uplot-options.ts) over 100,000 points, then timed redraws. Exposes runChartBench on window.
 */
import uPlot from 'uplot'
import { buildLossChart, type RunCurve } from '../src/renderer/src/components/charts/loss-chart-data'
import { uplotData, uplotOptions } from '../src/renderer/src/components/charts/uplot-options'

function curves(methods: number, pointsPerMethod: number): RunCurve[] {
  return Array.from({ length: methods }, (_, m) => ({
    method: m === 0 ? 'scratch' : `method-${m}`,
    seed: 0,
    points: Array.from({ length: pointsPerMethod }, (_, i) => ({
      step: i,
      flops: (i + 1) * (1 + m * 0.1) * 1e9,
      wallSeconds: i * 0.1,
      joules: i * 3,
      trainLoss: null,
      valLoss: 7 - 3 * Math.log1p(i / 1000) / Math.log1p(pointsPerMethod / 1000) + 0.05 * Math.sin(i * 0.37 + m),
    })),
  }))
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

async function runChartBench(options: { methods: number; points: number; repeats: number; smoothing: number }) {
  const runs = curves(options.methods, options.points / options.methods)
  const t0 = performance.now()
  const data = buildLossChart(runs, { axis: 'flops', loss: 'valLoss', smoothing: options.smoothing, logX: false, targets: [{ label: "scratch's final loss", loss: 4.2 }] })
  const buildMs = performance.now() - t0
  const host = document.createElement('div')
  document.body.append(host)
  const theme = { ink: '#1d232b', muted: '#5b6573', grid: '#d9dde3' }
  const chart = new uPlot(uplotOptions(data, { width: 1000, height: 400, logX: false, logY: false, theme, formatX: String, formatY: String }), uplotData(data), host)
  const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()))
  await frame()
  const redraw: number[] = []
  const setData: number[] = []
  for (let i = 0; i < options.repeats; i++) {
    await frame()
    // batch() makes uPlot draw synchronously instead of in a microtask; reading a pixel back makes the canvas
    // finish rasterising, so the time covers the whole frame's drawing, not just the queued commands
    let start = performance.now()
    chart.batch(() => chart.redraw(true, true)) // rebuild every path and the axes: a full redraw
    chart.ctx.getImageData(0, 0, 1, 1)
    redraw.push(performance.now() - start)
    await frame()
    start = performance.now()
    chart.batch(() => chart.setData(uplotData(data), true)) // what a live update does
    chart.ctx.getImageData(0, 0, 1, 1)
    setData.push(performance.now() - start)
  }
  chart.destroy()
  host.remove()
  const drawn = data.columns.reduce((n, c) => n + c.filter((v) => v !== null).length, 0)
  return { points: drawn, series: data.series.length, buildMs, redrawMedianMs: median(redraw), redrawMaxMs: Math.max(...redraw), setDataMedianMs: median(setData) }
}

;(window as unknown as { runChartBench: typeof runChartBench }).runChartBench = runChartBench
