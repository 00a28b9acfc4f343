/**
 * Building a component from a mean and a covariance: the Cholesky factor L of Σ, the precision
 * Cholesky L⁻¹ (as scikit-learn) and log det L⁻¹ = −½·log det Σ. Not exported from the package.
 */
import { Linalg } from '@emkit/core'
import type { Component, CovarianceType } from '../ComponentTypes.js'

/**
 * The component with mean `mean` (length d) and covariance `covariance` (d × d, row-major,
 * symmetric; only the lower triangle is factored), or `undefined` when Σ is not positive definite
 * or holds a non-finite value. Takes ownership of both arrays.
 */
export function fromCovariance(structure: CovarianceType, mean: Float64Array, covariance: Float64Array): Component | undefined {
  const d = mean.length
  const choleskyFactor = new Float64Array(d * d)
  if (!Linalg.cholesky(d, covariance, 0, choleskyFactor, 0)) return undefined
  const precisionCholesky = new Float64Array(d * d)
  Linalg.invertLower(d, choleskyFactor, 0, precisionCholesky, 0)
  let logDet = 0
  for (let r = 0; r < d; r++) logDet += Math.log(precisionCholesky[r * d + r]!)
  if (!Number.isFinite(logDet)) return undefined
  return { structure, mean, covariance, choleskyFactor, precisionCholesky, logDetPrecisionCholesky: logDet }
}

/**
 * A diagonal component (diag or spherical) from its variances: the factors are diagonal, so they
 * are written directly (no general Cholesky), `undefined` when a variance is not finite and > 0.
 */
export function fromVariances(structure: CovarianceType, mean: Float64Array, variances: Float64Array): Component | undefined {
  const d = mean.length
  const covariance = new Float64Array(d * d)
  const choleskyFactor = new Float64Array(d * d)
  const precisionCholesky = new Float64Array(d * d)
  let logDet = 0
  for (let r = 0; r < d; r++) {
    const v = variances[r]!
    if (!(v > 0) || !Number.isFinite(v)) return undefined
    const sd = Math.sqrt(v)
    covariance[r * d + r] = v
    choleskyFactor[r * d + r] = sd
    precisionCholesky[r * d + r] = 1 / sd
    logDet -= Math.log(sd)
  }
  if (!Number.isFinite(logDet)) return undefined
  return { structure, mean, covariance, choleskyFactor, precisionCholesky, logDetPrecisionCholesky: logDet }
}

/** One line telling the user what to do about a covariance that is not positive definite. */
export const advice = (regularization: number): string =>
  `increase \`regularization\` (now ${regularization}; scikit-learn's default is 1e-6), use fewer components, or scale the data (a constant or duplicated column, or duplicated rows, make a covariance singular)`
