/** The new families against `@emkit/testkit`: the family contract and the EM model laws. */
import fc from 'fast-check'
import { describe, it } from 'vitest'
import { Dataset } from '@emkit/core'
import { Arbitraries, FamilyLaws, ModelLaws } from '@emkit/testkit'
import { Bernoulli, Categorical, Gamma, Poisson } from './index.js'

const vector = (d: number, min: number, max: number): fc.Arbitrary<number[]> =>
  fc.array(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), { minLength: d, maxLength: d })

/** Model JSON for k components of `family` in dimension d, each from `component`. */
const json = (family: string, d: number, k: number, component: fc.Arbitrary<object>) =>
  Arbitraries.mixtureJson({ family, dimension: d }, fc.array(component, { minLength: k, maxLength: k }))

/** Rows of an enumerated support, for the `sum` normalisation check. */
const grid = (rows: number[][]): Dataset.Dataset => Dataset.fromRowsOrThrow(rows)

describe('Poisson obeys the testkit laws', () => {
  const family = Poisson.family()
  const components = (d: number) => vector(d, 0.2, 8).map((rate) => ({ rate }))
  it('family contract', () => {
    FamilyLaws.assertFamilyLaws({
      family,
      data: Arbitraries.dataset({
        minRows: 2,
        maxRows: 30,
        dimension: fc.integer({ min: 1, max: 3 }),
        min: 0,
        max: 15,
        integer: true,
        weighted: 'maybe',
      }),
      outOfSupport: Arbitraries.dataset({ maxRows: 10, min: 0.1, max: 0.9 }),
      // Σₓ f(x) over x = 0 … 80 (the tail beyond is below 1e-30 for rates ≤ 8).
      normalization: {
        kind: 'sum',
        components: FamilyLaws.componentsFromJson(family, json('poisson', 1, 1, components(1))),
        support: () => grid(Array.from({ length: 81 }, (_, x) => [x])),
      },
    })
  })
  it('EM model laws (k = 2, d = 1 and 2)', () => {
    for (const d of [1, 2]) {
      ModelLaws.assertMixtureLaws(family, 2, {
        cases: Arbitraries.mixtureCase(family, json('poisson', d, 2, components(d)), { minRows: 20, maxRows: 60, weighted: 'maybe' }),
        parameters: { numRuns: 15 },
      })
    }
  })
})

describe('Bernoulli obeys the testkit laws', () => {
  const family = Bernoulli.family()
  const components = (d: number) => vector(d, 0.05, 0.95).map((probabilities) => ({ probabilities }))
  it('family contract', () => {
    FamilyLaws.assertFamilyLaws({
      family,
      data: Arbitraries.dataset({
        minRows: 2,
        maxRows: 30,
        dimension: fc.integer({ min: 1, max: 4 }),
        min: 0,
        max: 1,
        integer: true,
        weighted: 'maybe',
      }),
      outOfSupport: Arbitraries.dataset({ maxRows: 10, min: 2, max: 9, integer: true }),
      normalization: {
        kind: 'sum',
        components: FamilyLaws.componentsFromJson(family, json('bernoulli', 2, 1, components(2))),
        support: () =>
          grid([
            [0, 0],
            [0, 1],
            [1, 0],
            [1, 1],
          ]),
      },
    })
  })
  it('EM model laws (k = 2, d = 3)', () => {
    ModelLaws.assertMixtureLaws(family, 2, {
      cases: Arbitraries.mixtureCase(family, json('bernoulli', 3, 2, components(3)), { minRows: 20, maxRows: 60, weighted: 'maybe' }),
      parameters: { numRuns: 15 },
    })
  })
})

describe('categorical obeys the testkit laws', () => {
  const V = 4
  const family = Categorical.family({ levels: V })
  const components = Arbitraries.simplex(V, 0.02).map((p) => ({ probabilities: Array.from(p) }))
  it('family contract', () => {
    FamilyLaws.assertFamilyLaws({
      family,
      data: Arbitraries.dataset({ minRows: 2, maxRows: 30, dimension: 1, min: 0, max: V - 1, integer: true, weighted: 'maybe' }),
      outOfSupport: Arbitraries.dataset({ maxRows: 10, dimension: 1, min: V, max: 3 * V, integer: true }),
      normalization: {
        kind: 'sum',
        components: FamilyLaws.componentsFromJson(family, json('categorical', 1, 1, components)),
        support: () => grid([[0], [1], [2], [3]]),
      },
    })
  })
  it('EM model laws (k = 2)', () => {
    ModelLaws.assertMixtureLaws(family, 2, {
      cases: Arbitraries.mixtureCase(family, json('categorical', 1, 2, components), { minRows: 20, maxRows: 60, weighted: 'maybe' }),
      parameters: { numRuns: 15 },
    })
  })
})

describe('gamma obeys the testkit laws', () => {
  const family = Gamma.family()
  const components = (d: number) => fc.tuple(vector(d, 0.5, 6), vector(d, 0.2, 3)).map(([shape, rate]) => ({ shape, rate }))
  it('family contract', () => {
    FamilyLaws.assertFamilyLaws({
      family,
      data: Arbitraries.dataset({
        minRows: 3,
        maxRows: 30,
        dimension: fc.integer({ min: 1, max: 2 }),
        min: 0.05,
        max: 20,
        weighted: 'maybe',
      }),
      outOfSupport: Arbitraries.dataset({ maxRows: 10, min: -20, max: 0 }),
      normalization: {
        // Shapes ≥ 2: below 1 the density is unbounded at 0 and below 2 its slope is, which Simpson's rule cannot integrate to 1e-6.
        kind: 'quadrature',
        lower: 0,
        components: FamilyLaws.componentsFromJson(
          family,
          json(
            'gamma',
            1,
            1,
            fc.tuple(vector(1, 2, 6), vector(1, 0.2, 3)).map(([shape, rate]) => ({ shape, rate })),
          ),
        ),
      },
      minWeight: 0.05,
    })
  })
  it('EM model laws (k = 2, d = 1)', () => {
    ModelLaws.assertMixtureLaws(family, 2, {
      cases: Arbitraries.mixtureCase(family, json('gamma', 1, 2, components(1)), { minRows: 20, maxRows: 60, weighted: 'maybe' }),
      parameters: { numRuns: 15 },
    })
  })
})
