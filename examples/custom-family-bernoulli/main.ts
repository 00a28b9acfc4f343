/**
 * A Bernoulli family on the family template (`bernoulli.ts`: binary answers, latent class
 * analysis), fitted, selected by BIC, used for prediction, sampling and JSON, and held to both
 * testkit suites.
 */
import fc from 'fast-check'
import { Dataset } from '@emkit/core'
import { Arbitraries } from '@emkit/testkit'
import { tour } from '../shared/familyTour.js'
import { bernoulli } from './bernoulli.js'

tour({
  family: bernoulli,
  source: 'bernoulli.ts',
  truth: {
    weights: Float64Array.of(0.4, 0.6),
    components: [
      { probabilities: Float64Array.of(0.9, 0.8, 0.15, 0.2, 0.7) },
      { probabilities: Float64Array.of(0.1, 0.25, 0.85, 0.7, 0.3) },
    ],
  },
  components: (d, k) =>
    fc.array(
      fc
        .array(fc.double({ min: 0.05, max: 0.95, noNaN: true }), { minLength: d, maxLength: d })
        .map((probabilities) => ({ probabilities })),
      { minLength: k, maxLength: k },
    ),
  inSupport: Arbitraries.dataset({
    minRows: 2,
    maxRows: 30,
    dimension: fc.integer({ min: 1, max: 4 }),
    integer: true,
    min: 0,
    max: 1,
    weighted: 'maybe',
  }),
  outOfSupport: Arbitraries.dataset({ maxRows: 5, min: 2, max: 9, integer: true }),
  support: Dataset.fromColumnOrThrow([0, 1]),
})
