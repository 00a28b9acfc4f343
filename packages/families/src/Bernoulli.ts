/**
 * The Bernoulli component family: binary vectors with independent coordinates (latent class
 * analysis), f(x | p) = Π_c p_c^x_c (1 − p_c)^(1 − x_c).
 *
 * @module
 */
import { Family, Schema } from '@emkit/core'

/**
 * One component's parameters: a probability p_c ∈ [0, 1] per column (JSON `{ "probabilities": [p₁ … p_d] }`).
 *
 * @category Components
 * @since 0.2.0
 */
export const parameters = { probabilities: Schema.vector('probability') }

/**
 * The Bernoulli family for `Mixture` (name `"bernoulli"`): d ≥ 1 binary columns (latent class
 * analysis, Goodman 1974).
 *
 * - support: values 0 or 1;
 * - features (x, 1 − x) with natural parameters (log p, log(1 − p)), so a probability 0 or 1 is
 *   exact (0·log 0 = 0) and never NaN;
 * - M-step p_c = S_c / W, within [0, 1] by construction (S_c sums a subset of W's terms);
 * - free parameters k·d (+ k − 1 weights); missing cells (MAR) by EM with E[x] = p.
 *
 * @example
 * ```ts
 * const answers = Dataset.fromRowsOrThrow([[1, 1, 0], [1, 1, 1], [0, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 0]])
 * const fit = Mixture.fitOrThrow(Bernoulli.family(), answers, { k: 2, restarts: 5, seed: 1 })
 * ```
 * @category Families
 * @since 0.2.0
 */
export const family = (): Family.DefinedFamily<typeof parameters> =>
  Family.define({
    name: 'bernoulli',
    parameters,
    support: Family.supports.binary,
    coordinates: 'independent',
    features: 2,
    feature: (x, out, o) => void ((out[o] = x), (out[o + 1] = 1 - x)),
    natural: (c, t, out, o) => void ((out[o] = Math.log(c.probabilities[t]!)), (out[o + 1] = Math.log1p(-c.probabilities[t]!))),
    logPartition: () => 0,
    mean: (c, t, out, o) => void ((out[o] = c.probabilities[t]!), (out[o + 1] = 1 - c.probabilities[t]!)),
    estimate: (sum, weight) => ({ probabilities: Float64Array.from({ length: sum.length / 2 }, (_, t) => sum[2 * t]! / weight) }),
    sample: (c, rng, out, o) => c.probabilities.forEach((p, t) => void (out[o + t] = rng.uniform() < p ? 1 : 0)),
    sql: {
      features: (x, q) => [x, `(${q.number(1)} - ${x})`],
      support: (x, q) => `(${x} = ${q.number(0)} OR ${x} = ${q.number(1)})`,
    },
    worker: { module: import.meta.url, factory: 'family' },
  })

/**
 * One Bernoulli component, as the family's JSON shape.
 *
 * @category Components
 * @since 0.2.0
 */
export type Component = Schema.Infer<typeof parameters>
