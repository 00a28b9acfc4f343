/**
 * Fitting mixtures of regressions: starts (given parameters, a given posterior or hard partition,
 * random hard assignments with restarts), the loop, information criteria, prediction given
 * covariates and sampling given covariates.
 *
 * @module
 */
import { either as E } from 'fp-ts'
import type { Fit, FitOptions, Initializer } from '../Em.js'
import { fit as emFit } from '../Em.js'
import type { EmError } from '../Errors.js'
import { EmException, invalidOptions } from '../Errors.js'
import type { Rng } from '../Rng.js'
import * as Validate from '../Validate.js'
import type { ConditionalFamily } from './Families.js'
import type { RegressionData, RegressionParams, RegressionPosterior } from './Model.js'
import { freeParameters, logPriorsInto as logPriorsOf, maximize, model, posteriorFromRows, posteriorOf, validateParams } from './Model.js'

/** `Right(f(a))` or the same `Left`. */
const mapRight = <A, B>(a: E.Either<EmError, A>, f: (a: A) => B): E.Either<EmError, B> => (E.isLeft(a) ? a : E.right(f(a.right)))

/**
 * Default number of random starts of {@link fit} when no start is given (flexmix's `stepFlexmix`
 * users typically take 5–10; random hard assignments are cheap).
 *
 * @category Initialisation
 * @since 0.2.0
 */
export const DEFAULT_RESTARTS = 10

/**
 * Where θ₀ comes from: given parameters, a given posterior (per-row responsibilities, n × k
 * row-major; a hard partition is a 0/1 posterior, see {@link partition}), or `'random'` —
 * random hard assignments of groups to components followed by an M-step (flexmix's default), the
 * default for conditional families: k-means on the raw columns ignores the regression structure.
 *
 * @category Initialisation
 * @since 0.2.0
 */
export type RegressionStart = RegressionParams | { readonly posterior: ArrayLike<number> } | 'random'

/**
 * Options of {@link fit}: the loop's options (`maxIterations`, `tolerance`, `seed`, `restarts`,
 * `onIteration`, `signal`, …) and the start.
 *
 * @category Fitting
 * @since 0.2.0
 */
export interface RegressionFitOptions extends Omit<FitOptions<RegressionData, RegressionParams>, 'init' | 'accelerate'> {
  /** The start (default `'random'` with {@link DEFAULT_RESTARTS} restarts). */
  readonly init?: RegressionStart
}

/**
 * A fitted mixture of regressions: the loop's {@link Fit} with the number of components, the free
 * parameters and the criteria.
 *
 * @category Fitting
 * @since 0.2.0
 */
export interface RegressionFit extends Fit<RegressionParams> {
  /** Free parameters (coefficients, variances, weights or concomitant coefficients). */
  readonly freeParameters: number
  /** −2ℓ + P ln n (n rows), smaller is better. */
  readonly bic: number
  /** −2ℓ + 2P. */
  readonly aic: number
  /** The posterior at the returned parameters. */
  readonly posterior: RegressionPosterior
}

/**
 * A hard partition (one 0-based component per row) as a 0/1 posterior, n × k row-major.
 *
 * @returns the posterior, or `Left(InvalidData)` naming the first label outside 0 … k − 1.
 * @category Initialisation
 * @since 0.2.0
 */
export const partition = (labels: ArrayLike<number>, k: number): E.Either<EmError, Float64Array> => {
  const out = new Float64Array(labels.length * k)
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!
    if (!Number.isInteger(l) || l < 0 || l >= k)
      return E.left({ _tag: 'InvalidData', message: `row ${i}: label ${l} is not a component 0…${k - 1}`, row: i })
    out[i * k + l] = 1
  }
  return E.right(out)
}

/**
 * The initialiser of random hard assignments: each group goes to a uniformly drawn component, and
 * θ₀ is the M-step from that partition (GLMs start IRLS from glm.fit's mustart).
 *
 * @category Initialisation
 * @since 0.2.0
 */
export const randomStart =
  (family: ConditionalFamily, k: number): Initializer<RegressionData, RegressionParams> =>
  (data: RegressionData, rng: Rng) => {
    const G = data.groups?.count ?? data.n
    const byGroup = new Float64Array(k * G)
    for (let g = 0; g < G; g++) byGroup[rng.int(k) * G + g] = 1
    const n = data.n
    const rows = new Float64Array(k * n)
    for (let j = 0; j < k; j++)
      for (let i = 0; i < n; i++) rows[j * n + i] = byGroup[j * G + (data.groups === undefined ? i : data.groups.of[i]!)]!
    return maximize(family, data, { k, groups: G, byGroup, rows }, undefined, 0)
  }

/**
 * θ₀ from a given posterior (per-row responsibilities, n × k row-major): one M-step.
 *
 * @category Initialisation
 * @since 0.2.0
 */
export const fromPosterior = (
  family: ConditionalFamily,
  data: RegressionData,
  k: number,
  posterior: ArrayLike<number>,
): E.Either<EmError, RegressionParams> =>
  E.flatMap(posteriorFromRows(data, k, posterior), (post) => maximize(family, data, post, undefined, 0))

/**
 * Fits a mixture of k regressions by (generalised) EM.
 *
 * @param family - the conditional family ({@link gaussian}, {@link poisson}, {@link logistic}).
 * @param data - rows with column roles (from {@link design}).
 * @param k - the number of components (1 ≤ k ≤ number of groups).
 * @param options - the start and the loop's options; `restarts` applies to the random start only.
 * @returns the fit, or a typed `Left` (bad options, invalid start, a response outside the family's
 *   support, a component that collapses).
 * @example
 * ```ts
 * const rows = Array.from({ length: 40 }, (_, i) => [i / 4, i % 2 === 0 ? 1 + 2 * (i / 4) : 8 - (i / 4) + 0.1 * (i % 3)])
 * const data = Regression.designOrThrow(Dataset.fromRowsOrThrow(rows, { columns: ['x', 'y'] }), { formula: 'y ~ x' })
 * const result = Regression.fit(Regression.gaussian(), data, 2, { seed: 1 })
 * ```
 * @category Fitting
 * @since 0.2.0
 */
export const fit = (
  family: ConditionalFamily,
  data: RegressionData,
  k: number,
  options: RegressionFitOptions = {},
): E.Either<EmError, RegressionFit> => {
  const read = Validate.record('options', options)
  if (E.isLeft(read)) return read
  const o = read.right
  const kk = Validate.integer('k', k, { min: 1 })
  if (E.isLeft(kk)) return kk
  const G = data.groups?.count ?? data.n
  if (k > G) return E.left(invalidOptions('k', `k = ${k} exceeds the number of ${data.groups === undefined ? 'rows' : 'groups'} (${G})`))
  const support = family.checkResponse(data.y)
  if (E.isLeft(support)) {
    const e = support.left
    return E.left(e._tag === 'InvalidData' ? { ...e, message: `column "${data.formula.response}" (the response), ${e.message}` } : e)
  }
  const start: unknown = o.init ?? 'random'
  let init: RegressionParams | Initializer<RegressionData, RegressionParams>
  if (start === 'random') init = randomStart(family, k)
  else if (typeof start === 'object' && start !== null && 'posterior' in start) {
    const p = fromPosterior(family, data, k, (start as { readonly posterior: ArrayLike<number> }).posterior)
    if (E.isLeft(p)) return p
    init = p.right
  } else if (typeof start === 'object' && start !== null && 'components' in start && Array.isArray(start.components)) {
    const given = start as RegressionParams
    if (given.components.length !== k)
      return E.left(invalidOptions('init', `the start has ${given.components.length} components; k = ${k}`))
    const v = validateParams(family, data, given)
    if (E.isLeft(v)) return v
    init = given
  } else return E.left(invalidOptions('init', `expected parameters, { posterior } or 'random', got ${Validate.show(start)}`))
  const { init: _ignored, ...loop } = o
  const restarts = o.restarts ?? (start === 'random' ? DEFAULT_RESTARTS : 1)
  const m = model(family)
  return mapRight(emFit(m, data, { ...loop, init, restarts }), (f) => {
    const post = posteriorOf(family, data, f.params)
    const P = freeParameters(family, data.p, k, data.concomitant?.q)
    return {
      ...f,
      freeParameters: P,
      bic: -2 * f.logLikelihood + P * Math.log(data.n),
      aic: -2 * f.logLikelihood + 2 * P,
      posterior: post.posterior,
    }
  })
}

/**
 * {@link fit}, throwing an {@link EmException} on failure.
 *
 * @category Fitting
 * @since 0.2.0
 */
export const fitOrThrow = (
  family: ConditionalFamily,
  data: RegressionData,
  k: number,
  options: RegressionFitOptions = {},
): RegressionFit => {
  const r = fit(family, data, k, options)
  if (E.isLeft(r)) throw new EmException(r.left)
  return r.right
}

/**
 * Posterior class probabilities given covariates and responses, n × k row-major (rows of a group
 * share their group's).
 *
 * @returns the probabilities, or `Left(InvalidParameters)` when the parameters do not fit the data.
 * @category Prediction
 * @since 0.2.0
 */
export const predictProba = (family: ConditionalFamily, params: RegressionParams, data: RegressionData): E.Either<EmError, Float64Array> =>
  mapRight(validateParams(family, data, params), () => {
    const post = posteriorOf(family, data, params).posterior
    const k = post.k
    const n = data.n
    const out = new Float64Array(n * k)
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[i * k + j] = post.rows[j * n + i]!
    return out
  })

/**
 * The most probable component of every row (ties to the lowest index).
 *
 * @category Prediction
 * @since 0.2.0
 */
export const predict = (family: ConditionalFamily, params: RegressionParams, data: RegressionData): E.Either<EmError, Int32Array> =>
  mapRight(predictProba(family, params, data), (p) => {
    const k = params.components.length
    const out = new Int32Array(data.n)
    for (let i = 0; i < data.n; i++) {
      let best = 0
      for (let j = 1; j < k; j++) if (p[i * k + j]! > p[i * k + best]!) best = j
      out[i] = best
    }
    return out
  })

/**
 * The log-likelihood of every group, log Σⱼ πⱼ(z_g) Π_{i∈g} f(yᵢ | xᵢ, θⱼ) (one per row without groups).
 *
 * @category Prediction
 * @since 0.2.0
 */
export const scoreSamples = (family: ConditionalFamily, params: RegressionParams, data: RegressionData): E.Either<EmError, Float64Array> =>
  mapRight(validateParams(family, data, params), () => posteriorOf(family, data, params).perGroup)

/**
 * Prior class probabilities given only the concomitant variables (no response), n × k row-major:
 * πⱼ(zᵢ), or the constant weights.
 *
 * @category Prediction
 * @since 0.2.0
 */
export const priorProba = (family: ConditionalFamily, params: RegressionParams, data: RegressionData): E.Either<EmError, Float64Array> =>
  mapRight(validateParams(family, data, params), () => {
    const k = params.components.length
    const n = data.n
    const { groups: _groups, ...ungrouped } = data
    const lp = new Float64Array(k * n)
    logPriorsOf(ungrouped, params, lp)
    const out = new Float64Array(n * k)
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[i * k + j] = Math.exp(lp[j * n + i]!)
    return out
  })

/**
 * Draws responses given the covariates: each group draws a class from πⱼ(z_g), then every row of
 * the group draws y from its class's density given its design row.
 *
 * @returns the responses (length n) and the classes (length n), or `Left(InvalidParameters)`.
 * @category Sampling
 * @since 0.2.0
 */
export const sample = (
  family: ConditionalFamily,
  params: RegressionParams,
  data: RegressionData,
  rng: Rng,
): E.Either<EmError, { readonly response: Float64Array; readonly labels: Int32Array }> =>
  mapRight(validateParams(family, data, params), () => {
    const k = params.components.length
    const G = data.groups?.count ?? data.n
    const lp = new Float64Array(k * G)
    logPriorsOf(data, params, lp)
    const cls = new Int32Array(G)
    for (let g = 0; g < G; g++) {
      let u = rng.uniform()
      let j = 0
      for (; j < k - 1; j++) {
        u -= Math.exp(lp[j * G + g]!)
        if (u < 0) break
      }
      cls[g] = j
    }
    const response = new Float64Array(data.n)
    const labels = new Int32Array(data.n)
    for (let i = 0; i < data.n; i++) {
      const j = cls[data.groups === undefined ? i : data.groups.of[i]!]!
      labels[i] = j
      response[i] = family.sample(params.components[j]!, data.x, data.p, i, rng)
    }
    return { response, labels }
  })
