// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { lossChartSvg } from '../charts/chart-svg'
import { buildLossChart } from '../charts/loss-chart-data'
import { reportHtml } from './report-html'

const chart = lossChartSvg(
  buildLossChart([{ method: 'scratch', seed: 0, points: [0, 1, 2].map((i) => ({ step: i, flops: i * 1e9, wallSeconds: i, joules: null, trainLoss: null, valLoss: 7 - i })) }], {
    axis: 'flops',
    loss: 'valLoss',
    smoothing: 0,
    logX: false,
    targets: [],
  }),
  { title: 'Loss', xLabel: 'FLOPs', yLabel: 'loss', logX: false, logY: false },
)

const html = reportHtml({
  lang: 'en',
  title: 'Comparison <bert-moby>',
  subtitle: 'Generated today',
  sections: [
    { heading: 'Settings', facts: [['Budget', '300 steps'], ['Methods', 'scratch, ligo & ki']] },
    { heading: 'Charts', charts: [{ title: 'Loss', svg: chart }] },
    { heading: 'Headline', tables: [{ caption: "Target: scratch's final loss", head: ['Method', 'FLOPs saved'], rows: [['ligo', '46.6% ± 0.5']] }], notes: ['Carbon: 475 gCO2e/kWh'] },
  ],
})

describe('reportHtml', () => {
  const doc = new DOMParser().parseFromString(html, 'text/html')

  it('holds the settings, the charts as inline SVG and the headline table, with text escaped', () => {
    expect(doc.title).toBe('Comparison <bert-moby>')
    expect([...doc.querySelectorAll('dd')].map((d) => d.textContent)).toEqual(['300 steps', 'scratch, ligo & ki'])
    expect(doc.querySelectorAll('figure svg path').length).toBeGreaterThan(0)
    expect(doc.querySelector('tbody th')?.textContent).toBe('ligo')
    expect(doc.querySelector('tbody td')?.textContent).toBe('46.6% ± 0.5')
    expect(html).toContain('Comparison &lt;bert-moby&gt;')
  })

  it('opens offline: no script, no external reference, a CSP that forbids both', () => {
    expect(doc.querySelectorAll('script, link, img[src^="http"], iframe')).toHaveLength(0)
    expect(html).not.toMatch(/(src|href)="https?:/)
    expect(doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content')).toContain("default-src 'none'")
  })
})
