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
 * with L⁻¹ the component's precision Cholesky (lower-triangular). O(n·k·d²), no allocation.
 */
export function logDensityFull(data: Dataset.Dataset, components: readonly Component[], out: Float64Array): void {
  const n = data.n
  const d = data.d
  const x = data.values
  const constant = -d * Linalg.HALF_LOG_2PI
  for (let j = 0; j < components.length; j++) {
    const comp = components[j]!
    const mu = comp.mean
    const p = comp.precisionCholesky
    const base = constant + comp.logDetPrecisionCholesky
    const o = j * n
    for (let i = 0; i < n; i++) {
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
