/**
 * The one-page HTML report of a comparison (issue 12, "Export"): settings, hardware and backend, the charts as inline
 * SVG, the headline tables, the energy method and the grid assumptions. One self-contained file: no script, no
 * external style, font or image, so it opens offline in any browser and can be mailed or archived as is. Every text
 * is escaped; the SVGs come from chart-svg.ts, which escapes its own text.
 */
import { escapeXml } from '../../../../shared/metrics/svg-axis'

export interface ReportTable {
  caption: string
  head: string[]
  rows: string[][]
}

export interface ReportInput {
  lang: string
  title: string
  /** "Generated 2026-12-02 07:10 by LiGO Studio 0.1.0". */
  subtitle: string
  sections: Array<{ heading: string; facts?: Array<[string, string]>; tables?: ReportTable[]; charts?: Array<{ title: string; svg: string }>; notes?: string[] }>
}

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem auto;max-width:960px;padding:0 1rem;color:#1d232b;background:#fff}
h1{font-size:1.5rem;margin:0}h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid #d9dde3}
.sub{color:#5b6573;margin:.25rem 0 1rem}table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}
caption{text-align:left;font-weight:600;padding:.25rem 0}th,td{border:1px solid #d9dde3;padding:.25rem .5rem;text-align:left;vertical-align:top}
thead th{background:#eef0f3}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{color:#5b6573}dd{margin:0}
figure{margin:1rem 0}svg{max-width:100%;height:auto}.note{color:#5b6573}
@media print{body{margin:0}}`

export function reportHtml(input: ReportInput): string {
  const e = escapeXml
  const out: string[] = [
    '<!doctype html>',
    `<html lang="${e(input.lang)}"><head><meta charset="utf-8">`,
    // A report holds no script: forbid any, and any network request, should the file be opened from a server
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(input.title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${e(input.title)}</h1>`,
    `<p class="sub">${e(input.subtitle)}</p>`,
  ]
  for (const section of input.sections) {
    out.push(`<h2>${e(section.heading)}</h2>`)
    if (section.facts?.length) out.push(`<dl>${section.facts.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>`)
    for (const chart of section.charts ?? []) out.push(`<figure aria-label="${e(chart.title)}">${stripXmlProlog(chart.svg)}</figure>`)
    for (const table of section.tables ?? []) {
      out.push(`<table><caption>${e(table.caption)}</caption><thead><tr>${table.head.map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead><tbody>`)
      for (const row of table.rows) out.push(`<tr>${row.map((cell, i) => (i === 0 ? `<th scope="row">${e(cell)}</th>` : `<td>${e(cell)}</td>`)).join('')}</tr>`)
      out.push('</tbody></table>')
    }
    for (const note of section.notes ?? []) out.push(`<p class="note">${e(note)}</p>`)
  }
  out.push('</body></html>')
  return out.join('\n') + '\n'
}

/** Inline SVG in HTML must not carry an XML declaration; ids are made unique per chart by the caller's order. */
function stripXmlProlog(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '')
}
