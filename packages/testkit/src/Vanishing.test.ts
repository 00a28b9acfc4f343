import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ComponentFamily, Family } from '@emkit/core'
import { Dataset } from '@emkit/core'
import * as Arbitraries from './Arbitraries.js'
import { assertFamilyLaws, checkFamilyLaws, EMPTY_WEIGHT, VANISHING_WEIGHT, weightNote } from './FamilyLaws.js'
import { assertMixtureLaws, checkMixtureLaws, mixtureLayout } from './ModelLaws.js'
import type { Counterexample } from './Report.js'
import { COUNTEREXAMPLE_FORMAT } from './Report.js'
import * as T from './test/templateFamilies.js'

const counts = Arbitraries.dataset({
  minRows: 2,
  maxRows: 30,
  dimension: fc.integer({ min: 1, max: 3 }),
  integer: true,
  min: 0,
  max: 12,
  weighted: 'maybe',
})

/** One estimateMaximizes case, written by hand: rows, the weights of components 0 and 1, the perturbation seed. */
const estimateCase = (values: number[], w0: number[], w1: number[]): Counterexample => ({
  format: COUNTEREXAMPLE_FORMAT,
  subject: 'hand-written',
  law: 'estimateMaximizes',
  statement: '',
  seed: 0,
  path: '',
  message: '',
  value: [Dataset.fromColumnOrThrow(values), Float64Array.from(w0), Float64Array.from(w1), 7],
})
const zerosAndCounts = [0, 0, 3, 5, 2, 0]
const ones = [1, 1, 1, 1, 1, 1]

const run = <C>(family: ComponentFamily<C, Family.FeatureStatistics>, cx: Counterexample, vanishingWeight?: number) =>
  checkFamilyLaws({ family, data: counts, replay: cx, artifacts: false, ...(vanishingWeight === undefined ? {} : { vanishingWeight }) })
    .results[0]!

describe('the documented thresholds', () => {
  it('VANISHING_WEIGHT lies between the mixture’s empty threshold and any real component', () => {
    expect(VANISHING_WEIGHT).toBe(1e-6)
    expect(EMPTY_WEIGHT).toBe(1e-12)
    expect(weightNote(1, 3e-12, 30)).toBe(
      "component 1's weight 3e-12 (1.00e-13 of the total) has vanished below VANISHING_WEIGHT = 1e-6: its parameters rest on rounding, not data",
    )
    expect(weightNote(0, 3, 30)).toBe("component 0's weight 3 (1.00e-1 of the total)")
    expect(weightNote(2, 1e-7)).toMatch(/^component 2's weight 1e-7 has vanished below/)
  })
  it('a mixture layout gives each weight and each component entry its component', () => {
    const layout = mixtureLayout(T.poisson)({
      weights: Float64Array.of(0.25, 0.75),
      components: [{ rate: Float64Array.of(1, 2) }, { rate: Float64Array.of(3, 4) }],
    })
    expect(Array.from(layout.owners)).toEqual([0, 1, 0, 0, 1, 1])
  })
})

describe('a correct Poisson family written with Family.define passes, vanishing components included', () => {
  it('the family laws hold (with the sum normalisation), the mixture laws hold for k = 2 and 3', () => {
    assertFamilyLaws({
      family: T.poisson,
      data: counts,
      outOfSupport: Arbitraries.dataset({ maxRows: 5, min: 0.1, max: 0.9 }),
      normalization: {
        kind: 'sum',
        components: Arbitraries.component(T.poisson, 1),
        support: () => Dataset.fromColumnOrThrow(Array.from({ length: 80 }, (_, x) => x)),
      },
      parameters: { numRuns: 30, seed: 1 },
    })
    for (const k of [2, 3])
      assertMixtureLaws(T.poisson, k, {
        cases: Arbitraries.mixtureCaseOf(T.poisson, 2, k, { weighted: 'maybe' }),
        parameters: { numRuns: 25, seed: 1 },
      })
  })
  it('fixedPoint: a component whose weight vanished (1.5e-8) drifts after convergence; tolerated by default, named when tolerance is off', () => {
    const config = {
      cases: Arbitraries.mixtureCaseOf(T.poisson, 2, 2, { weighted: 'maybe' }),
      laws: ['fixedPoint'] as const,
      parameters: { numRuns: 25, seed: 1 },
      artifacts: false as const,
    }
    expect(checkMixtureLaws(T.poisson, 2, config).ok).toBe(true)
    const strict = checkMixtureLaws(T.poisson, 2, { ...config, vanishingWeight: 0 }).results[0]!
    expect(strict.status).toBe('failed')
    expect(strict.message).toMatch(
      /one more step moves parameter \d+ \(component (\d)'s; component \1's weight [\d.e-]+ has vanished below VANISHING_WEIGHT = 1e-6: its parameters rest on rounding, not data\) from/,
    )
  })
  it('estimateMaximizes on a hand-written case: component 1 holds a vanishing weight (5e-10 of the total)', () => {
    const cx = estimateCase(zerosAndCounts, ones, [1e-9, 1e-9, 0, 0, 1e-9, 0])
    const r = run(T.poisson, cx)
    expect([r.status, r.skipped]).toEqual(['passed', 0])
  })
  it('a Degenerate for a vanishing weight is accepted; for a real weight the case is skipped, as before', () => {
    // Component 1's weight sits on zeros only: no positive rate fits, so the template returns a Degenerate.
    const vanishing = run(T.positivePoisson, estimateCase(zerosAndCounts, ones, [1e-9, 1e-9, 0, 0, 0, 1e-9]))
    expect([vanishing.status, vanishing.skipped]).toEqual(['passed', 0])
    const strict = run(T.positivePoisson, estimateCase(zerosAndCounts, ones, [1e-9, 1e-9, 0, 0, 0, 1e-9]), 0)
    expect([strict.status, strict.skipped]).toEqual(['passed', 1])
    const real = run(T.positivePoisson, estimateCase(zerosAndCounts, ones, [1, 1, 0, 0, 0, 1]))
    expect([real.status, real.skipped]).toEqual(['passed', 1])
  })
})

describe('broken families are caught, and the vanishing weight is named', () => {
  it('an estimate (S + 1) / W is not the maximum', () => {
    const r = checkFamilyLaws({ family: T.poissonBiased, data: counts, laws: ['estimateMaximizes'], artifacts: false }).results[0]!
    expect(r.status).toBe('failed')
    expect(r.message).toMatch(/a perturbation of size [\d.]+ raises the weighted log-likelihood/)
  })
  it('NaN parameters for a vanishing weight break the contract: the message names component 1 and its weight', () => {
    const r = run(T.poissonUnguarded, estimateCase(zerosAndCounts, ones, [1e-10, 0, 1e-10, 0, 0, 0]))
    expect(r.status).toBe('failed')
    expect(r.message).toContain(
      "the estimate for component 1's weight 2e-10 (3.33e-11 of the total) has vanished below VANISHING_WEIGHT = 1e-6: its parameters rest on rounding, not data is not admissible: component 1: rate[0] is NaN",
    )
    expect(r.message).toContain('(a family returns admissible parameters or a Degenerate)')
    // The correct family on the same case.
    expect(run(T.poisson, estimateCase(zerosAndCounts, ones, [1e-10, 0, 1e-10, 0, 0, 0])).status).toBe('passed')
  })
  it('the same broken family is caught by weightScaleInvariance on a vanishing weight', () => {
    const cx: Counterexample = {
      ...estimateCase(zerosAndCounts, ones, ones),
      law: 'weightScaleInvariance',
      value: [Dataset.fromColumnOrThrow(zerosAndCounts), Float64Array.from([1e-10, 0, 1e-10, 0, 0, 0]), 2],
    }
    const r = run(T.poissonUnguarded, cx)
    expect(r.status).toBe('failed')
    expect(r.message).toMatch(/the estimate for component 0's weight [\d.e-]+ \([\d.e-]+ of the total\) has vanished/)
  })
})
