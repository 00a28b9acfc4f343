/**
 * The Gaussian family against `@emkit/testkit`: the family contract and the EM model laws, for
 * every covariance structure. Regularisation is 0 (the exact maximum-likelihood M-step), since a
 * regularised M-step is by design not the maximiser of Q.
 */
import type fc from 'fast-check'
import { describe, it } from 'vitest'
import type { Mixture } from '@emkit/core'
import { Arbitraries, FamilyLaws, ModelLaws } from '@emkit/testkit'
import * as Gaussian from './index.js'

const structures = ['full', 'diag', 'spherical', 'tied'] as const

const json = (covariance: (typeof structures)[number], d: number, k: number): fc.Arbitrary<Mixture.ModelJson> =>
  Arbitraries.mixtureJson(
    { family: 'gaussian', variant: { covariance }, dimension: d },
    Arbitraries.gaussianComponents(d, k, covariance, { maxCondition: 30 }),
  )

/** log N(x | μ, Σ) for d = 2, written out (det and inverse of a 2 × 2 matrix). */
const reference2d = (c: Gaussian.Component, x: Float64Array): number => {
  const { mean, covariance } = Gaussian.meanAndCovariance(c)
  const [a, b, , e] = [covariance[0]![0]!, covariance[0]![1]!, covariance[1]![0]!, covariance[1]![1]!]
  const det = a * e - b * b
  const u = x[0]! - mean[0]!
  const v = x[1]! - mean[1]!
  return -Math.log(2 * Math.PI) - 0.5 * Math.log(det) - (0.5 * (e * u * u - 2 * b * u * v + a * v * v)) / det
}

describe.each(structures)('gaussian (%s) obeys the testkit laws', (covariance) => {
  const family = Gaussian.family({ covariance, regularization: 0 })
  it('family contract', () => {
    FamilyLaws.assertFamilyLaws({
      family,
      // Data drawn from a generated Gaussian mixture: without regularisation, fast-check's shrinking of
      // plain bounded doubles reaches rows that coincide to 1e-141, where the exact MLE is singular.
      data: Arbitraries.mixtureParams(family, json(covariance, 2, 2)).chain((p) =>
        Arbitraries.mixtureData(family, p, { minRows: 4, maxRows: 30, weighted: 'maybe' }),
      ),
      normalization: {
        kind: 'reference',
        components: FamilyLaws.componentsFromJson(family, json(covariance, 2, 1)),
        points: Arbitraries.dataset({ maxRows: 5, dimension: 2 }),
        logDensity: reference2d,
      },
      minWeight: 0.05,
      parameters: { numRuns: 25 },
    })
  })
  it('log-density integrates to 1 in one dimension (quadrature)', () => {
    FamilyLaws.assertFamilyLaws({
      family,
      data: Arbitraries.dataset({ dimension: 1 }),
      laws: ['normalization'],
      normalization: { kind: 'quadrature', components: FamilyLaws.componentsFromJson(family, json(covariance, 1, 1)) },
      parameters: { numRuns: 20 },
    })
  })
  it('EM model laws (k = 2, d = 2)', () => {
    ModelLaws.assertMixtureLaws(family, 2, {
      cases: Arbitraries.mixtureCase(family, json(covariance, 2, 2), { minRows: 30, maxRows: 60, weighted: 'maybe' }),
      parameters: { numRuns: 15 },
    })
  })
})

/** The laws EM keeps on incomplete data. The verification model's Q is over the latent components given the observed cells, so Q-ascent and the M-step's maximisation of that Q are not promised with missing cells or held parameters (the M-step maximises the Q of the missing cells too, or a constrained Q). */
const INCOMPLETE_LAWS = ['logLikelihoodNonDecreasing', 'posteriorIsDistribution', 'decomposition', 'fixedPoint', 'determinism'] as const

describe.each(structures)('gaussian (%s) keeps the laws on incomplete data', (covariance) => {
  const family = Gaussian.family({ covariance, regularization: 0 })
  const cases = (d: number) => Arbitraries.mixtureCase(family, json(covariance, d, 2), { minRows: 30, maxRows: 60, weighted: 'maybe' })
  it('missing cells (about 25 % of the cells, d = 3)', () => {
    ModelLaws.assertMixtureLaws(family, 2, {
      cases: Arbitraries.withMissing(cases(3), 0.25),
      laws: INCOMPLETE_LAWS,
      parameters: { numRuns: 10 },
    })
  })
  it('partly known labels (every third row labelled by its row number)', () => {
    ModelLaws.assertMixtureLaws(family, 2, {
      cases: cases(2),
      options: (data) => ({ labels: Array.from({ length: data.n }, (_, i) => (i % 3 === 0 ? (i / 3) % 2 : -1)) }),
      laws: [...INCOMPLETE_LAWS, 'qAscent', 'mStepMaximizes'],
      parameters: { numRuns: 10 },
    })
  })
  it('held weights, and held means with missing cells', () => {
    ModelLaws.assertMixtureLaws(family, 2, {
      cases: cases(2),
      options: () => ({ fixed: { weights: 'all' } }),
      laws: [...INCOMPLETE_LAWS, 'qAscent'],
      parameters: { numRuns: 10 },
    })
    ModelLaws.assertMixtureLaws(family, 2, {
      cases: Arbitraries.withMissing(cases(3), 0.2),
      options: () => ({ fixed: { parameters: ['mean'] } }),
      laws: INCOMPLETE_LAWS,
      parameters: { numRuns: 10 },
    })
  })
})
