import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { expNonPositive } from './exp.js'

const ULP = 2.220446049250313e-16

describe('expNonPositive', () => {
  test('is within 2 ulp of Math.exp on [−708, 0]', () => {
    fc.assert(
      fc.property(fc.double({ min: -708, max: 0, noNaN: true }), (x) => {
        const a = expNonPositive(x)
        const b = Math.exp(x)
        return Math.abs(a - b) <= 2 * ULP * b
      }),
      { numRuns: 20000 },
    )
    for (let x = -708; x <= 0; x += 0.0173) {
      const err = Math.abs(expNonPositive(x) - Math.exp(x)) / Math.exp(x)
      if (!(err <= 2 * ULP)) throw new Error(`exp(${x}): relative error ${err}`)
    }
  })

  test('has the edge values right: exp(0) = 1, 0 below −708, NaN for NaN, −∞ gives 0', () => {
    expect(expNonPositive(0)).toBe(1)
    expect(expNonPositive(-0)).toBe(1)
    expect(expNonPositive(-708.0001)).toBe(0)
    expect(expNonPositive(-1e300)).toBe(0)
    expect(expNonPositive(-Infinity)).toBe(0)
    expect(expNonPositive(NaN)).toBeNaN()
  })
})
