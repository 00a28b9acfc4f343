/**
 * `@emkit/multinomial`: the multinomial component family for emkit mixtures. Rows are count
 * vectors over V categories (bag of words, read counts, votes); a component is a probability
 * vector over the categories, log f(x | p) = log(n! / Πᵥ xᵥ!) + Σᵥ xᵥ log pᵥ.
 *
 * The package is only a weighted maximum-likelihood fit (statistics: weight and weighted counts;
 * M-step pᵥ = Cᵥ / Σ C, or (Cᵥ + α) / (Σ C + Vα) with additive smoothing α, a Dirichlet MAP);
 * everything else is `Mixture` in `@emkit/core`.
 *
 * @example
 * ```ts
 * import { Dataset, Mixture } from '@emkit/core'
 * import * as Multinomial from '@emkit/multinomial'
 * const counts = Dataset.fromRowsOrThrow([[5, 1, 0], [4, 2, 1], [0, 1, 6], [1, 0, 5], [2, 6, 1], [1, 5, 2]])
 * const fit = Mixture.fitOrThrow(Multinomial.family(), counts, { k: 3, restarts: 5, seed: 1 })
 * ```
 * @packageDocumentation
 */
export * from './Multinomial.js'
export { sqlCapability } from './Sql.js'
