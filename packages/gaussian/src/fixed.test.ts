/**
 * Fixed parameters (issue 15): the lecture 1-D example with its weights held at (0.3, 0.7) reaches
 * the constrained optimum of a direct numerical maximisation (scipy, scripts/incomplete-data-
 * reference.py) with 4 free parameters in BIC; held means give covariances that are the scatter
 * about them (by hand, full and tied); held covariances give the weighted means; held components
 * and weights stay; every trace is monotone; bad requests are typed errors.
 */
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import { Datasets, Mixture } from '@emkit/core'
import * as Gaussian from './index.js'
import type { CovarianceType } from './index.js'
import { expectClose, fixture, readCsv, right } from './test/helpers.js'

const monotone = (trace: readonly number[]): void => {
  for (let t = 1; t < trace.length; t++) expect(trace[t]! - trace[t - 1]!).toBeGreaterThan(-1e-9 * Math.abs(trace[t]!))
}

describe('lecture 1-D with the weights held at (0.3, 0.7)', () => {
  const reference = JSON.parse(fixture('incomplete/frozen-weights-lecture.json')) as {
    weights: number[]
    means: number[]
    variances: number[]
    loglik: number
    free_parameters: number
    bic: number
  }
  const data = readCsv(fixture('lecture-1d/data.csv'))
  const family = Gaussian.family({ covariance: 'full', regularization: 0 })
  const start = {
    weights: Float64Array.of(0.3, 0.7),
    components: [right(Gaussian.component([-1], [[1]])), right(Gaussian.component([1], [[1]]))],
  }
  const fit = right(
    Mixture.fit(family, data, { k: 2, init: start, fixed: { weights: 'all' }, stop: 'parameters', tolerance: 1e-13, maxIterations: 5000 }),
  )
  it('reaches the constrained optimum of a direct numerical maximisation', () => {
    expect(fit.converged).toBe(true)
    expect(Array.from(fit.params.weights)).toEqual([0.3, 0.7])
    const mc = fit.params.components.map(Gaussian.meanAndCovariance)
    expectClose(
      mc.map((c) => c.mean[0]!),
      reference.means,
      1e-9,
      0,
      'means',
    )
    expectClose(
      mc.map((c) => c.covariance[0]![0]!),
      reference.variances,
      1e-9,
      0,
      'variances',
    )
    expectClose(fit.logLikelihood, reference.loglik, 1e-12, 0, 'log-likelihood')
    monotone(fit.trace)
  })
  it('counts 4 free parameters (two means, two variances) in BIC, and the JSON records what was held', () => {
    expect(fit.parameters).toBe(reference.free_parameters)
    expectClose(fit.bic, reference.bic, 1e-12, 0, 'BIC')
    const free = right(Mixture.fit(family, data, { k: 2, init: start, tolerance: 0, maxIterations: 1 }))
    expect(free.parameters).toBe(5)
    const json = JSON.parse(JSON.stringify(Mixture.toJSON(family, fit.params, fit))) as Mixture.ModelJson
    expect(json.fixed).toEqual({ weights: [0, 1], components: [], parameters: [] })
    expect(JSON.parse(JSON.stringify(Mixture.toJSON(family, free.params, free))).fixed).toBeUndefined()
    // The model reads back (the field is additive).
    expect(E.isRight(Mixture.fromJSON(family, json))).toBe(true)
  })
})

describe('some weights held: the free ones share the rest in proportion to their statistics', () => {
  it('k = 3 on Old Faithful with π₀ held at 0.2: π₀ stays, the free two keep their ratio of responsibilities, ℓ is stationary along them', () => {
    const family = Gaussian.family({ covariance: 'diag', regularization: 0 })
    const base = right(Mixture.fit(family, Datasets.faithful, { k: 3, seed: 2, maxIterations: 5 })).params
    const start = { weights: Float64Array.of(0.2, 0.4, 0.4), components: base.components }
    const one = right(
      Mixture.fit(family, Datasets.faithful, { k: 3, init: start, fixed: { weights: [0] }, tolerance: 0, maxIterations: 1 }),
    )
    const q = right(Mixture.responsibilities(family, Datasets.faithful, start))
    const n1 = q.values.subarray(q.n, 2 * q.n).reduce((a, b) => a + b, 0)
    const n2 = q.values.subarray(2 * q.n, 3 * q.n).reduce((a, b) => a + b, 0)
    expect(one.params.weights[0]).toBe(0.2)
    expectClose(
      [one.params.weights[1]!, one.params.weights[2]!],
      [(0.8 * n1) / (n1 + n2), (0.8 * n2) / (n1 + n2)],
      1e-12,
      0,
      'free weights',
    )
    expect(one.parameters).toBe(1 + 3 * 4)
    const fit = right(
      Mixture.fit(family, Datasets.faithful, {
        k: 3,
        init: start,
        fixed: { weights: [0] },
        stop: 'parameters',
        tolerance: 1e-12,
        maxIterations: 20000,
      }),
    )
    monotone(fit.trace)
    expect(fit.params.weights[0]).toBe(0.2)
    const ll = (a: number): number => {
      const w = fit.params.weights
      const s = w[1]! + w[2]!
      const t = Math.log(w[2]! / w[1]!) + a
      const w1 = s / (1 + Math.exp(t))
      return right(
        Mixture.logLikelihood(family, { weights: Float64Array.of(0.2, w1, s - w1), components: fit.params.components }, Datasets.faithful),
      )
    }
    expect(Math.abs((ll(1e-5) - ll(-1e-5)) / 2e-5)).toBeLessThan(1e-4)
  })
})

describe('held means and held covariances', () => {
  const data = Datasets.faithful
  const start = (structure: CovarianceType): Mixture.Params<Gaussian.Component> => {
    const covariance =
      structure === 'spherical'
        ? [
            [9, 0],
            [0, 9],
          ]
        : structure === 'diag'
          ? [
              [0.5, 0],
              [0, 40],
            ]
          : [
              [0.5, 4],
              [4, 40],
            ]
    return {
      weights: Float64Array.of(0.4, 0.6),
      components: [
        right(Gaussian.component([2.2, 55], covariance, structure)),
        right(Gaussian.component([4.3, 80], covariance, structure)),
      ],
    }
  }
  /** Σ γᵢⱼ (xᵢ − μⱼ)(xᵢ − μⱼ)ᵀ and Σ γᵢⱼ about the start's means, per component. */
  const scatterAbout = (structure: CovarianceType) => {
    const s = start(structure)
    const family = Gaussian.family({ covariance: structure, regularization: 0 })
    const q = right(Mixture.responsibilities(family, data, s))
    return s.components.map((c, j) => {
      const mu = Gaussian.meanAndCovariance(c).mean
      const m = [
        [0, 0],
        [0, 0],
      ]
      let w = 0
      for (let i = 0; i < data.n; i++) {
        const g = q.values[j * data.n + i]!
        w += g
        for (let r = 0; r < 2; r++)
          for (let c2 = 0; c2 < 2; c2++)
            m[r]![c2] = m[r]![c2]! + g * (data.values[2 * i + r]! - mu[r]!) * (data.values[2 * i + c2]! - mu[c2]!)
      }
      return { m, w }
    })
  }
  it('full: with the means held, each covariance after one iteration is the scatter about the held mean', () => {
    const family = Gaussian.family({ covariance: 'full', regularization: 0 })
    const one = right(
      Mixture.fit(family, data, { k: 2, init: start('full'), fixed: { parameters: ['mean'] }, tolerance: 0, maxIterations: 1 }),
    )
    const by = scatterAbout('full')
    one.params.components.forEach((c, j) => {
      const mc = Gaussian.meanAndCovariance(c)
      expect(mc.mean).toEqual(Gaussian.meanAndCovariance(start('full').components[j]!).mean)
      expectClose(
        mc.covariance,
        by[j]!.m.map((row) => row.map((v) => v / by[j]!.w)),
        1e-12,
        0,
        `covariance ${j}`,
      )
    })
    expect(one.parameters).toBe(1 + 2 * 3)
  })
  it('tied: with the means held, the shared covariance pools the scatters about the held means', () => {
    const family = Gaussian.family({ covariance: 'tied', regularization: 0 })
    const one = right(
      Mixture.fit(family, data, { k: 2, init: start('tied'), fixed: { parameters: ['mean'] }, tolerance: 0, maxIterations: 1 }),
    )
    const by = scatterAbout('tied')
    const pooled = [0, 1].map((r) => [0, 1].map((c) => (by[0]!.m[r]![c]! + by[1]!.m[r]![c]!) / (by[0]!.w + by[1]!.w)))
    expectClose(Gaussian.meanAndCovariance(one.params.components[0]!).covariance, pooled, 1e-12, 0, 'shared covariance')
    expect(one.parameters).toBe(1 + 3)
  })
  for (const structure of Gaussian.COVARIANCE_TYPES) {
    it(`${structure}: held means or held covariances give monotone traces; held covariances give the weighted means`, () => {
      const family = Gaussian.family({ covariance: structure, regularization: 0 })
      const s = start(structure)
      const means = right(Mixture.fit(family, data, { k: 2, init: s, fixed: { parameters: ['mean'] }, tolerance: 0, maxIterations: 40 }))
      monotone(means.trace)
      means.params.components.forEach((c, j) => expect(c.mean).toEqual(s.components[j]!.mean))
      const covs = right(
        Mixture.fit(family, data, { k: 2, init: s, fixed: { parameters: ['covariance'] }, tolerance: 0, maxIterations: 40 }),
      )
      monotone(covs.trace)
      covs.params.components.forEach((c, j) => expect(c.covariance).toEqual(s.components[j]!.covariance))
      const one = right(Mixture.fit(family, data, { k: 2, init: s, fixed: { parameters: ['covariance'] }, tolerance: 0, maxIterations: 1 }))
      const q = right(Mixture.responsibilities(family, data, s))
      for (let j = 0; j < 2; j++) {
        let w = 0
        const m = [0, 0]
        for (let i = 0; i < data.n; i++) {
          const g = q.values[j * data.n + i]!
          w += g
          m[0] = m[0]! + g * data.values[2 * i]!
          m[1] = m[1]! + g * data.values[2 * i + 1]!
        }
        expectClose(one.params.components[j]!.mean, [m[0]! / w, m[1]! / w], 1e-12, 0, `${structure} mean ${j}`)
      }
      expect(one.parameters).toBe(1 + 2 * 2)
    })
  }
})

describe('components held whole', () => {
  it('Gaussian: the held component stays; the other and the weights are fitted', () => {
    const family = Gaussian.family({ covariance: 'full', regularization: 0 })
    const s = right(Mixture.fit(family, Datasets.faithful, { k: 2, seed: 1, maxIterations: 3 })).params
    const fit = right(
      Mixture.fit(family, Datasets.faithful, { k: 2, init: s, fixed: { components: [1] }, tolerance: 0, maxIterations: 30 }),
    )
    monotone(fit.trace)
    expect(fit.params.components[1]).toBe(s.components[1])
    expect(fit.params.components[0]!.mean).not.toEqual(s.components[0]!.mean)
    expect(fit.parameters).toBe(1 + 5)
  })
})

describe('bad requests are typed errors', () => {
  const family = Gaussian.family()
  const s = right(Mixture.fit(family, Datasets.faithful, { k: 2, seed: 1, maxIterations: 2 })).params
  for (const [options, pattern] of [
    [{ fixed: { weights: 'all' } }, /needs starting parameters as init/],
    [{ init: s, fixed: { weights: [2] } }, /fixed\.weights\[0\] is 2; it must be a component 0 … 1/],
    [
      { init: s, fixed: { parameters: ['precision'] } },
      /fixed\.parameters\[0\] is "precision"; the gaussian family can hold 'mean', 'covariance'/,
    ],
    [{ init: s, fixed: { weights: 'all' }, accelerate: 'squarem' }, /SQUAREM extrapolates every parameter/],
    [{ init: s, fixed: { weights: 'all' }, collapse: 'drop' }, /cannot drop components/],
  ] as const) {
    it(String(pattern), () => {
      const r = Mixture.fit(family, Datasets.faithful, { k: 2, ...(options as object) })
      expect(E.isLeft(r) && r.left._tag === 'InvalidOptions' && pattern.test(r.left.message), E.isLeft(r) ? r.left.message : 'Right').toBe(
        true,
      )
    })
  }
})

describe('every engine', () => {
  it('held weights and means: threads (2) and the stream engine give the memory engine’s trace and the JSON record', async () => {
    const family = Gaussian.family({ covariance: 'tied', regularization: 0 })
    const s = right(Mixture.fit(family, Datasets.faithful, { k: 3, seed: 4, maxIterations: 3 })).params
    const options = { k: 3, init: s, fixed: { weights: [0], parameters: ['mean'] }, tolerance: 0, maxIterations: 25 } as const
    const memory = right(Mixture.fit(family, Datasets.faithful, options))
    const threads = right(Mixture.fit(family, Datasets.faithful, { ...options, workers: 2 }))
    const streamed = right(await Mixture.fitAsync(family, Datasets.faithful, { ...options, engine: 'stream', blockRows: 50 }))
    expect(threads.threads).toBe(2)
    expectClose(threads.trace, memory.trace, 1e-11, 0, 'threads trace')
    expectClose(streamed.trace, memory.trace, 1e-11, 0, 'stream trace')
    monotone(memory.trace)
    expect(streamed.fixed).toEqual({ weights: [0], components: [], parameters: ['mean'] })
    expect(streamed.parameters).toBe(memory.parameters)
    expect(memory.parameters).toBe(1 + 3)
  })
})
