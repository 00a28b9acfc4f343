/**
 * Observed-information standard errors of Gaussian mixtures. On Old Faithful, k = 2, full
 * covariance, the exact information (Louis' identity, row by row) and the standard errors of every
 * parameter agree at 1e-4 relative with the committed finite-difference reference
 * (fixtures/faithful-k2-information.json, written by scripts/observed-information-reference.py:
 * numpy, central differences at two step sizes, Richardson-extrapolated, at θ̂ from its own EM).
 */
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import { Dataset, Datasets, Mixture } from '@emkit/core'
import * as Gaussian from './index.js'
import { expectClose, fixture, right } from './test/helpers.js'

interface Reference {
  parameters: { weights: number[]; components: Array<{ mean: number[]; covariance: number[][] }> }
  logLikelihood: number
  hessian: number[][]
  standardErrors: { weights: number[]; components: Array<{ mean: number[]; covariance: number[][] }> }
}
const reference = JSON.parse(fixture('faithful-k2-information.json')) as Reference

describe('observed information on Old Faithful, k = 2, full covariance', () => {
  const family = Gaussian.family({ covariance: 'full', regularization: 0 })
  const params = right(
    Mixture.fromJSON(family, { format: Mixture.FORMAT, family: 'gaussian', covariance: 'full', dimension: 2, ...reference.parameters }),
  ).params

  it('at the reference θ̂: the same log-likelihood, and −∇²ℓ equal to the Richardson-extrapolated finite differences at 1e-4', () => {
    const ll = right(Mixture.logLikelihood(family, params, Datasets.faithful))
    expect(Math.abs(ll - reference.logLikelihood)).toBeLessThanOrEqual(1e-12 * Math.abs(reference.logLikelihood))
    const info = right(Mixture.observedInformation(family, Datasets.faithful, params))
    expect(info.size).toBe(11)
    // The reference orders the free parameters as emkit does: π₁, then per component μ and (σ₁₁, σ₁₂, σ₂₂).
    const scale = Math.max(...reference.hessian.flat().map(Math.abs))
    reference.hessian.forEach((row, r) =>
      row.forEach((h, c) => {
        const mine = info.matrix[r * 11 + c]!
        expect(Math.abs(mine + h), `information[${r}][${c}]: ${mine} vs ${-h}`).toBeLessThanOrEqual(1e-4 * Math.abs(h) + 1e-9 * scale)
      }),
    )
  })

  it('every standard error (weights, means, covariance entries) within 1e-4 relative of the reference', () => {
    const se = right(Mixture.standardErrors(family, Datasets.faithful, params))
    expect(se.method).toBe('observed')
    const json = Mixture.standardErrorsJSON(family, params, se)
    expectClose(json.weights, reference.standardErrors.weights, 1e-4, 0, 'weights')
    reference.standardErrors.components.forEach((c, j) => {
      expectClose(json.components[j]!['mean'], c.mean, 1e-4, 0, `component ${j} mean`)
      expectClose(json.components[j]!['covariance'], c.covariance, 1e-4, 0, `component ${j} covariance`)
    })
    // The covariance of the estimates: its diagonal gives the SEs, and it is symmetric.
    const m = 2 + 2 * 6
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < m; c++) expect(se.covariance[r * m + c]).toBe(se.covariance[c * m + r])
    }
    expect(Math.sqrt(se.covariance[0]!)).toBe(se.weights[0])
  })
})

describe('singular information is a typed error', () => {
  it('a component on the boundary (weight ~0, holding one row) gives Left(SingularInformation) naming a parameter', () => {
    const family = Gaussian.family({ covariance: 'diag', regularization: 0 })
    const rows = [
      [0, 0],
      [1, 0.5],
      [0.2, 1],
      [5, 5],
    ]
    const data = right(Dataset.fromRows(rows))
    const params: Mixture.Params<Gaussian.Component> = {
      weights: Float64Array.of(1 - 1e-300, 1e-300),
      components: [
        right(
          Gaussian.component(
            [0.4, 0.5],
            [
              [0.2, 0],
              [0, 0.2],
            ],
            'diag',
          ),
        ),
        right(
          Gaussian.component(
            [5, 5],
            [
              [1e-3, 0],
              [0, 1e-3],
            ],
            'diag',
          ),
        ),
      ],
    }
    const r = Mixture.standardErrors(family, data, params)
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'SingularInformation' })
    if (E.isLeft(r) && r.left._tag === 'SingularInformation') expect(r.left.parameter).toMatch(/^(weights|components)\//)
  })
})
