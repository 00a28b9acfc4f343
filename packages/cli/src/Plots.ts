/**
 * Pictures of a fit, as Vega-Lite specifications rendered to SVG in Node (no canvas, no browser):
 *
 * - 1-D data: a density histogram of the data, each weighted component density πⱼ f(x | θⱼ) and
 *   the mixture density over it;
 * - 2-D data: the points coloured by most likely component, each component's centre and, for
 *   Gaussians, its 1σ and 2σ covariance ellipses;
 * - d > 2: the same on the first two principal components (Gaussian means and covariances
 *   projected with them);
 * - always: the log-likelihood trace per iteration;
 * - for `select`: the criterion against k, one line per covariance structure, the best circled.
 *
 * The functions here only build specifications (plain data, unit-tested); {@link renderSvg} draws
 * one with Vega.
 *
 * @packageDocumentation
 */
import type { Dataset as DatasetNs } from '@emkit/core'
type Dataset = DatasetNs.Dataset
import { Mixture, Rng } from '@emkit/core'
import * as vega from 'vega'
import * as vl from 'vega-lite'
import type { AnyFamily } from './Families.js'
import { ellipse, principalComponents, project, projectCovariance } from './Geometry.js'

/**
 * A Vega-Lite specification (plain JSON).
 *
 * @category Plots
 * @since 0.1.0
 */
export type VlSpec = Record<string, unknown>

/**
 * What the model pictures need: the family, parameters, the data it was fitted on (with column
 * names) and the trace.
 *
 * @category Plots
 * @since 0.1.0
 */
export interface ModelPlotInput {
  readonly family: AnyFamily
  readonly params: Mixture.Params<unknown>
  readonly data: Dataset
  readonly columns: readonly string[]
  /** The log-likelihood trace (`trace[t]` after t M-steps); may be empty for an unfitted model. */
  readonly trace: readonly number[]
  /** A title, e.g. `gaussian/full, k = 2`. */
  readonly title: string
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json'
const WIDTH = 420
const HEIGHT = 320
const componentName = (j: number): string => `component ${j}`
const colour = (k: number): Record<string, unknown> => ({
  field: 'component',
  type: 'nominal',
  title: 'component',
  scale: { domain: Array.from({ length: k }, (_, j) => componentName(j)), scheme: 'tableau10' },
})

const isNumberArray = (x: unknown): x is number[] => Array.isArray(x) && x.every((v) => typeof v === 'number')
const isMatrix = (x: unknown): x is number[][] => Array.isArray(x) && x.every(isNumberArray)

/**
 * Each component's centre (its mean where the family has one: Gaussian `mean`, exponential 1/rate;
 * otherwise the responsibility-weighted mean of the data) and, for Gaussians, its full covariance.
 *
 * @category Plots
 * @since 0.1.0
 */
export const componentGeometry = (
  input: Pick<ModelPlotInput, 'family' | 'params' | 'data'>,
): Array<{ centre: number[]; covariance?: number[][] }> => {
  const { family, params, data } = input
  const json = family.toJSON(params.components)
  let resp: Mixture.Responsibilities | undefined
  return json.map((c, j) => {
    const covariance = isMatrix(c['covariance']) ? c['covariance'] : undefined
    let centre: number[]
    if (isNumberArray(c['mean'])) centre = c['mean']
    else if (isNumberArray(c['rate'])) centre = c['rate'].map((r) => 1 / r)
    else {
      resp ??= Mixture.responsibilitiesOrThrow(family, data, params)
      centre = new Array<number>(data.d).fill(0)
      let w = 0
      for (let i = 0; i < data.n; i++) {
        const g = resp.values[j * data.n + i]!
        w += g
        for (let c2 = 0; c2 < data.d; c2++) centre[c2]! += g * data.values[i * data.d + c2]!
      }
      centre = centre.map((s) => (w > 0 ? s / w : NaN))
    }
    return covariance === undefined ? { centre } : { centre, covariance }
  })
}

/**
 * The 1-D picture: density histogram, weighted component densities and the mixture density.
 *
 * @category Plots
 * @since 0.1.0
 */
export const densitySpec = (input: ModelPlotInput, evenPoints = 240): VlSpec => {
  let gridSize = evenPoints
  const { family, params, data } = input
  const k = params.components.length
  let lo = Infinity
  let hi = -Infinity
  for (let i = 0; i < data.n; i++) {
    lo = Math.min(lo, data.values[i]!)
    hi = Math.max(hi, data.values[i]!)
  }
  const pad = 0.05 * (hi - lo || 1)
  const allNonNegative = lo >= 0
  const a = allNonNegative ? Math.max(0, lo - pad) : lo - pad
  const b = hi + pad
  // An even grid over the data's range, plus points around every Gaussian component's mean (±4 sd),
  // so that a narrow component (a spike) is drawn at its height instead of falling between grid points.
  const xs: number[] = Array.from({ length: gridSize }, (_, t) => a + ((b - a) * t) / (gridSize - 1))
  for (const c of family.toJSON(params.components)) {
    const mean = c['mean']
    const cov = c['covariance']
    if (isNumberArray(mean) && isMatrix(cov) && mean.length === 1) {
      const sd = Math.sqrt(cov[0]![0]!)
      for (let z = -4; z <= 4; z += 0.25) {
        const x = mean[0]! + z * sd
        if (x >= a && x <= b) xs.push(x)
      }
    }
  }
  xs.sort((p, q) => p - q)
  const grid = Float64Array.from(xs)
  gridSize = grid.length
  const gridData: Dataset = { n: gridSize, d: 1, values: grid }
  const logF = new Float64Array(k * gridSize)
  family.logDensityInto(gridData, params.components, logF)
  const base = family.logBaseMeasure?.(gridData)
  const curves: Array<Record<string, unknown>> = []
  const mixture = new Float64Array(gridSize)
  for (let j = 0; j < k; j++) {
    for (let t = 0; t < gridSize; t++) {
      const lf = logF[j * gridSize + t]! + (base === undefined ? 0 : base[t]!)
      const y = Number.isFinite(lf) ? params.weights[j]! * Math.exp(lf) : 0
      mixture[t] = mixture[t]! + y
      curves.push({ x: grid[t]!, density: y, component: componentName(j) })
    }
  }
  const mix = Array.from(grid, (x, t) => ({ x, density: mixture[t]!, curve: 'mixture' }))
  // The y-axis spans the histogram (40 bins, as drawn) with room above; a spike runs off the top,
  // clipped, instead of flattening every other curve to the floor.
  const bins = new Float64Array(40)
  const width = (hi - lo) / 40 || 1
  for (let i = 0; i < data.n; i++) bins[Math.min(39, Math.floor((data.values[i]! - lo) / width))]! += 1
  const top = 1.5 * Math.max(...Array.from(bins, (c) => c / (data.n * width)))
  const points = Array.from(data.values, (x) => ({ x }))
  const name = input.columns[0] ?? 'x'
  return {
    title: `${input.title}: data and mixture density`,
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values: points },
        transform: [
          { bin: { maxbins: 40 }, field: 'x', as: 'bin' },
          { aggregate: [{ op: 'count', as: 'count' }], groupby: ['bin', 'bin_end'] },
          { calculate: `datum.count / (${data.n} * (datum.bin_end - datum.bin))`, as: 'density' },
        ],
        mark: { type: 'rect', color: '#c8c8c8', stroke: '#ffffff', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'bin', type: 'quantitative', title: name, scale: { domain: [a, b], zero: false, nice: false } },
          x2: { field: 'bin_end' },
          y: { field: 'density', type: 'quantitative', title: 'density', scale: { domain: [0, top], nice: false } },
        },
      },
      {
        data: { values: curves },
        mark: { type: 'line', strokeWidth: 2, clip: true },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'density', type: 'quantitative' },
          color: colour(k),
        },
      },
      {
        data: { values: mix },
        mark: { type: 'line', strokeWidth: 2.5, color: '#222222', strokeDash: [6, 3], clip: true },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'density', type: 'quantitative' },
          detail: { field: 'curve', type: 'nominal' },
        },
      },
    ],
  }
}

/** How a panel maps rows and covariances onto its two axes. */
interface Plane {
  readonly toPlane: (x: ArrayLike<number>) => number[]
  readonly covPlane: (c: number[][]) => number[][]
  readonly xTitle: string
  readonly yTitle: string
}

/** The plane of two coordinates a and b. */
const pairPlane = (a: number, b: number, columns: readonly string[]): Plane => ({
  toPlane: (x) => [x[a]!, x[b]!],
  covPlane: (c) => [
    [c[a]![a]!, c[a]![b]!],
    [c[b]![a]!, c[b]![b]!],
  ],
  xTitle: columns[a] ?? `x${a + 1}`,
  yTitle: columns[b] ?? `x${b + 1}`,
})

/** One scatter panel: points by most likely component, centres, and 1σ / 2σ ellipses for Gaussians. */
const panel = (
  input: ModelPlotInput,
  labels: ArrayLike<number>,
  geometry: ReadonlyArray<{ centre: number[]; covariance?: number[][] }>,
  plane: Plane,
  size: { width: number; height: number; point: number },
): VlSpec => {
  const { params, data } = input
  const k = params.components.length
  const { toPlane, covPlane, xTitle, yTitle } = plane
  const points: Array<Record<string, unknown>> = []
  for (let i = 0; i < data.n; i++) {
    const [x, y] = toPlane(data.values.subarray(i * data.d, (i + 1) * data.d))
    points.push({ x, y, component: componentName(labels[i]!) })
  }
  const centres = geometry.map((g, j) => {
    const [x, y] = toPlane(g.centre)
    return { x, y, component: componentName(j), weight: params.weights[j]! }
  })
  const ellipses: Array<Record<string, unknown>> = []
  geometry.forEach((g, j) => {
    if (g.covariance === undefined) return
    const m = toPlane(g.centre)
    const c = covPlane(g.covariance)
    for (const s of [1, 2]) {
      ellipse(m, c, s).forEach(([x, y], t) =>
        ellipses.push({ x, y, order: t, component: componentName(j), sigma: `${s}σ`, curve: `${j}-${s}` }),
      )
    }
  })
  const layers: VlSpec[] = [
    {
      data: { values: points },
      mark: { type: 'point', filled: true, size: size.point, opacity: 0.65 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: xTitle, scale: { zero: false } },
        y: { field: 'y', type: 'quantitative', title: yTitle, scale: { zero: false } },
        color: colour(k),
      },
    },
  ]
  if (ellipses.length > 0) {
    layers.push({
      data: { values: ellipses },
      mark: { type: 'line', strokeWidth: 1.6, interpolate: 'linear' },
      encoding: {
        x: { field: 'x', type: 'quantitative' },
        y: { field: 'y', type: 'quantitative' },
        color: colour(k),
        detail: { field: 'curve', type: 'nominal' },
        order: { field: 'order', type: 'quantitative' },
        strokeDash: {
          field: 'sigma',
          type: 'nominal',
          title: 'ellipse',
          scale: {
            domain: ['1σ', '2σ'],
            range: [
              [1, 0],
              [5, 3],
            ],
          },
        },
      },
    })
  }
  layers.push({
    data: { values: centres },
    mark: { type: 'point', shape: 'cross', size: 260, filled: true, stroke: '#111111', strokeWidth: 1, opacity: 1 },
    encoding: {
      x: { field: 'x', type: 'quantitative' },
      y: { field: 'y', type: 'quantitative' },
      color: colour(k),
      tooltip: [{ field: 'component' }, { field: 'weight', format: '.3f' }],
    },
  })
  return { width: size.width, height: size.height, layer: layers }
}

/**
 * The data by most likely component, with each component's centre and, for Gaussians, its 1σ and 2σ
 * ellipses: the two columns when d = 2, a scatter-plot matrix of every pair of columns for
 * 3 ≤ d ≤ 6 (as mclust's pairs plot; at most 2 000 rows drawn in it), and beyond, the first two
 * principal components of the standardised data (every column divided by its standard deviation, so
 * that no column dominates by its unit).
 *
 * @category Plots
 * @since 0.1.0
 */
export const scatterSpec = (input: ModelPlotInput): VlSpec => {
  const { family, params, data } = input
  const labels = Mixture.predictOrThrow(family, params, data)
  const geometry = componentGeometry(input)
  const title = `${input.title}: data by most likely component`
  if (data.d === 2)
    return { title, ...panel(input, labels, geometry, pairPlane(0, 1, input.columns), { width: WIDTH, height: HEIGHT, point: 22 }) }
  if (data.d <= MATRIX_MAX_D) {
    const drawn = thinRows(data, MATRIX_POINTS, 0)
    const drawnLabels = drawn === data ? labels : Mixture.predictOrThrow(family, params, drawn)
    const side = Math.max(110, Math.floor(560 / data.d))
    const rows: VlSpec[] = []
    for (let r = 0; r < data.d; r++) {
      const row: VlSpec[] = []
      for (let c = 0; c < data.d; c++) {
        if (r === c) {
          row.push({
            width: side,
            height: side,
            data: { values: [{ name: input.columns[r] ?? `x${r + 1}` }] },
            mark: { type: 'text', fontSize: 13, fontWeight: 'bold' },
            encoding: { text: { field: 'name' } },
          })
        } else {
          row.push(
            panel({ ...input, data: drawn }, drawnLabels, geometry, pairPlane(c, r, input.columns), {
              width: side,
              height: side,
              point: 8,
            }),
          )
        }
      }
      rows.push({ hconcat: row })
    }
    const note = drawn.n < data.n ? `; ${drawn.n} of ${data.n} rows drawn` : ''
    return {
      title: { text: title, subtitle: `scatter-plot matrix of ${data.d} columns${note}` },
      vconcat: rows,
      resolve: { legend: { color: 'shared' } },
    }
  }
  // Standardise, then project on the first two principal components.
  const { mean: m, variance } = columnMoments(data)
  const sd = Array.from(variance, (v) => Math.sqrt(v) || 1)
  const z = new Float64Array(data.n * data.d)
  for (let i = 0; i < data.n; i++) for (let c = 0; c < data.d; c++) z[i * data.d + c] = (data.values[i * data.d + c]! - m[c]!) / sd[c]!
  const pca = principalComponents(z, data.n, data.d, 2)
  const standard = (x: ArrayLike<number>): number[] => Array.from({ length: data.d }, (_, c) => (x[c]! - m[c]!) / sd[c]!)
  const plane: Plane = {
    toPlane: (x) => project(standard(x), pca.mean, pca.directions),
    covPlane: (cov) =>
      projectCovariance(
        cov.map((row, a) => row.map((v, b) => v / (sd[a]! * sd[b]!))),
        pca.directions,
      ),
    xTitle: `PC1 (${(100 * pca.explained[0]!).toFixed(1)}% of variance)`,
    yTitle: `PC2 (${(100 * pca.explained[1]!).toFixed(1)}% of variance)`,
  }
  return {
    title: { text: title, subtitle: `first two principal components of ${data.d} standardised columns` },
    ...panel(input, labels, geometry, plane, { width: WIDTH, height: HEIGHT, point: 22 }),
  }
}

/** The largest d drawn as a scatter-plot matrix (beyond: principal components). */
const MATRIX_MAX_D = 6
/** The most rows a scatter-plot matrix draws (in every panel). */
const MATRIX_POINTS = 2000

const columnMoments = (data: Dataset): { mean: Float64Array; variance: Float64Array } => {
  const { n, d, values } = data
  const mean = new Float64Array(d)
  const variance = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c] = mean[c]! + values[i * d + c]! / n
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) variance[c] = variance[c]! + (values[i * d + c]! - mean[c]!) ** 2 / n
  return { mean, variance }
}

/**
 * The data picture appropriate to the dimension: {@link densitySpec} for d = 1, else
 * {@link scatterSpec}.
 *
 * @category Plots
 * @since 0.1.0
 */
export const dataSpec = (input: ModelPlotInput): VlSpec =>
  input.family.name === 'multinomial' ? barsSpec(input) : input.data.d === 1 ? densitySpec(input) : scatterSpec(input)

/**
 * The most points a picture draws: larger data are drawn as a uniform sample of this many rows
 * (the picture says so), which keeps an SVG or HTML picture near 1–2 MB and quick to render.
 *
 * @category Plots
 * @since 0.2.0
 */
export const PLOT_POINTS = 10_000

/**
 * A uniform sample (without replacement, seeded, in the original order) of `max` rows of a data set,
 * or the data set itself when it has no more rows: the rows a picture draws.
 *
 * @example
 * ```ts
 * const drawn = Plots.thinRows(data, 1000, 0) // drawn.n === Math.min(data.n, 1000)
 * ```
 * @category Plots
 * @since 0.2.0
 */
export const thinRows = (data: Dataset, max: number, seed: number): Dataset => {
  const { n, d, values } = data
  if (n <= max) return data
  const rng = Rng.seeded(seed)
  // Floyd's sampling of max distinct indices, then sorted to keep the file's order.
  const chosen = new Set<number>()
  for (let j = n - max; j < n; j++) {
    const t = rng.int(j + 1)
    chosen.add(chosen.has(t) ? j : t)
  }
  const rows = Int32Array.from(chosen).sort()
  const out = new Float64Array(max * d)
  rows.forEach((r, i) => out.set(values.subarray(r * d, (r + 1) * d), i * d))
  return { n: max, d, values: out, ...(data.columns === undefined ? {} : { columns: data.columns }) }
}

/**
 * A multinomial fit as what people read from it: per component, bars of its category probabilities
 * (categories along x, the components side by side, each labelled with its weight).
 *
 * @category Plots
 * @since 0.2.0
 */
export const barsSpec = (input: ModelPlotInput): VlSpec => {
  const { family, params } = input
  const k = params.components.length
  const values: Array<Record<string, unknown>> = []
  family.toJSON(params.components).forEach((c, j) => {
    const p = c['probabilities']
    if (!isNumberArray(p)) return
    p.forEach((probability, v) =>
      values.push({ category: input.columns[v] ?? `x${v + 1}`, probability, component: componentName(j), weight: params.weights[j]! }),
    )
  })
  return {
    title: {
      text: `${input.title}: category probabilities by component`,
      subtitle: params.weights.length > 0 ? `weights ${Array.from(params.weights, (w) => w.toFixed(3)).join(', ')}` : '',
    },
    width: Math.max(WIDTH, 18 * k * (values.length / Math.max(1, k))),
    height: HEIGHT,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'category', type: 'nominal', title: 'category', sort: null },
      xOffset: { field: 'component', type: 'nominal' },
      y: { field: 'probability', type: 'quantitative', title: 'probability' },
      color: colour(k),
      tooltip: [{ field: 'component' }, { field: 'category' }, { field: 'probability', format: '.4f' }, { field: 'weight', format: '.3f' }],
    },
  }
}

/**
 * The log-likelihood trace per iteration (entry 0 at the starting parameters).
 *
 * @category Plots
 * @since 0.1.0
 */
export const traceSpec = (trace: readonly number[], title = 'log-likelihood per iteration'): VlSpec => ({
  title,
  width: WIDTH,
  height: HEIGHT,
  data: { values: trace.map((ll, t) => ({ iteration: t, logLikelihood: ll })) },
  mark: { type: 'line', point: true, color: '#4c78a8' },
  encoding: {
    x: { field: 'iteration', type: 'quantitative', title: 'iteration (M-steps)', axis: { tickMinStep: 1 } },
    y: { field: 'logLikelihood', type: 'quantitative', title: 'log-likelihood', scale: { zero: false } },
  },
})

/**
 * One fitted cell of a `select` grid.
 *
 * @category Plots
 * @since 0.1.0
 */
export interface SelectPoint {
  /** Structure label (`full`, `diag`, … or the family name). */
  readonly structure: string
  /** Number of components. */
  readonly k: number
  /** The criterion's value (smaller is better). */
  readonly value: number
  /** Whether this cell is the best by the criterion. */
  readonly best: boolean
  /** Whether the cell was set aside (degenerate, too many parameters, failed): drawn as a grey ×, not on its line. */
  readonly excluded?: boolean
}

/**
 * The y-range of the select chart: from the best value to the best plus the median distance of the
 * usable values from it (at least 10 units), so that the competitive structures fill the chart and
 * a far worse structure (often spherical) is clipped at the top instead of squashing the others.
 *
 * @returns `[low, high]`, or `undefined` when no value is finite.
 * @category Plots
 * @since 0.2.0
 */
export const competitiveRange = (values: readonly number[]): [number, number] | undefined => {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (v.length === 0) return undefined
  const low = v[0]!
  const gaps = v.map((x) => x - low)
  const median = gaps[Math.floor((gaps.length - 1) / 2)]!
  const span = Math.max(10, median, 0.001 * Math.abs(low))
  return [low - 0.05 * span, low + span]
}

/**
 * The criterion against k, one line per structure, the best cell circled.
 *
 * @category Plots
 * @since 0.1.0
 */
export const selectSpec = (points: readonly SelectPoint[], criterion: string): VlSpec => {
  const usable = points.filter((p) => p.excluded !== true)
  const excluded = points.filter((p) => p.excluded === true)
  const range = competitiveRange(usable.map((p) => p.value))
  const clipped = range !== undefined && usable.some((p) => p.value > range[1])
  const y = {
    field: 'value',
    type: 'quantitative',
    title: criterion.toUpperCase(),
    scale: range === undefined ? { zero: false } : { domain: range, zero: false },
  }
  const x = { field: 'k', type: 'quantitative', title: 'k (components)', axis: { tickMinStep: 1 } }
  const layers: VlSpec[] = [
    {
      data: { values: usable.map((p) => ({ ...p })) },
      mark: { type: 'line', point: true, clip: true },
      encoding: { x, y, color: { field: 'structure', type: 'nominal', title: 'structure', scale: { scheme: 'tableau10' } } },
    },
    {
      data: { values: usable.filter((p) => p.best).map((p) => ({ ...p, label: `best: ${p.structure}, k = ${p.k}` })) },
      layer: [
        { mark: { type: 'point', shape: 'circle', size: 400, filled: false, stroke: '#d62728', strokeWidth: 2.5 } },
        { mark: { type: 'text', dy: -18, color: '#d62728', fontWeight: 'bold' }, encoding: { text: { field: 'label' } } },
      ],
      encoding: { x: { field: 'k', type: 'quantitative' }, y: { field: 'value', type: 'quantitative' } },
    },
  ]
  if (excluded.length > 0 && range !== undefined) {
    // Excluded cells (mclust's NA): a grey × along the top edge at their k, labelled by structure.
    layers.push({
      data: {
        values: excluded.map((p) => ({ k: p.k, structure: p.structure, value: range[1], label: `excluded: ${p.structure}, k = ${p.k}` })),
      },
      mark: { type: 'point', shape: 'cross', size: 90, color: '#7f7f7f', filled: true, opacity: 0.8 },
      encoding: { x: { field: 'k', type: 'quantitative' }, y: { field: 'value', type: 'quantitative' }, tooltip: { field: 'label' } },
    })
  }
  const notes = [
    ...(clipped ? ['worse values run off the top'] : []),
    ...(excluded.length > 0
      ? [`× = ${excluded.length} excluded cell${excluded.length === 1 ? '' : 's'} (degenerate or too many parameters)`]
      : []),
  ]
  return {
    title: {
      text: `${criterion.toUpperCase()} against k (smaller is better)`,
      ...(notes.length > 0 ? { subtitle: notes.join('; ') } : {}),
    },
    width: WIDTH,
    height: HEIGHT,
    layer: layers,
  }
}

/**
 * Puts charts side by side in one specification (independent scales and legends).
 *
 * @category Plots
 * @since 0.1.0
 */
export const sideBySide = (charts: readonly VlSpec[]): VlSpec => ({
  hconcat: charts,
  resolve: { scale: { color: 'independent', strokeDash: 'independent' }, legend: { color: 'independent' } },
})

/**
 * Renders a Vega-Lite specification to an SVG string, in Node, with no canvas.
 *
 * @category Plots
 * @since 0.1.0
 */
export const renderSvg = async (spec: VlSpec): Promise<string> => {
  const top = { $schema: SCHEMA, background: 'white', padding: 12, config: { font: 'Helvetica, Arial, sans-serif' }, ...spec }
  const compiled = vl.compile(top as unknown as vl.TopLevelSpec)
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}
