/**
 * The mixture as an EM {@link Model} over its full posterior (the responsibilities matrix): the
 * model the testkit's laws and verification code drive, where Q(θ, θₖ), H(q) and the posterior
 * itself must be inspectable. Fitting goes through the engines instead (`Fit.ts`), which never
 * build the n × k matrix; both share the M-step of `MStep.ts`, so they agree step by step.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { Dataset } from '../Dataset.js'
import { totalWeight } from '../Dataset.js'
import type { EmError } from '../Errors.js'
import { EmException, invalidOptions, invalidParameters } from '../Errors.js'
import * as Validate from '../Validate.js'
import { show, thrown } from '../Validate.js'
import type { ComponentFamily } from '../Family.js'
import { applyLabels, normalizeBlock, ROWS } from '../internal/fused.js'
import { summarizeBlock } from '../internal/shard.js'

/**
 * The resolution of a component's weighted statistics: a row's weighted responsibility wᵢγᵢⱼ below
 * 2⁻⁵³ (the unit roundoff) of the component's total Σᵢ wᵢγᵢⱼ does not change that total when added,
 * so the M-step cannot be sure to give the row a positive density (a Bernoulli p = S/W rounds to
 * exactly 1 when the only row with x = 0 carries such a weight). The mixture's Q(θ, θₖ)
 * (`expectedCompleteLogLikelihood`) takes the term of such a row at log-density −∞ as 0, so Q stays
 * the objective the M-step maximises; the testkit's laws use the same resolution.
 *
 * @category Mixture
 * @since 0.2.0
 */
export const NEGLIGIBLE_RESPONSIBILITY = 2 ** -53
import { baseMeasure, worstRowsStatistics } from '../internal/rows.js'
import { logDensityInto } from '../internal/incomplete.js'
import type { Model, StepContext } from '../Model.js'
import { maximizeStatistics, runSync } from './MStep.js'
import type { CollapsePolicy, Params, Responsibilities } from './Types.js'
import { unconstrainedField } from './Unconstrained.js'
import { COLLAPSE_POLICIES } from './Types.js'
import type { FixedOptions } from './Fixed.js'
import { constrainedParameters, resolveFixed } from './Fixed.js'

/**
 * Options of {@link model}.
 *
 * @category Mixture
 * @since 0.1.0
 */
export interface ModelOptions {
  /** Collapse policy; default `'reseed'`. */
  readonly collapse?: CollapsePolicy
  /**
   * Partly known labels, one per row of the data the model is fitted to: the component 0 … k − 1,
   * or −1 when unknown (semi-supervised EM, as `Mixture.fit`'s `labels`): a labelled row's
   * posterior is its label, and it enters the log-likelihood as log πzᵢ f(xᵢ | θzᵢ).
   *
   * @since 0.2.0
   */
  readonly labels?: ArrayLike<number>
  /**
   * Parameters held fixed at the parameters each M-step starts from (so at the start's values), as
   * `Mixture.fit`'s `fixed` (the M-step maximises Q over the rest; `freeParameters` counts what is
   * estimated). Not with the `'drop'` collapse policy.
   *
   * @since 0.2.0
   */
  readonly fixed?: FixedOptions
}

/**
 * A mixture model: the EM {@link Model} over datasets with the responsibilities as its posterior,
 * plus its family and k.
 *
 * @category Mixture
 * @since 0.1.0
 */
export interface MixtureModel<C, S> extends Model<Dataset, Params<C>, Responsibilities, Int32Array> {
  /** The component family. */
  readonly family: ComponentFamily<C, S>
  /** The number of components the model starts with. */
  readonly k: number
  /** The collapse policy. */
  readonly collapse: CollapsePolicy
  /**
   * One M-step from given responsibilities (k × n, component-major): weighted MLE of every
   * component and the mixing weights, under the collapse policy (a collapsed component is re-seeded
   * from the rows with the lowest largest responsibility). Used by initialisation.
   */
  estimate(data: Dataset, responsibilities: Float64Array, context: StepContext<Params<C> | undefined>): E.Either<EmError, Params<C>>
}

/** log πⱼ + log f(xᵢ | θⱼ) into a k × n buffer. */
const jointLogDensity = <C, S>(family: ComponentFamily<C, S>, data: Dataset, params: Params<C>): Float64Array => {
  const k = params.components.length
  const n = data.n
  const buf = new Float64Array(k * n)
  logDensityInto(family, data, params.components, buf)
  for (let j = 0; j < k; j++) {
    const lw = Math.log(params.weights[j]!)
    const o = j * n
    for (let i = 0; i < n; i++) buf[o + i] = buf[o + i]! + lw
  }
  return buf
}

/**
 * The E-step of a mixture as a full posterior, unchecked (callers have validated the parameters
 * against the data): responsibilities (k × n) and per-row log-densities, by the fused pass's
 * log-space normalisation.
 */
export const posteriorOf = <C, S>(
  family: ComponentFamily<C, S>,
  data: Dataset,
  params: Params<C>,
  labels?: Float64Array,
): Responsibilities => {
  const k = params.components.length
  const n = data.n
  const values = new Float64Array(k * n)
  const logDensity = new Float64Array(n)
  logDensityInto(family, data, params.components, values)
  if (labels !== undefined) applyLabels(values, k, n, labels)
  normalizeBlock(
    values,
    k,
    n,
    Float64Array.from(params.weights, Math.log),
    data.sampleWeights,
    baseMeasure(family, data),
    new Float64Array(ROWS),
    new Float64Array(ROWS),
    new Float64Array(5),
    logDensity,
  )
  return { k, n, values, logDensity }
}

/**
 * Per-component statistics of `data` weighted by the responsibilities (k × n) and sample weights;
 * with missing cells, expected given the observed ones under `components` (those the
 * responsibilities were computed at), see `summarizeBlock`.
 */
export const statisticsOf = <C, S>(family: ComponentFamily<C, S>, data: Dataset, resp: Float64Array, components?: readonly C[]): S[] =>
  summarizeBlock(
    family,
    data,
    resp.length / data.n,
    resp,
    data.n,
    0,
    new Float64Array(data.sampleWeights === undefined ? 0 : data.n),
    components,
  )

/** Each row's largest responsibility: the re-seeding score when no log-densities are known (initialisation). */
const largestResponsibility = (resp: Float64Array, n: number): Float64Array => {
  const k = resp.length / n
  const score = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let mx = 0
    for (let j = 0; j < k; j++) mx = Math.max(mx, resp[j * n + i]!)
    score[i] = mx
  }
  return score
}

/** Resolves the collapse option once; `Left(InvalidOptions)` for an unknown policy. */
export const resolveCollapse = (collapse: unknown): E.Either<EmError, CollapsePolicy> =>
  collapse === undefined
    ? E.right('reseed')
    : COLLAPSE_POLICIES.includes(collapse as CollapsePolicy)
      ? E.right(collapse as CollapsePolicy)
      : E.left(
          invalidOptions('collapse', `collapse must be one of ${COLLAPSE_POLICIES.map((p) => `'${p}'`).join(', ')}, got ${show(collapse)}`),
        )

/**
 * Builds the EM model of a k-component mixture of `family`, with the responsibilities as posterior.
 *
 * @throws {@link EmException} (`InvalidOptions`) for an unknown collapse policy or a k that is not
 *   an integer ≥ 1.
 * @example
 * ```ts
 * const m = Mixture.model(Gaussian.family({ covariance: 'full' }), 3)
 * const result = Em.fit(m, data, { init: Mixture.initializer(m, 'kmeans++') })
 * ```
 * @category Mixture
 * @since 0.1.0
 */
export const model = <C, S>(family: ComponentFamily<C, S>, k: number, options: ModelOptions = {}): MixtureModel<C, S> => {
  const policy = resolveCollapse(options.collapse)
  if (E.isLeft(policy)) throw new EmException(policy.left)
  if (!Number.isInteger(k) || k < 1) throw new EmException(invalidOptions('k', `k must be an integer ≥ 1, got ${k}`))
  const collapse = policy.right
  const labels = options.labels === undefined ? undefined : Float64Array.from(options.labels)
  if (labels !== undefined && labels.some((z) => !Number.isInteger(z) || z < -1 || z >= k))
    throw new EmException(invalidOptions('labels', `every label must be a component 0 … ${k - 1} or −1 (unknown)`))
  /** The `fixed` option's constraints at `params` (the values held are theirs). */
  const heldAt = (params: Params<C>) => {
    if (options.fixed === undefined) return undefined
    const c = resolveFixed(family, options.fixed, params.components.length, params, collapse, undefined)
    if (E.isLeft(c)) throw new EmException(c.left)
    return c.right === undefined ? undefined : { constraints: c.right, current: params.components }
  }
  const prior = (components: readonly C[]): number => (family.logPrior === undefined ? 0 : family.logPrior(components))

  const estimate = (data: Dataset, resp: Float64Array, context: StepContext<Params<C> | undefined>): E.Either<EmError, Params<C>> =>
    runSync(maximizeStatistics(family, collapse, statisticsOf(family, data, resp), totalWeight(data), data.n, context), (m) =>
      worstRowsStatistics(family, data, largestResponsibility(resp, data.n), m),
    )

  return {
    name: `${family.name} mixture (k = ${k})`,
    family,
    k,
    collapse,
    estimate,
    observations: totalWeight,
    validate: (data, params) => validateParams(family, k, data.d, params, false),
    posterior: (data, params) => {
      if (labels !== undefined && labels.length !== data.n)
        throw new EmException(invalidOptions('labels', `the model has ${labels.length} labels but the data have ${data.n} rows`))
      const q = posteriorOf(family, data, params, labels)
      let ll = 0
      const sw = data.sampleWeights
      for (let i = 0; i < q.n; i++) {
        const v = q.logDensity[i]!
        if (sw === undefined) ll += v
        else if (sw[i]! > 0) ll += sw[i]! * v
      }
      return { posterior: q, logLikelihood: ll + prior(params.components) }
    },
    maximize: (data, q, context) =>
      runSync(
        maximizeStatistics(
          family,
          collapse,
          statisticsOf(family, data, q.values, context.previous.components),
          totalWeight(data),
          data.n,
          context,
        ),
        (m) => worstRowsStatistics(family, data, q.logDensity, m),
      ),
    expectedCompleteLogLikelihood: (data, params, q) => {
      const kk = params.components.length
      const n = data.n
      const buf = jointLogDensity(family, data, params)
      const base = baseMeasure(family, data)
      const sw = data.sampleWeights
      // A responsibility below the resolution of its component's statistics (2⁻⁵³ of Σᵢ wᵢγᵢⱼ) cannot
      // keep the M-step from giving its row zero density (a Bernoulli p = S/W that rounds to 1 leaves
      // such a row with x = 0 at log-density −∞): that term, negligible × −∞, counts 0.
      const floor = new Float64Array(kk)
      for (let j = 0; j < kk; j++) {
        let w = 0
        for (let i = 0; i < n; i++) w += (sw === undefined ? 1 : sw[i]!) * q.values[j * n + i]!
        floor[j] = NEGLIGIBLE_RESPONSIBILITY * w
      }
      let s = 0
      for (let i = 0; i < n; i++) {
        let row = base === undefined ? 0 : base[i]!
        const wi = sw === undefined ? 1 : sw[i]!
        for (let j = 0; j < kk; j++) {
          const g = q.values[j * n + i]!
          const f = buf[j * n + i]!
          if (g > 0 && (f !== Number.NEGATIVE_INFINITY || wi * g > floor[j]!)) row += g * f
        }
        s += sw === undefined ? row : sw[i]! > 0 ? sw[i]! * row : 0
      }
      return s + prior(params.components)
    },
    completeLogLikelihood: (data, params, z) => {
      const n = data.n
      const buf = jointLogDensity(family, data, params)
      const base = baseMeasure(family, data)
      const sw = data.sampleWeights
      let s = 0
      for (let i = 0; i < n; i++) {
        const row = buf[z[i]! * n + i]! + (base === undefined ? 0 : base[i]!)
        s += sw === undefined ? row : sw[i]! > 0 ? sw[i]! * row : 0
      }
      return s + prior(params.components)
    },
    entropy: (data, q) => {
      const n = data.n
      const sw = data.sampleWeights
      let h = 0
      for (let i = 0; i < n; i++) {
        let row = 0
        for (let j = 0; j < q.k; j++) {
          const g = q.values[j * n + i]!
          if (g > 0) row -= g * Math.log(g)
        }
        h += sw === undefined ? row : sw[i]! * row
      }
      return h
    },
    freeParameters: (params) => {
      const held = heldAt(params)
      return held === undefined
        ? countParameters(family, params)
        : constrainedParameters(family, family.dimension(params.components[0]!), params.components.length, held.constraints)
    },
    toVector: (params) => toVector(family, params),
    ...unconstrainedField(family),
  }
}

/** Every parameter as one flat vector: weights, then each component's `toVector`. */
export const toVector = <C, S>(family: ComponentFamily<C, S>, params: Params<C>): Float64Array => {
  const parts: number[] = Array.from(params.weights)
  for (const c of params.components) {
    const v = family.toVector(c)
    for (let t = 0; t < v.length; t++) parts.push(v[t]!)
  }
  return Float64Array.from(parts)
}

/** Free parameters of valid mixture parameters: (k − 1) mixing weights plus the family's component parameters. */
export const countParameters = <C, S>(family: ComponentFamily<C, S>, params: Params<C>): number => {
  const k = params.components.length
  return k - 1 + family.freeParameters(family.dimension(params.components[0]!), k)
}

/**
 * Checks parameters for a k-component model in dimension d. With `exact`, the parameters must have
 * exactly k components (a caller's start); without, at most k (a fit whose collapse policy dropped
 * components carries on with fewer). With `d` undefined, the dimension is the first component's
 * (parameters checked on their own: prediction, sampling, serialisation).
 */
export const validateParams = <C, S>(
  family: ComponentFamily<C, S>,
  k: number,
  d: number | undefined,
  params: Params<C>,
  exact: boolean,
): E.Either<EmError, Params<C>> =>
  Validate.guard(
    () => validateParamsOf(family, k, d, params, exact),
    (m) => invalidParameters(`the parameters could not be read: ${m}`),
  )

const validateParamsOf = <C, S>(
  family: ComponentFamily<C, S>,
  k: number,
  given: number | undefined,
  params: Params<C>,
  exact: boolean,
): E.Either<EmError, Params<C>> => {
  if (!Validate.isObject(params))
    return E.left(invalidParameters(`the parameters must be an object with weights and components, got ${show(params)}`))
  const comps = Validate.arrayLike('components', params.components)
  if (E.isLeft(comps)) return E.left(invalidParameters(comps.left.message, undefined, 'components'))
  const kk = comps.right.length
  if (kk < 1) return E.left(invalidParameters('a mixture needs at least one component', undefined, 'components'))
  if (exact ? kk !== k : kk > k) return E.left(invalidParameters(`the model has k = ${k} components but the parameters have ${kk}`))
  const weights = Validate.arrayLike('weights', params.weights)
  if (E.isLeft(weights)) return E.left(invalidParameters(weights.left.message, undefined, 'weights'))
  if (weights.right.length !== kk)
    return E.left(invalidParameters(`${weights.right.length} mixing weights for ${kk} components`, undefined, 'weights'))
  let s = 0
  for (let j = 0; j < kk; j++) {
    const w = weights.right.value[j]
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0)
      return E.left(invalidParameters(`mixing weight ${j} is ${show(w)}; weights must be finite numbers ≥ 0`, j, `weights/${j}`))
    s += w
  }
  if (Math.abs(s - 1) > 1e-9 * kk) return E.left(invalidParameters(`mixing weights sum to ${s}, not 1`, undefined, 'weights'))
  try {
    const d = given ?? family.dimension(params.components[0]!)
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 1)
      return E.left(invalidParameters(`the ${family.name} family reports dimension ${show(d)} for component 0`, 0))
    for (let j = 0; j < kk; j++) {
      const dj = family.dimension(params.components[j]!)
      if (dj !== d) {
        const against = given === undefined ? `component 0 has ${d}` : `the data have ${d} columns`
        return E.left(invalidParameters(`component ${j} has dimension ${show(dj)} but ${against}`, j))
      }
    }
    const v = family.validate(params.components, d)
    if (E.isLeft(v)) return v
  } catch (e) {
    if (e instanceof EmException) return E.left(e.error)
    return E.left(invalidParameters(`the components are not ${family.name} components: ${thrown(e)}`, undefined, 'components'))
  }
  return E.right(params)
}
