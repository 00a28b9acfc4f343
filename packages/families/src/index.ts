/**
 * `@emkit/families`: component families written on the family template (`Family.define` in
 * `@emkit/core`) — Poisson (counts), Bernoulli (binary vectors), categorical (one column of levels)
 * and gamma (positive values, shape by Newton's method on the digamma equation). Each family is a
 * few lines of its own; the template gives the statistics monoid, JSON, validation, workers,
 * SQUAREM and missing cells.
 *
 * @example
 * ```ts
 * import { Dataset, Mixture } from '@emkit/core'
 * import { Poisson } from '@emkit/families'
 * const counts = Dataset.fromRowsOrThrow([[0, 2], [1, 3], [9, 0], [11, 1], [1, 1], [8, 0]])
 * const fit = Mixture.fitOrThrow(Poisson.family(), counts, { k: 2, restarts: 5, seed: 1 })
 * ```
 * @packageDocumentation
 */
export * as Bernoulli from './Bernoulli.js'
export * as Categorical from './Categorical.js'
export * as Gamma from './Gamma.js'
export * as Poisson from './Poisson.js'
