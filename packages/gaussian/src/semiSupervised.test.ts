/**
 * Partly known labels (semi-supervised EM, issue 15): iris with the first 10 rows of each species
 * labelled reproduces the trace of scripts/incomplete-data-reference.py to 1e-10 per entry for 100
 * iterations, on every engine; with every row labelled, one iteration gives the supervised weighted
 * MLE and the next changes nothing; bad labels are typed errors.
 */
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import { Mixture } from '@emkit/core'
import * as Gaussian from './index.js'
import { expectClose, fixture, readCsv, right } from './test/helpers.js'

interface Params {
  weights: number[]
  means: number[][]
  covariances: number[][][]
}
const reference = JSON.parse(fixture('incomplete/semi-supervised-iris.json')) as {
  labelled_rows: number[]
  labels: number[]
  start: Params
  trace: number[]
  final: Params
}
const iris = readCsv(fixture('iris-k3/data.csv'))
const family = Gaussian.family({ covariance: 'full', regularization: 0 })
const labels = new Array<number>(iris.n).fill(-1)
reference.labelled_rows.forEach((i, t) => (labels[i] = reference.labels[t]!))
const species = Array.from({ length: iris.n }, (_, i) => Math.floor(i / 50))

const checkParams = (params: Mixture.Params<Gaussian.Component>, expected: Params, rtol: number, label: string): void => {
  expectClose(params.weights, expected.weights, rtol, 0, `${label} weights`)
  const mc = params.components.map(Gaussian.meanAndCovariance)
  expectClose(
    mc.map((c) => c.mean),
    expected.means,
    rtol,
    1e-12,
    `${label} means`,
  )
  expectClose(
    mc.map((c) => c.covariance),
    expected.covariances,
    rtol,
    1e-12,
    `${label} covariances`,
  )
}

describe('semi-supervised iris: 10 labelled rows per species, k = 3 full', () => {
  it('the start is the M-step from the labelled rows, and the trace (the objective with the known labels) matches the reference to 1e-10', () => {
    // An initialisation method with labels covering every component starts from the labelled rows alone.
    const fit = right(Mixture.fit(family, iris, { k: 3, labels, init: 'kmeans++', tolerance: 0, maxIterations: 100 }))
    expect(fit.trace.length).toBe(101)
    expectClose(fit.trace, reference.trace, 1e-10, 0, 'trace')
    for (let t = 1; t < fit.trace.length; t++) expect(fit.trace[t]! - fit.trace[t - 1]!).toBeGreaterThan(-1e-9)
    checkParams(fit.params, reference.final, 1e-7, 'final')
    const start = right(Mixture.fit(family, iris, { k: 3, labels, init: 'random', tolerance: 0, maxIterations: 0 }))
    checkParams(start.params, reference.start, 1e-12, 'start')
  })
  it('threads (2) and the stream engine give the same trace', async () => {
    const init = {
      weights: Float64Array.from(reference.start.weights),
      components: reference.start.means.map((m, j) => right(Gaussian.component(m, reference.start.covariances[j]!))),
    }
    const options = { k: 3, labels, init, tolerance: 0, maxIterations: 30 }
    const threads = right(Mixture.fit(family, iris, { ...options, workers: 2 }))
    const streamed = right(await Mixture.fitAsync(family, iris, { ...options, engine: 'stream', blockRows: 40 }))
    expect(threads.threads).toBe(2)
    expectClose(threads.trace, reference.trace.slice(0, 31), 1e-10, 0, 'threads trace')
    expectClose(streamed.trace, reference.trace.slice(0, 31), 1e-10, 0, 'stream trace')
  })
  it('the verification model with the labels takes the same steps', () => {
    const init = {
      weights: Float64Array.from(reference.start.weights),
      components: reference.start.means.map((m, j) => right(Gaussian.component(m, reference.start.covariances[j]!))),
    }
    const m = Mixture.model(family, 3, { labels })
    const post = m.posterior(iris, init)
    expect(Math.abs(post.logLikelihood - reference.trace[0]!)).toBeLessThan(1e-10 * Math.abs(reference.trace[0]!))
    // Labelled rows' posteriors are their labels.
    expect([post.posterior.values[0], post.posterior.values[iris.n + 50], post.posterior.values[2 * iris.n + 100]]).toEqual([1, 1, 1])
  })
})

describe('every row labelled: the supervised weighted MLE in one step', () => {
  const weights = Float64Array.from({ length: iris.n }, (_, i) => 0.5 + ((i * 37) % 11) / 10)
  const data = { ...iris, sampleWeights: weights }
  /** Each species' weighted mean and covariance (divided by its total weight), and the weight shares. */
  const supervised = (): Params => {
    const out: Params = { weights: [], means: [], covariances: [] }
    const total = weights.reduce((a, b) => a + b, 0)
    for (let j = 0; j < 3; j++) {
      const rows = species.flatMap((s, i) => (s === j ? [i] : []))
      const w = rows.reduce((a, i) => a + weights[i]!, 0)
      const mean = [0, 1, 2, 3].map((c) => rows.reduce((a, i) => a + weights[i]! * iris.values[i * 4 + c]!, 0) / w)
      const cov = [0, 1, 2, 3].map((r) =>
        [0, 1, 2, 3].map(
          (c) =>
            rows.reduce((a, i) => a + weights[i]! * (iris.values[i * 4 + r]! - mean[r]!) * (iris.values[i * 4 + c]! - mean[c]!), 0) / w,
        ),
      )
      out.weights.push(w / total)
      out.means.push(mean)
      out.covariances.push(cov)
    }
    return out
  }
  it('from any start, iteration 1 is the weighted class means, covariances and shares, and iteration 2 changes nothing', () => {
    const start = {
      weights: Float64Array.of(0.2, 0.3, 0.5),
      components: [0, 1, 2].map((j) =>
        right(
          Gaussian.component(
            [5 + j, 3, 3, 1],
            [
              [1, 0, 0, 0],
              [0, 1, 0, 0],
              [0, 0, 1, 0],
              [0, 0, 0, 1],
            ],
          ),
        ),
      ),
    }
    const one = right(Mixture.fit(family, data, { k: 3, labels: species, init: start, tolerance: 0, maxIterations: 1 }))
    checkParams(one.params, supervised(), 1e-12, 'after one iteration')
    const two = right(Mixture.fit(family, data, { k: 3, labels: species, init: start, tolerance: 0, maxIterations: 2 }))
    checkParams(two.params, supervised(), 1e-12, 'after two iterations')
    expect(Math.abs(two.trace[2]! - two.trace[1]!)).toBeLessThan(1e-9)
    // The objective is then the complete-data log-likelihood Σ wᵢ log πzᵢ N(xᵢ | θzᵢ).
    const mc = one.params.components.map(Gaussian.meanAndCovariance)
    let expected = 0
    for (let i = 0; i < iris.n; i++) {
      const z = species[i]!
      const row = Array.from(iris.values.subarray(i * 4, i * 4 + 4))
      const comp = right(Gaussian.component(mc[z]!.mean, mc[z]!.covariance))
      const single = right(
        Mixture.scoreSamples(family, { weights: Float64Array.of(1), components: [comp] }, { n: 1, d: 4, values: Float64Array.from(row) }),
      )
      expected += weights[i]! * (Math.log(one.params.weights[z]!) + single[0]!)
    }
    expect(Math.abs(two.trace[1]! - expected)).toBeLessThan(1e-9 * Math.abs(expected))
  })
})

describe('bad labels are typed errors', () => {
  for (const [labelsGiven, pattern] of [
    [[1, 2], /labels has length 2, expected one per row \(150\)/],
    [new Array(150).fill(3), /labels\[0\] is 3; a label is a component 0 … 2, or −1 when unknown/],
    [new Array(150).fill(0.5), /labels\[0\] is 0\.5/],
  ] as const) {
    it(String(pattern), () => {
      const r = Mixture.fit(family, iris, { k: 3, labels: labelsGiven as number[] })
      expect(E.isLeft(r) && r.left._tag === 'InvalidOptions' && pattern.test(r.left.message)).toBe(true)
    })
  }
})
