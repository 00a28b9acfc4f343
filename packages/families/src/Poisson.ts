/**
 * The Poisson component family: independent counts, f(x | λ) = Π_c λ_c^x_c e^(−λ_c) / x_c! — the
 * family of the guide "Writing a new mixture type", stated on the family template in full below.
 *
 * @module
 */
import { Family, Schema, Special } from '@emkit/core'

/**
 * One component's parameters: a rate λ_c ≥ 0 per column (JSON `{ "rate": [λ₁ … λ_d] }`).
 *
 * @category Components
 * @since 0.2.0
 */
export const parameters = { rate: Schema.vector('nonNegative') }

/**
 * The Poisson family for `Mixture` (name `"poisson"`): d ≥ 1 independent count columns.
 *
 * - support: non-negative integer counts;
 * - log f(x | λ) = Σ_c (x_c log λ_c − λ_c − log x_c!): the log-likelihood includes −log x!;
 * - statistics W = Σ wᵢ and S_c = Σ wᵢ x_ic; M-step λ_c = S_c / W (a rate 0 is the MLE of a column
 *   of zeros, a point mass at 0);
 * - free parameters k·d (+ k − 1 weights); missing cells (MAR) by EM with E[x] = λ.
 *
 * @example
 * ```ts
 * const counts = Dataset.fromRowsOrThrow([[0, 2], [1, 3], [9, 0], [11, 1], [1, 1], [8, 0]])
 * const fit = Mixture.fitOrThrow(Poisson.family(), counts, { k: 2, restarts: 5, seed: 1 })
 * ```
 * @category Families
 * @since 0.2.0
 */
export const family = (): Family.DefinedFamily<typeof parameters> =>
  Family.define({
    name: 'poisson',
    parameters,
    support: Family.supports.counts,
    coordinates: 'independent',
    natural: (c, t, out, o) => void (out[o] = Math.log(c.rate[t]!)),
    logPartition: (c, t) => c.rate[t]!,
    logBaseMeasure: (x) => -Special.logFactorial(x),
    mean: (c, t, out, o) => void (out[o] = c.rate[t]!),
    estimate: (sum, weight) => ({ rate: sum.map((s) => s / weight) }),
    sample: (c, rng, out, o) => c.rate.forEach((rate, t) => void (out[o + t] = rng.poisson(rate))),
    sql: { logBaseMeasure: (x, q) => `(-${q.logFactorial(x)})`, support: (x, q) => `(${x} >= ${q.number(0)} AND ${x} = floor(${x}))` },
    worker: { module: import.meta.url, factory: 'family' },
  })

/**
 * One Poisson component, as the family's JSON shape.
 *
 * @category Components
 * @since 0.2.0
 */
export type Component = Schema.Infer<typeof parameters>
