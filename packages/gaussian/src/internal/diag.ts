/**
 * Kernels of the `'diag'` structure: every component has its own diagonal covariance.
 */
import { either as E } from 'fp-ts'
import type { Dataset, Degenerate } from '@emkit/core'
import { Linalg } from '@emkit/core'
import type { Component } from '../Component.js'
import type { Statistics } from '../Statistics.js'
import { mean } from '../Statistics.js'
import { advice, fromVariances } from './factor.js'

/**
 * E-step kernel: `out[j·n + i] = −(d/2)·log 2π + Σ_c log(1/σⱼc) − ½ Σ_c ((xᵢc − μⱼc)/σⱼc)²`,
 * reading 1/σⱼc from the diagonal of the precision Cholesky. O(n·k·d), no allocation.
 */
export function logDensityDiag(data: Dataset.Dataset, components: readonly Component[], out: Float64Array): void {
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
 * M-step kernel: μⱼ = x̄ⱼ and σⱼc² = Mⱼ,cc / wⱼ + regularization (diagonal statistics).
 * `Left` names the first component with a variance that is not > 0.
 */
export function estimateDiag(stats: readonly Statistics[], regularization: number): E.Either<Degenerate, Component[]> {
  const out: Component[] = []
  for (let j = 0; j < stats.length; j++) {
    const s = stats[j]!
    const d = s.origin.length
    const variances = new Float64Array(d)
    for (let c = 0; c < d; c++) variances[c] = s.scatter[c]! / s.weight + regularization
    const comp = fromVariances('diag', mean(s), variances)
    if (comp === undefined) {
      let zero = 0
      while (zero < d - 1 && variances[zero]! > 0) zero++
      return E.left({
        component: j,
        message: `its variance along column ${zero} is ${variances[zero]} (weight ${s.weight.toPrecision(4)} rows); ${advice(regularization)}`,
      })
    }
    out.push(comp)
  }
  return E.right(out)
}
