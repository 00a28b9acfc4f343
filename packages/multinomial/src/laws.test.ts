/**
 * The multinomial family against `@emkit/testkit`: the family contract and the EM model laws,
 * without smoothing (maximum likelihood) and with smoothing (MAP: the monotone objective includes
 * the Dirichlet log-prior, which the family reports through `logPrior`).
 */
import { Dataset } from '@emkit/core'
import { describe, it } from 'vitest'
import { Arbitraries, FamilyLaws, ModelLaws } from '@emkit/testkit'
import * as Multinomial from './index.js'

const V = 3
const json = (k: number) => Arbitraries.mixtureJson({ family: 'multinomial', dimension: V }, Arbitraries.multinomialComponents(V, k, 0.02))

/** Every count vector over V categories with total `total`: the support of a multinomial with `total` trials. */
const countVectors = (total: number): Dataset.Dataset => {
  const rows: number[][] = []
  for (let a = 0; a <= total; a++) for (let b = 0; a + b <= total; b++) rows.push([a, b, total - a - b])
  return Dataset.fromRowsOrThrow(rows)
}

describe.each([0, 0.5])('multinomial (smoothing %s) obeys the testkit laws', (smoothing) => {
  const family = Multinomial.family({ smoothing })
  it('family contract', () => {
    FamilyLaws.assertFamilyLaws({
      family,
      data: Arbitraries.dataset({ minRows: 2, maxRows: 30, dimension: V, integer: true, min: 0, max: 6, weighted: 'maybe' }),
      outOfSupport: Arbitraries.dataset({ maxRows: 10, dimension: V, min: 0.1, max: 0.9 }),
      normalization: { kind: 'sum', components: FamilyLaws.componentsFromJson(family, json(1)), support: () => countVectors(4) },
      parameters: { numRuns: 30 },
    })
  })
  it('EM model laws (k = 2, V = 3)', () => {
    ModelLaws.assertMixtureLaws(family, 2, {
      cases: Arbitraries.mixtureCase(family, json(2), { minRows: 20, maxRows: 60, weighted: 'maybe' }),
      parameters: { numRuns: 15 },
    })
  })
})
