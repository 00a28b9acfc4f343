import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { digamma, log1pExp, logAddExp, logBeta, logFactorial, logGamma, trigamma } from './Special.js'

// 40-digit mpmath values rounded to double, written by scripts/special-reference.py.
const reference = JSON.parse(readFileSync(new URL('../fixtures/special-reference.json', import.meta.url), 'utf8')) as {
  logGamma: [number, number][]
  logFactorial: [number, number][]
  digamma: [number, number][]
  trigamma: [number, number][]
  logBeta: [number, number, number][]
  digammaRoot: number
}

const relErr = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.abs(b))

/** The worst relative error of `f` over `cases`, with the argument where it happens. */
const worst = (cases: readonly (readonly number[])[], f: (...args: number[]) => number): { error: number; at: readonly number[] } => {
  let error = 0
  let at: readonly number[] = []
  for (const c of cases) {
    const e = relErr(f(...c.slice(0, -1)), c[c.length - 1]!)
    if (!(e <= error)) {
      error = e
      at = c
    }
  }
  return { error, at }
}

describe('Special functions against mpmath (40 digits)', () => {
  it('logGamma: ≤ 1e-15 relative everywhere, the zeros at 1 and 2 included', () => {
    const w = worst(reference.logGamma, logGamma)
    expect(w.error, `at ${w.at.join(', ')}`).toBeLessThan(1e-15)
  })
  it('logFactorial: ≤ 1e-15 relative', () => {
    const w = worst(reference.logFactorial, logFactorial)
    expect(w.error, `at ${w.at.join(', ')}`).toBeLessThan(1e-15)
  })
  it('digamma: ≤ 1e-15 relative outside [1, 3], ≤ 2e-15 absolute inside (where its root x₀ ≈ 1.4616 lies)', () => {
    const outside = reference.digamma.filter(([x]) => x < 1 || x > 3)
    const w = worst(outside, digamma)
    expect(w.error, `at ${w.at.join(', ')}`).toBeLessThan(1e-15)
    for (const [x, y] of reference.digamma) if (x >= 1 && x <= 3) expect(Math.abs(digamma(x) - y), `at ${x}`).toBeLessThan(2e-15)
  })
  it('trigamma: ≤ 1e-15 relative', () => {
    const w = worst(reference.trigamma, trigamma)
    expect(w.error, `at ${w.at.join(', ')}`).toBeLessThan(1e-15)
  })
  it('logBeta: within the documented bound, 4e-16·(|log Γ(a)| + |log Γ(b)| + |log Γ(a + b)|) + 1e-15·|log B|', () => {
    for (const [a, b, y] of reference.logBeta) {
      const bound = 4e-16 * (Math.abs(logGamma(a)) + Math.abs(logGamma(b)) + Math.abs(logGamma(a + b))) + 1e-15 * Math.abs(y)
      expect(Math.abs(logBeta(a, b) - y), `${a}, ${b}`).toBeLessThan(bound)
    }
  })
})

describe('Special functions: edges and identities', () => {
  it('are NaN outside their domains and exact at their anchors', () => {
    for (const f of [logGamma, digamma, trigamma]) {
      expect(f(0)).toBeNaN()
      expect(f(-1)).toBeNaN()
      expect(f(NaN)).toBeNaN()
    }
    expect(logFactorial(-1)).toBeNaN()
    expect(logFactorial(1.5)).toBeNaN()
    expect(logBeta(0, 1)).toBeNaN()
    expect(logGamma(1)).toBe(0)
    expect(logGamma(2)).toBe(0)
    expect(logGamma(Infinity)).toBe(Infinity)
    expect(trigamma(Infinity)).toBe(0)
    expect(logFactorial(0)).toBe(0)
  })
  it('satisfy their recurrences', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 1e6, noNaN: true }), (x) => {
        expect(Math.abs(logGamma(x + 1) - logGamma(x) - Math.log(x))).toBeLessThan(1e-13 * (1 + Math.abs(logGamma(x + 1))))
        expect(Math.abs(digamma(x + 1) - digamma(x) - 1 / x)).toBeLessThan(1e-13 * (1 + Math.abs(digamma(x + 1)) + 1 / x))
        expect(Math.abs(trigamma(x) - trigamma(x + 1) - 1 / (x * x))).toBeLessThan(1e-13 * (trigamma(x) + 1 / (x * x)))
      }),
    )
  })
  it('logAddExp and log1pExp neither overflow nor lose small terms', () => {
    expect(logAddExp(1000, 1000)).toBe(1000 + Math.LN2)
    expect(logAddExp(-Infinity, -Infinity)).toBe(-Infinity)
    expect(logAddExp(-Infinity, 3)).toBe(3)
    expect(logAddExp(Infinity, 3)).toBe(Infinity)
    expect(logAddExp(NaN, 3)).toBeNaN()
    expect(logAddExp(0, -800)).toBe(0)
    expect(relErr(logAddExp(-745, -745), -745 + Math.LN2)).toBeLessThan(1e-16)
    expect(log1pExp(800)).toBe(800)
    expect(relErr(log1pExp(-40), Math.exp(-40))).toBeLessThan(1e-15)
    expect(log1pExp(0)).toBe(Math.LN2)
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), fc.double({ min: -30, max: 30, noNaN: true }), (a, b) => {
        const naive = Math.log(Math.exp(a) + Math.exp(b)) // itself off by ~1 ulp of its argument's log
        expect(Math.abs(logAddExp(a, b) - naive)).toBeLessThan(1e-15 * Math.max(1, Math.abs(naive)))
      }),
    )
  })
})
