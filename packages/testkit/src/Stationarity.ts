/**
 * Whether fitted parameters are a stationary point of the log-likelihood, by central finite
 * differences: the check that a converged EM fit (on complete or incomplete data, the latter's
 * observed-data likelihood included) sits where the gradient vanishes, independent of how EM got
 * there.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { ComponentFamily, Dataset, EmError } from '@emkit/core'
import { Errors, Mixture } from '@emkit/core'

/**
 * Central finite differences of the log-likelihood Σᵢ wᵢ log p(xᵢ | θ) of `params` on `data`
 * (observed cells only when the data carry missing ones) in every coordinate of the mixture's
 * unconstrained parametrisation — the log mixing weights (through a softmax) and the family's
 * `toUnconstrained` vector (e.g. log rates; a Gaussian's means and log-Cholesky factor) — with step
 * `step`·max(1, |vᵢ|). At a maximum every entry is 0 up to the differences' error (O(step²) plus
 * rounding ε·|ℓ|/step).
 *
 * @returns `Right(gradient)` (length k + the family's vector), or `Left(InvalidOptions)` for a
 *   family without an unconstrained form, or the error of the log-likelihood at a moved point.
 * @example
 * ```ts
 * const family = Exponential.family()
 * const data = Dataset.fromColumnOrThrow([0.2, 1.5, 0.1, 3.2, 0.7, 2.4])
 * const fit = Mixture.fitOrThrow(family, data, { k: 1 })
 * const g = Stationarity.gradient(family, data, fit.params) // Right([≈0, ≈0])
 * ```
 * @category Laws
 * @since 0.2.0
 */
export const gradient = <C, S>(
  family: ComponentFamily<C, S>,
  data: Dataset.Dataset,
  params: Mixture.Params<C>,
  step = 1e-5,
): E.Either<EmError, Float64Array> => {
  const u = Mixture.model(family, params.components.length).unconstrained
  if (u === undefined) return E.left(Errors.invalidOptions('family', `the ${family.name} family has no unconstrained form`))
  const v = u.toVector(params)
  const out = new Float64Array(v.length)
  const at = (moved: Float64Array): E.Either<EmError, number> => {
    const p = u.fromVector(moved, params)
    return E.isLeft(p) ? p : Mixture.logLikelihood(family, p.right, data)
  }
  for (let t = 0; t < v.length; t++) {
    const h = step * Math.max(1, Math.abs(v[t]!))
    const plus = Float64Array.from(v)
    const minus = Float64Array.from(v)
    plus[t] = v[t]! + h
    minus[t] = v[t]! - h
    const a = at(plus)
    if (E.isLeft(a)) return a
    const b = at(minus)
    if (E.isLeft(b)) return b
    out[t] = (a.right - b.right) / (2 * h)
  }
  return E.right(out)
}
