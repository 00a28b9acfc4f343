/**
 * The gamma component family: positive values with independent coordinates,
 * f(x | a, b) = Π_c b_c^a_c x_c^(a_c − 1) e^(−b_c x_c) / Γ(a_c) (shape a, rate b).
 *
 * @module
 */
import { Family, Schema, Special } from '@emkit/core'

/**
 * One component's parameters: a shape and a rate per column (JSON `{ "shape": […], "rate": […] }`).
 *
 * @category Components
 * @since 0.2.0
 */
export const parameters = { shape: Schema.vector('positive'), rate: Schema.vector('positive') }

/**
 * The gamma shape â solving log a − ψ(a) = s for s = log(mean) − mean(log) > 0, the M-step's
 * equation (Minka 2002, "Estimating a Gamma distribution"): Newton's method on
 * g(a) = log a − ψ(a) − s from Minka's start a₀ = (3 − s + √((s − 3)² + 24s)) / (12s), halving a
 * when a step would leave a > 0, until |Δa| ≤ 10⁻¹⁵·a (at most 100 steps). g is decreasing and
 * convex, so the iteration converges to the unique root: the exact maximiser of Q over the shape
 * given the rate's profile, an M-step that never lowers Q.
 *
 * @param s - log of the weighted mean minus the weighted mean of the logs (> 0 by Jensen's inequality).
 * @returns â > 0, or NaN when s is not finite and > 0 (all values equal: no finite shape).
 * @category Families
 * @since 0.2.0
 */
export const shapeFromLogRatio = (s: number): number => {
  if (!(s > 0) || !Number.isFinite(s)) return NaN
  let a = (3 - s + Math.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s)
  for (let step = 0; step < 100; step++) {
    let next = a - (Math.log(a) - Special.digamma(a) - s) / (1 / a - Special.trigamma(a))
    if (!(next > 0)) next = a / 2
    const done = Math.abs(next - a) <= 1e-15 * a
    a = next
    if (done) break
  }
  return a
}

/**
 * The gamma family for `Mixture` (name `"gamma"`): d ≥ 1 independent positive columns.
 *
 * - support: finite values > 0;
 * - features (x, log x), natural parameters (−b, a − 1), log-partition log Γ(a) − a log b;
 * - M-step per column: mean m = S_x / W, mean log l = S_log / W, shape â from
 *   {@link shapeFromLogRatio}(log m − l), rate b̂ = â / m (the exact weighted MLE);
 * - free parameters 2·k·d (+ k − 1 weights); missing cells (MAR) by EM with E[x] = a/b and
 *   E[log x] = ψ(a) − log b.
 *
 * @example
 * ```ts
 * const waits = Dataset.fromColumnOrThrow([0.4, 0.9, 1.3, 0.7, 6.1, 8.4, 5.2, 7.7])
 * const fit = Mixture.fitOrThrow(Gamma.family(), waits, { k: 2, restarts: 5, seed: 1 })
 * ```
 * @category Families
 * @since 0.2.0
 */
export const family = (): Family.DefinedFamily<typeof parameters> =>
  Family.define({
    name: 'gamma',
    parameters,
    support: Family.supports.positive,
    coordinates: 'independent',
    features: 2,
    feature: (x, out, o) => void ((out[o] = x), (out[o + 1] = Math.log(x))),
    natural: (c, t, out, o) => void ((out[o] = -c.rate[t]!), (out[o + 1] = c.shape[t]! - 1)),
    logPartition: (c, t) => Special.logGamma(c.shape[t]!) - c.shape[t]! * Math.log(c.rate[t]!),
    mean: (c, t, out, o) => void ((out[o] = c.shape[t]! / c.rate[t]!), (out[o + 1] = Special.digamma(c.shape[t]!) - Math.log(c.rate[t]!))),
    estimate: (sum, weight) => {
      const shape = Float64Array.from({ length: sum.length / 2 }, (_, t) =>
        shapeFromLogRatio(Math.log(sum[2 * t]! / weight) - sum[2 * t + 1]! / weight),
      )
      const bad = shape.findIndex((a) => !(a > 0))
      if (bad >= 0) return `its values in column ${bad} are (nearly) all equal, so no finite shape fits them`
      return { shape, rate: shape.map((a, t) => a / (sum[2 * t]! / weight)) }
    },
    sample: (c, rng, out, o) => c.shape.forEach((a, t) => void (out[o + t] = rng.gamma(a) / c.rate[t]!)),
    sql: { features: (x, q) => [x, q.ln(x)], support: (x, q) => `${x} > ${q.number(0)}` },
    worker: { module: import.meta.url, factory: 'family' },
  })

/**
 * One gamma component, as the family's JSON shape.
 *
 * @category Components
 * @since 0.2.0
 */
export type Component = Schema.Infer<typeof parameters>
