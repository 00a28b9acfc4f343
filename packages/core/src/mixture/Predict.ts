/**
 * Prediction and sampling with fitted mixture parameters: responsibilities, labels, per-row and
 * total log-likelihoods, draws.
 *
 * @packageDocumentation
 */
import type { Dataset } from '../Dataset.js'
import { totalWeight } from '../Dataset.js'
import type { ComponentFamily } from '../Family.js'
import type { Rng } from '../Rng.js'
import { seeded } from '../Rng.js'
import { responsibilities } from './Model.js'
import type { Params } from './Types.js'

const weightedSum = (v: Float64Array, w: Float64Array | undefined): number => {
  let s = 0
  if (w === undefined) for (let i = 0; i < v.length; i++) s += v[i]!
  else for (let i = 0; i < v.length; i++) if (w[i]! > 0) s += w[i]! * v[i]!
  return s
}

/**
 * p(zᵢ = j | xᵢ, θ) for every row, row-major n × k (`out[i * k + j]`).
 *
 * @category Prediction
 * @since 0.1.0
 */
export const predictProba = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): Float64Array => {
  const q = responsibilities(family, data, params)
  const out = new Float64Array(q.n * q.k)
  for (let j = 0; j < q.k; j++) for (let i = 0; i < q.n; i++) out[i * q.k + j] = q.values[j * q.n + i]!
  return out
}

/**
 * The most likely component of every row (ties go to the lower index).
 *
 * @category Prediction
 * @since 0.1.0
 */
export const predict = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): Int32Array => {
  const q = responsibilities(family, data, params)
  const labels = new Int32Array(q.n)
  for (let i = 0; i < q.n; i++) {
    let best = 0
    for (let j = 1; j < q.k; j++) if (q.values[j * q.n + i]! > q.values[best * q.n + i]!) best = j
    labels[i] = best
  }
  return labels
}

/**
 * log p(xᵢ | θ) for every row (length n), as scikit-learn's `score_samples`.
 *
 * @category Prediction
 * @since 0.1.0
 */
export const scoreSamples = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): Float64Array =>
  responsibilities(family, data, params).logDensity

/**
 * Mean per-row log-likelihood Σᵢ wᵢ log p(xᵢ | θ) / Σᵢ wᵢ, as scikit-learn's `score`.
 *
 * @category Prediction
 * @since 0.1.0
 */
export const score = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): number =>
  weightedSum(scoreSamples(family, params, data), data.sampleWeights) / totalWeight(data)

/**
 * Total log-likelihood Σᵢ wᵢ log p(xᵢ | θ).
 *
 * @category Prediction
 * @since 0.1.0
 */
export const logLikelihood = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): number =>
  weightedSum(scoreSamples(family, params, data), data.sampleWeights)

/**
 * n draws from the mixture: values (n × d, row-major) and the component of each draw.
 *
 * @category Sampling
 * @since 0.1.0
 */
export const sample = <C, S>(
  family: ComponentFamily<C, S>,
  params: Params<C>,
  n: number,
  rng: Rng | number,
): { values: Float64Array; labels: Int32Array; d: number } => {
  const r = typeof rng === 'number' ? seeded(rng) : rng
  const d = family.dimension(params.components[0]!)
  const values = new Float64Array(n * d)
  const labels = new Int32Array(n)
  const k = params.components.length
  for (let i = 0; i < n; i++) {
    let u = r.uniform()
    let j = 0
    while (j < k - 1 && u >= params.weights[j]!) {
      u -= params.weights[j]!
      j++
    }
    labels[i] = j
    family.sample(params.components[j]!, r, values, i * d)
  }
  return { values, labels, d }
}
