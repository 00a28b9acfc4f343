/**
 * `@emkit/gaussian`: Gaussian mixtures for emkit. A component family for `@emkit/core`'s mixture
 * layer with four covariance structures (`full`, `diag`, `spherical`, `tied`), numerically careful
 * kernels (Cholesky factors, triangular products, log space, Chan-merged centred statistics) and a
 * plain-numbers 1-D front end.
 *
 * ```ts
 * import { Datasets, Mixture } from '@emkit/core'
 * import * as Gaussian from '@emkit/gaussian'
 * const fit = Mixture.fitOrThrow(Gaussian.family({ covariance: 'full' }), Datasets.faithful, { k: 2, restarts: 5 })
 * ```
 *
 * @packageDocumentation
 */
export type { Component, CovarianceType } from './Component.js'
export {
  COVARIANCE_TYPES,
  DEGENERATE_RELATIVE_VARIANCE,
  component,
  componentOrThrow,
  degenerate,
  isDegenerate,
  minimumSupport,
  logDensity,
  meanAndCovariance,
  parameters,
} from './Component.js'
export type { FamilyOptions, GaussianFamily } from './Gaussian.js'
export { DEFAULT_REGULARIZATION, checkOptions, family } from './Gaussian.js'
export { sqlCapability } from './Sql.js'
export * as Statistics from './Statistics.js'
export type { UnivariateFit, UnivariateOptions, UnivariateParams } from './Univariate.js'
export { fit1d, fit1dOrThrow } from './Univariate.js'
