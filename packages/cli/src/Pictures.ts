/**
 * The pictures of `fit` and `select`: the SVG of two charts side by side, or the self-contained
 * HTML report with every chart and the parameter and fit tables.
 *
 * @packageDocumentation
 */
import type { Mixture } from '@emkit/core'
import type { AnyFamily } from './Families.js'
import type { VlSpec } from './Plots.js'
import { renderSvg, sideBySide } from './Plots.js'
import type { ReportTable } from './Report.js'
import { htmlReport } from './Report.js'

/** The parameter table and, for a fitted model, the fit summary, for the HTML report. */
export const modelTables = (
  family: AnyFamily,
  params: Mixture.Params<unknown>,
  summary: Record<string, unknown> | undefined,
): ReportTable[] => {
  const json = family.toJSON(params.components)
  const fields = [...new Set(json.flatMap((c) => Object.keys(c)))]
  const tables: ReportTable[] = [
    {
      caption: 'Parameters',
      columns: ['component', 'weight', ...fields],
      rows: json.map((c, j) => [j, params.weights[j]!, ...fields.map((f) => c[f])]),
    },
  ]
  if (summary !== undefined) {
    tables.push({
      caption: 'Fit',
      columns: ['n', 'log-likelihood', 'iterations', 'converged', 'stop reason', 'parameters', 'BIC', 'AIC', 'ICL'],
      rows: [
        [
          summary['n'],
          summary['logLikelihood'],
          summary['iterations'],
          summary['converged'],
          summary['stopReason'],
          summary['parameters'],
          summary['bic'],
          summary['aic'],
          summary['icl'],
        ],
      ],
    })
  }
  return tables
}

/**
 * The picture file: an SVG of the first two charts side by side, or the HTML report of them all
 * with the tables.
 */
export const renderPicture = async (
  path: string,
  title: string,
  subtitle: string,
  charts: ReadonlyArray<{ heading: string; spec: VlSpec }>,
  tables: readonly ReportTable[],
): Promise<string> => {
  // An SVG holds the first two pictures side by side (the data and the trace, or the criterion and
  // the best model); the HTML report holds them all.
  if (/\.svg$/i.test(path)) return renderSvg(charts.length === 1 ? charts[0]!.spec : sideBySide(charts.slice(0, 2).map((c) => c.spec)))
  const figures: Array<{ heading: string; svg: string }> = []
  for (const c of charts) figures.push({ heading: c.heading, svg: await renderSvg(c.spec) })
  return htmlReport({ title, subtitle, figures, tables })
}
