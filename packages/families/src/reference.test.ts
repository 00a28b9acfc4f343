import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import { Mixture } from '@emkit/core'
import { familyOf, load, startOf } from './test/fixtures.js'

const relative = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300)

/** Every number of a JSON value, in order (for comparing parameters entry by entry). */
const numbers = (x: unknown): number[] =>
  typeof x === 'number'
    ? [x]
    : Array.isArray(x)
      ? x.flatMap(numbers)
      : typeof x === 'object' && x !== null
        ? Object.values(x).flatMap(numbers)
        : []

const CASES = ['poisson', 'poisson-weighted', 'bernoulli', 'categorical', 'gamma-1d', 'gamma-2d', 'product', 'product-categorical']

describe('the new families reproduce the independent Python EM (scripts/new-families-reference.py)', () => {
  for (const name of CASES) {
    it(`${name}: every trace entry and the final parameters to 1e-12 relative`, () => {
      const c = load(name)
      const family = familyOf(c)
      const fit = Mixture.fit(family, c.data, { k: c.final.weights.length, init: startOf(c), tolerance: 0, maxIterations: c.iterations })
      if (E.isLeft(fit)) throw new Error(fit.left.message)
      expect(fit.right.trace.length).toBe(c.iterations + 1)
      let worst = 0
      fit.right.trace.forEach((ll, t) => (worst = Math.max(worst, relative(ll, c.trace[t]!))))
      expect(worst, 'worst relative trace difference').toBeLessThan(1e-12)
      const got = numbers(Mixture.toJSON(family, fit.right.params))
      const model = Mixture.toJSON(family, fit.right.params)
      const want = numbers({ weights: c.final.weights, components: c.final.components })
      const have = numbers({ weights: model.weights, components: model.components })
      expect(have.length).toBe(want.length)
      expect(got.length).toBeGreaterThan(want.length) // the model also carries its dimension
      let worstParameter = 0
      have.forEach((x, t) => (worstParameter = Math.max(worstParameter, Math.abs(x - want[t]!) / Math.max(1, Math.abs(want[t]!)))))
      expect(worstParameter, 'worst parameter difference').toBeLessThan(1e-12)
    })
  }
})
