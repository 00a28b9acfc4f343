/** The generic bootstrap (on a mean, whose standard error is known) and the mixture's label matching. */
import { either as E } from 'fp-ts'
import { describe, expect, test } from 'vitest'
import { bootstrap } from './Bootstrap.js'
import { fromColumnOrThrow } from './Dataset.js'
import * as Mixture from './Mixture.js'
import { align } from './mixture/Bootstrap.js'
import type { Rng } from './Rng.js'
import { seeded } from './Rng.js'
import { right, start, twoClusters } from './test/helpers.js'
import { normalFamily } from './test/normalFamily.js'

describe('bootstrap', () => {
  test('of a sample mean: the standard error is s/√n within 10 % (999 replicates)', () => {
    const rng = seeded(1)
    const xs = Array.from({ length: 200 }, () => 3 + 2 * rng.normal())
    const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length
    const m = mean(xs)
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1))
    const r = right(
      bootstrap(m, {
        resample: (g: Rng) => xs.map(() => xs[Math.floor(g.uniform() * xs.length)]!),
        refit: (data: number[]) => E.right(mean(data)),
        toVector: (x: number) => Float64Array.of(x),
        seed: 4,
      }),
    )
    expect(r.replicates).toBe(999)
    expect(Math.abs(r.standardErrors[0]! / (sd / Math.sqrt(xs.length)) - 1)).toBeLessThan(0.1)
  })
  test('fewer than 2 replicates, or most refits failing, is a Left', () => {
    const opts = { resample: () => 0, toVector: () => Float64Array.of(0) }
    expect(E.isLeft(bootstrap(0, { ...opts, refit: () => E.right(0), replicates: 1 }))).toBe(true)
    const failing = bootstrap(0, { ...opts, refit: () => E.left({ _tag: 'InvalidData', message: 'no' }), replicates: 10 })
    expect(E.isLeft(failing) && failing.left._tag).toBe('InvalidData')
  })
})

describe('label matching', () => {
  test('a refit with its components swapped is put back in the reference order', () => {
    const data = fromColumnOrThrow(twoClusters(300, 2))
    const fitted = right(Mixture.fit(normalFamily, data, { k: 2, init: start })).params
    const swapped = { weights: Float64Array.from(fitted.weights).reverse(), components: [...fitted.components].reverse() }
    const back = align(normalFamily, swapped, fitted)
    expect(Array.from(back.weights)).toEqual(Array.from(fitted.weights))
    expect(back.components).toEqual(fitted.components)
    expect(align(normalFamily, fitted, fitted).components).toEqual(fitted.components)
  })
})

describe('bad input to the standard errors is a typed Left', () => {
  test('a non-finite seed, data that do not fit the parameters, and NaN rows', () => {
    const opts = { resample: () => 0, refit: () => E.right(0), toVector: () => Float64Array.of(0) }
    const r = bootstrap(0, { ...opts, seed: Number.NaN })
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'InvalidOptions', option: 'seed' })
    const data = fromColumnOrThrow(twoClusters(100, 3))
    const params = right(Mixture.fit(normalFamily, data, { k: 2, init: start })).params
    const wide = { ...data, d: 2, n: 50 }
    expect(E.isLeft(Mixture.bootstrap(normalFamily, data, params, { replicates: 1 }))).toBe(true)
    expect(E.isLeft(Mixture.standardErrors(normalFamily, wide, params))).toBe(true)
    const nan = { ...data, values: Float64Array.from(data.values, (x, i) => (i === 7 ? Number.NaN : x)) }
    expect(E.isLeft(Mixture.standardErrors(normalFamily, nan, params))).toBe(true)
  })
})
