/**
 * Plain, obviously-correct versions of the Gaussian kernels: one row and one component at a time,
 * in the textbook order. The fast kernels in `full.ts`, `diag.ts`, `spherical.ts`, `tied.ts` and
 * `Statistics.ts` are tested against these to ~1e-12 relative (`kernels.test.ts`). Not used on the
 * fit path. Not exported from the package.
 */
import type { Dataset } from '@emkit/core'
import { Linalg } from '@emkit/core'
import type { Component } from '../Component.js'
import type { Statistics } from '../Statistics.js'
import { empty } from '../Statistics.js'

/**
 * E-step kernel: `out[j·n + i] = log N(xᵢ | μⱼ, Σⱼ) = −(d/2)·log 2π + log det L⁻¹ − ½‖L⁻¹(xᵢ − μⱼ)‖²`,
 * with L⁻¹ the component's precision Cholesky (lower-triangular). O(n·k·d²), no allocation.
 */
export function logDensityFullReference(data: Dataset.Dataset, components: readonly Component[], out: Float64Array): void {
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
 * E-step kernel: `out[j·n + i] = −(d/2)·log 2π + Σ_c log(1/σⱼc) − ½ Σ_c ((xᵢc − μⱼc)/σⱼc)²`,
 * reading 1/σⱼc from the diagonal of the precision Cholesky. O(n·k·d), no allocation.
 */
export function logDensityDiagReference(data: Dataset.Dataset, components: readonly Component[], out: Float64Array): void {
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
      for (let c = 0; c < d; c++) {
        const z = p[c * d + c]! * (x[xo + c]! - mu[c]!)
        q += z * z
      }
      out[o + i] = base - 0.5 * q
    }
  }
}

/**
 * E-step kernel: `out[j·n + i] = −(d/2)·log 2π − d·log σⱼ − ‖xᵢ − μⱼ‖² / (2σⱼ²)`. O(n·k·d), no
 * allocation.
 */
export function logDensitySphericalReference(data: Dataset.Dataset, components: readonly Component[], out: Float64Array): void {
  const n = data.n
  const d = data.d
  const x = data.values
  const constant = -d * Linalg.HALF_LOG_2PI
  for (let j = 0; j < components.length; j++) {
    const comp = components[j]!
    const mu = comp.mean
    const precision = comp.precisionCholesky[0]! * comp.precisionCholesky[0]!
    const base = constant + comp.logDetPrecisionCholesky
    const o = j * n
    for (let i = 0; i < n; i++) {
      const xo = i * d
      let q = 0
      for (let c = 0; c < d; c++) {
        const z = x[xo + c]! - mu[c]!
        q += z * z
      }
      out[o + i] = base - 0.5 * precision * q
    }
  }
}

/**
 * E-step kernel. With one shared precision Cholesky L⁻¹, every row is whitened once
 * (yᵢ = L⁻¹(xᵢ − μ₀)) and every mean once (mⱼ = L⁻¹(μⱼ − μ₀)); centring at μ₀ keeps the
 * subtraction yᵢ − mⱼ free of cancellation for data far from the origin. Then `out[j·n + i] = −(d/2)·log 2π + log det L⁻¹ − ½‖yᵢ − mⱼ‖²`.
 * O(n·d² + n·k·d); one n × d scratch buffer per call, nothing per row.
 */
export function logDensityTiedReference(data: Dataset.Dataset, components: readonly Component[], out: Float64Array): void {
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
 * Statistics of the rows of `data` weighted by `weights[offset + i]` (two passes: the weighted mean
 * relative to the first row with positive weight, then the centred scatter). No allocation per row.
 *
 * Reference for `Statistics.summarize`. `diagonal` keeps only the diagonal of the scatter.
 */
export function summarizeReference(data: Dataset.Dataset, weights: Float64Array, offset: number, diagonal: boolean): Statistics {
  const n = data.n
  const d = data.d
  const x = data.values
  let first = -1
  for (let i = 0; i < n; i++) {
    if (weights[offset + i]! > 0) {
      first = i
      break
    }
  }
  if (first < 0) return empty(d, diagonal)
  const origin = x.slice(first * d, first * d + d)
  const off = new Float64Array(d)
  let w = 0
  for (let i = first; i < n; i++) {
    const g = weights[offset + i]!
    if (!(g > 0)) continue
    w += g
    const xo = i * d
    for (let c = 0; c < d; c++) off[c] = off[c]! + g * (x[xo + c]! - origin[c]!)
  }
  for (let c = 0; c < d; c++) off[c] = off[c]! / w
  const scatter = new Float64Array(diagonal ? d : d * d)
  if (diagonal) {
    for (let i = first; i < n; i++) {
      const g = weights[offset + i]!
      if (!(g > 0)) continue
      const xo = i * d
      for (let c = 0; c < d; c++) {
        const z = x[xo + c]! - origin[c]! - off[c]!
        scatter[c] = scatter[c]! + g * z * z
      }
    }
  } else {
    for (let i = first; i < n; i++) {
      const g = weights[offset + i]!
      if (!(g > 0)) continue
      const xo = i * d
      for (let r = 0; r < d; r++) {
        const gz = g * (x[xo + r]! - origin[r]! - off[r]!)
        const ro = r * d
        for (let c = 0; c <= r; c++) scatter[ro + c] = scatter[ro + c]! + gz * (x[xo + c]! - origin[c]! - off[c]!)
      }
    }
    for (let r = 0; r < d; r++) for (let c = 0; c < r; c++) scatter[c * d + r] = scatter[r * d + c]!
  }
  return { weight: w, origin, offset: off, scatter }
}
