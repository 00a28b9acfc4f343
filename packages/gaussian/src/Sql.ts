/**
 * The Gaussian family's pass as SQL (the core `SqlCapability`), for EM inside a database with
 * `@emkit/sql`. Columns are shifted by each component's current mean, u = x − μⱼ, so the second
 * moments are centred where the component sits: raw moments Σ wγx² lose the variance of data far
 * from the origin (Spark's `GaussianMixture` sums raw moments), shifted ones keep it.
 *
 * @packageDocumentation
 */
import type { SqlCapability } from '@emkit/core'
import { Linalg } from '@emkit/core'
import type { Component } from './ComponentTypes.js'
import type { Statistics } from './Statistics.js'
import { empty } from './Statistics.js'

/**
 * The SQL capability of a Gaussian family: `diagonal` for the `diag` and `spherical` structures
 * (statistics keep the diagonal of the scatter only).
 *
 * - shift: the component's mean μⱼ;
 * - log-density: −(d/2)·log 2π + log det L⁻¹ − ½‖L⁻¹u‖², the precision Cholesky factor L⁻¹ written as
 *   literals (zero entries skipped, so a diagonal structure costs d products);
 * - features, in slot order: u₀ … u_{d−1}, then uᵣu_c for r ≤ c in row order (full, tied:
 *   d(d+1)/2 products) or u_c² (diag, spherical: d);
 * - statistics from the sums S₀ = W, S₁ = Σ wγu, S₂ = Σ wγuuᵀ: origin μⱼ, offset S₁/W, scatter
 *   S₂ − S₁S₁ᵀ/W (the centred scatter, as `Statistics.summarize` gives it).
 *
 * @category Families
 * @since 0.2.0
 */
export const sqlCapability = (diagonal: boolean): SqlCapability<Component, Statistics> => ({
  featureCount: (d) => d + (diagonal ? d : (d * (d + 1)) / 2),
  shift: (c) => c.mean,
  logDensity: (c, u, sql) => {
    const d = u.length
    const p = c.precisionCholesky
    const squares: string[] = []
    for (let r = 0; r < d; r++) {
      const terms: string[] = []
      for (let t = 0; t <= r; t++) if (p[r * d + t] !== 0) terms.push(`${sql.number(p[r * d + t]!)} * ${u[t]!}`)
      const z = terms.length === 0 ? sql.number(0) : `(${terms.join(' + ')})`
      squares.push(`${z} * ${z}`)
    }
    return `(${sql.number(-d * Linalg.HALF_LOG_2PI + c.logDetPrecisionCholesky)} - ${sql.number(0.5)} * (${squares.join(' + ')}))`
  },
  features: (_c, u) => {
    const d = u.length
    const out = [...u]
    for (let r = 0; r < d; r++) {
      if (diagonal) out.push(`${u[r]!} * ${u[r]!}`)
      else for (let c = r; c < d; c++) out.push(`${u[r]!} * ${u[c]!}`)
    }
    return out
  },
  fromSums: (c, weight, sums) => {
    const d = c.mean.length
    if (!(weight > 0)) return empty(d, diagonal)
    const offset = new Float64Array(d)
    for (let r = 0; r < d; r++) offset[r] = sums[r]! / weight
    const scatter = new Float64Array(diagonal ? d : d * d)
    let t = d
    for (let r = 0; r < d; r++) {
      if (diagonal) {
        scatter[r] = sums[t++]! - sums[r]! * offset[r]!
        continue
      }
      for (let col = r; col < d; col++) {
        const v = sums[t++]! - sums[r]! * offset[col]!
        scatter[r * d + col] = v
        scatter[col * d + r] = v
      }
    }
    return { weight, origin: Float64Array.from(c.mean), offset, scatter }
  },
})
