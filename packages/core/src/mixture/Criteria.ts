/**
 * Information criteria of a mixture: BIC, AIC and ICL (scikit-learn's sign: smaller is better).
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { Dataset } from '../Dataset.js'
import { totalWeight } from '../Dataset.js'
import type { Pass } from '../Engine.js'
import type { EmError } from '../Errors.js'
import { EmException, invalidData } from '../Errors.js'
import type { ComponentFamily } from '../Family.js'
import { countParameters } from './Model.js'
import { responsibilities } from './Predict.js'
import type { Params, Responsibilities } from './Types.js'

/**
 * Information criteria of parameters on data.
 *
 * @category Model selection
 * @since 0.1.0
 */
export interface Criteria {
  /** ℓ = log p(X | θ) (total). */
  readonly logLikelihood: number
  /** Free parameters p. */
  readonly parameters: number
  /** BIC = −2ℓ + p·ln n. */
  readonly bic: number
  /** AIC = −2ℓ + 2p. */
  readonly aic: number
  /** ICL = BIC − 2 Σᵢ wᵢ log max_j γᵢⱼ. */
  readonly icl: number
}

/**
 * The criteria from a log-likelihood (log-prior included when the family has one), n = Σ wᵢ and
 * the hard-assignment term Σᵢ wᵢ log maxⱼ γᵢⱼ; `Left(InvalidData)` when one of them is not
 * representable (−2ℓ overflows only for log-likelihoods beyond ±9·10³⁰⁷, i.e. enormous sample
 * weights — the message says to rescale them).
 */
export const criteriaOf = <C, S>(
  family: ComponentFamily<C, S>,
  params: Params<C>,
  logLikelihood: number,
  n: number,
  hardLogResponsibility: number,
): E.Either<EmError, Criteria> => {
  const p = countParameters(family, params)
  const bic = -2 * logLikelihood + p * Math.log(n)
  const c = { logLikelihood, parameters: p, bic, aic: -2 * logLikelihood + 2 * p, icl: bic - 2 * hardLogResponsibility }
  if (Number.isFinite(c.logLikelihood) && Number.isFinite(c.bic) && Number.isFinite(c.aic) && Number.isFinite(c.icl)) return E.right(c)
  return E.left(
    invalidData(
      `the information criteria are not representable in double precision (log-likelihood ${logLikelihood} over a total weight of ${n}); rescale the sample weights — the estimates do not change when every weight is multiplied by the same factor`,
    ),
  )
}

/** The criteria from one engine pass at `params`. */
export const criteriaOfPass = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, pass: Pass<S>): E.Either<EmError, Criteria> =>
  criteriaOf(
    family,
    params,
    pass.logLikelihood + (family.logPrior === undefined ? 0 : family.logPrior(params.components)),
    pass.weight,
    pass.hardLogResponsibility,
  )

/**
 * BIC, AIC and ICL of `params` on `data` (scikit-learn's sign: smaller is better; n = Σ wᵢ).
 *
 * @returns `Right(Criteria)`, all finite, or `Left` as `responsibilities` (invalid data or
 *   parameters, a dimension mismatch, an impossible row) or for criteria that are not representable.
 * @category Model selection
 * @since 0.1.0
 */
export const criteria = <C, S>(family: ComponentFamily<C, S>, data: Dataset, params: Params<C>): E.Either<EmError, Criteria> =>
  E.chain((q: Responsibilities) => {
    const sw = data.sampleWeights
    let ll = 0
    let hard = 0
    for (let i = 0; i < q.n; i++) {
      const w = sw === undefined ? 1 : sw[i]!
      if (!(w > 0)) continue
      ll += w * q.logDensity[i]!
      let mx = 0
      for (let j = 0; j < q.k; j++) mx = Math.max(mx, q.values[j * q.n + i]!)
      if (mx > 0) hard += w * Math.log(mx)
    }
    return criteriaOf(
      family,
      params,
      ll + (family.logPrior === undefined ? 0 : family.logPrior(params.components)),
      totalWeight(data),
      hard,
    )
  })(responsibilities(family, data, params))

/**
 * Throwing twin of {@link criteria}.
 *
 * @throws {@link EmException} with the error {@link criteria} returns.
 * @category Model selection
 * @since 0.2.0
 */
export const criteriaOrThrow = <C, S>(family: ComponentFamily<C, S>, data: Dataset, params: Params<C>): Criteria => {
  const r = criteria(family, data, params)
  if (E.isLeft(r)) throw new EmException(r.left)
  return r.right
}
