/**
 * The types of a Gaussian component, apart from the code that builds components (`Component.ts`),
 * so that the factorisation kernels can name them without an import cycle.
 *
 * @packageDocumentation
 */

/**
 * The covariance structure of a Gaussian mixture, each its own family with its own kernels:
 * - `'full'`: every component has its own unrestricted covariance (d(d+1)/2 parameters each);
 * - `'diag'`: every component has its own diagonal covariance (d variances each);
 * - `'spherical'`: every component has one variance σⱼ², Σⱼ = σⱼ²·I;
 * - `'tied'`: all components share one full covariance (estimated jointly, d(d+1)/2 in all).
 *
 * The same names as scikit-learn's `covariance_type`; mclust calls them VVV, VVI, VII and EEE.
 *
 * @category Components
 * @since 0.1.0
 */
export type CovarianceType = 'full' | 'diag' | 'spherical' | 'tied'

/**
 * One Gaussian component N(μ, Σ) in dimension d = `mean.length`. Immutable: build it with
 * `component` (validated) and never write into its arrays. For `'diag'` and `'spherical'`
 * the matrices are diagonal; for `'tied'` every component of a mixture holds the same matrices.
 *
 * @category Components
 * @since 0.1.0
 */
export interface Component {
  /** The covariance structure this component belongs to. */
  readonly structure: CovarianceType
  /** μ, length d. */
  readonly mean: Float64Array
  /** Σ, d × d, row-major, symmetric (full, whatever the structure). */
  readonly covariance: Float64Array
  /** L, lower-triangular d × d with Σ = L·Lᵀ (used for sampling). */
  readonly choleskyFactor: Float64Array
  /** L⁻¹, lower-triangular d × d, the precision Cholesky: Σ⁻¹ = L⁻ᵀ·L⁻¹ (used by the log-density). */
  readonly precisionCholesky: Float64Array
  /** log det L⁻¹ = Σᵣ log (L⁻¹)ᵣᵣ = −½·log det Σ. */
  readonly logDetPrecisionCholesky: number
}
