/**
 * The multinomial family against the testkit's acceleration and information laws (no smoothing: the
 * information is that of the likelihood). Rows of 20 trials: a mixture of single-trial multinomials
 * is one categorical distribution, not identifiable, and its information is singular.
 */
import { describe, it } from 'vitest'
import { Mixture } from '@emkit/core'
import { AccelerationLaws, Arbitraries, InformationLaws } from '@emkit/testkit'
import * as Multinomial from './index.js'

const family = Multinomial.family({ trials: 20 })
const cases = Arbitraries.mixtureCase(
  family,
  Arbitraries.mixtureJson({ family: 'multinomial', dimension: 4 }, Arbitraries.multinomialComponents(4, 2, 0.05)),
  { minRows: 40, maxRows: 80, weighted: 'maybe' },
)

describe('multinomial mixtures under SQUAREM and the observed information', () => {
  it('SQUAREM never lowers ℓ, stops at a fixed point of EM, and at plain EM’s optimum', () => {
    AccelerationLaws.assertAcceleration({ model: Mixture.model(family, 2), cases, parameters: { numRuns: 10 } })
  })
  it('the observed information and its standard errors equal the finite-difference Hessian’s', () => {
    InformationLaws.assertInformation({ family, cases, parameters: { numRuns: 6 } })
  })
})
