/**
 * A new mixture type on the family template: independent Poisson counts,
 * f(x | λ) = Π_c λ_c^x_c e^(−λ_c) / x_c!, written against the public `@emkit/core` API only.
 *
 * In exponential-family form, per column: feature T(x) = x, natural parameter η = log λ,
 * log-partition A = λ, base measure log h(x) = −log x!. The M-step is λ = S / W (the weighted mean);
 * the mean map E[x] = λ lets the family fit missing cells. Everything else — the statistics monoid,
 * chunking, worker threads, JSON with validation, SQUAREM's unconstrained scale, free-parameter
 * counts — is the template's.
 */
// #region family
import { Family, Schema, Special } from '@emkit/core'

export const poisson = Family.define({
  name: 'poisson',
  parameters: { rate: Schema.vector('nonNegative') },
  support: Family.supports.counts,
  coordinates: 'independent',
  natural: (c, t, out, o) => {
    out[o] = Math.log(c.rate[t]!)
  },
  logPartition: (c, t) => c.rate[t]!,
  logBaseMeasure: (x) => -Special.logFactorial(x),
  mean: (c, t, out, o) => {
    out[o] = c.rate[t]!
  },
  estimate: (sum, weight) => ({ rate: sum.map((s) => s / weight) }),
  sample: (c, rng, out, o) => {
    for (let t = 0; t < c.rate.length; t++) out[o + t] = rng.poisson(c.rate[t]!)
  },
  worker: { module: import.meta.url, factory: 'poissonFamily' },
})

/** The worker threads' factory (`worker.factory` above): rebuilds the family in a thread. */
export const poissonFamily = (): typeof poisson => poisson
// #endregion family
