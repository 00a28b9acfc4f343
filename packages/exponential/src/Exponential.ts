/**
 * The exponential component family: each component is a vector of rates λ = (λ₁, …, λ_d) with
 * independent coordinates, f(x | λ) = Π_c λ_c exp(−λ_c x_c) on x ≥ 0. With d = 1 this is the
 * classic mixture of lifetimes (failure modes, waiting times, durations).
 *
 * The family is only a weighted maximum-likelihood fit: sufficient statistics are the total weight
 * W = Σᵢ wᵢ and the weighted sums S_c = Σᵢ wᵢ x_ic; the M-step is λ_c = W / S_c. The E-step,
 * initialisation driver, restarts, model selection, prediction and sampling loops are the mixture
 * layer's (`Mixture` in `@emkit/core`).
 *
 * @module
 */
import type { ComponentFamily, Dataset, Degenerate, EmError, Rng } from '@emkit/core'
import { Errors, Family, Schema } from '@emkit/core'
import { either as E } from 'fp-ts'
import type { monoid as M } from 'fp-ts'
import { derivatives } from './internal/derivatives.js'
import { sqlCapability } from './Sql.js'

/**
 * One exponential component: a rate per coordinate (length d, every rate finite and > 0).
 * The mean of coordinate c is 1 / λ_c.
 *
 * @category Components
 * @since 0.1.0
 */
export interface Component {
  /** λ, length d, finite and > 0. */
  readonly rate: Float64Array
}

/**
 * Sufficient statistics of a weighted sample: the total weight and the weighted sum of every
 * coordinate. Additive, so statistics of chunks merge with {@link statistics}' `concat`.
 *
 * @category Statistics
 * @since 0.1.0
 */
export interface Statistics {
  /** W = Σᵢ wᵢ. */
  readonly weight: number
  /** S_c = Σᵢ wᵢ x_ic, length d. */
  readonly sum: Float64Array
}

/**
 * A component from its rates; a plain number gives the univariate (d = 1) component.
 * Throws an {@link @emkit/core!EmException | EmException} (`InvalidParameters`) when a rate is
 * not finite and > 0; use {@link validate} for an `Either`.
 *
 * @example
 * ```ts
 * const fast = Exponential.component(2)          // d = 1, mean lifetime 0.5
 * const both = Exponential.component([2, 0.1])  // d = 2
 * ```
 * @category Components
 * @since 0.1.0
 */
export const component = (rate: number | ArrayLike<number>): Component => {
  const r = typeof rate === 'number' ? Float64Array.of(rate) : Float64Array.from(rate)
  const ok = validate([{ rate: r }], r.length)
  if (E.isLeft(ok)) throw new Errors.EmException(ok.left)
  return { rate: r }
}

/**
 * Mixture parameters of a univariate (d = 1) exponential mixture from plain numbers.
 * Throws an {@link @emkit/core!EmException | EmException} when a rate is not finite and > 0 or the
 * lengths differ (the weights are checked by the mixture when it is used).
 *
 * @example
 * ```ts
 * const theta0 = Exponential.univariate([0.5, 0.5], [1, 0.1])
 * Mixture.fit(Exponential.family(), data, { k: 2, init: theta0 })
 * ```
 * @category Parameters
 * @since 0.1.0
 */
export const univariate = (weights: readonly number[], rates: readonly number[]): { weights: Float64Array; components: Component[] } => {
  if (weights.length !== rates.length) {
    throw new Errors.EmException(Errors.invalidParameters(`${weights.length} weights but ${rates.length} rates`))
  }
  return { weights: Float64Array.from(weights), components: rates.map((r) => component(r)) }
}

/** One component's parameters: a rate per coordinate, finite and > 0. */
const parameters = { rate: Schema.vector('positive') }

/**
 * The exponential family stated on the family template: independent coordinates with feature
 * T(x) = x, natural parameter η = −λ and log-partition A = −log λ, so log f = log λ − λx; the
 * M-step λ_c = W / S_c; the mean map E[x] = 1/λ (which gives missing cells).
 */
const spec: Family.IndependentSpec<typeof parameters> = {
  name: 'exponential',
  parameters,
  support: Family.supports.nonNegative,
  coordinates: 'independent',
  natural: (c, t, out, o) => void (out[o] = -c.rate[t]!),
  logPartition: (c, t) => -Math.log(c.rate[t]!),
  mean: (c, t, out, o) => void (out[o] = 1 / c.rate[t]!),
  estimate: (sum, weight) => {
    const rate = sum.map((s) => weight / s)
    const c = rate.findIndex((r) => !Number.isFinite(r) || !(r > 0))
    return c < 0
      ? { rate }
      : `the weighted sum of column ${c} is ${sum[c]} for a weight of ${weight}, so its rate would be ${rate[c]}: the component holds only zeros (or nothing) in that column`
  },
  sample: (c, rng, out, offset) => {
    for (let t = 0; t < c.rate.length; t++) out[offset + t] = rng.exponential() / c.rate[t]!
  },
  initialResponsibilities: (data, k, rng) => initialResponsibilities(data, k, rng),
  defaultInit: 'family',
  worker: { module: import.meta.url, factory: 'family' },
}

/** The template's family, whose hooks are also exported one by one below. */
const defined = Family.define(spec)

/**
 * Checks that every value is finite and ≥ 0 (zeros are valid lifetimes).
 *
 * @returns `Right(data)`, or `Left(InvalidData)` naming the first offending row and column.
 * @category Data
 * @since 0.1.0
 */
export const checkData = (data: Dataset.Dataset): E.Either<EmError, Dataset.Dataset> => defined.checkData(data)

/**
 * Checks components for dimension d: `rate` has length d and every rate is finite and > 0.
 *
 * @returns `Right(components)`, or `Left(InvalidParameters)` naming the component.
 * @category Components
 * @since 0.1.0
 */
export const validate = (components: readonly Component[], d: number): E.Either<EmError, readonly Component[]> =>
  defined.validate(components, d)

/**
 * Batched log-densities: `out[j * n + i] = Σ_c (log λ_jc − λ_jc x_ic)`.
 *
 * @category Families
 * @since 0.1.0
 */
export const logDensityInto = (data: Dataset.Dataset, components: readonly Component[], out: Float64Array): void =>
  defined.logDensityInto(data, components, out)

/**
 * The statistics monoid for dimension d: `empty` has weight 0 and zero sums; `concat` adds.
 *
 * @category Statistics
 * @since 0.1.0
 */
export const statistics = (d: number): M.Monoid<Statistics> => defined.statistics(d)

/**
 * The statistics of the same sample with every weight multiplied by `factor` ≥ 0: the weight and
 * the weighted sums times `factor`. For c > 0 the estimate is unchanged.
 * What stepwise EM averages with (`Stepwise.fit`).
 *
 * @category Statistics
 * @since 0.2.0
 */
export const scale = (s: Statistics, factor: number): Statistics => defined.scale!(s, factor)

/**
 * Statistics of the rows of `data` weighted by `weights[offset + i]`.
 *
 * @category Statistics
 * @since 0.1.0
 */
export const summarize = (data: Dataset.Dataset, weights: Float64Array, offset: number): Statistics =>
  defined.summarize(data, weights, offset)

/**
 * Weighted MLE of every component: λ_jc = W_j / S_jc. A component whose weighted sum is zero in
 * some coordinate (all its weight on zeros) would get an infinite rate: it is reported as
 * degenerate, and the mixture's collapse policy applies.
 *
 * @category Families
 * @since 0.1.0
 */
export const estimate = (stats: readonly Statistics[]): E.Either<Degenerate, Component[]> => defined.estimate(stats)

/** Fraction of a group's width by which each quantile cut may move (restarts draw different cuts). */
const JITTER = 0.5

/**
 * Quantile seeding, the family's own initialisation (`init: 'family'`, the default).
 *
 * Each row gets a scale score s_i = Σ_c x_ic / x̄_c (its coordinates in units of their weighted
 * means; for d = 1 simply x_i). Rows are sorted by score and cut into k groups of about equal
 * sample weight: group j holds the rows between the (j/k)-th and ((j + 1)/k)-th weighted quantiles,
 * each inner cut moved by a uniform jitter of ±¼ of a group's width so that restarts
 * start from different splits. Responsibilities are the one-hot groups; the mixture's first M-step
 * turns them into rates (small values → fast component, large → slow).
 *
 * Why not k-means++ on the raw values: exponential data are skewed with a long right tail, so
 * squared distances are dominated by a few large values; k-means++ then spends centres on the tail
 * and splits it, leaving the dense region near 0 (where the fast component lives) in one cluster.
 * Quantile groups split by rank, which is what distinguishes rates.
 *
 * For d > 1 the score ranks rows by overall scale: it suits components that are faster or slower
 * in every coordinate together. When components differ in opposite directions across coordinates,
 * try `init: 'kmeans++'` or `'random'` with restarts and compare log-likelihoods.
 *
 * @returns k × n responsibilities, component-major (one-hot rows).
 * @category Initialisation
 * @since 0.1.0
 */
export const initialResponsibilities = (data: Dataset.Dataset, k: number, rng: Rng.Rng): Float64Array => {
  const { n, d, values } = data
  const sw = data.sampleWeights
  const mean = new Float64Array(d)
  let total = 0
  for (let i = 0; i < n; i++) {
    const w = sw === undefined ? 1 : sw[i]!
    total += w
    for (let c = 0; c < d; c++) mean[c] = mean[c]! + w * values[i * d + c]!
  }
  const score = new Float64Array(n)
  for (let c = 0; c < d; c++) {
    const m = mean[c]! / total
    if (!(m > 0)) continue // an all-zero column carries no scale information
    const inv = 1 / m
    for (let i = 0; i < n; i++) score[i] = score[i]! + values[i * d + c]! * inv
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]! || a - b)
  // Inner cuts, in units of cumulative weight, increasing.
  const cuts = new Float64Array(Math.max(0, k - 1))
  for (let j = 1; j < k; j++) cuts[j - 1] = ((j + JITTER * (rng.uniform() - 0.5)) / k) * total
  const resp = new Float64Array(k * n)
  let cumulative = 0
  let group = 0
  for (let t = 0; t < n; t++) {
    const i = order[t]!
    const w = sw === undefined ? 1 : sw[i]!
    const mid = cumulative + w / 2
    cumulative += w
    while (group < k - 1 && mid >= cuts[group]!) group++
    // Keep at least one row for every later group when rows run short (n close to k).
    const maxGroup = k - (n - t)
    if (group < maxGroup) group = maxGroup
    resp[group * n + i] = 1
  }
  return resp
}

/**
 * Writes one draw from `component` into `out[offset … offset + d)`: x_c = E_c / λ_c with E_c a
 * standard exponential deviate.
 *
 * @category Sampling
 * @since 0.1.0
 */
export const sample = (c: Component, rng: Rng.Rng, out: Float64Array, offset: number): void => spec.sample!(c, rng, out, offset)

/**
 * Components as their JSON fields, `{ "rate": [λ₁, …, λ_d] }` each.
 *
 * @category JSON
 * @since 0.1.0
 */
export const toJSON = (components: readonly Component[]): Array<Record<string, unknown>> => defined.toJSON(components)

/**
 * Components from their JSON fields (`{ "rate": [...] }`, length d, every rate finite and > 0).
 *
 * @returns `Right(components)`, or `Left(InvalidModel)` naming the component and field.
 * @category JSON
 * @since 0.1.0
 */
export const fromJSON = (components: readonly unknown[], d: number): E.Either<EmError, Component[]> => defined.fromJSON(components, d)

/**
 * The exponential family for `Mixture` (name `"exponential"`, no variant fields).
 *
 * - support: x ≥ 0 in every column, d ≥ 1 independent coordinates;
 * - parameters: a rate per coordinate and component; free parameters k·d (the mixture adds k − 1
 *   mixing weights, so BIC/AIC count k·d + k − 1);
 * - initialisation: {@link initialResponsibilities} (quantile seeding) by default.
 *
 * @example
 * ```ts
 * const lifetimes = Dataset.fromColumnOrThrow([0.2, 0.05, 0.4, 9.5, 0.1, 14.2, 6.8, 0.3])
 * const r = Mixture.fit(Exponential.family(), lifetimes, { k: 2, restarts: 5, seed: 1 })
 * ```
 * @category Families
 * @since 0.1.0
 */
export const family = (): ComponentFamily<Component, Statistics> => ({ ...defined, derivatives, sql: sqlCapability })
