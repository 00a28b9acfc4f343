/**
 * First and second derivatives of log N(x | μ, Σ) with respect to the free natural parameters (the
 * mean and the covariance entries of each structure), for the observed information of a mixture.
 * Not exported from the package.
 *
 * With P = Σ⁻¹ (formed as L⁻ᵀ·L⁻¹ from the component's precision Cholesky), r = x − μ, z = P·r and a
 * covariance parameter a moving Σ along the symmetric direction Dₐ:
 *   ∂/∂μ = z,  ∂²/∂μ∂μᵀ = −P,  ∂²/∂μ∂a = −P·Dₐ·z,
 *   ∂/∂a = −½ tr(P·Dₐ) + ½ zᵀ·Dₐ·z,  ∂²/∂a∂b = ½ tr(P·Dₐ·P·D_b) − zᵀ·Dₐ·P·D_b·z.
 * Directions: `full`/`tied` entry (r, c), r ≤ c: Eᵣᵣ or Eᵣ꜀ + E꜀ᵣ; `diag` entry r: Eᵣᵣ; `spherical`: I.
 * Free parameters: per component μ (d) then its covariance parameters (d(d+1)/2 upper-triangle
 * entries row by row, d variances, or one variance); `tied` puts every mean first, then the shared
 * covariance once.
 */
import type { Dataset, Derivatives } from '@emkit/core'
import type { Component, CovarianceType } from '../ComponentTypes.js'

/** A covariance direction: the (row, column) cells it sets to 1. */
type Direction = ReadonlyArray<readonly [number, number]>

const directions = (structure: CovarianceType, d: number): Direction[] => {
  if (structure === 'spherical') return [Array.from({ length: d }, (_, r) => [r, r] as const)]
  if (structure === 'diag') return Array.from({ length: d }, (_, r) => [[r, r] as const])
  const out: Direction[] = []
  for (let r = 0; r < d; r++)
    for (let c = r; c < d; c++)
      out.push(
        r === c
          ? [[r, r]]
          : [
              [r, c],
              [c, r],
            ],
      )
  return out
}

/** P = Σ⁻¹ = Uᵀ·U with U = L⁻¹ (lower triangular), d × d row-major. */
const precision = (c: Component): Float64Array => {
  const d = c.mean.length
  const u = c.precisionCholesky
  const p = new Float64Array(d * d)
  for (let r = 0; r < d; r++)
    for (let s = 0; s <= r; s++) {
      let v = 0
      for (let t = r; t < d; t++) v += u[t * d + r]! * u[t * d + s]!
      p[r * d + s] = v
      p[s * d + r] = v
    }
  return p
}

/** The derivatives of k Gaussian components of one structure (see the module comment). */
export const derivatives = (structure: CovarianceType, components: readonly Component[]): Derivatives => {
  const k = components.length
  const d = components[0]!.mean.length
  const dirs = directions(structure, d)
  const m = dirs.length
  const tied = structure === 'tied'
  const size = tied ? k * d + m : k * (d + m)
  const indices = components.map((_, j) => {
    const idx = new Int32Array(d + m)
    for (let t = 0; t < d; t++) idx[t] = tied ? j * d + t : j * (d + m) + t
    for (let a = 0; a < m; a++) idx[d + a] = tied ? k * d + a : j * (d + m) + d + a
    return idx
  })
  const precisions = components.map(precision)
  const z = new Float64Array(d)
  const pdz = new Float64Array(m * d)
  const rowInto = (j: number, data: Dataset.Dataset, i: number, gradient: Float64Array, hessian: Float64Array): void => {
    const c = components[j]!
    const p = precisions[j]!
    const x = data.values
    const q = d + m
    for (let r = 0; r < d; r++) {
      let v = 0
      for (let s = 0; s < d; s++) v += p[r * d + s]! * (x[i * d + s]! - c.mean[s]!)
      z[r] = v
    }
    hessian.fill(0)
    for (let r = 0; r < d; r++) {
      gradient[r] = z[r]!
      for (let s = 0; s < d; s++) hessian[r * q + s] = -p[r * d + s]!
    }
    for (let a = 0; a < m; a++) {
      let trace = 0
      let quad = 0
      for (const [r, s] of dirs[a]!) {
        trace += p[s * d + r]!
        quad += z[r]! * z[s]!
      }
      gradient[d + a] = -0.5 * trace + 0.5 * quad
      // (P·Dₐ·z)ₜ = Σ_(r,s)∈Dₐ P_tr·z_s
      for (let t = 0; t < d; t++) {
        let v = 0
        for (const [r, s] of dirs[a]!) v += p[t * d + r]! * z[s]!
        pdz[a * d + t] = v
        hessian[t * q + d + a] = -v
        hessian[(d + a) * q + t] = -v
      }
    }
    for (let a = 0; a < m; a++)
      for (let b = a; b < m; b++) {
        let traceTerm = 0
        let quadTerm = 0
        for (const [r, s] of dirs[a]!)
          for (const [u, v] of dirs[b]!) {
            traceTerm += p[s * d + u]! * p[v * d + r]!
            quadTerm += z[r]! * p[s * d + u]! * z[v]!
          }
        const h = 0.5 * traceTerm - quadTerm
        hessian[(d + a) * q + d + b] = h
        hessian[(d + b) * q + d + a] = h
      }
  }
  // Jacobian of toVector (μ, then Σ as d × d row-major, per component) with respect to the free parameters.
  const rows = k * (d + d * d)
  const jacobian = new Float64Array(rows * size)
  for (let j = 0; j < k; j++) {
    const base = j * (d + d * d)
    const idx = indices[j]!
    for (let t = 0; t < d; t++) jacobian[(base + t) * size + idx[t]!] = 1
    for (let a = 0; a < m; a++) for (const [r, s] of dirs[a]!) jacobian[(base + d + r * d + s) * size + idx[d + a]!] = 1
  }
  return { size, indices: (j) => indices[j]!, rowInto, jacobian }
}
