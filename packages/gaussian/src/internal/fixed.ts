/**
 * Held parameters of Gaussian components (`Mixture.fit`'s `fixed`): `'mean'` and `'covariance'`
 * held for every component, and components held whole. The M-step maximises Q over the rest
 * (constrained maximum likelihood, not an unconstrained estimate overwritten afterwards):
 * - means held: each covariance is the scatter about the held mean, Mⱼ + wⱼ(x̄ⱼ − μⱼ)(x̄ⱼ − μⱼ)ᵀ over
 *   wⱼ (the maximiser of Q in Σⱼ given μⱼ), pooled over the components for `'tied'`, its diagonal
 *   for `'diag'`, its trace over d for `'spherical'`, the regularisation added as usual;
 * - covariances held: each mean is the weighted mean x̄ⱼ (its maximiser whatever Σⱼ);
 * - a component held whole keeps its mean and covariance; with `'tied'` that holds the shared
 *   covariance for every component.
 *
 * @internal
 */
import { either as E } from 'fp-ts'
import type { Degenerate, FixedParameters } from '@emkit/core'
import type { Component, CovarianceType } from '../ComponentTypes.js'
import type { Statistics } from '../Statistics.js'
import { mean } from '../Statistics.js'

/** The statistics with their scatter taken about `mu` instead of their weighted mean (and their mean moved to `mu`). */
const aboutMean = (s: Statistics, mu: Float64Array): Statistics => {
  const d = mu.length
  const diagonal = s.scatter.length === d
  const delta = new Float64Array(d)
  // x̄ − μ, origin to μ first then the offset: differences of nearby doubles are exact.
  for (let c = 0; c < d; c++) delta[c] = s.origin[c]! - mu[c]! + s.offset[c]!
  const scatter = Float64Array.from(s.scatter)
  if (diagonal) for (let c = 0; c < d; c++) scatter[c] = scatter[c]! + s.weight * delta[c]! * delta[c]!
  else for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) scatter[r * d + c] = scatter[r * d + c]! + s.weight * delta[r]! * delta[c]!
  const offset = new Float64Array(d)
  for (let c = 0; c < d; c++) offset[c] = mu[c]! - s.origin[c]!
  return { weight: s.weight, origin: s.origin, offset, scatter }
}

/** Covariance parameters of one component (all components share one for `'tied'`). */
const perComponent = (structure: CovarianceType, d: number): number =>
  structure === 'diag' ? d : structure === 'spherical' ? 1 : (d * (d + 1)) / 2

/**
 * The Gaussian `fixed` capability for `structure`, whose unconstrained M-step kernel is `estimate`
 * (with the family's regularisation).
 */
export const fixedParameters = (
  structure: CovarianceType,
  regularization: number,
  estimate: (stats: readonly Statistics[], regularization: number) => E.Either<Degenerate, Component[]>,
): FixedParameters<Component, Statistics> => ({
  names: ['mean', 'covariance'],
  estimate: (stats, current, names, held) => {
    const tied = structure === 'tied'
    const meanHeld = names.includes('mean')
    const covarianceHeld = names.includes('covariance') || (tied && held.some((h) => h))
    if (meanHeld && covarianceHeld) return E.right([...current])
    if (covarianceHeld) return E.right(current.map((c, j) => (held[j] === true ? c : { ...c, mean: mean(stats[j]!) })))
    const shifted = meanHeld ? stats.map((s, j) => aboutMean(s, current[j]!.mean)) : stats
    // Tied (nothing held whole here): one joint estimate over every component.
    const free = tied ? stats.map((_, j) => j) : stats.flatMap((_, j) => (held[j] === true ? [] : [j]))
    const out = [...current]
    if (free.length === 0) return E.right(out)
    const est = estimate(
      free.map((j) => shifted[j]!),
      regularization,
    )
    if (E.isLeft(est)) return E.left({ ...est.left, component: free[est.left.component]! })
    free.forEach((j, t) => (out[j] = meanHeld ? { ...est.right[t]!, mean: current[j]!.mean } : est.right[t]!))
    return E.right(out)
  },
  freeParameters: (d, k, names, held) => {
    const means = names.includes('mean') ? 0 : (k - held) * d
    const covarianceHeld = names.includes('covariance') || (structure === 'tied' && held > 0)
    const covariances = covarianceHeld ? 0 : structure === 'tied' ? perComponent(structure, d) : (k - held) * perComponent(structure, d)
    return means + covariances
  },
})
