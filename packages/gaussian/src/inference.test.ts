/** Gaussian mixtures of every covariance structure against the testkit's acceleration and information laws. */
import { describe, it } from 'vitest'
import { Mixture } from '@emkit/core'
import { AccelerationLaws, Arbitraries, InformationLaws } from '@emkit/testkit'
import * as Gaussian from './index.js'

describe.each(['full', 'diag', 'spherical', 'tied'] as const)('gaussian (%s) under SQUAREM and the observed information', (covariance) => {
  const family = Gaussian.family({ covariance, regularization: 0 })
  const cases = Arbitraries.mixtureCase(
    family,
    Arbitraries.mixtureJson(
      { family: 'gaussian', variant: { covariance }, dimension: 2 },
      Arbitraries.gaussianComponents(2, 2, covariance, { maxCondition: 30 }),
    ),
    { minRows: 40, maxRows: 80, weighted: 'maybe' },
  )
  it('SQUAREM never lowers ℓ, stops at a fixed point of EM, and at plain EM’s optimum', () => {
    AccelerationLaws.assertAcceleration({ model: Mixture.model(family, 2), cases, parameters: { numRuns: 10 } })
  })
  it('the observed information and its standard errors equal the finite-difference Hessian’s', () => {
    InformationLaws.assertInformation({ family, cases, parameters: { numRuns: 5 } })
  })
})
