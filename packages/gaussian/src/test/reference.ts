/**
 * Plain, obviously-correct versions of the Gaussian kernels that have fast twins: one row and one
 * component at a time, in the textbook order. Every structure's E-step kernel (`full.ts`, `diag.ts`,
 * `spherical.ts`, `tied.ts`) is tested against the general full-covariance log-density here (each
 * component holds its full precision Cholesky, whatever its structure), and `Statistics.ts` against
 * `summarizeReference`, to ~1e-12 relative (`kernels.test.ts`). Test-only: it lives under `test/`,
 * which the package's tsconfig leaves out of `dist`.
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
