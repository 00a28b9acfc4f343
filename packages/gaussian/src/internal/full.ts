/**
 * Kernels of the `'full'` structure: every component has its own unrestricted covariance.
 */
import { either as E } from 'fp-ts'
import type { Dataset, Degenerate } from '@emkit/core'
import { Linalg } from '@emkit/core'
import type { Component } from '../Component.js'
import type { Statistics } from '../Statistics.js'
import { mean } from '../Statistics.js'
import { advice, fromCovariance } from './factor.js'

/**
 * E-step kernel: `out[j·n + i] = log N(xᵢ | μⱼ, Σⱼ) = −(d/2)·log 2π + log det L⁻¹ − ½‖L⁻¹(xᵢ − μⱼ)‖²`,
 * with L⁻¹ the component's precision Cholesky (lower-triangular). O(n·k·d²).
 *
 * Register-blocked: four data rows and two rows of L⁻¹ at a time, so each entry of L⁻¹ loaded is
 * used four times and each centred coordinate twice. Every zᵣ = Σ_{c≤r} (L⁻¹)ᵣc (xᵢc − μⱼc) is
 * summed in the same order as the one-row loop of `test/reference.ts`, so the result is bit-identical
 * to it. One 4·d scratch array per call, nothing per row.
 */
export function logDensityFull(data: Dataset.Dataset, components: readonly Component[], out: Float64Array): void {
  const n = data.n
  const d = data.d
  const x = data.values
  const constant = -d * Linalg.HALF_LOG_2PI
  // y[4c + b] = x(i+b),c − μc for the four rows of the current block.
  const y = new Float64Array(4 * d)
  const n4 = n - (n % 4)
  for (let j = 0; j < components.length; j++) {
    const comp = components[j]!
    const mu = comp.mean
    const p = comp.precisionCholesky
    const base = constant + comp.logDetPrecisionCholesky
    const o = j * n
    for (let i = 0; i < n4; i += 4) {
      const x0 = i * d
      for (let c = 0; c < d; c++) {
        const m = mu[c]!
        const t = 4 * c
        y[t] = x[x0 + c]! - m
        y[t + 1] = x[x0 + d + c]! - m
        y[t + 2] = x[x0 + 2 * d + c]! - m
        y[t + 3] = x[x0 + 3 * d + c]! - m
      }
      let q0 = 0
      let q1 = 0
      let q2 = 0
      let q3 = 0
      let r = 0
      for (; r + 1 < d; r += 2) {
        const pr = r * d
        const ps = pr + d
        let a0 = 0
        let a1 = 0
        let a2 = 0
        let a3 = 0
        let b0 = 0
        let b1 = 0
        let b2 = 0
        let b3 = 0
        for (let c = 0; c <= r; c++) {
          const u = p[pr + c]!
          const v = p[ps + c]!
          const t = 4 * c
          const y0 = y[t]!
          const y1 = y[t + 1]!
          const y2 = y[t + 2]!
          const y3 = y[t + 3]!
          a0 += u * y0
          a1 += u * y1
          a2 += u * y2
          a3 += u * y3
          b0 += v * y0
          b1 += v * y1
          b2 += v * y2
          b3 += v * y3
        }
        const v = p[ps + r + 1]!
        const t = 4 * (r + 1)
        b0 += v * y[t]!
        b1 += v * y[t + 1]!
        b2 += v * y[t + 2]!
        b3 += v * y[t + 3]!
        q0 += a0 * a0
        q0 += b0 * b0
        q1 += a1 * a1
        q1 += b1 * b1
        q2 += a2 * a2
        q2 += b2 * b2
        q3 += a3 * a3
        q3 += b3 * b3
      }
      if (r < d) {
        const pr = r * d
        let a0 = 0
        let a1 = 0
        let a2 = 0
        let a3 = 0
        for (let c = 0; c <= r; c++) {
          const u = p[pr + c]!
          const t = 4 * c
          a0 += u * y[t]!
          a1 += u * y[t + 1]!
          a2 += u * y[t + 2]!
          a3 += u * y[t + 3]!
        }
        q0 += a0 * a0
        q1 += a1 * a1
        q2 += a2 * a2
        q3 += a3 * a3
      }
      out[o + i] = base - 0.5 * q0
      out[o + i + 1] = base - 0.5 * q1
      out[o + i + 2] = base - 0.5 * q2
      out[o + i + 3] = base - 0.5 * q3
    }
    for (let i = n4; i < n; i++) {
      const xo = i * d
      let q = 0
      for (let r = 0; r < d; r++) {
        const pr = r * d
        let z = 0
        for (let c = 0; c <= r; c++) z += p[pr + c]! * (x[xo + c]! - mu[c]!)
        q += z * z
      }
      out[o + i] = base - 0.5 * q
    }
  }
}

/**
 * M-step kernel: μⱼ = x̄ⱼ and Σⱼ = Mⱼ / wⱼ + regularization·I for every component, each factored
 * by Cholesky. `Left` names the first component whose Σⱼ is not positive definite.
 */
export function estimateFull(stats: readonly Statistics[], regularization: number): E.Either<Degenerate, Component[]> {
  const out: Component[] = []
  for (let j = 0; j < stats.length; j++) {
    const s = stats[j]!
    const d = s.origin.length
    const sigma = new Float64Array(d * d)
    const inv = 1 / s.weight
    for (let t = 0; t < d * d; t++) sigma[t] = s.scatter[t]! * inv
    for (let r = 0; r < d; r++) sigma[r * d + r] = sigma[r * d + r]! + regularization
    const c = fromCovariance('full', mean(s), sigma)
    if (c === undefined) {
      return E.left({
        component: j,
        message: `its covariance estimate (from a weight of ${s.weight.toPrecision(4)} rows) is not positive definite; ${advice(regularization)}`,
      })
    }
    out.push(c)
  }
  return E.right(out)
}
