/**
 * A new family on the family template (`poisson.ts`: independent Poisson counts, the family of the
 * guide docs/writing-a-family.md), then fitted, selected by BIC, used for prediction, sampling and
 * JSON, and held to both testkit suites — all of which it gets from `@emkit/core` and `@emkit/testkit`.
 */
import fc from 'fast-check'
import { Dataset } from '@emkit/core'
import { Arbitraries } from '@emkit/testkit'
import { tour } from '../shared/familyTour.js'
import { poisson } from './poisson.js'

tour({
  family: poisson,
  source: 'poisson.ts',
  truth: { weights: Float64Array.of(0.3, 0.7), components: [{ rate: Float64Array.of(2, 9, 0.5) }, { rate: Float64Array.of(8, 1, 4) }] },
  components: (d, k) =>
    fc.array(
      fc.array(fc.double({ min: 0.2, max: 10, noNaN: true }), { minLength: d, maxLength: d }).map((rate) => ({ rate })),
      { minLength: k, maxLength: k },
    ),
  inSupport: Arbitraries.dataset({
    minRows: 2,
    maxRows: 30,
    dimension: fc.integer({ min: 1, max: 3 }),
    integer: true,
    min: 0,
    max: 12,
    weighted: 'maybe',
  }),
  outOfSupport: Arbitraries.dataset({ maxRows: 5, min: 0.1, max: 0.9 }),
  support: Dataset.fromColumnOrThrow(Array.from({ length: 80 }, (_, x) => x)),
})
