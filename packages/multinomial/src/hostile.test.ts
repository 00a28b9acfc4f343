/**
 * Regression tests for issue 19 ("the API keeps its promise on hostile input"), the kinds seen
 * with the multinomial family: an unknown init method, huge counts under a smoothed model
 * (probability rows that are finite and sum to 1, or a typed Left — never zeros or NaN), and rows
 * outside the support (negative or fractional counts) given to prediction, scoring and criteria.
 */
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import type { EmError } from '@emkit/core'
import { Dataset, Mixture } from '@emkit/core'
import { Fuzz } from '@emkit/testkit'
import * as Multinomial from './index.js'

const { leftOf, noThrow } = Fuzz

const right = <A>(r: E.Either<EmError, A>): A => {
  if (E.isLeft(r)) throw new Error(`unexpected Left: ${r.left._tag}: ${r.left.message}`)
  return r.right
}

const counts = Dataset.fromRowsOrThrow([
  [5, 1, 0],
  [4, 2, 1],
  [0, 1, 6],
  [1, 0, 5],
  [2, 6, 1],
  [1, 5, 2],
])
const smoothed = Multinomial.family({ smoothing: 0.01 })
const fitted = Mixture.fit(smoothed, counts, { k: 3, seed: 1, restarts: 3 })

describe('issue 19: multinomial', () => {
  it('an unknown init method is Left(InvalidOptions "init") from Mixture.fit, smoothed or not; a malformed start object is Left(InvalidParameters)', () => {
    for (const family of [Multinomial.family(), smoothed]) {
      for (const init of ['banana', 5, 1n, Symbol('random'), () => 'random']) {
        const e = leftOf(
          noThrow(() => Mixture.fit(family, counts, { k: 2, init: init as never })),
          'InvalidOptions',
        )
        expect(e).toMatchObject({ option: 'init' })
      }
      for (const init of [{}, new String('random'), ['random']])
        leftOf(
          noThrow(() => Mixture.fit(family, counts, { k: 2, init: init as never })),
          'InvalidParameters',
        )
    }
  })

  it('huge counts under a smoothed multinomial give probability rows that are finite and sum to 1, or a typed Left naming the row', () => {
    if (E.isLeft(fitted)) throw new Error(fitted.left.message)
    const params = fitted.right.params
    const k = params.components.length
    for (const row of [
      [1e15, 0, 0],
      [1e300, 1e300, 0],
      [1e300, 1, 1e299],
      [1e308, 1e308, 1e308],
      [Number.MAX_VALUE, 0, 1],
    ]) {
      const data = Dataset.fromRowsOrThrow([[1, 2, 3], row])
      const r = noThrow(() => Mixture.predictProba(smoothed, params, data))
      if (E.isLeft(r)) {
        expect(leftOf(r, 'InvalidData'), String(row)).toMatchObject({ row: 1 })
        continue
      }
      expect(r.right.length).toBe(2 * k)
      for (let i = 0; i < 2; i++) {
        let s = 0
        for (let j = 0; j < k; j++) {
          const p = r.right[i * k + j]!
          expect(Number.isFinite(p) && p >= 0 && p <= 1, `${String(row)}: row ${i} component ${j} is ${p}`).toBe(true)
          s += p
        }
        expect(Math.abs(s - 1), `${String(row)}: row ${i} sums to ${s}`).toBeLessThan(1e-12)
      }
      const scores = right(Mixture.scoreSamples(smoothed, params, data))
      for (const x of scores) expect(Number.isFinite(x), `${String(row)}: log-density ${x}`).toBe(true)
      const c = noThrow(() => Mixture.criteria(smoothed, data, params))
      if (E.isLeft(c)) leftOf(c, 'InvalidData')
      else
        for (const x of [c.right.logLikelihood, c.right.bic, c.right.aic, c.right.icl]) expect(Number.isFinite(x), String(row)).toBe(true)
    }
  })

  it('rows outside the support (negative or fractional counts) that Dataset accepted are Left(InvalidData) naming row and column in every prediction function', () => {
    if (E.isLeft(fitted)) throw new Error(fitted.left.message)
    const params = fitted.right.params
    for (const [bad, column] of [
      [[0, -1, 3], 1],
      [[2, 1, 0.5], 2],
      [[-3, 0, 0], 0],
    ] as const) {
      const data = Dataset.fromRowsOrThrow([[1, 2, 3], bad, [0, 0, 1]])
      const calls: [string, () => E.Either<EmError, unknown>][] = [
        ['predictProba', () => Mixture.predictProba(smoothed, params, data)],
        ['predict', () => Mixture.predict(smoothed, params, data)],
        ['responsibilities', () => Mixture.responsibilities(smoothed, data, params)],
        ['scoreSamples', () => Mixture.scoreSamples(smoothed, params, data)],
        ['score', () => Mixture.score(smoothed, params, data)],
        ['logLikelihood', () => Mixture.logLikelihood(smoothed, params, data)],
        ['criteria', () => Mixture.criteria(smoothed, data, params)],
      ]
      for (const [what, f] of calls) expect(leftOf(noThrow(f), 'InvalidData'), `${what} ${String(bad)}`).toMatchObject({ row: 1, column })
    }
  })
})
