/**
 * One-dimensional Gaussian mixtures with plain numbers in and out: d = 1 is simply the univariate
 * case of the family, and this module makes it as convenient as it should be.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { EmError, InitMethod } from '@emkit/core'
import { Dataset, EmException, Errors, Mixture, Validate } from '@emkit/core'
import type { Component } from './Component.js'
import { parameters } from './Component.js'
import { family } from './Gaussian.js'

/**
 * Starting parameters of a univariate mixture (each array of length k).
 *
 * @category Parameters
 * @since 0.1.0
 */
export interface UnivariateParams {
  /** Mixing weights π, summing to 1. */
  readonly weights: readonly number[]
  /** Component means μⱼ. */
  readonly means: readonly number[]
  /** Component variances σⱼ² (> 0). */
  readonly variances: readonly number[]
}

/**
 * Options of {@link fit1d}: the mixture fit's options (`maxIterations`, `tolerance`, `restarts`,
 * `seed`, `onIteration`, `signal`, `collapse`), plus the starting point, the regularisation and
 * whether the components share one variance.
 *
 * @category Fitting
 * @since 0.1.0
 */
export interface UnivariateOptions extends Omit<Mixture.MixtureFitOptions<Component>, 'init'> {
  /** Starting parameters, or an initialisation method (default `'kmeans++'`). */
  readonly init?: UnivariateParams | InitMethod
  /** Added to every variance estimate; default 1e-6 (see `FamilyOptions.regularization`). */
  readonly regularization?: number
  /** One variance shared by all components (the `'tied'` structure; mclust's `E`). Default false. */
  readonly equalVariances?: boolean
  /** Optional per-observation sample weights (same length as the data). */
  readonly sampleWeights?: readonly number[]
}

/**
 * A fitted univariate mixture, in plain numbers, with the full fit (trace, BIC, warnings…) in `fit`.
 *
 * @category Fitting
 * @since 0.1.0
 */
export interface UnivariateFit {
  /** Mixing weights π (length k). */
  readonly weights: number[]
  /** Means μⱼ (length k). */
  readonly means: number[]
  /** Variances σⱼ² (length k). */
  readonly variances: number[]
  /** The mixture fit: `params`, `trace`, `iterations`, `converged`, `bic`, `aic`, `warnings`, … */
  readonly fit: Mixture.MixtureFit<Component>
}

/**
 * Fits a k-component univariate Gaussian mixture to plain numbers.
 *
 * @example
 * ```ts
 * const r = Gaussian.fit1d([-1.2, -0.8, -1.1, 0.9, 1.3, 1.0, 1.2], { k: 2, init: { weights: [0.5, 0.5], means: [-1, 1], variances: [1, 1] } })
 * if (E.isRight(r)) console.log(r.right.means, r.right.variances, r.right.fit.trace)
 * ```
 * @returns `Right(fit)` or `Left` with a typed error (bad data, bad options, bad start, a fit that
 *   cannot proceed).
 * @category Fitting
 * @since 0.1.0
 */
export const fit1d = (xs: ArrayLike<number>, givenOptions: UnivariateOptions): E.Either<EmError, UnivariateFit> => {
  const read = Validate.record('options', givenOptions)
  if (E.isLeft(read)) return read
  const { init, regularization, equalVariances, sampleWeights, ...rest } = read.right as UnivariateOptions
  const structure = equalVariances === true ? 'tied' : 'full'
  let fam
  try {
    fam = family(regularization === undefined ? { covariance: structure } : { covariance: structure, regularization })
  } catch (e) {
    if (e instanceof EmException) return E.left(e.error)
    throw e
  }
  const data = Dataset.fromColumn(xs, sampleWeights === undefined ? {} : { sampleWeights })
  if (E.isLeft(data)) return data
  let start: Mixture.Params<Component> | InitMethod | undefined
  if (init === undefined || typeof init === 'string') start = init
  else {
    if (!Validate.isObject(init))
      return E.left(
        Errors.invalidOptions('init', `init must be an initialisation method or { weights, means, variances }, got ${Validate.show(init)}`),
      )
    const p = Validate.guard(
      () => parameters(structure, { weights: init.weights, means: init.means, covariances: init.variances }),
      (m) => Errors.invalidOptions('init', `init could not be read: ${m}`),
    )
    if (E.isLeft(p)) return p
    start = p.right
  }
  const r = Mixture.fit(fam, data.right, start === undefined ? rest : { ...rest, init: start })
  if (E.isLeft(r)) return r
  const comps = r.right.params.components
  return E.right({
    weights: Array.from(r.right.params.weights),
    means: comps.map((c) => c.mean[0]!),
    variances: comps.map((c) => c.covariance[0]!),
    fit: r.right,
  })
}

/**
 * Throwing twin of {@link fit1d}.
 *
 * @category Fitting
 * @since 0.1.0
 */
export const fit1dOrThrow = (xs: ArrayLike<number>, options: UnivariateOptions): UnivariateFit => {
  const r = fit1d(xs, options)
  if (E.isLeft(r)) throw new EmException(r.left)
  return r.right
}
