/**
 * Regression tests for issue 19 ("the API keeps its promise on hostile input"), the kinds seen
 * with the Gaussian family: one named test per kind, asserting the exact typed outcome (the
 * `_tag`, the row, column or option named, a bounded message) or a finite, normalised result.
 * The family-independent kinds are in `packages/core/src/hostile.test.ts`.
 */
import type { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import type { Dataset as DatasetNs, EmError } from '@emkit/core'
import { Dataset, Datasets, Mixture, Rng } from '@emkit/core'
import { Fuzz } from '@emkit/testkit'
import * as Gaussian from './index.js'
import { right } from './test/helpers.js'

/** Typed Lefts with one-line bounded messages, and no escaped throws (the testkit's regression helpers). */
const { leftOf, noThrow } = Fuzz

/** Every row of a row-major n × k matrix is finite, in [0, 1], and sums to 1. */
const expectProbabilityRows = (p: Float64Array, k: number): void => {
  expect(p.length % k).toBe(0)
  for (let i = 0; i < p.length / k; i++) {
    let s = 0
    for (let j = 0; j < k; j++) {
      const x = p[i * k + j]!
      expect(Number.isFinite(x) && x >= 0 && x <= 1, `row ${i}, column ${j}: ${x}`).toBe(true)
      s += x
    }
    expect(Math.abs(s - 1), `row ${i} sums to ${s}`).toBeLessThan(1e-12)
  }
}

const faithful = Datasets.faithful
const fitted = right(Mixture.fit(Gaussian.family(), faithful, { k: 2, seed: 1 }))

describe('issue 19: Gaussian', () => {
  it('an unknown init method is Left(InvalidOptions "init") from Mixture.fit for every covariance structure and from Gaussian.fit1d; a malformed start object is Left(InvalidParameters)', () => {
    for (const init of ['banana', 5, 1n, Symbol('kmeans++'), () => 'kmeans++']) {
      for (const covariance of Gaussian.COVARIANCE_TYPES) {
        const e = leftOf(
          noThrow(() => Mixture.fit(Gaussian.family({ covariance }), faithful, { k: 2, init: init as never })),
          'InvalidOptions',
        )
        expect(e, covariance).toMatchObject({ option: 'init' })
      }
      const e = leftOf(
        noThrow(() => Gaussian.fit1d([1, 2, 3, 10, 11, 12], { k: 2, init: init as never })),
        'InvalidOptions',
      )
      expect(e).toMatchObject({ option: 'init' })
    }
    for (const init of [{}, new String('kmeans++'), ['kmeans++']]) {
      leftOf(
        noThrow(() => Mixture.fit(Gaussian.family(), faithful, { k: 2, init: init as never })),
        'InvalidParameters',
      )
      leftOf(
        noThrow(() => Gaussian.fit1d([1, 2, 3, 10, 11, 12], { k: 2, init: init as never })),
        'InvalidParameters',
      )
    }
  })

  it('predictProba for a row far from every component ([1e6, −1e6] under a 2-D fit) is finite and sums to 1', () => {
    const far = right(
      Dataset.fromRows([
        [1e6, -1e6],
        [-1e6, 1e6],
        [3, 70],
        [1e9, 1e9],
      ]),
    )
    const p = right(noThrow(() => Mixture.predictProba(Gaussian.family(), fitted.params, far)))
    expect(p.length).toBe(8)
    expectProbabilityRows(p, 2)
    const labels = right(Mixture.predict(Gaussian.family(), fitted.params, far))
    for (const l of labels) expect([0, 1]).toContain(l)
    const scores = right(Mixture.scoreSamples(Gaussian.family(), fitted.params, far))
    for (const s of scores) expect(Number.isFinite(s)).toBe(true)
    const c = right(Mixture.criteria(Gaussian.family(), far, fitted.params))
    for (const x of [c.logLikelihood, c.bic, c.aic, c.icl]) expect(Number.isFinite(x)).toBe(true)
  })

  it('a row whose log-density overflows (1e200) is Left(InvalidData) naming the row, in every prediction function', () => {
    const huge = right(
      Dataset.fromRows([
        [3, 70],
        [1e200, 70],
        [4, 80],
      ]),
    )
    const calls: [string, () => E.Either<EmError, unknown>][] = [
      ['predictProba', () => Mixture.predictProba(Gaussian.family(), fitted.params, huge)],
      ['predict', () => Mixture.predict(Gaussian.family(), fitted.params, huge)],
      ['scoreSamples', () => Mixture.scoreSamples(Gaussian.family(), fitted.params, huge)],
      ['score', () => Mixture.score(Gaussian.family(), fitted.params, huge)],
      ['logLikelihood', () => Mixture.logLikelihood(Gaussian.family(), fitted.params, huge)],
      ['criteria', () => Mixture.criteria(Gaussian.family(), huge, fitted.params)],
      ['responsibilities', () => Mixture.responsibilities(Gaussian.family(), huge, fitted.params)],
    ]
    for (const [what, f] of calls) expect(leftOf(noThrow(f), 'InvalidData'), what).toMatchObject({ row: 1 })
  })

  it('a 2-D model applied to 1-column data is Left(InvalidData) about the dimension (not plausible but wrong probabilities)', () => {
    const one = right(Dataset.fromColumn([3, 4, 5]))
    const calls: [string, () => E.Either<EmError, unknown>][] = [
      ['predictProba', () => Mixture.predictProba(Gaussian.family(), fitted.params, one)],
      ['predict', () => Mixture.predict(Gaussian.family(), fitted.params, one)],
      ['scoreSamples', () => Mixture.scoreSamples(Gaussian.family(), fitted.params, one)],
      ['score', () => Mixture.score(Gaussian.family(), fitted.params, one)],
      ['criteria', () => Mixture.criteria(Gaussian.family(), one, fitted.params)],
    ]
    for (const [what, f] of calls) {
      const e = leftOf(noThrow(f), 'InvalidData')
      expect(e.message, what).toMatch(/1 column .*dimension 2/)
    }
  })

  it("spherical with regularization 5e-324 on identical rows names the library's initialisation (CollapsedComponent at iteration 0, the init method, what to change), not InvalidParameters", () => {
    const same = right(Dataset.fromRows(Array.from({ length: 20 }, () => [1, 1])))
    for (const k of [1, 2]) {
      const r = noThrow(() => Mixture.fit(Gaussian.family({ covariance: 'spherical', regularization: 5e-324 }), same, { k, seed: 1 }))
      const e = leftOf(r, 'CollapsedComponent')
      expect(e, `k = ${k}`).toMatchObject({ iteration: 0 })
      expect(e.message).toContain("init 'kmeans++'")
      expect(e.message).toMatch(/regularisation|regularization/)
    }
    const fromRandom = leftOf(
      Mixture.fit(Gaussian.family({ covariance: 'spherical', regularization: 5e-324 }), same, { k: 1, init: 'random', seed: 1 }),
      'CollapsedComponent',
    )
    expect(fromRandom.message).toContain("init 'random'")
  })

  it('sample weights summing above Validate.MAX_TOTAL_WEIGHT are Left(InvalidData) saying to rescale them, through the validating constructors', () => {
    const e = leftOf(
      noThrow(() => Gaussian.fit1d([1, 2, 3, 10, 11, 12], { k: 2, sampleWeights: Array.from({ length: 6 }, () => 1e300) })),
      'InvalidData',
    )
    expect(e.message).toContain('rescale')
  })

  // Before Mixture.fit checked a hand-built dataset with Dataset.check (as the predictions do), the
  // same data gave a Right or a misleading error depending on the scale: weights 1e20 each → Right
  // (while Mixture.criteria on the same data → Left(InvalidData)); 1e306 → Left(NonFinite) "the
  // initial estimate from init 'kmeans++' gives some row zero density … rescale the data"; 1e307 →
  // Left(CollapsedComponent) "component 0 of 2 collapsed at initialisation … re-seeding failed".
  it('very large sample weights on a hand-built dataset are Left(InvalidData) about the weights, not a misleading error about the data, the start or a collapse', async () => {
    const rng = Rng.seeded(2)
    const n = 60
    const values = Float64Array.from({ length: 2 * n }, (_, i) => rng.normal() + (i < n ? 0 : 6))
    for (const w of [1e20, 1e306, 1e307]) {
      const huge: DatasetNs.Dataset = { n, d: 2, values, sampleWeights: new Float64Array(n).fill(w) }
      const e = leftOf(
        noThrow(() => Mixture.fit(Gaussian.family(), huge, { k: 2, seed: 1 })),
        'InvalidData',
      )
      expect(e.message, String(w)).toMatch(/sample weights.*rescale/)
      const a = leftOf(await Mixture.fitAsync(Gaussian.family(), huge, { k: 2, seed: 1 }), 'InvalidData')
      expect(a.message, String(w)).toMatch(/sample weights.*rescale/)
    }
  })
})
