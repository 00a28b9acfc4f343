/**
 * Prediction and sampling with mixture parameters: responsibilities, labels, per-row and total
 * log-likelihoods, draws. Every function checks its inputs first — the parameters, the data's
 * dimension against the model's, the family's support — and returns a typed `Left` naming what is
 * at fault; the `…OrThrow` twins throw an `EmException` instead.
 *
 * Prediction runs in log space end to end (the fused pass's log-sum-exp normalisation), so a row
 * far from every component still gets a proper posterior. Only a row whose density is zero under
 * every component (outside the family's support, or so far away that even its log-density is not
 * representable) has none; that is an `InvalidData` error naming the row, never a row of zeros.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { Dataset } from '../Dataset.js'
import { check as checkDataset, totalWeight } from '../Dataset.js'
import { completeRows, refuseMissing } from '../internal/incomplete.js'
import type { EmError } from '../Errors.js'
import { EmException, invalidData, invalidOptions } from '../Errors.js'
import type { ComponentFamily } from '../Family.js'
import type { Rng } from '../Rng.js'
import { seeded } from '../Rng.js'
import * as Validate from '../Validate.js'
import { show } from '../Validate.js'
import { countParameters, posteriorOf, validateParams } from './Model.js'
import type { Params, Responsibilities } from './Types.js'

const orThrow = <A>(r: E.Either<EmError, A>): A => {
  if (E.isLeft(r)) throw new EmException(r.left)
  return r.right
}

/** The dimension of parameters `validateParams` has accepted: their first component's. */
const dimensionOf = <C, S>(family: ComponentFamily<C, S>, params: Params<C>): number => family.dimension(params.components[0]!)

/**
 * The checks every prediction runs once: the dataset (shape, finite values, weights), the
 * parameters, the data's dimension against the model's, and the family's support.
 *
 * @returns the checked dataset, or the first error.
 * @category Prediction
 * @since 0.2.0
 */
export const checkPrediction = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): E.Either<EmError, Dataset> =>
  Validate.attempt(() => {
    const ds = checkDataset(data)
    if (E.isLeft(ds)) return ds
    const refused = refuseMissing(family, data)
    if (refused !== undefined) return E.left(refused)
    const ok = validateParams(family, Number.MAX_SAFE_INTEGER, undefined, params, false)
    if (E.isLeft(ok)) return ok
    const d = dimensionOf(family, params)
    if (d !== data.d)
      return E.left(
        invalidData(
          `the data have ${data.d} column${data.d === 1 ? '' : 's'} but the model has dimension ${d}; give the columns the model was fitted on`,
        ),
      )
    return family.checkData(data)
  })

/**
 * The full posterior of `params` on `data` (responsibilities k × n, component-major, and per-row
 * log-densities), after {@link checkPrediction}; every row's log-density is finite.
 *
 * @returns `Right(Responsibilities)`, or `Left`: invalid data or parameters, a dimension mismatch,
 *   a row outside the support, or a row with zero density under every component (`InvalidData`
 *   naming the row).
 * @category Mixture
 * @since 0.1.0
 */
export const responsibilities = <C, S>(
  family: ComponentFamily<C, S>,
  data: Dataset,
  params: Params<C>,
): E.Either<EmError, Responsibilities> => {
  const ok = checkPrediction(family, params, data)
  if (E.isLeft(ok)) return ok
  const q = posteriorOf(family, data, params)
  for (let i = 0; i < q.n; i++) {
    const v = q.logDensity[i]!
    if (Number.isFinite(v)) continue
    return E.left(
      v === -Infinity
        ? invalidData(
            `row ${i} has zero density under every component (log-density −∞): it lies outside the components' support or so far from all of them that its density is not representable`,
            i,
          )
        : invalidData(`row ${i}: its log-density is ${v}; its values are too large for double-precision densities of these components`, i),
    )
  }
  return E.right(q)
}

/**
 * Throwing twin of {@link responsibilities}.
 *
 * @throws {@link EmException} with the error {@link responsibilities} returns.
 * @category Mixture
 * @since 0.2.0
 */
export const responsibilitiesOrThrow = <C, S>(family: ComponentFamily<C, S>, data: Dataset, params: Params<C>): Responsibilities =>
  orThrow(responsibilities(family, data, params))

const weightedSum = (v: Float64Array, w: Float64Array | undefined): number => {
  let s = 0
  if (w === undefined) for (let i = 0; i < v.length; i++) s += v[i]!
  else for (let i = 0; i < v.length; i++) if (w[i]! > 0) s += w[i]! * v[i]!
  return s
}

/**
 * p(zᵢ = j | xᵢ, θ) for every row, row-major n × k (`out[i * k + j]`); each row is finite and sums
 * to 1 up to rounding.
 *
 * @returns `Right(probabilities)`, or `Left` as {@link responsibilities}.
 * @category Prediction
 * @since 0.1.0
 */
export const predictProba = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): E.Either<EmError, Float64Array> =>
  E.map((q: Responsibilities) => {
    const out = new Float64Array(q.n * q.k)
    for (let j = 0; j < q.k; j++) for (let i = 0; i < q.n; i++) out[i * q.k + j] = q.values[j * q.n + i]!
    return out
  })(responsibilities(family, data, params))

/**
 * The most likely component of every row (ties go to the lower index).
 *
 * @returns `Right(labels)` (length n, values in 0 … k − 1), or `Left` as {@link responsibilities}.
 * @category Prediction
 * @since 0.1.0
 */
export const predict = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): E.Either<EmError, Int32Array> =>
  E.map((q: Responsibilities) => {
    const labels = new Int32Array(q.n)
    for (let i = 0; i < q.n; i++) {
      let best = 0
      for (let j = 1; j < q.k; j++) if (q.values[j * q.n + i]! > q.values[best * q.n + i]!) best = j
      labels[i] = best
    }
    return labels
  })(responsibilities(family, data, params))

/**
 * log p(xᵢ | θ) for every row (length n), as scikit-learn's `score_samples`.
 *
 * @returns `Right(log-densities)`, all finite, or `Left` as {@link responsibilities}.
 * @category Prediction
 * @since 0.1.0
 */
export const scoreSamples = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): E.Either<EmError, Float64Array> =>
  E.map((q: Responsibilities) => q.logDensity)(responsibilities(family, data, params))

const finiteTotal = (what: string, x: number): E.Either<EmError, number> =>
  Number.isFinite(x)
    ? E.right(x)
    : E.left(
        invalidData(
          `the ${what} is ${x}: the weighted sum of the rows' log-densities is not representable in double precision; rescale the sample weights`,
        ),
      )

/**
 * Mean per-row log-likelihood Σᵢ wᵢ log p(xᵢ | θ) / Σᵢ wᵢ, as scikit-learn's `score`.
 *
 * @returns `Right(mean log-likelihood)`, finite, or `Left` as {@link responsibilities}.
 * @category Prediction
 * @since 0.1.0
 */
export const score = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): E.Either<EmError, number> =>
  E.chain((v: Float64Array) => finiteTotal('mean log-likelihood', weightedSum(v, data.sampleWeights) / totalWeight(data)))(
    scoreSamples(family, params, data),
  )

/**
 * Total log-likelihood Σᵢ wᵢ log p(xᵢ | θ).
 *
 * @returns `Right(log-likelihood)`, finite, or `Left` as {@link responsibilities}.
 * @category Prediction
 * @since 0.1.0
 */
export const logLikelihood = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): E.Either<EmError, number> =>
  E.chain((v: Float64Array) => finiteTotal('log-likelihood', weightedSum(v, data.sampleWeights)))(scoreSamples(family, params, data))

/**
 * The conditional-mean completion of data with missing cells ({@link Dataset.missing}): every
 * missing cell of row i becomes E[xᵢc | xᵢ observed, θ] = Σⱼ γᵢⱼ E[xᵢc | xᵢ observed, θⱼ], with the
 * responsibilities γᵢⱼ from the observed part (Ghahramani & Jordan 1994, §4: the mixture's least
 * squares estimate of the missing cells); observed cells are kept as they are. A single imputation:
 * it understates the uncertainty of what it fills in, so fit on the incomplete data, not on this.
 *
 * @returns `Right(dataset)` with the same n, d, columns and sample weights and no mask (data
 *   without missing cells come back as a copy), or `Left` as {@link responsibilities}, including
 *   `InvalidData` naming the first missing cell when the family has no `incomplete` capability.
 * @example
 * ```ts
 * const data = Dataset.fromRowsOrThrow([[1, 2], [Number.NaN, 3], [2, 1]], { allowMissing: true })
 * const fam = Gaussian.family()
 * const fit = Mixture.fitOrThrow(fam, data, { k: 1 })
 * const filled = Mixture.impute(fam, fit.params, data) // Right: row 1's first cell is E[x₀ | x₁ = 3]
 * ```
 * @category Prediction
 * @since 0.2.0
 */
export const impute = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): E.Either<EmError, Dataset> =>
  E.map((q: Responsibilities) => {
    const values = completeRows(family, data, params.components, q.values)
    const out: { n: number; d: number; values: Float64Array; sampleWeights?: Float64Array; columns?: readonly string[] } = {
      n: data.n,
      d: data.d,
      values,
    }
    if (data.sampleWeights !== undefined) out.sampleWeights = data.sampleWeights
    if (data.columns !== undefined) out.columns = data.columns
    return out
  })(responsibilities(family, data, params))

/**
 * Throwing twin of {@link impute}.
 *
 * @throws {@link EmException} with the error {@link impute} returns.
 * @category Prediction
 * @since 0.2.0
 */
export const imputeOrThrow = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): Dataset =>
  orThrow(impute(family, params, data))

/**
 * Free parameters of a mixture: (k − 1) mixing weights plus the family's component parameters.
 *
 * @returns `Right(p)`, or `Left(InvalidParameters)` when `params` are not parameters of `family`.
 * @category Model selection
 * @since 0.1.0
 */
export const freeParameters = <C, S>(family: ComponentFamily<C, S>, params: Params<C>): E.Either<EmError, number> =>
  E.map(() => countParameters(family, params))(validateParams(family, Number.MAX_SAFE_INTEGER, undefined, params, false))

/**
 * n draws from the mixture: values (n × d, row-major) and the component of each draw.
 *
 * @param n - number of draws, an integer ≥ 0 with n·d at most `Validate.MAX_VALUES`.
 * @param rng - a seed (a finite number) or an {@link Rng}.
 * @returns `Right` of the draws, or `Left` (`InvalidOptions` for n or rng, or for a family without
 *   `sample`; `InvalidParameters`).
 * @category Sampling
 * @since 0.1.0
 */
export const sample = <C, S>(
  family: ComponentFamily<C, S>,
  params: Params<C>,
  n: number,
  rng: Rng | number,
): E.Either<EmError, { values: Float64Array; labels: Int32Array; d: number }> =>
  Validate.guard(
    () => {
      if (family.sample === undefined)
        return E.left(invalidOptions('family', `the ${family.name} family cannot sample (it has no sample method)`))
      const ok = validateParams(family, Number.MAX_SAFE_INTEGER, undefined, params, false)
      if (E.isLeft(ok)) return ok
      const d = dimensionOf(family, params)
      const count = Validate.integer('n', n, { min: 0, max: Math.floor(Validate.MAX_VALUES / d) })
      if (E.isLeft(count)) return count
      let r: Rng
      if (typeof rng === 'number') {
        const seed = Validate.number('rng', rng)
        if (E.isLeft(seed)) return seed
        r = seeded(seed.right)
      } else if (Validate.isObject(rng) && typeof (rng as { uniform?: unknown }).uniform === 'function') r = rng
      else return E.left(invalidOptions('rng', `rng must be a seed (a finite number) or an Rng, got ${show(rng)}`))
      const values = new Float64Array(count.right * d)
      const labels = new Int32Array(count.right)
      const k = params.components.length
      for (let i = 0; i < count.right; i++) {
        let u = r.uniform()
        let j = 0
        while (j < k - 1 && u >= params.weights[j]!) {
          u -= params.weights[j]!
          j++
        }
        labels[i] = j
        family.sample(params.components[j]!, r, values, i * d)
      }
      return E.right({ values, labels, d })
    },
    (m) => invalidOptions('rng', `the parameters or the random stream could not be read: ${m}`),
  )

/**
 * Throwing twin of {@link predictProba}.
 *
 * @throws {@link EmException} with the error {@link predictProba} returns.
 * @category Prediction
 * @since 0.2.0
 */
export const predictProbaOrThrow = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): Float64Array =>
  orThrow(predictProba(family, params, data))

/**
 * Throwing twin of {@link predict}.
 *
 * @throws {@link EmException} with the error {@link predict} returns.
 * @category Prediction
 * @since 0.2.0
 */
export const predictOrThrow = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): Int32Array =>
  orThrow(predict(family, params, data))

/**
 * Throwing twin of {@link scoreSamples}.
 *
 * @throws {@link EmException} with the error {@link scoreSamples} returns.
 * @category Prediction
 * @since 0.2.0
 */
export const scoreSamplesOrThrow = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): Float64Array =>
  orThrow(scoreSamples(family, params, data))

/**
 * Throwing twin of {@link score}.
 *
 * @throws {@link EmException} with the error {@link score} returns.
 * @category Prediction
 * @since 0.2.0
 */
export const scoreOrThrow = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): number =>
  orThrow(score(family, params, data))

/**
 * Throwing twin of {@link logLikelihood}.
 *
 * @throws {@link EmException} with the error {@link logLikelihood} returns.
 * @category Prediction
 * @since 0.2.0
 */
export const logLikelihoodOrThrow = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): number =>
  orThrow(logLikelihood(family, params, data))

/**
 * Throwing twin of {@link sample}.
 *
 * @throws {@link EmException} with the error {@link sample} returns.
 * @category Sampling
 * @since 0.2.0
 */
export const sampleOrThrow = <C, S>(
  family: ComponentFamily<C, S>,
  params: Params<C>,
  n: number,
  rng: Rng | number,
): { values: Float64Array; labels: Int32Array; d: number } => orThrow(sample(family, params, n, rng))
