/**
 * Gaussian mixtures on data with missing cells (issue 15): the airquality reference of
 * scripts/incomplete-data-reference.py (an independent EM with conditional expectations, explicit
 * inverses) reproduced to 1e-10 per trace entry for 100 iterations, full and diag; the converged
 * point a stationary point of the observed-data log-likelihood (finite differences); every engine
 * the same fit; grouping by pattern against row by row; imputation.
 */
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import type { Dataset as DatasetNs } from '@emkit/core'
import { Dataset, Mixture, Source, Stepwise } from '@emkit/core'
import * as Gaussian from './index.js'
import type { CovarianceType } from './index.js'
import { expectClose, fixture, right } from './test/helpers.js'

interface Reference {
  n: number
  missing_cells: number
  incomplete_rows: number
  columns: string[]
  start: { weights: number[]; means: number[][]; covariances: number[][][] }
  full: { trace: number[]; final: { weights: number[]; means: number[][]; covariances: number[][][] } }
  diag: { trace: number[]; final: { weights: number[]; means: number[][]; covariances: number[][][] } }
}

const reference = JSON.parse(fixture('incomplete/reference.json')) as Reference

/** airquality's four numeric columns, NA (or empty) cells missing. */
const airquality = (): DatasetNs.Dataset => {
  const lines = fixture('incomplete/airquality.csv')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
  const header = lines[0]!.split(',').map((s) => s.replace(/"/g, ''))
  const at = reference.columns.map((c) => header.indexOf(c))
  const rows = lines.slice(1).map((l) => {
    const cells = l.split(',').map((s) => s.replace(/"/g, ''))
    return at.map((c) => (cells[c] === 'NA' || cells[c] === '' ? Number.NaN : Number(cells[c])))
  })
  return right(Dataset.fromRows(rows, { columns: reference.columns, allowMissing: true }))
}

const startOf = (structure: CovarianceType): Mixture.Params<Gaussian.Component> => ({
  weights: Float64Array.from(reference.start.weights),
  components: reference.start.means.map((m, j) => right(Gaussian.component(m, reference.start.covariances[j]!, structure))),
})

describe('airquality (153 × 4, 44 missing cells), k = 2, from the documented start', () => {
  const data = airquality()
  it('reads the data the reference used', () => {
    expect([data.n, data.d]).toEqual([reference.n, 4])
    expect(data.missing!.reduce((s, v) => s + v, 0)).toBe(reference.missing_cells)
  })
  for (const structure of ['full', 'diag'] as const) {
    const expected = reference[structure]
    it(`${structure}: the observed-data trace matches the reference to 1e-10 relative per entry for 100 iterations`, () => {
      const family = Gaussian.family({ covariance: structure, regularization: 0 })
      const fit = right(Mixture.fit(family, data, { k: 2, init: startOf(structure), tolerance: 0, maxIterations: 100 }))
      expect(fit.trace.length).toBe(101)
      expectClose(fit.trace, expected.trace, 1e-10, 0, `${structure} trace`)
      for (let t = 1; t < fit.trace.length; t++)
        expect(fit.trace[t]!).toBeGreaterThanOrEqual(fit.trace[t - 1]! - 1e-9 * Math.abs(fit.trace[t - 1]!))
      expectClose(fit.params.weights, expected.final.weights, 1e-7, 0, `${structure} weights`)
      const mc = fit.params.components.map(Gaussian.meanAndCovariance)
      expectClose(
        mc.map((c) => c.mean),
        expected.final.means,
        1e-7,
        1e-9,
        `${structure} means`,
      )
      expectClose(
        mc.map((c) => c.covariance),
        expected.final.covariances,
        1e-7,
        1e-9,
        `${structure} covariances`,
      )
    })
    it(`${structure}: the converged point is a stationary point of the observed-data log-likelihood (finite differences)`, () => {
      const family = Gaussian.family({ covariance: structure, regularization: 0 })
      const fit = right(Mixture.fit(family, data, { k: 2, init: startOf(structure), tolerance: 0, maxIterations: 5000 }))
      const base = fit.params
      const ll = (p: Mixture.Params<Gaussian.Component>): number => right(Mixture.logLikelihood(family, p, data))
      const mc = base.components.map(Gaussian.meanAndCovariance)
      const d = 4
      let checked = 0
      // Central differences in every free parameter: the mixing logit of component 1, each mean,
      // each (upper-triangular, or diagonal) covariance entry; steps relative to the entry's scale.
      const gradient = (perturb: (h: number) => Mixture.Params<Gaussian.Component>, h: number): number =>
        (ll(perturb(h)) - ll(perturb(-h))) / (2 * h)
      const moved = (j: number, mean: number[], cov: number[][]): Mixture.Params<Gaussian.Component> => ({
        weights: base.weights,
        components: base.components.map((c, t) => (t === j ? right(Gaussian.component(mean, cov, structure)) : c)),
      })
      const g0 = gradient((h) => {
        const a = Math.log(base.weights[1]! / base.weights[0]!) + h
        const w1 = 1 / (1 + Math.exp(-a))
        return { weights: Float64Array.of(1 - w1, w1), components: base.components }
      }, 1e-5)
      expect(Math.abs(g0)).toBeLessThan(1e-4)
      checked++
      for (let j = 0; j < 2; j++) {
        const { mean, covariance } = mc[j]!
        for (let c = 0; c < d; c++) {
          const s = Math.sqrt(covariance[c]![c]!)
          const g = gradient(
            (h) =>
              moved(
                j,
                mean.map((v, t) => (t === c ? v + h : v)),
                covariance,
              ),
            1e-5 * s,
          )
          // ∂ℓ/∂μ in units of the coordinate's standard deviation.
          expect(Math.abs(g * s)).toBeLessThan(1e-4)
          checked++
        }
        for (let r = 0; r < d; r++) {
          for (let c = r; c < d; c++) {
            if (structure === 'diag' && r !== c) continue
            const scale = Math.sqrt(covariance[r]![r]! * covariance[c]![c]!)
            const g = gradient(
              (h) =>
                moved(
                  j,
                  mean,
                  covariance.map((row, a) => row.map((v, b) => ((a === r && b === c) || (a === c && b === r) ? v + h : v))),
                ),
              1e-6 * scale,
            )
            expect(Math.abs(g * scale)).toBeLessThan(1e-4)
            checked++
          }
        }
      }
      expect(checked).toBe(structure === 'full' ? 1 + 2 * (4 + 10) : 1 + 2 * (4 + 4))
      // And the point is not a trivial one: the gradient of a perturbed point is far from 0.
      const away = moved(
        0,
        mc[0]!.mean.map((v, t) => (t === 0 ? v + Math.sqrt(mc[0]!.covariance[0]![0]!) : v)),
        mc[0]!.covariance,
      )
      const off = Math.abs(ll(away) - ll(base))
      expect(off).toBeGreaterThan(1)
    })
  }
})

/** n rows of d columns from a seeded stream, with about `rate` of the cells missing (never a whole row). */
const synthetic = (n: number, d: number, rate: number, seed: number): DatasetNs.Dataset => {
  let s = seed >>> 0
  const uniform = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return (s + 0.5) / 2 ** 32
  }
  const rows: number[][] = []
  for (let i = 0; i < n; i++) {
    const shift = i % 3 === 0 ? 4 : 0
    const row = Array.from({ length: d }, (_, c) => shift + c + Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()))
    const keep = Math.floor(uniform() * d)
    for (let c = 0; c < d; c++) if (c !== keep && uniform() < rate) row[c] = Number.NaN
    rows.push(row)
  }
  return right(Dataset.fromRows(rows, { allowMissing: true }))
}

/** log N(x_o | μ_o, Σ_oo) for d ≤ 3 written out by cofactors (no emkit linear algebra). */
const marginal = (x: number[], mean: number[], cov: number[][]): number => {
  const o = x.flatMap((v, c) => (Number.isNaN(v) ? [] : [c]))
  const s = o.map((r) => o.map((c) => cov[r]![c]!))
  const z = o.map((c) => x[c]! - mean[c]!)
  const p = o.length
  let det: number
  let inv: number[][]
  if (p === 1) {
    det = s[0]![0]!
    inv = [[1 / det]]
  } else if (p === 2) {
    det = s[0]![0]! * s[1]![1]! - s[0]![1]! * s[1]![0]!
    inv = [
      [s[1]![1]! / det, -s[0]![1]! / det],
      [-s[1]![0]! / det, s[0]![0]! / det],
    ]
  } else {
    const [a, b, c] = s as [number[], number[], number[]]
    const cof = [
      [b[1]! * c[2]! - b[2]! * c[1]!, -(b[0]! * c[2]! - b[2]! * c[0]!), b[0]! * c[1]! - b[1]! * c[0]!],
      [-(a[1]! * c[2]! - a[2]! * c[1]!), a[0]! * c[2]! - a[2]! * c[0]!, -(a[0]! * c[1]! - a[1]! * c[0]!)],
      [a[1]! * b[2]! - a[2]! * b[1]!, -(a[0]! * b[2]! - a[2]! * b[0]!), a[0]! * b[1]! - a[1]! * b[0]!],
    ]
    det = a[0]! * cof[0]![0]! + a[1]! * cof[0]![1]! + a[2]! * cof[0]![2]!
    inv = [0, 1, 2].map((r) => [0, 1, 2].map((c) => cof[c]![r]! / det))
  }
  let q = 0
  for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) q += z[r]! * inv[r]![c]! * z[c]!
  return -0.5 * p * Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * q
}

describe('every structure, every engine', () => {
  const data = synthetic(600, 3, 0.25, 7)
  for (const structure of Gaussian.COVARIANCE_TYPES) {
    const family = Gaussian.family({ covariance: structure })
    it(`${structure}: the scores are the marginal densities of the observed cells (by cofactors), and the trace never decreases`, () => {
      const fit = right(Mixture.fit(family, data, { k: 2, seed: 3, tolerance: 0, maxIterations: 60 }))
      for (let t = 1; t < fit.trace.length; t++) expect(fit.trace[t]! - fit.trace[t - 1]!).toBeGreaterThan(-1e-9 * Math.abs(fit.trace[t]!))
      const scores = right(Mixture.scoreSamples(family, fit.params, data))
      const mc = fit.params.components.map(Gaussian.meanAndCovariance)
      for (const i of [0, 1, 2, 5, 17, 333, 599]) {
        const x = DatasetRow(data, i)
        const joint = mc.map((c, j) => Math.log(fit.params.weights[j]!) + marginal(x, c.mean, c.covariance))
        const m = Math.max(...joint)
        const expected = m + Math.log(joint.reduce((a, v) => a + Math.exp(v - m), 0))
        expect(Math.abs(scores[i]! - expected)).toBeLessThan(1e-10 * Math.abs(expected) + 1e-12)
      }
    })
    it(`${structure}: threads (2) and stream (blocks of 37 rows) give the memory engine's fit`, async () => {
      const options = { k: 2, seed: 3, tolerance: 0, maxIterations: 25 }
      const memory = right(Mixture.fit(family, data, options))
      const threads = right(Mixture.fit(family, data, { ...options, workers: 2 }))
      const streamed = right(await Mixture.fitAsync(family, data, { ...options, engine: 'stream', blockRows: 37, init: memory.params }))
      const again = right(Mixture.fit(family, data, { ...options, init: memory.params }))
      expect(threads.threads).toBe(2)
      expectClose(threads.trace, memory.trace, 1e-10, 0, `${structure} threads trace`)
      expectClose(streamed.trace, again.trace, 1e-10, 0, `${structure} stream trace`)
    })
  }
})

/** Row i of a dataset as plain numbers (NaN where missing). */
const DatasetRow = (data: DatasetNs.Dataset, i: number): number[] => Array.from(data.values.subarray(i * data.d, (i + 1) * data.d))

describe('more than one block of rows (4 096), patterns spread over blocks', () => {
  it('the fit over 9 000 rows (three blocks of the fused pass) equals the stream over blocks of 1 000', async () => {
    const data = synthetic(9000, 4, 0.2, 11)
    const family = Gaussian.family({ covariance: 'full' })
    const options = { k: 3, seed: 1, tolerance: 0, maxIterations: 10 }
    const memory = right(Mixture.fit(family, data, options))
    const streamed = right(await Mixture.fitAsync(family, data, { ...options, engine: 'stream', blockRows: 1000, init: memory.params }))
    const again = right(Mixture.fit(family, data, { ...options, init: memory.params }))
    expectClose(streamed.trace, again.trace, 1e-10, 0, 'stream trace')
  })
})

describe('prediction and imputation', () => {
  const family = Gaussian.family({ covariance: 'full', regularization: 0 })
  const params: Mixture.Params<Gaussian.Component> = {
    weights: Float64Array.of(0.4, 0.6),
    components: [
      right(
        Gaussian.component(
          [0, 0],
          [
            [1, 0.8],
            [0.8, 2],
          ],
        ),
      ),
      right(
        Gaussian.component(
          [3, -1],
          [
            [2, -0.5],
            [-0.5, 1],
          ],
        ),
      ),
    ],
  }
  const data = right(
    Dataset.fromRows(
      [
        [1, Number.NaN],
        [Number.NaN, -0.5],
        [2, 0],
      ],
      { allowMissing: true, columns: ['a', 'b'] },
    ),
  )
  it('the posterior of a row with a missing cell comes from its observed part', () => {
    const proba = right(Mixture.predictProba(family, params, data))
    // Row 0 observes a = 1 only: N(1 | 0, 1) against N(1 | 3, 2).
    const a = (0.4 * Math.exp(-0.5)) / Math.sqrt(2 * Math.PI)
    const b = (0.6 * Math.exp(-1)) / Math.sqrt(4 * Math.PI)
    expect(Math.abs(proba[0]! - a / (a + b))).toBeLessThan(1e-14)
  })
  it('impute fills each missing cell with Σⱼ γᵢⱼ E[x_m | x_o, θⱼ] and keeps the observed cells', () => {
    const proba = right(Mixture.predictProba(family, params, data))
    const done = right(Mixture.impute(family, params, data))
    expect(done.missing).toBeUndefined()
    expect(done.columns).toEqual(['a', 'b'])
    // Row 0: E[b | a = 1] = 0 + 0.8·1/1 under component 0, −1 + (−0.5)(1 − 3)/2 under component 1.
    const e0 = proba[0]! * 0.8 + proba[1]! * (-1 + (-0.5 * (1 - 3)) / 2)
    // Row 1: E[a | b = −0.5] = 0 + 0.8(−0.5)/2, 3 + (−0.5)(−0.5 + 1)/1.
    const e1 = proba[2]! * ((0.8 * -0.5) / 2) + proba[3]! * (3 + -0.5 * 0.5)
    expect(Array.from(done.values)).toEqual([1, expect.closeTo(e0, 14), expect.closeTo(e1, 14), -0.5, 2, 0])
  })
})

describe('uncertainty on incomplete data', () => {
  it('the nonparametric bootstrap resamples rows with their missing cells; the observed information refuses them, naming the cell', () => {
    const data = synthetic(200, 2, 0.2, 5)
    const family = Gaussian.family({ covariance: 'diag' })
    const fit = right(Mixture.fit(family, data, { k: 2, seed: 1 }))
    const boot = right(Mixture.bootstrap(family, data, fit.params, { replicates: 20, seed: 3 }))
    expect(boot.replicates).toBe(20)
    expect(boot.weights.every((v) => Number.isFinite(v) && v > 0)).toBe(true)
    const observed = Mixture.standardErrors(family, data, fit.params)
    expect(
      E.isLeft(observed) && /the value is missing; the observed information is computed for complete data only/.test(observed.left.message),
    ).toBe(true)
  })
})

describe('what does not take missing cells says so', () => {
  it('stepwise (online) EM refuses a block with a missing cell, naming its global row and column', async () => {
    const data = synthetic(300, 2, 0.1, 4)
    const source = right(Source.fromDataset(data, 64))
    const r = await Stepwise.fit(Gaussian.family(), source, { k: 2, batchSize: 32, seed: 1 })
    const first = data.missing!.findIndex((v) => v === 1)
    expect(E.isLeft(r) && r.left._tag === 'InvalidData' && [r.left.row, r.left.column]).toEqual([Math.floor(first / 2), first % 2])
    expect(E.isLeft(r) && /stepwise EM does not take missing cells/.test(r.left.message)).toBe(true)
  })
})

describe('sample weights on incomplete data', () => {
  it('a row of weight 2 (missing cells included) is the row twice: the same trace and parameters', () => {
    const data = synthetic(120, 3, 0.3, 9)
    const weights = Float64Array.from({ length: data.n }, (_, i) => (i % 4 === 0 ? 2 : 1))
    const rows: number[][] = []
    for (let i = 0; i < data.n; i++) for (let t = 0; t < weights[i]!; t++) rows.push(DatasetRow(data, i))
    const doubled = right(Dataset.fromRows(rows, { allowMissing: true }))
    const weighted = { ...data, sampleWeights: weights }
    const family = Gaussian.family({ covariance: 'full' })
    const init = right(Mixture.fit(family, data, { k: 2, seed: 2, maxIterations: 2 })).params
    const a = right(Mixture.fit(family, weighted, { k: 2, init, tolerance: 0, maxIterations: 20 }))
    const b = right(Mixture.fit(family, doubled, { k: 2, init, tolerance: 0, maxIterations: 20 }))
    expectClose(a.trace, b.trace, 1e-11, 0, 'trace')
    expectClose(
      a.params.components.map((c) => Array.from(c.covariance)),
      b.params.components.map((c) => Array.from(c.covariance)),
      1e-9,
      1e-12,
      'covariances',
    )
  })
})
