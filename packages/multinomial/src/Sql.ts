/**
 * The multinomial family's pass as SQL (the core `SqlCapability`), for EM inside a database with
 * `@emkit/sql`. Kept apart from the family's definition so the family module stays about the math.
 *
 * @packageDocumentation
 */
import type { SqlCapability } from '@emkit/core'
import type { Component, Statistics } from './Multinomial.js'

/**
 * The SQL capability of the multinomial family:
 * - no shift; log-density Σᵥ xᵥ·log pᵥ with log pᵥ a literal, and for a category of probability 0
 *   `CASE WHEN xᵥ = 0 THEN 0 ELSE −∞ END` (0·log 0 = 0, never NaN);
 * - the multinomial coefficient log(n! / Πᵥ xᵥ!) as the base measure, which the source sums once;
 * - features x₀ … x_{V−1}; statistics {weight W, counts C};
 * - support: non-negative integers.
 *
 * @category Families
 * @since 0.2.0
 */
export const sqlCapability: SqlCapability<Component, Statistics> = {
  featureCount: (d) => d,
  logDensity: (c, x, sql) =>
    `(${x
      .map((col, v) => {
        const lp = Math.log(c.probabilities[v]!)
        return lp === -Infinity
          ? `CASE WHEN ${col} = ${sql.number(0)} THEN ${sql.number(0)} ELSE ${sql.number(-Infinity)} END`
          : `${sql.number(lp)} * ${col}`
      })
      .join(' + ')})`,
  features: (_c, x) => x,
  fromSums: (_c, weight, sums) => ({ weight, sum: Float64Array.from(sums) }),
  logBaseMeasure: (x, sql) => `(${sql.logFactorial(`(${x.join(' + ')})`)} - (${x.map((col) => sql.logFactorial(col)).join(' + ')}))`,
  support: {
    test: (x, sql) => `(${x} >= ${sql.number(0)} AND ${x} = floor(${x}))`,
    requirement: 'multinomial data must be non-negative integer counts',
  },
}
