/**
 * Information criteria of a mixture: BIC, AIC and ICL (scikit-learn's sign: smaller is better).
 *
 * @packageDocumentation
 */
import type { Dataset } from '../Dataset.js'
import { totalWeight } from '../Dataset.js'
import type { Pass } from '../Engine.js'
import type { ComponentFamily } from '../Family.js'
import { freeParameters, responsibilities } from './Model.js'
import type { Params } from './Types.js'

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
 * the hard-assignment term Σᵢ wᵢ log maxⱼ γᵢⱼ.
 */
export const criteriaOf = <C, S>(
  family: ComponentFamily<C, S>,
  params: Params<C>,
  logLikelihood: number,
  n: number,
  hardLogResponsibility: number,
): Criteria => {
  const p = freeParameters(family, params)
  const bic = -2 * logLikelihood + p * Math.log(n)
  return { logLikelihood, parameters: p, bic, aic: -2 * logLikelihood + 2 * p, icl: bic - 2 * hardLogResponsibility }
}

/** The criteria from one engine pass at `params`. */
export const criteriaOfPass = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, pass: Pass<S>): Criteria =>
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
 * @category Model selection
 * @since 0.1.0
 */
export const criteria = <C, S>(family: ComponentFamily<C, S>, data: Dataset, params: Params<C>): Criteria => {
  const q = responsibilities(family, data, params)
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
  return criteriaOf(family, params, ll + (family.logPrior === undefined ? 0 : family.logPrior(params.components)), totalWeight(data), hard)
}
