/**
 * SQUAREM on Gaussian mixtures. The measurement of issue 14 on Old Faithful, k = 3, full
 * covariance, regularisation 0, from a documented fixed start: the M-step from the k-means++
 * partition of `Mixture.initializer(model, 'kmeans++')` with `Rng.seeded(2)` (the slow start: plain
 * EM needs ~690 iterations to a relative parameter change of 1e-14). The optimum is plain EM run to
 * a relative parameter change ≤ 1e-14. Plain EM's cost is its E-steps until its relative parameter
 * change is ≤ 1e-8; SQUAREM's is its E-steps until it is within 1e-8 (log-likelihood, relative) and
 * 1e-6 (every parameter, relative) of the optimum. docs/convergence-and-uncertainty.md has the table
 * for the other starts.
 */
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import type { Dataset as DatasetNs, Fit } from '@emkit/core'
import { Datasets, Em, Mixture, Rng, Squarem } from '@emkit/core'
import * as Gaussian from './index.js'
import { faithfulFamily, faithfulStart } from './test/faithful.js'
import { fixture, readCsv, right } from './test/helpers.js'

type P = Mixture.Params<Gaussian.Component>

/** E-steps until the run is first within (1e-8 log-likelihood, 1e-6 parameters) relative of `optimum`, and the fit. */
const measure = async (
  model: Mixture.MixtureModel<Gaussian.Component, unknown>,
  data: DatasetNs.Dataset,
  init: P,
  optimum: Fit<P>,
  accelerate: 'none' | 'squarem',
): Promise<{ reached: number | undefined; fit: Fit<P> }> => {
  const best = model.toVector(optimum.params)
  let reached: number | undefined
  const run = Em.iterate(model, data, { init, stop: 'parameters', tolerance: 1e-8, maxIterations: 100_000, accelerate })
  for await (const step of run) {
    const close =
      Math.abs(step.logLikelihood - optimum.logLikelihood) <= 1e-8 * Math.abs(optimum.logLikelihood) &&
      Squarem.relativeChange(best, model.toVector(step.params)) <= 1e-6
    if (close) reached ??= step.evaluations
  }
  return { reached, fit: right(await run.result) }
}

const nonDecreasing = (trace: readonly number[]): void => {
  for (let t = 1; t < trace.length; t++)
    expect(trace[t]! - trace[t - 1]!, `step ${t}`).toBeGreaterThanOrEqual(-Em.decreaseSlack(trace[t - 1]!))
}

describe('SQUAREM on Old Faithful, k = 3, full covariance', () => {
  const family = faithfulFamily
  const model = Mixture.model(family, 3) as Mixture.MixtureModel<Gaussian.Component, unknown>

  it('reaches the plain-EM optimum with at most 30 % of the E-steps plain EM needs (documented start)', async () => {
    const init = faithfulStart(2)
    const optimum = right(Em.fit(model, Datasets.faithful, { init, stop: 'parameters', tolerance: 1e-14, maxIterations: 100_000 }))
    const plain = await measure(model, Datasets.faithful, init, optimum, 'none')
    const accelerated = await measure(model, Datasets.faithful, init, optimum, 'squarem')
    expect(plain.fit.converged).toBe(true)
    expect(accelerated.reached).toBeDefined()
    expect(accelerated.reached! / plain.fit.evaluations).toBeLessThanOrEqual(0.3)
    // Its own stop (relative parameter change ≤ 1e-8 between accepted steps) is at the optimum too.
    expect(Math.abs(accelerated.fit.logLikelihood - optimum.logLikelihood)).toBeLessThanOrEqual(1e-8 * Math.abs(optimum.logLikelihood))
    expect(Squarem.relativeChange(model.toVector(optimum.params), model.toVector(accelerated.fit.params))).toBeLessThanOrEqual(1e-6)
    expect(accelerated.fit.warnings).toEqual([])
    nonDecreasing(accelerated.fit.trace)
  })

  it('from five other k-means++ starts: the same optimum, never more than 40 % of plain EM’s E-steps', async () => {
    for (const seed of [0, 1, 3, 4, 5]) {
      const init = faithfulStart(seed)
      const optimum = right(Em.fit(model, Datasets.faithful, { init, stop: 'parameters', tolerance: 1e-14, maxIterations: 100_000 }))
      const plain = await measure(model, Datasets.faithful, init, optimum, 'none')
      const accelerated = await measure(model, Datasets.faithful, init, optimum, 'squarem')
      expect(accelerated.reached, `seed ${seed}`).toBeDefined()
      expect(accelerated.reached! / plain.fit.evaluations, `seed ${seed}`).toBeLessThanOrEqual(0.4)
      nonDecreasing(accelerated.fit.trace)
    }
  })

  it('through Mixture.fit (the engine-backed model): the same accepted steps and E-steps as Em.fit on the verification model', () => {
    const init = faithfulStart(2)
    const options = { init, stop: 'parameters', tolerance: 1e-8, maxIterations: 10_000, accelerate: 'squarem' } as const
    const engine = right(Mixture.fit(family, Datasets.faithful, { k: 3, ...options }))
    const direct = right(Em.fit(model, Datasets.faithful, options))
    expect(engine.iterations).toBe(direct.iterations)
    expect(engine.evaluations).toBe(direct.evaluations)
    expect(Math.abs(engine.logLikelihood - direct.logLikelihood)).toBeLessThanOrEqual(1e-10 * Math.abs(direct.logLikelihood))
  })
})

describe.each(['full', 'diag', 'spherical', 'tied'] as const)('SQUAREM on iris, k = 3, %s covariance', (covariance) => {
  it('reaches plain EM’s optimum from the reference start in fewer E-steps, never lowering the log-likelihood', () => {
    const family = Gaussian.family({ covariance, regularization: 0 })
    const data = readCsv(fixture('iris-k3/data.csv'))
    const init = right(Mixture.fromJSON(family, JSON.parse(fixture(`iris-k3/init.${covariance}.v1.json`)) as unknown)).params
    const options = { k: 3, init, stop: 'parameters', tolerance: 1e-10, maxIterations: 100_000 } as const
    const plain = right(Mixture.fit(family, data, options))
    const accelerated = right(Mixture.fit(family, data, { ...options, accelerate: 'squarem' }))
    expect(accelerated.evaluations).toBeLessThan(plain.evaluations)
    expect(Math.abs(accelerated.logLikelihood - plain.logLikelihood)).toBeLessThanOrEqual(1e-9 * Math.abs(plain.logLikelihood))
    const v = (p: P): Float64Array => Mixture.model(family, 3).toVector(p)
    expect(Squarem.relativeChange(v(plain.params), v(accelerated.params))).toBeLessThanOrEqual(1e-6)
    nonDecreasing(accelerated.trace)
  })
})

describe('an extrapolated point is always a valid component set', () => {
  it('the unconstrained vector round-trips, and any finite vector gives positive-definite covariances', () => {
    for (const covariance of ['full', 'diag', 'spherical', 'tied'] as const) {
      const family = Gaussian.family({ covariance, regularization: 0 })
      const data = readCsv(fixture('iris-k3/data.csv'))
      const init = right(Mixture.fromJSON(family, JSON.parse(fixture(`iris-k3/init.${covariance}.v1.json`)) as unknown)).params
      const u = family.toUnconstrained!(init.components)
      const back = right(family.fromUnconstrained!(u, init.components))
      back.forEach((c, j) => {
        const a = family.toVector(c)
        const b = family.toVector(init.components[j]!)
        for (let t = 0; t < a.length; t++)
          expect(Math.abs(a[t]! - b[t]!), `${covariance} ${j} ${t}`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(b[t]!)))
      })
      const rng = Rng.seeded(7)
      const wild = u.map((x) => x + 3 * rng.normal())
      const far = right(family.fromUnconstrained!(wild, init.components))
      expect(E.isRight(family.validate(far, data.d)), covariance).toBe(true)
    }
  })
})
