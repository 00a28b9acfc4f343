/**
 * Reproduction of the shared reference fits (fixtures copied by scripts/copy-fixtures.mjs, never
 * edited by hand): from the given starting points, with regularisation 0, every log-likelihood of
 * the trace, the parameters after 1, 2, 5, 10 iterations and at the end, and BIC/AIC must agree
 * with an independent EM implementation (itself cross-checked with scikit-learn and mclust).
 */
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import type { Dataset } from '@emkit/core'
import { Mixture } from '@emkit/core'
import * as Gaussian from './index.js'
import type { CovarianceType } from './index.js'
import { expectClose, fixture, readCsv, right } from './test/helpers.js'

interface ExpectedParams {
  weights: number[]
  means: number[][]
  covariances: number[][][]
  variances?: unknown
  covariance?: number[][]
}
interface ExpectedModel {
  n_iter: number
  loglik_trajectory: number[]
  final: { loglik: number; params: ExpectedParams }
  params_after_iteration: Record<string, ExpectedParams>
  information_criteria: { n_params: number; n: number; bic_sklearn_convention: number; aic_sklearn_convention: number }
}

const TRACE_RTOL = 1e-9
const TRACE_ATOL = 1e-9
const PARAM_RTOL = 1e-7
const PARAM_ATOL = 1e-9

const run = (structure: CovarianceType, data: Dataset.Dataset, initJson: unknown, iterations: number) => {
  const fam = Gaussian.family({ covariance: structure, regularization: 0 })
  const init = right(Mixture.fromJSON(fam, initJson)).params
  return { fam, fit: right(Mixture.fit(fam, data, { k: init.components.length, init, tolerance: 0, maxIterations: iterations })) }
}

const checkParams = (
  structure: CovarianceType,
  params: Mixture.Params<Gaussian.Component>,
  expected: ExpectedParams,
  label: string,
): void => {
  expectClose(params.weights, expected.weights, PARAM_RTOL, PARAM_ATOL, `${label} weights`)
  const mc = params.components.map(Gaussian.meanAndCovariance)
  expectClose(
    mc.map((c) => c.mean),
    expected.means,
    PARAM_RTOL,
    PARAM_ATOL,
    `${label} means`,
  )
  expectClose(
    mc.map((c) => c.covariance),
    expected.covariances,
    PARAM_RTOL,
    PARAM_ATOL,
    `${label} covariances`,
  )
  if (structure === 'diag')
    expectClose(
      mc.map((c) => c.covariance.map((row, r) => row[r])),
      expected.variances,
      PARAM_RTOL,
      PARAM_ATOL,
      `${label} variances`,
    )
  if (structure === 'spherical')
    expectClose(
      mc.map((c) => c.covariance[0]![0]),
      expected.variances,
      PARAM_RTOL,
      PARAM_ATOL,
      `${label} variances`,
    )
  if (structure === 'tied') expectClose(mc[0]!.covariance, expected.covariance, PARAM_RTOL, PARAM_ATOL, `${label} shared covariance`)
}

const reproduce = (label: string, structure: CovarianceType, data: Dataset.Dataset, initJson: unknown, m: ExpectedModel): void => {
  it(`${label}: the trace matches at every one of ${m.n_iter} iterations and the final parameters match`, () => {
    const { fit } = run(structure, data, initJson, m.n_iter)
    expect(fit.iterations).toBe(m.n_iter)
    expect(fit.trace.length).toBe(m.loglik_trajectory.length)
    expectClose(fit.trace, m.loglik_trajectory, TRACE_RTOL, TRACE_ATOL, `${label} trace`)
    expectClose(fit.logLikelihood, m.final.loglik, 1e-10, 0, `${label} final log-likelihood`)
    checkParams(structure, fit.params, m.final.params, `${label} final`)
    expect(fit.warnings.filter((w) => w.kind === 'logLikelihoodDecreased')).toEqual([])
    const ic = m.information_criteria
    expect(fit.parameters).toBe(ic.n_params)
    expect(fit.observations).toBe(ic.n)
    expectClose(fit.bic, ic.bic_sklearn_convention, 1e-10, 0, `${label} BIC`)
    expectClose(fit.aic, ic.aic_sklearn_convention, 1e-10, 0, `${label} AIC`)
  })
  it(`${label}: the parameters after ${Object.keys(m.params_after_iteration).join(', ')} iterations match`, () => {
    for (const [t, expected] of Object.entries(m.params_after_iteration)) {
      const { fit } = run(structure, data, initJson, Number(t))
      expect(fit.iterations).toBe(Number(t))
      checkParams(structure, fit.params, expected, `${label} after ${t}`)
    }
  })
}

describe('lecture-1d (two univariate components, 500 points)', () => {
  const expected = JSON.parse(fixture('lecture-1d/expected.json')) as ExpectedModel & {
    fixed_100: { n_iter: number; loglik_trajectory: number[]; params_after_100: ExpectedParams }
  }
  const data = readCsv(fixture('lecture-1d/data.csv'))
  const initJson: unknown = JSON.parse(fixture('lecture-1d/init.full.v1.json'))
  it('reads the data the reference used', () => {
    expect(data.n).toBe(500)
    expect(data.d).toBe(1)
  })
  reproduce('lecture-1d', 'full', data, initJson, expected)
  it('fixed_100: exactly 100 iterations reproduce the 101-entry trace and the parameters', () => {
    const { fit } = run('full', data, initJson, 100)
    expect(fit.trace.length).toBe(101)
    expectClose(fit.trace, expected.fixed_100.loglik_trajectory, TRACE_RTOL, TRACE_ATOL, 'fixed_100 trace')
    checkParams('full', fit.params, expected.fixed_100.params_after_100, 'fixed_100')
  })
  it('fit1d gives the same answer from plain numbers', () => {
    const xs = Array.from(data.values)
    const r = Gaussian.fit1d(xs, {
      k: 2,
      init: { weights: [0.5, 0.5], means: [-1, 1], variances: [1, 1] },
      regularization: 0,
      tolerance: 0,
      maxIterations: expected.n_iter,
    })
    expect(E.isRight(r)).toBe(true)
    if (E.isRight(r)) {
      expectClose(r.right.fit.trace, expected.loglik_trajectory, TRACE_RTOL, TRACE_ATOL, 'fit1d trace')
      expectClose(r.right.weights, expected.final.params.weights, PARAM_RTOL, PARAM_ATOL, 'fit1d weights')
      expectClose(r.right.means, expected.final.params.means, PARAM_RTOL, PARAM_ATOL, 'fit1d means')
      expectClose(r.right.variances, expected.final.params.covariances, PARAM_RTOL, PARAM_ATOL, 'fit1d variances')
    }
  })
})

describe('iris-k3 (150 × 4, k = 3)', () => {
  const expected = JSON.parse(fixture('iris-k3/expected.json')) as { models: Record<CovarianceType, ExpectedModel> }
  const data = readCsv(fixture('iris-k3/data.csv'))
  it('reads the data the reference used', () => {
    expect([data.n, data.d]).toEqual([150, 4])
  })
  for (const structure of Gaussian.COVARIANCE_TYPES) {
    describe(structure, () => {
      const initJson: unknown = JSON.parse(fixture(`iris-k3/init.${structure}.v1.json`))
      reproduce(`iris-k3 ${structure}`, structure, data, initJson, expected.models[structure])
      it('writes JSON that reads back to the same parameters', () => {
        const { fam, fit } = run(structure, data, initJson, 3)
        const json = JSON.parse(JSON.stringify(Mixture.toJSON(fam, fit.params, fit))) as Mixture.ModelJson
        expect(json.covariance).toBe(structure)
        expect(json.family).toBe('gaussian')
        const back = right(Mixture.fromJSON(fam, json)).params
        expect(Array.from(back.weights)).toEqual(Array.from(fit.params.weights))
        for (let j = 0; j < 3; j++) {
          expect(Gaussian.meanAndCovariance(back.components[j]!)).toEqual(Gaussian.meanAndCovariance(fit.params.components[j]!))
        }
      })
    })
  }
})
