import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Special } from '@emkit/core'

const { logFactorial, logGamma } = Special

// [x, lgamma(x)] pairs from Python's math.lgamma (CPython 3.11), written by
// scripts/exponential-multinomial-reference.py.
const reference = JSON.parse(readFileSync(new URL('../fixtures/reference.json', import.meta.url), 'utf8')) as {
  lgamma: [number, number][]
}

const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300)

describe('logGamma', () => {
  it('matches math.lgamma: 1e-15 relative for x ≥ 3, 3e-15 absolute below', () => {
    for (const [x, expected] of reference.lgamma) {
      const got = logGamma(x)
      if (x >= 3) expect(relErr(got, expected), `lgamma(${x}) = ${got}, python ${expected}`).toBeLessThan(1e-15)
      else expect(Math.abs(got - expected), `lgamma(${x}) = ${got}, python ${expected}`).toBeLessThan(3e-15)
    }
  })

  it('knows the literal large values (Python math.lgamma)', () => {
    // python3 -c "import math; print(math.lgamma(1e6), math.lgamma(1e6 + 1))"
    //   12815504.569147611 12815518.384658169
    // (log((10⁶ − 1)!) and log(10⁶!): the two differ by log(10⁶) = 13.8155…)
    expect(relErr(logGamma(1e6), 12815504.569147611)).toBeLessThan(1e-15)
    expect(relErr(logGamma(1e6 + 1), 12815518.384658169)).toBeLessThan(1e-15)
    expect(relErr(logFactorial(1e6), 12815518.384658169)).toBeLessThan(1e-15)
  })

  it('log Γ(½) = ½ log π and Γ(1) = Γ(2) = 1', () => {
    expect(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI))).toBeLessThan(3e-15)
    expect(logGamma(1)).toBe(0)
    expect(logGamma(2)).toBe(0)
  })

  it('satisfies log Γ(x + 1) = log Γ(x) + log x', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 1e7, noNaN: true }), (x) => {
        const lhs = logGamma(x + 1)
        const rhs = logGamma(x) + Math.log(x)
        return Math.abs(lhs - rhs) <= 3e-14 + 2e-15 * Math.abs(lhs)
      }),
    )
  })

  it('is NaN outside x > 0', () => {
    expect(logGamma(0)).toBeNaN()
    expect(logGamma(-1.5)).toBeNaN()
    expect(logGamma(NaN)).toBeNaN()
  })
})

describe('logFactorial', () => {
  it('equals Σ log t (summed independently) to 1e-14 relative for n ≤ 400', () => {
    let sum = 0
    expect(logFactorial(0)).toBe(0)
    for (let n = 1; n <= 400; n++) {
      sum += Math.log(n)
      expect(Math.abs(logFactorial(n) - sum), `n = ${n}`).toBeLessThanOrEqual(1e-14 * Math.max(1, sum))
    }
  })

  it('is exact (to one log ulp) for n ≤ 22 where n! is an exact double', () => {
    expect(logFactorial(20)).toBe(Math.log(2432902008176640000))
    expect(logFactorial(5)).toBe(Math.log(120))
  })

  it('is continuous at the switch to Stirling (22 → 23 → 24)', () => {
    expect(Math.abs(logFactorial(23) - logFactorial(22) - Math.log(23))).toBeLessThan(1e-14)
    expect(Math.abs(logFactorial(24) - logFactorial(23) - Math.log(24))).toBeLessThan(1e-14)
  })
})
