/*
 * The multinomial component family: rows are count vectors over V categories (bag of words, read
 * counts, votes); a component is a probability vector p = (p₁, …, p_V) on the simplex, and
 *
 *   log f(xᵢ | p) = log(nᵢ! / Πᵥ xᵢᵥ!) + Σᵥ xᵢᵥ log pᵥ,   nᵢ = Σᵥ xᵢᵥ.
 *
 * The coefficient is the family's `logBaseMeasure` (the same for every component, computed once
 * per dataset, irrelevant to responsibilities, part of the reported log-likelihood).
 */
import type { ComponentFamily, Dataset, Degenerate, EmError, Mixture, Rng } from '@emkit/core'
import { Errors, Family, Schema, Special, Validate } from '@emkit/core'
import { either as E } from 'fp-ts'
import type { monoid as M } from 'fp-ts'
import { derivatives } from './internal/derivatives.js'
import { sqlCapability } from './Sql.js'

/**
 * One multinomial component: category probabilities (length V, ≥ 0, summing to 1). Since 0.2.0
 * the logs are no longer cached in the component (the family template computes them once per
 * pass).
 *
 * @category Components
 * @since 0.1.0
 */
export interface Component {
  /** p, length V, on the simplex. */
  readonly probabilities: Float64Array
}

/**
 * Sufficient statistics of a weighted sample: the total weight and the weighted count of every
 * category (the family template's feature sums; the field was `counts` before 0.2.0). Additive,
 * so statistics of chunks merge with the family's `statistics(V).concat`.
 *
 * @category Statistics
 * @since 0.1.0
 */
export interface Statistics {
  /** W = Σᵢ wᵢ (rows with zero total count included). */
  readonly weight: number
  /** Cᵥ = Σᵢ wᵢ xᵢᵥ, length V. */
  readonly sum: Float64Array
}

/**
 * Options of {@link family}.
 *
 * @category Families
 * @since 0.1.0
 */
export interface Options {
  /**
   * Additive pseudo-count α ≥ 0 (finite). Default 0: the exact maximum-likelihood estimate
   * pᵥ = Cᵥ / Σ C. With α > 0 the M-step is the MAP estimate under a symmetric Dirichlet(α + 1)
   * prior on each component, pᵥ = (Cᵥ + α) / (Σ C + Vα), and EM's monotone objective (the `trace`
   * and `logLikelihood` of a fit, and its BIC/AIC) is log p(X | θ) + log p(θ), prior included.
   */
  readonly smoothing?: number
  /** Number of trials (the row total) of each sampled row; an integer ≥ 1. Default 1 (one-hot draws). */
  readonly trials?: number
}

/**
 * The multinomial family: {@link @emkit/core!ComponentFamily | ComponentFamily} plus the options it
 * was built with.
 *
 * @category Families
 * @since 0.1.0
 */
export interface MultinomialFamily extends ComponentFamily<Component, Statistics> {
  /** The additive pseudo-count α (0 = exact MLE). */
  readonly smoothing: number
  /** The row total of sampled rows. */
  readonly trials: number
}

/**
 * A component from its probabilities (copied; logs cached). Throws an
 * {@link @emkit/core!EmException | EmException} (`InvalidParameters`) when they are not finite,
 * ≥ 0 and summing to 1 within 1e-9·max(1, √V); use {@link validate} for an `Either`.
 *
 * @example
 * ```ts
 * const topic = Multinomial.component([0.5, 0.3, 0.2])
 * ```
 * @category Components
 * @since 0.1.0
 */
export const component = (probabilities: ArrayLike<number>): Component => {
  const p = Float64Array.from(probabilities)
  const c = unsafeComponent(p)
  const ok = validate([c], p.length)
  if (E.isLeft(ok)) throw new Errors.EmException(ok.left)
  return c
}

/**
 * A component that takes ownership of `probabilities` without checking them.
 *
 * @category Components
 * @since 0.1.0
 */
export const unsafeComponent = (probabilities: Float64Array): Component => ({ probabilities })

/** One component's parameters: V category probabilities on the simplex. */
const parameters = { probabilities: Schema.vector('simplex') }

/**
 * The multinomial family on the family template: joint rows whose features are the counts
 * themselves, natural parameters log pᵥ, log-partition 0 and base measure the multinomial
 * coefficient; the M-step pᵥ = (Cᵥ + α) / (Σ C + Vα).
 */
const specOf = (smoothing: number, trials: number): Family.JointSpec<typeof parameters> => ({
  name: 'multinomial',
  parameters,
  support: Family.supports.counts,
  coordinates: 'joint',
  natural: (c, out) => {
    for (let v = 0; v < out.length; v++) out[v] = Math.log(c.probabilities[v]!)
  },
  logPartition: () => 0,
  logBaseMeasure: (values, at, d) => {
    let total = 0
    let denominator = 0
    for (let v = 0; v < d; v++) {
      const x = values[at + v]!
      if (x === 0) continue
      total += x
      denominator += Special.logFactorial(x)
    }
    return Special.logFactorial(total) - denominator
  },
  estimate: (counts) => {
    const d = counts.length
    let total = 0
    for (let v = 0; v < d; v++) total += counts[v]!
    const denominator = total + d * smoothing
    if (!(denominator > 0) || !Number.isFinite(denominator))
      return `its rows hold a total count of ${total}, so its category probabilities cannot be estimated (use smoothing > 0, or fewer components)`
    const p = new Float64Array(d)
    const inv = 1 / denominator
    for (let v = 0; v < d; v++) p[v] = (counts[v]! + smoothing) * inv
    return { probabilities: p }
  },
  sample: (c, rng, out, offset) => sample(c, rng, out, offset, trials),
  // The prior hook only exists with smoothing, so that smoothing 0 reports the plain log-likelihood.
  ...(smoothing > 0 ? { logPrior: (components: readonly Component[]) => logDirichlet(components, smoothing) } : {}),
  // Soft random responsibilities: every component starts with every observed category (no
  // zero-probability trap for the MLE) and hard k-means on raw counts is poor for short
  // documents; measured in docs/exponential-and-multinomial.md.
  defaultInit: 'random',
  worker: { module: import.meta.url, factory: 'family', options: { smoothing, trials } },
})

/** The template's family without smoothing, whose hooks are also exported one by one below. */
const plain = Family.define(specOf(0, 1))

/**
 * Checks that every value is a non-negative integer count (rows of zero total are valid).
 *
 * @returns `Right(data)`, or `Left(InvalidData)` naming the first offending row and column.
 * @category Data
 * @since 0.1.0
 */
export const checkData = (data: Dataset.Dataset): E.Either<EmError, Dataset.Dataset> => plain.checkData(data)

/**
 * log(nᵢ! / Πᵥ xᵢᵥ!) for every row (length n): the multinomial coefficient, with an accurate
 * log-factorial (`Special.logFactorial`). 0 for a row of zero total.
 *
 * @category Families
 * @since 0.1.0
 */
export const logCoefficients = (data: Dataset.Dataset): Float64Array => plain.logBaseMeasure!(data)

/**
 * Batched log-densities without the coefficient: `out[j * n + i] = Σᵥ xᵢᵥ log pⱼᵥ`, skipping zero
 * counts (so 0·log 0 = 0); −∞ when the row has a positive count where pⱼᵥ = 0, never NaN.
 *
 * @category Families
 * @since 0.1.0
 */
export const logDensityInto = (data: Dataset.Dataset, components: readonly Component[], out: Float64Array): void =>
  plain.logDensityInto(data, components, out)

/**
 * The statistics monoid for V categories: `empty` has weight 0 and zero counts; `concat` adds.
 *
 * @category Statistics
 * @since 0.1.0
 */
export const statistics = (d: number): M.Monoid<Statistics> => plain.statistics(d)

/**
 * The statistics of the same sample with every weight multiplied by `factor` ≥ 0: the weight and
 * the weighted counts times `factor`. For c > 0 the estimate is unchanged (with smoothing α > 0 it moves towards the prior, as with less data).
 * What stepwise EM averages with (`Stepwise.fit`).
 *
 * @category Statistics
 * @since 0.2.0
 */
export const scale = (s: Statistics, factor: number): Statistics => plain.scale!(s, factor)

/**
 * Statistics of the rows of `data` weighted by `weights[offset + i]`.
 *
 * @category Statistics
 * @since 0.1.0
 */
export const summarize = (data: Dataset.Dataset, weights: Float64Array, offset: number): Statistics =>
  plain.summarize(data, weights, offset)

/**
 * The weighted MLE (α = 0) or Dirichlet MAP (α > 0) of every component:
 * pⱼᵥ = (Cⱼᵥ + α) / (Σᵥ Cⱼᵥ + Vα). With α = 0, a component whose rows hold no counts at all (only
 * rows of zero total) has no estimate: it is reported as degenerate and the mixture's collapse
 * policy applies.
 *
 * @category Families
 * @since 0.1.0
 */
export const estimate = (stats: readonly Statistics[], smoothing = 0): E.Either<Degenerate, Component[]> =>
  (smoothing === 0 ? plain : Family.define(specOf(smoothing, 1))).estimate(stats)

/**
 * Checks components for V = d categories: length d, every probability finite and ≥ 0 (> 0 when
 * `smoothing` > 0, where the Dirichlet prior gives zero a zero density), summing to 1 within
 * 1e-9·max(1, √V).
 *
 * @returns `Right(components)`, or `Left(InvalidParameters)` naming the component.
 * @category Components
 * @since 0.1.0
 */
export const validate = (components: readonly Component[], d: number, smoothing = 0): E.Either<EmError, readonly Component[]> => {
  const ok = Schema.validate(parameters, components, d)
  if (E.isLeft(ok) || smoothing === 0) return ok
  for (let j = 0; j < components.length; j++) {
    const v = components[j]!.probabilities.indexOf(0)
    if (v >= 0)
      return E.left(
        Errors.invalidParameters(
          `component ${j}: probability ${v} is 0; probabilities must be > 0 when smoothing > 0`,
          j,
          `components/${j}/probabilities/${v}`,
        ),
      )
  }
  return ok
}

/**
 * Checks that the mixture can produce every row of `data`: each row must have a component of
 * positive weight that gives probability > 0 to every category the row counts. Without this check
 * such a row has log-density −∞ (the fit then stops with a `NonFinite` error at iteration 0; scoring
 * gives −∞); use it before scoring new data with a model fitted without smoothing.
 *
 * @returns `Right(data)`, or `Left(InvalidData)` naming the first such row and a column with a
 *   positive count that the first live component cannot produce.
 * @category Data
 * @since 0.1.0
 */
export const checkSupport = (params: Mixture.Params<Component>, data: Dataset.Dataset): E.Either<EmError, Dataset.Dataset> => {
  const { n, d, values } = data
  const k = params.components.length
  for (let i = 0; i < n; i++) {
    let firstColumn = -1
    let producible = false
    for (let j = 0; j < k && !producible; j++) {
      if (!(params.weights[j]! > 0)) continue
      const p = params.components[j]!.probabilities
      let bad = -1
      for (let v = 0; v < d && bad < 0; v++) if (values[i * d + v]! > 0 && p[v] === 0) bad = v
      if (bad < 0) producible = true
      else if (firstColumn < 0) firstColumn = bad
    }
    if (!producible) {
      return E.left(
        Errors.invalidData(
          `row ${i}, column ${firstColumn}: the row has counts in categories to which no component gives a positive probability, so its likelihood is 0 (fit with smoothing > 0)`,
          i,
          firstColumn < 0 ? undefined : firstColumn,
        ),
      )
    }
  }
  return E.right(data)
}

/**
 * log of the symmetric Dirichlet(α + 1) density of every component, summed:
 * Σⱼ [log Γ(V(α + 1)) − V log Γ(α + 1) + α Σᵥ log pⱼᵥ]. This is the log-prior whose MAP estimate is
 * additive smoothing by α; 0 when α = 0.
 *
 * @category Families
 * @since 0.1.0
 */
export const logDirichlet = (components: readonly Component[], smoothing: number): number => {
  if (smoothing === 0 || components.length === 0) return 0
  const d = components[0]!.probabilities.length
  const normaliser = Special.logGamma(d * (smoothing + 1)) - d * Special.logGamma(smoothing + 1)
  let s = 0
  for (let j = 0; j < components.length; j++) {
    const p = components[j]!.probabilities
    let t = 0
    for (let v = 0; v < d; v++) t += Math.log(p[v]!)
    s += normaliser + smoothing * t
  }
  return s
}

/**
 * Writes one draw of `trials` categorical trials from `component` into `out[offset … offset + V)`.
 *
 * @category Sampling
 * @since 0.1.0
 */
export const sample = (c: Component, rng: Rng.Rng, out: Float64Array, offset: number, trials = 1): void => {
  const p = c.probabilities
  const d = p.length
  for (let v = 0; v < d; v++) out[offset + v] = 0
  for (let t = 0; t < trials; t++) {
    let u = rng.uniform()
    let v = 0
    while (v < d - 1 && (u >= p[v]! || p[v] === 0)) {
      u -= p[v]!
      v++
    }
    // Rounding can leave u ≥ the last probability: fall back to the last category with p > 0.
    while (p[v] === 0 && v > 0) v--
    out[offset + v] = out[offset + v]! + 1
  }
}

/**
 * Components as their JSON fields, `{ "probabilities": [p₁, …, p_V] }` each.
 *
 * @category JSON
 * @since 0.1.0
 */
export const toJSON = (components: readonly Component[]): Array<Record<string, unknown>> => plain.toJSON(components)

/**
 * Components from their JSON fields (`{ "probabilities": [...] }`, length V, finite, ≥ 0 (> 0 when
 * smoothing > 0), summing to 1 within 1e-9·max(1, √V)).
 *
 * @returns `Right(components)`, or `Left(InvalidModel)` naming the component and field.
 * @category JSON
 * @since 0.1.0
 */
export const fromJSON = (components: readonly unknown[], d: number, smoothing = 0): E.Either<EmError, Component[]> => {
  const decoded = plain.fromJSON(components, d)
  if (E.isLeft(decoded)) return decoded
  const ok = validate(decoded.right, d, smoothing)
  return E.isLeft(ok)
    ? E.left(Errors.invalidModel(ok.left.message, ok.left._tag === 'InvalidParameters' ? ok.left.path : undefined))
    : decoded
}

/**
 * The multinomial family, or `Left(InvalidOptions)` when `smoothing` is not finite and ≥ 0 or
 * `trials` is not an integer ≥ 1.
 *
 * @example
 * ```ts
 * const f = Multinomial.fromOptions({ smoothing: 0.1 }) // Right(family)
 * ```
 * @category Families
 * @since 0.1.0
 */
export const fromOptions = (options: Options = {}): E.Either<EmError, MultinomialFamily> => {
  const given = Validate.record('options', options)
  if (E.isLeft(given)) return given
  const smoothingOk = Validate.optional(given.right.smoothing, 0, (v) => Validate.number('smoothing', v, { min: 0 }))
  if (E.isLeft(smoothingOk)) return smoothingOk
  const trialsOk = Validate.optional(given.right.trials, 1, (v) => Validate.integer('trials', v, { min: 1 }))
  if (E.isLeft(trialsOk)) return trialsOk
  const smoothing = smoothingOk.right
  const trials = trialsOk.right
  const defined = Family.define(specOf(smoothing, trials))
  return E.right({
    ...defined,
    smoothing,
    trials,
    fromJSON: (components, d) => fromJSON(components, d, smoothing),
    validate: (components, d) => validate(components, d, smoothing),
    derivatives,
    sql: sqlCapability,
  })
}

/**
 * The multinomial family for `Mixture` (name `"multinomial"`, no variant fields).
 *
 * - support: non-negative integer counts, V = d ≥ 1 categories; rows of zero total are valid and
 *   contribute 0 to the log-likelihood;
 * - parameters: category probabilities per component; free parameters k·(V − 1) (the mixture adds
 *   k − 1 mixing weights, so BIC/AIC count k·(V − 1) + k − 1);
 * - log-likelihood: includes the multinomial coefficient log(nᵢ! / Πᵥ xᵢᵥ!) (the family's
 *   `logBaseMeasure`), so reported log-likelihoods and BIC are true values;
 * - initialisation: `'random'` (soft random responsibilities) by default, see the guide;
 * - `smoothing` α (default 0, exact MLE): with α > 0 the M-step is a Dirichlet(α + 1) MAP estimate
 *   and the reported trace and log-likelihood are log p(X | θ) + log p(θ) (see {@link logDirichlet}),
 *   the objective EM keeps non-decreasing.
 *
 * Throws an {@link @emkit/core!EmException | EmException} (`InvalidOptions`) for a bad option; use
 * {@link fromOptions} for an `Either`.
 *
 * @example
 * ```ts
 * const counts = Dataset.fromRowsOrThrow([[5, 1, 0], [4, 2, 1], [0, 1, 6], [1, 0, 5], [2, 6, 1], [1, 5, 2]])
 * const fit = Mixture.fitOrThrow(Multinomial.family({ smoothing: 0.01 }), counts, { k: 3, restarts: 5, seed: 1 })
 * ```
 * @category Families
 * @since 0.1.0
 */
export const family = (options: Options = {}): MultinomialFamily => {
  const r = fromOptions(options)
  if (E.isLeft(r)) throw new Errors.EmException(r.left)
  return r.right
}
