import { describe, expect, it } from 'vitest'
import { seeded } from '../Rng.js'
import * as Qr from './Qr.js'

/** A polynomial design in t ∈ [0, 10] up to t⁴ (condition number ~1e6) with a known β. */
const problem = (n: number, seed: number) => {
  const rng = seeded(seed)
  const p = 5
  const x = new Float64Array(n * p)
  const y = new Float64Array(n)
  const w = new Float64Array(n)
  const beta = [3, -2, 0.5, -0.03, 0.001]
  for (let i = 0; i < n; i++) {
    const t = 10 * rng.uniform()
    let s = 0
    for (let c = 0, v = 1; c < p; c++, v *= t) {
      x[i * p + c] = v
      s += beta[c]! * v
    }
    y[i] = s + 0.1 * rng.normal()
    w[i] = rng.uniform()
  }
  return { n, p, x, y, w }
}

const relative = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b)

describe('mergeable R factors', () => {
  it('two halves merged give the whole data’s β and RSS (to 1e-12 relative)', () => {
    const { n, p, x, y, w } = problem(400, 1)
    const whole = Qr.solve(Qr.summarize(Qr.empty(p + 1), n, p, x, y, w, 0))!
    const h = n / 2
    const a = Qr.summarize(Qr.empty(p + 1), h, p, x.subarray(0, h * p), y.subarray(0, h), w, 0)
    const b = Qr.summarize(Qr.empty(p + 1), h, p, x.subarray(h * p), y.subarray(h), w, h)
    const merged = Qr.merge(a, b)
    const m = Qr.solve(merged)!
    expect(merged.rows).toBe(n)
    expect(relative(merged.weight, a.weight + b.weight)).toBe(0)
    for (let c = 0; c < p; c++) expect(relative(m.beta[c]!, whole.beta[c]!)).toBeLessThan(1e-12)
    expect(relative(m.rss, whole.rss)).toBeLessThan(1e-12)
  })
  it('matches an independent solve: the RSS is minimal (perturbing β raises it) and the residual is orthogonal to X', () => {
    const { n, p, x, y, w } = problem(300, 2)
    const s = Qr.solve(Qr.summarize(Qr.empty(p + 1), n, p, x, y, w, 0))!
    const rss = (beta: ArrayLike<number>): number => {
      let t = 0
      for (let i = 0; i < n; i++) {
        let r = y[i]!
        for (let c = 0; c < p; c++) r -= beta[c]! * x[i * p + c]!
        t += w[i]! * r * r
      }
      return t
    }
    expect(relative(s.rss, rss(s.beta))).toBeLessThan(1e-9)
    for (let c = 0; c < p; c++) {
      let g = 0
      let scale = 0
      for (let i = 0; i < n; i++) {
        let r = y[i]!
        for (let l = 0; l < p; l++) r -= s.beta[l]! * x[i * p + l]!
        g += w[i]! * r * x[i * p + c]!
        scale += Math.abs(w[i]! * r * x[i * p + c]!)
      }
      expect(Math.abs(g) / scale, `normal equation ${c}`).toBeLessThan(1e-12)
    }
  })
  it('reports a rank-deficient design instead of dividing by zero', () => {
    const x = Float64Array.of(1, 2, 1, 2, 1, 2)
    const f = Qr.summarize(Qr.empty(3), 3, 2, x, Float64Array.of(1, 2, 3), Float64Array.of(1, 1, 1), 0)
    expect(Qr.solve(f)).toBeUndefined()
  })
})
