/**
 * Regression tests for issue 19 ("the API keeps its promise on hostile input"), the kinds seen
 * with the exponential family: an unknown init method, and rows outside the support (negative
 * values) given to prediction, scoring and criteria — `Left(InvalidData)` naming the row and column.
 */
import type { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import type { EmError } from '@emkit/core'
import { Dataset, Mixture } from '@emkit/core'
import { Fuzz } from '@emkit/testkit'
import * as Exponential from './index.js'

const { leftOf, noThrow } = Fuzz

const family = Exponential.family()
const lifetimes = Dataset.fromColumnOrThrow([0.2, 0.05, 0.4, 9.5, 0.1, 14.2, 6.8, 0.3, 0.15, 11.1])
const params = Exponential.univariate([0.5, 0.5], [5, 0.1])

describe('issue 19: exponential', () => {
  it('an unknown init method is Left(InvalidOptions "init") from Mixture.fit; a malformed start object is Left(InvalidParameters)', () => {
    for (const init of ['banana', 5, 1n, Symbol('random'), () => 'random']) {
      const e = leftOf(
        noThrow(() => Mixture.fit(family, lifetimes, { k: 2, init: init as never })),
        'InvalidOptions',
      )
      expect(e).toMatchObject({ option: 'init' })
    }
    for (const init of [{}, new String('random'), ['random']])
      leftOf(
        noThrow(() => Mixture.fit(family, lifetimes, { k: 2, init: init as never })),
        'InvalidParameters',
      )
  })

  it('rows outside the support (negative values) that Dataset accepted are Left(InvalidData) naming row and column in every prediction function', () => {
    const negative = Dataset.fromColumnOrThrow([0.5, -2, 3])
    const calls: [string, () => E.Either<EmError, unknown>][] = [
      ['predictProba', () => Mixture.predictProba(family, params, negative)],
      ['predict', () => Mixture.predict(family, params, negative)],
      ['responsibilities', () => Mixture.responsibilities(family, negative, params)],
      ['scoreSamples', () => Mixture.scoreSamples(family, params, negative)],
      ['score', () => Mixture.score(family, params, negative)],
      ['logLikelihood', () => Mixture.logLikelihood(family, params, negative)],
      ['criteria', () => Mixture.criteria(family, negative, params)],
    ]
    for (const [what, f] of calls) expect(leftOf(noThrow(f), 'InvalidData'), what).toMatchObject({ row: 1, column: 0 })
    const twoD = { weights: Float64Array.of(1), components: [Exponential.component([1, 2])] }
    const rows = Dataset.fromRowsOrThrow([
      [1, 2],
      [3, -0.5],
    ])
    expect(
      leftOf(
        noThrow(() => Mixture.predictProba(family, twoD, rows)),
        'InvalidData',
      ),
    ).toMatchObject({ row: 1, column: 1 })
  })
})
