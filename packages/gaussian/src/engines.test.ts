/**
 * Every engine runs the same algorithm: memory, threads (2 and 3) and stream (blocks of 1, 7, 4096
 * and 10⁵ rows) give the trace of classic EM over the responsibilities matrix to 1e-12 relative per
 * entry, on every shared reference case and on data shaped like the benchmark sets. Worker threads
 * load the compiled dist/ (the test command builds it first with `tsc -b`).
 */
import { describe, expect, test } from 'vitest'
import type { Dataset as DatasetNs } from '@emkit/core'
import { Dataset, Mixture, Rng } from '@emkit/core'
import { EngineLaws } from '@emkit/testkit'
import * as Gaussian from './index.js'
import { fixture, readCsv, right } from './test/helpers.js'

const check = async (
  family: Gaussian.GaussianFamily,
  data: DatasetNs.Dataset,
  init: Mixture.Params<Gaussian.Component>,
  iterations: number,
  blockRows?: number[],
): Promise<void> => {
  const report = await EngineLaws.checkEngines({ family, data, init, iterations, ...(blockRows === undefined ? {} : { blockRows }) })
  expect(report.ok, report.message).toBe(true)
  expect(report.reference.length).toBe(iterations + 1)
  expect(report.outcomes.length).toBe(blockRows === undefined ? 8 : 4 + blockRows.length)
}

describe('engines on the shared reference cases', () => {
  const iris = readCsv(fixture('iris-k3/data.csv'))
  for (const covariance of Gaussian.COVARIANCE_TYPES) {
    test(`iris-k3 ${covariance}`, async () => {
      const family = Gaussian.family({ covariance, regularization: 0 })
      const init = right(Mixture.fromJSON(family, JSON.parse(fixture(`iris-k3/init.${covariance}.v1.json`)))).params
      await check(family, iris, init, 40)
    })
  }
  test('lecture-1d', async () => {
    const family = Gaussian.family({ covariance: 'full', regularization: 0 })
    const init = right(Mixture.fromJSON(family, JSON.parse(fixture('lecture-1d/init.full.v1.json')))).params
    await check(family, readCsv(fixture('lecture-1d/data.csv')), init, 60)
  })
})

/** Data shaped like a benchmark set (bench/datasets.mjs: means 4·N(0, 1), correlated covariances) at a test-sized n, and a start. */
const benchLike = (
  n: number,
  d: number,
  k: number,
  seed: number,
  weighted: boolean,
): { data: DatasetNs.Dataset; init: Mixture.Params<Gaussian.Component> } => {
  const rng = Rng.seeded(seed)
  const means = Array.from({ length: k }, () => Array.from({ length: d }, () => 4 * rng.normal()))
  const mix = Array.from({ length: d * d }, () => rng.normal() / Math.sqrt(d))
  const rows = Array.from({ length: n }, () => {
    const j = Math.floor(rng.uniform() * k)
    const z = Array.from({ length: d }, () => rng.normal())
    return means[j]!.map((m, r) => {
      let v = m + 0.5 * z[r]!
      for (let c = 0; c <= r; c++) v += mix[r * d + c]! * z[c]!
      return v
    })
  })
  const data = Dataset.fromRowsOrThrow(rows, weighted ? { sampleWeights: rows.map((_, i) => 0.5 + (i % 5)) } : {})
  const identity = Array.from({ length: d }, (_, r) => Array.from({ length: d }, (_, c) => (r === c ? 2 : 0)))
  const json = {
    format: 'emkit.mixture/v1',
    family: 'gaussian',
    covariance: 'full',
    dimension: d,
    weights: Array.from({ length: k }, () => 1 / k),
    components: means.map((m) => ({ mean: m.map((v) => v + rng.normal()), covariance: identity })),
  }
  return { data, init: right(Mixture.fromJSON(Gaussian.family({ covariance: 'full' }), json)).params }
}

describe('engines on benchmark-shaped data', () => {
  const cases = [
    { name: 's2', n: 20_000, d: 2, k: 5 },
    { name: 's10', n: 5_000, d: 10, k: 8 },
    { name: 's50', n: 1_500, d: 50, k: 4 },
    { name: 'big', n: 20_000, d: 4, k: 6 },
  ]
  for (const c of cases) {
    test(`${c.name}-shaped (${c.n} × ${c.d}, k = ${c.k}), weighted rows, full`, async () => {
      const { data, init } = benchLike(c.n, c.d, c.k, c.d, true)
      // Blocks of 1 row cost one statistics merge per row and component: kept to the small sets.
      await check(Gaussian.family({ covariance: 'full' }), data, init, 15, c.n * c.d <= 20_000 ? [1, 7, 4096, 100_000] : [7, 4096, 100_000])
    })
  }
  for (const covariance of ['diag', 'spherical', 'tied'] as const) {
    test(`big-shaped, ${covariance}`, async () => {
      const { data, init } = benchLike(20_000, 4, 6, 4, false)
      const family = Gaussian.family({ covariance })
      const start = right(Mixture.fromJSON(family, { ...Mixture.toJSON(Gaussian.family({ covariance: 'full' }), init), covariance }))
      await check(family, data, start.params, 15, [7, 4096, 100_000])
    })
  }
})
