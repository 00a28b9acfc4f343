/**
 * Kernels of the `'spherical'` structure: every component has one variance, Σⱼ = σⱼ²·I.
 */
import { either as E } from 'fp-ts'
import type { Dataset, Degenerate } from '@emkit/core'
import { Linalg } from '@emkit/core'
import type { Component } from '../Component.js'
import type { Statistics } from '../Statistics.js'
import { mean } from '../Statistics.js'
import { advice, fromVariances } from './factor.js'

/**
 * E-step kernel: `out[j·n + i] = −(d/2)·log 2π − d·log σⱼ − ‖xᵢ − μⱼ‖² / (2σⱼ²)`. O(n·k·d), no
 * allocation.
 */
export function logDensitySpherical(data: Dataset.Dataset, components: readonly Component[], out: Float64Array): void {
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
 * M-step kernel: μⱼ = x̄ⱼ and σⱼ² = trace(Mⱼ) / (d·wⱼ) + regularization (the mean of the diagonal
 * variances, as scikit-learn and mclust's VII).
 */
export function estimateSpherical(stats: readonly Statistics[], regularization: number): E.Either<Degenerate, Component[]> {
  const out: Component[] = []
  for (let j = 0; j < stats.length; j++) {
    const s = stats[j]!
    const d = s.origin.length
    let v = 0
    for (let c = 0; c < d; c++) v += s.scatter[c]! / s.weight + regularization
    v /= d
    const variances = new Float64Array(d).fill(v)
    const comp = fromVariances('spherical', mean(s), variances)
    if (comp === undefined) {
      return E.left({
        component: j,
        message: `its variance is ${v} (weight ${s.weight.toPrecision(4)} rows: all its points coincide); ${advice(regularization)}`,
      })
    }
    out.push(comp)
  }
  return E.right(out)
}
