/**
 * Kernels of the `'tied'` structure: all components share one full covariance Σ, estimated jointly.
 */
import { either as E } from 'fp-ts'
import type { Dataset, Degenerate } from '@emkit/core'
import { Linalg } from '@emkit/core'
import type { Component } from '../Component.js'
import type { Statistics } from '../Statistics.js'
import { mean } from '../Statistics.js'
import { advice, fromCovariance } from './factor.js'

/**
 * E-step kernel. With one shared precision Cholesky L⁻¹, every row is whitened once
 * (yᵢ = L⁻¹(xᵢ − μ₀)) and every mean once (mⱼ = L⁻¹(μⱼ − μ₀)); centring at μ₀ keeps the
 * subtraction yᵢ − mⱼ free of cancellation for data far from the origin. Then `out[j·n + i] = −(d/2)·log 2π + log det L⁻¹ − ½‖yᵢ − mⱼ‖²`.
 * O(n·d² + n·k·d); one n × d scratch buffer per call, nothing per row.
 */
export function logDensityTied(data: Dataset.Dataset, components: readonly Component[], out: Float64Array): void {
  const n = data.n
  const d = data.d
  const k = components.length
  if (k === 0) return
  const x = data.values
  const p = components[0]!.precisionCholesky
  const base = -d * Linalg.HALF_LOG_2PI + components[0]!.logDetPrecisionCholesky
  const centre = components[0]!.mean
  const y = new Float64Array(n * d)
  for (let i = 0; i < n; i++) {
    const xo = i * d
    for (let r = 0; r < d; r++) {
      let z = 0
      for (let c = 0; c <= r; c++) z += p[r * d + c]! * (x[xo + c]! - centre[c]!)
      y[xo + r] = z
    }
  }
  const m = new Float64Array(k * d)
  for (let j = 0; j < k; j++) {
    const mu = components[j]!.mean
    for (let r = 0; r < d; r++) {
      let z = 0
      for (let c = 0; c <= r; c++) z += p[r * d + c]! * (mu[c]! - centre[c]!)
      m[j * d + r] = z
    }
  }
  for (let j = 0; j < k; j++) {
    const o = j * n
    const mo = j * d
    for (let i = 0; i < n; i++) {
      const yo = i * d
      let q = 0
      for (let r = 0; r < d; r++) {
        const z = y[yo + r]! - m[mo + r]!
        q += z * z
      }
      out[o + i] = base - 0.5 * q
    }
  }
}

/**
 * M-step kernel (joint over components): μⱼ = x̄ⱼ and Σ = Σⱼ Mⱼ / Σⱼ wⱼ + regularization·I, the
 * weight-averaged within-component scatter. Every component holds the same factor arrays.
 * When Σ is not positive definite, `Left` names the lightest component (re-seeding it is the
 * collapse policy's best hope; a constant column needs regularisation instead).
 */
export function estimateTied(stats: readonly Statistics[], regularization: number): E.Either<Degenerate, Component[]> {
  const k = stats.length
  const d = stats[0]!.origin.length
  const sigma = new Float64Array(d * d)
  let w = 0
  let lightest = 0
  for (let j = 0; j < k; j++) {
    const s = stats[j]!
    w += s.weight
    if (s.weight < stats[lightest]!.weight) lightest = j
    for (let t = 0; t < d * d; t++) sigma[t] = sigma[t]! + s.scatter[t]!
  }
  for (let t = 0; t < d * d; t++) sigma[t] = sigma[t]! / w
  for (let r = 0; r < d; r++) sigma[r * d + r] = sigma[r * d + r]! + regularization
  const shared = fromCovariance('tied', mean(stats[0]!), sigma)
  if (shared === undefined) {
    return E.left({
      component: lightest,
      message: `the shared (tied) covariance estimate is not positive definite; ${advice(regularization)}`,
    })
  }
  const out: Component[] = [shared]
  for (let j = 1; j < k; j++) out.push({ ...shared, mean: mean(stats[j]!) })
  return E.right(out)
}
