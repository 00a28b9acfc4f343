import { describe, expect, test } from 'vitest'
import { seeded } from './Rng.js'

describe('seeded random numbers', () => {
  test('the same seed gives the same stream; different seeds differ', () => {
    const a = seeded(42)
    const b = seeded(42)
    const c = seeded(43)
    const xa = Array.from({ length: 50 }, () => a.uniform())
    expect(Array.from({ length: 50 }, () => b.uniform())).toEqual(xa)
    expect(Array.from({ length: 50 }, () => c.uniform())).not.toEqual(xa)
    expect(xa.every((x) => x >= 0 && x < 1)).toBe(true)
  })

  test('moments of the uniform, normal, gamma, exponential and Poisson draws are right', () => {
    const r = seeded(7)
    const n = 200_000
    const mean = (f: () => number): [number, number] => {
      let s = 0
      let ss = 0
      for (let i = 0; i < n; i++) {
        const x = f()
        s += x
        ss += x * x
      }
      return [s / n, ss / n - (s / n) ** 2]
    }
    const [um, uv] = mean(() => r.uniform())
    expect(Math.abs(um - 0.5)).toBeLessThan(0.005)
    expect(Math.abs(uv - 1 / 12)).toBeLessThan(0.002)
    const [nm, nv] = mean(() => r.normal())
    expect(Math.abs(nm)).toBeLessThan(0.01)
    expect(Math.abs(nv - 1)).toBeLessThan(0.01)
    const [gm, gv] = mean(() => r.gamma(2.5))
    expect(Math.abs(gm - 2.5)).toBeLessThan(0.03)
    expect(Math.abs(gv - 2.5)).toBeLessThan(0.06)
    const [sm] = mean(() => r.gamma(0.5))
    expect(Math.abs(sm - 0.5)).toBeLessThan(0.01)
    const [em] = mean(() => r.exponential())
    expect(Math.abs(em - 1)).toBeLessThan(0.01)
    const [pm, pv] = mean(() => r.poisson(4))
    expect(Math.abs(pm - 4)).toBeLessThan(0.03)
    expect(Math.abs(pv - 4)).toBeLessThan(0.06)
    const [bm] = mean(() => r.poisson(75))
    expect(Math.abs(bm - 75)).toBeLessThan(0.15)
  })

  test('int(n) covers [0, n) and split streams are independent of each other', () => {
    const r = seeded(1)
    const seen = new Set<number>()
    for (let i = 0; i < 1000; i++) seen.add(r.int(7))
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6])
    const s1 = r.split()
    const s2 = r.split()
    expect(s1.uniform()).not.toBe(s2.uniform())
  })
})
