/** The exponential family against `@emkit/testkit`: the family contract and the EM model laws. */
import fc from 'fast-check'
import { describe, it } from 'vitest'
import { Arbitraries, FamilyLaws, ModelLaws } from '@emkit/testkit'
import * as Exponential from './index.js'

const json = (d: number, k: number) =>
  Arbitraries.mixtureJson({ family: 'exponential', dimension: d }, Arbitraries.exponentialComponents(d, k))

describe('exponential obeys the testkit laws', () => {
  const family = Exponential.family()
  it('family contract', () => {
    FamilyLaws.assertFamilyLaws({
      family,
      data: Arbitraries.dataset({ minRows: 2, maxRows: 30, dimension: fc.integer({ min: 1, max: 3 }), min: 0, max: 20, weighted: 'maybe' }),
      outOfSupport: Arbitraries.dataset({ maxRows: 10, min: -20, max: -1e-3 }),
      normalization: { kind: 'quadrature', lower: 0, components: FamilyLaws.componentsFromJson(family, json(1, 1)) },
      parameters: { numRuns: 30 },
    })
  })
  it('EM model laws (k = 2, d = 1 and d = 2)', () => {
    for (const d of [1, 2]) {
      ModelLaws.assertMixtureLaws(family, 2, {
        cases: Arbitraries.mixtureCase(family, json(d, 2), { minRows: 20, maxRows: 60, weighted: 'maybe' }),
        parameters: { numRuns: 15 },
      })
    }
  })
  it('EM laws on incomplete data: missing cells (d = 3), partly known labels, held weights and a held component', () => {
    const laws = ['logLikelihoodNonDecreasing', 'posteriorIsDistribution', 'decomposition', 'fixedPoint', 'determinism'] as const
    const cases = (d: number) => Arbitraries.mixtureCase(family, json(d, 2), { minRows: 20, maxRows: 60, weighted: 'maybe' })
    ModelLaws.assertMixtureLaws(family, 2, { cases: Arbitraries.withMissing(cases(3), 0.25), laws, parameters: { numRuns: 10 } })
    ModelLaws.assertMixtureLaws(family, 2, {
      cases: cases(2),
      options: (data) => ({ labels: Array.from({ length: data.n }, (_, i) => (i % 4 === 0 ? (i / 4) % 2 : -1)) }),
      laws: [...laws, 'qAscent', 'mStepMaximizes'],
      parameters: { numRuns: 10 },
    })
    ModelLaws.assertMixtureLaws(family, 2, {
      cases: cases(2),
      options: () => ({ fixed: { weights: [0], components: [1] } }),
      laws: [...laws, 'qAscent'],
      parameters: { numRuns: 10 },
    })
  })
})
