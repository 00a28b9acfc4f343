/**
 * `@emkit/exponential`: the exponential component family for emkit mixtures. Components are
 * rates λ = (λ₁, …, λ_d) with independent coordinates, f(x | λ) = Π_c λ_c exp(−λ_c x_c) on x ≥ 0;
 * d = 1 is the classic univariate mixture of lifetimes.
 *
 * The package is only a weighted maximum-likelihood fit (statistics W = Σ wᵢ, S_c = Σ wᵢ x_ic;
 * M-step λ_c = W / S_c) plus quantile seeding; everything else is `Mixture` in `@emkit/core`.
 *
 * @example
 * ```ts
 * import { Dataset, Mixture } from '@emkit/core'
 * import * as Exponential from '@emkit/exponential'
 * const lifetimes = Dataset.fromColumnOrThrow([0.2, 0.05, 0.4, 9.5, 0.1, 14.2, 6.8, 0.3])
 * const fit = Mixture.fitOrThrow(Exponential.family(), lifetimes, { k: 2, restarts: 5, seed: 1 })
 * ```
 * @packageDocumentation
 */
export * from './Exponential.js'
