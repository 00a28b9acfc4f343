/** The exponential family against the testkit's acceleration and information laws. */
import { describe, it } from 'vitest'
import { Mixture } from '@emkit/core'
import { AccelerationLaws, Arbitraries, InformationLaws } from '@emkit/testkit'
import * as Exponential from './index.js'

const family = Exponential.family()
const cases = (d: number) =>
  Arbitraries.mixtureCase(
    family,
    Arbitraries.mixtureJson({ family: 'exponential', dimension: d }, Arbitraries.exponentialComponents(d, 2)),
    {
      minRows: 30,
      maxRows: 80,
      weighted: 'maybe',
    },
  )

describe('exponential mixtures under SQUAREM and the observed information', () => {
  it('SQUAREM never lowers ℓ, stops at a fixed point of EM, and at plain EM’s optimum (d = 1, 2)', () => {
    for (const d of [1, 2])
      AccelerationLaws.assertAcceleration({ model: Mixture.model(family, 2), cases: cases(d), parameters: { numRuns: 10 } })
  })
  it('the observed information and its standard errors equal the finite-difference Hessian’s (d = 1, 2)', () => {
    for (const d of [1, 2]) InformationLaws.assertInformation({ family, cases: cases(d), parameters: { numRuns: 6 } })
  })
})
