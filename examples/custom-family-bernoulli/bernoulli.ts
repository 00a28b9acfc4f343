/**
 * A new mixture type on the family template: binary vectors with independent coordinates (latent
 * class analysis), f(x | p) = Π_c p_c^x_c (1 − p_c)^(1 − x_c), against the public API only.
 *
 * Two features per column, (x, 1 − x), with natural parameters (log p, log(1 − p)) and
 * log-partition 0: a probability of exactly 0 or 1 stays exact (the template skips zero features,
 * so 0·log 0 = 0). The M-step is p = S / W.
 */
// #region family
import { Family, Schema } from '@emkit/core'

export const bernoulli = Family.define({
  name: 'bernoulli',
  parameters: { probabilities: Schema.vector('probability') },
  support: Family.supports.binary,
  coordinates: 'independent',
  features: 2,
  feature: (x, out, o) => {
    out[o] = x
    out[o + 1] = 1 - x
  },
  natural: (c, t, out, o) => {
    out[o] = Math.log(c.probabilities[t]!)
    out[o + 1] = Math.log1p(-c.probabilities[t]!)
  },
  logPartition: () => 0,
  estimate: (sum, weight) => ({ probabilities: Float64Array.from({ length: sum.length / 2 }, (_, t) => sum[2 * t]! / weight) }),
  sample: (c, rng, out, o) => {
    for (let t = 0; t < c.probabilities.length; t++) out[o + t] = rng.uniform() < c.probabilities[t]! ? 1 : 0
  },
  worker: { module: import.meta.url, factory: 'bernoulliFamily' },
})

/** The worker threads' factory (`worker.factory` above): rebuilds the family in a thread. */
export const bernoulliFamily = (): typeof bernoulli => bernoulli
// #endregion family
