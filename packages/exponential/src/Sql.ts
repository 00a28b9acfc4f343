/**
 * The exponential family's pass as SQL (the core `SqlCapability`), for EM inside a database with
 * `@emkit/sql`. Kept apart from the family's definition so the family module stays about the math.
 *
 * @packageDocumentation
 */
import type { SqlCapability } from '@emkit/core'
import type { Component, Statistics } from './Exponential.js'

/**
 * The SQL capability of the exponential family:
 * - no shift (the statistics are plain weighted sums, exact to rounding wherever the data sit);
 * - log-density Σ_c (log λ_c − λ_c·x_c), log λ_c a literal;
 * - features x₀ … x_{d−1}; statistics {weight W, sum S};
 * - support: x ≥ 0.
 *
 * @category Families
 * @since 0.2.0
 */
export const sqlCapability: SqlCapability<Component, Statistics> = {
  featureCount: (d) => d,
  logDensity: (c, x, sql) => {
    let logNorm = 0
    for (let i = 0; i < x.length; i++) logNorm += Math.log(c.rate[i]!)
    return `(${sql.number(logNorm)} - (${x.map((col, i) => `${sql.number(c.rate[i]!)} * ${col}`).join(' + ')}))`
  },
  features: (_c, x) => x,
  fromSums: (_c, weight, sums) => ({ weight, sum: Float64Array.from(sums) }),
  support: { test: (x, sql) => `${x} >= ${sql.number(0)}`, requirement: 'exponential data must be ≥ 0' },
}
