/**
 * The HTML report: one self-contained file (inline SVG pictures, inline CSS, no script, nothing
 * fetched at view time) with the pictures, a parameter table and the fit summary.
 *
 * @packageDocumentation
 */

/**
 * A table in the report: a caption, column headings and rows of cells (numbers are formatted to
 * 6 significant digits; nested arrays are shown as bracketed lists, a matrix one row per line).
 *
 * @category Reports
 * @since 0.1.0
 */
export interface ReportTable {
  readonly caption: string
  readonly columns: readonly string[]
  readonly rows: ReadonlyArray<ReadonlyArray<unknown>>
  /** Index of a row to highlight (the best model of `select`). */
  readonly highlight?: number
}

/**
 * What goes into a report.
 *
 * @category Reports
 * @since 0.1.0
 */
export interface ReportContent {
  /** The page title. */
  readonly title: string
  /** One line under the title (data file, family, k). */
  readonly subtitle: string
  /** The pictures, as SVG strings, each with a heading. */
  readonly figures: ReadonlyArray<{ readonly heading: string; readonly svg: string }>
  /** Tables after the pictures. */
  readonly tables: readonly ReportTable[]
}

/**
 * Escapes text for HTML.
 *
 * @category Reports
 * @since 0.1.0
 */
export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

/**
 * Formats a cell value: numbers to 6 significant digits, arrays bracketed, matrices one row per line.
 *
 * @category Reports
 * @since 0.1.0
 */
export const formatValue = (x: unknown): string => {
  if (typeof x === 'number') return Number.isInteger(x) && Math.abs(x) < 1e15 ? String(x) : Number(x.toPrecision(6)).toString()
  if (Array.isArray(x)) {
    if (x.length > 0 && x.every(Array.isArray)) return x.map(formatValue).join('\n')
    return `[${x.map(formatValue).join(', ')}]`
  }
  if (typeof x === 'boolean') return x ? 'yes' : 'no'
  if (x === undefined || x === null) return ''
  if (typeof x === 'string') return x
  if (typeof x === 'bigint') return x.toString()
  if (typeof x === 'object') return JSON.stringify(x)
  return typeof x
}

const table = (t: ReportTable): string => {
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')
  const body = t.rows
    .map((r, i) => `<tr${i === t.highlight ? ' class="best"' : ''}>${r.map((c) => `<td>${escapeHtml(formatValue(c))}</td>`).join('')}</tr>`)
    .join('\n')
  return `<table>\n<caption>${escapeHtml(t.caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`
}

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
p.subtitle { color: #555; margin-top: 0; }
figure { margin: 1.5em 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-weight: bold; margin-bottom: 0.4em; }
table { border-collapse: collapse; margin: 1.5em 0; font-size: 0.92em; }
caption { text-align: left; font-weight: bold; margin-bottom: 0.4em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; vertical-align: top; white-space: pre; font-variant-numeric: tabular-nums; }
th { background: #f2f2f2; }
tr.best td { background: #fff3c4; font-weight: bold; }
footer { color: #777; font-size: 0.85em; margin-top: 2em; }
`

/**
 * Builds the self-contained HTML report.
 *
 * @example
 * ```ts
 * const svg = await Plots.renderSvg(Plots.traceSpec([-1210.1, -1150.3, -1130.26]))
 * const html = Report.htmlReport({ title: 'Old Faithful', subtitle: 'gaussian/full, k = 2', figures: [{ heading: 'Trace', svg }], tables: [] })
 * ```
 * @category Reports
 * @since 0.1.0
 */
export const htmlReport = (content: ReportContent): string => {
  const figures = content.figures
    .map((f) => `<figure>\n<figcaption>${escapeHtml(f.heading)}</figcaption>\n${f.svg.replace(/^<\?xml[^>]*>\s*/, '')}\n</figure>`)
    .join('\n')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(content.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(content.title)}</h1>
<p class="subtitle">${escapeHtml(content.subtitle)}</p>
${figures}
${content.tables.map(table).join('\n')}
<footer>Written by the emkit command (emkit.mixture/v1). Pictures drawn with Vega-Lite.</footer>
</body>
</html>
`
}
