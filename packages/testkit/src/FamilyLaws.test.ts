import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ComponentFamily } from '@emkit/core'
import { Dataset } from '@emkit/core'
import * as Arbitraries from './Arbitraries.js'
import type { FamilyLaw, FamilyLawsConfig } from './FamilyLaws.js'
import { assertFamilyLaws, checkFamilyLaws, componentsFromJson, FAMILY_LAWS } from './FamilyLaws.js'
import * as Fx from './test/fixtures.js'

const config = (family: ComponentFamily<Fx.Normal, Fx.NormalStats>): FamilyLawsConfig<Fx.Normal, Fx.NormalStats> => ({
  family,
  data: Arbitraries.dataset({ minRows: 3, maxRows: 30, min: -10, max: 10, weighted: 'maybe' }),
  outOfSupport: Arbitraries.dataset({ minRows: 2, maxRows: 10, dimension: 2 }),
  normalization: { kind: 'quadrature', components: componentsFromJson(family, Fx.normalJson(1)) },
  parameters: { numRuns: 30 },
})

const caughtBy = (family: ComponentFamily<Fx.Normal, Fx.NormalStats>, law: FamilyLaw): void => {
  const report = checkFamilyLaws({ ...config(family), laws: [law] })
  expect(report.ok).toBe(false)
  const r = report.results[0]!
  expect(r.law).toBe(law)
  expect(r.status).toBe('failed')
  expect(r.violation!.size).toBeGreaterThan(r.violation!.allowed)
  expect(r.message).toContain('replay: { seed:')
}

describe('family laws on a correct family (core test-normal family)', () => {
  it('all eight laws hold', () => {
    const report = assertFamilyLaws(config(Fx.normalFamily))
    expect(report.results.map((r) => r.law)).toEqual([...FAMILY_LAWS])
    expect(report.results.every((r) => r.status === 'passed' && r.runs > 0)).toBe(true)
  })
  it('a reference log-density is matched', () => {
    const ref = (c: Fx.Normal, x: Float64Array): number =>
      -0.5 * Math.log(2 * Math.PI * c.variance) - (x[0]! - c.mean) ** 2 / (2 * c.variance)
    const report = assertFamilyLaws({
      ...config(Fx.normalFamily),
      laws: ['normalization'],
      normalization: {
        kind: 'reference',
        components: componentsFromJson(Fx.normalFamily, Fx.normalJson(1)),
        points: Arbitraries.dataset({ maxRows: 5 }),
        logDensity: ref,
      },
    })
    expect(report.ok).toBe(true)
  })
})

describe('the laws can fail: broken families are caught by the law that should catch them', () => {
  it('a merge that is not associative breaks the monoid law', () => caughtBy(Fx.nonAssociativeMerge, 'monoid'))
  it('a summarize that ignores its offset breaks chunked = whole', () => caughtBy(Fx.ignoresOffset, 'chunkedEqualsWhole'))
  it('a summarize that counts rows breaks integer weights = replicated rows and weight-scale invariance', () => {
    caughtBy(Fx.countsRows, 'integerWeightsReplicate')
    caughtBy(Fx.countsRows, 'weightScaleInvariance')
  })
  it('a scale that forgets Σ wx² (another variance) or ignores its factor (same weight) breaks the scale law', () => {
    caughtBy(Fx.scaleForgetsSquares, 'scaleStatistics')
    caughtBy(Fx.scaleIgnoresFactor, 'scaleStatistics')
  })
  it('the scale law names the broken identity', () => {
    const forgets = checkFamilyLaws({ ...config(Fx.scaleForgetsSquares), laws: ['scaleStatistics'] }).results[0]!
    expect(forgets.message).toMatch(/scale\(s, c\) and the statistics of the weights times c|estimates differ/)
    const ignores = checkFamilyLaws({ ...config(Fx.scaleIgnoresFactor), laws: ['scaleStatistics'] }).results[0]!
    expect(ignores.message).toMatch(/weight\(scale\(s, (c|0)\)\) is/)
  })
  it('a family without scale skips the scale law (stepwise EM is then unavailable, not wrong)', () => {
    const { scale: _scale, ...noScale } = Fx.normalFamily
    const report = assertFamilyLaws({ ...config(noScale), laws: ['scaleStatistics', 'monoid'] })
    expect(report.results.map((r) => r.law)).toEqual(['monoid'])
  })
  it('a biased variance estimate is not the maximum', () => caughtBy(Fx.biasedEstimate, 'estimateMaximizes'))
  it('a checkData that accepts everything breaks the support law', () => caughtBy(Fx.acceptsAnything, 'supportErrors'))
  it('a density without its normalising constant does not integrate to 1', () => caughtBy(Fx.unnormalisedDensity, 'normalization'))
  it('the failure message names the law, the size and the counterexample', () => {
    expect(() => assertFamilyLaws({ ...config(Fx.nonAssociativeMerge), laws: ['monoid', 'chunkedEqualsWhole'] })).toThrow(
      /[12] of 2 laws failed\n {2}✗ monoid failed concat\(concat\(a, b\), c\) and concat\(a, concat\(b, c\)\) differ at number \d+[^\n]*\n {6}violation: [^\n]+\n {6}law: [^\n]+\n {6}counterexample \(after \d+ shrinks\): [^\n]+\n {6}replay: \{ seed: \d+, path: "[\d:]+" \}/,
    )
  })
})

describe('arbitraries', () => {
  it('datasets are valid and bounded, with weights when asked', () => {
    fc.assert(
      fc.property(Arbitraries.dataset({ dimension: fc.integer({ min: 1, max: 4 }), min: -3, max: 3, weighted: true }), (d) => {
        return (
          d.values.length === d.n * d.d &&
          d.values.every((x) => Math.abs(x) <= 3) &&
          d.sampleWeights !== undefined &&
          d.sampleWeights.length === d.n &&
          Dataset.totalWeight(d) > 0
        )
      }),
    )
  })
  it('simplex points are non-negative and sum to 1', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((k) => Arbitraries.simplex(k)),
        (p) => p.every((x) => x >= 1e-4) && Math.abs(p.reduce((a, b) => a + b, 0) - 1) <= 1e-12,
      ),
    )
  })
  it('SPD matrices are symmetric with condition number within the bound (Cholesky of A − λmin·I/2 and of λmax·2·I − A succeed)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 5 })
          .chain((d) => fc.tuple(fc.constant(d), Arbitraries.spdMatrix(d, { minEigenvalue: 0.5, maxCondition: 20 }))),
        ([d, a]) => {
          for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) if (a[r * d + c] !== a[c * d + r]) return false
          // All eigenvalues in [0.5, 10] ⇔ A − 0.49·I and 10.01·I − A are positive definite.
          const shifted = (s: number, sign: number): Float64Array => a.map((v, t) => sign * v + (t % (d + 1) === 0 ? s : 0))
          return isPd(d, shifted(-0.49, 1)) && isPd(d, shifted(10.01, -1))
        },
      ),
    )
  })
  it('Gaussian component JSON honours each covariance structure', () => {
    fc.assert(
      fc.property(Arbitraries.gaussianComponents(3, 2, 'spherical'), (cs) =>
        cs.every((c) =>
          c.covariance.every((row, r) => row.every((v, col) => (r === col ? v === row[r] && v === c.covariance[0]![0] : v === 0))),
        ),
      ),
    )
    fc.assert(
      fc.property(Arbitraries.gaussianComponents(2, 3, 'tied'), (cs) =>
        cs.every((c) => JSON.stringify(c.covariance) === JSON.stringify(cs[0]!.covariance)),
      ),
    )
    fc.assert(
      fc.property(Arbitraries.gaussianComponents(2, 2, 'diag'), (cs) =>
        cs.every((c) => c.covariance[0]![1] === 0 && c.covariance[1]![0] === 0 && c.covariance[0]![0]! > 0),
      ),
    )
  })
  it('exponential and multinomial component JSON is admissible', () => {
    fc.assert(
      fc.property(Arbitraries.exponentialComponents(3, 2), (cs) =>
        cs.every((c) => c.rate.length === 3 && c.rate.every((r) => r >= 0.1 && r <= 10)),
      ),
    )
    fc.assert(
      fc.property(Arbitraries.multinomialComponents(4, 2), (cs) =>
        cs.every((c) => Math.abs(c.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-12),
      ),
    )
  })
  it('data drawn from a mixture come from its components', () => {
    const params = {
      weights: Float64Array.from([0.5, 0.5]),
      components: [
        { mean: -100, variance: 1 },
        { mean: 100, variance: 1 },
      ],
    }
    fc.assert(
      fc.property(
        Arbitraries.mixtureData(Fx.normalFamily, params, { weighted: 'maybe' }),
        (d) => d.n >= 20 && d.values.every((x) => Math.abs(Math.abs(x) - 100) < 10),
      ),
    )
  })
})

const isPd = (d: number, a: Float64Array): boolean => {
  const l = new Float64Array(d * d)
  for (let r = 0; r < d; r++) {
    for (let c = 0; c <= r; c++) {
      let s = a[r * d + c]!
      for (let t = 0; t < c; t++) s -= l[r * d + t]! * l[c * d + t]!
      if (r === c) {
        if (!(s > 0)) return false
        l[r * d + r] = Math.sqrt(s)
      } else l[r * d + c] = s / l[c * d + c]!
    }
  }
  return true
}
