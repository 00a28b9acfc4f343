/**
 * Gaussian components: a mean and a covariance, held with the Cholesky factor L of the covariance
 * (Σ = L·Lᵀ) and the precision Cholesky L⁻¹ (so that (x − μ)ᵀ Σ⁻¹ (x − μ) = ‖L⁻¹(x − μ)‖²), as
 * scikit-learn does. emkit never forms an explicit inverse of Σ.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { EmError } from '@emkit/core'
import { EmException, Errors, Linalg, Validate, type Mixture } from '@emkit/core'
import type { Component, CovarianceType } from './ComponentTypes.js'
import { fromCovariance, fromVariances } from './internal/factor.js'

export type { Component, CovarianceType } from './ComponentTypes.js'

/**
 * The covariance structures, in a fixed order (`full`, `diag`, `spherical`, `tied`).
 *
 * @category Components
 * @since 0.1.0
 */
export const COVARIANCE_TYPES: readonly CovarianceType[] = ['full', 'diag', 'spherical', 'tied']

const isDiagonal = (d: number, a: Float64Array): boolean => {
  for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) if (r !== c && a[r * d + c] !== 0) return false
  return true
}

/**
 * Builds a validated component from a mean (length d) and a covariance (d × d, as nested rows or
 * a flat row-major array of length d²). The covariance must be finite, symmetric (to 1e-10
 * relative) and positive definite; for `'diag'` its off-diagonal entries must be 0, for
 * `'spherical'` it must moreover be a multiple of the identity (to 1e-10 relative).
 *
 * @param structure - the covariance structure (default `'full'`).
 * @returns `Right(component)` or `Left(InvalidParameters)` saying what is wrong.
 * @example
 * ```ts
 * const c = Gaussian.component([0, 0], [[1, 0.5], [0.5, 2]])
 * ```
 * @category Components
 * @since 0.1.0
 */
export const component = (
  mean: ArrayLike<number>,
  covariance: ArrayLike<number> | ReadonlyArray<ArrayLike<number>>,
  structure: CovarianceType = 'full',
): E.Either<EmError, Component> =>
  Validate.guard(
    () => componentOf(mean, covariance, structure),
    (m) => Errors.invalidParameters(`the mean or covariance could not be read: ${m}`),
  )

const componentOf = (
  mean: ArrayLike<number>,
  covariance: ArrayLike<number> | ReadonlyArray<ArrayLike<number>>,
  structure: CovarianceType,
): E.Either<EmError, Component> => {
  const m = Validate.arrayLike('the mean', mean)
  if (E.isLeft(m)) return E.left(Errors.invalidParameters(m.left.message, undefined, 'mean'))
  const cv = Validate.arrayLike('the covariance', covariance)
  if (E.isLeft(cv)) return E.left(Errors.invalidParameters(cv.left.message, undefined, 'covariance'))
  const d = mean.length
  if (d < 1) return E.left(Errors.invalidParameters('the mean must have at least one coordinate', undefined, 'mean'))
  const mu = new Float64Array(d)
  for (let c = 0; c < d; c++) {
    const v = mean[c]!
    if (typeof v !== 'number' || !Number.isFinite(v))
      return E.left(Errors.invalidParameters(`mean[${c}] is ${Validate.show(v)}; it must be a finite number`, undefined, `mean/${c}`))
    mu[c] = v
  }
  const sigma = new Float64Array(d * d)
  const first = (covariance as ArrayLike<unknown>)[0]
  if (typeof first === 'number' || first === undefined) {
    const flat = covariance as ArrayLike<number>
    if (flat.length !== d * d)
      return E.left(Errors.invalidParameters(`the covariance has ${flat.length} entries, expected ${d}×${d}`, undefined, 'covariance'))
    for (let t = 0; t < d * d; t++) {
      const v: unknown = flat[t]
      if (typeof v !== 'number' || !Number.isFinite(v))
        return E.left(
          Errors.invalidParameters(
            `covariance entry ${t} is ${Validate.show(v)}; it must be a finite number`,
            undefined,
            `covariance/${t}`,
          ),
        )
      sigma[t] = v
    }
  } else {
    // Rows as a JSON reader may hand them over (null, numbers), whatever the types say.
    const rows = covariance as ReadonlyArray<unknown>
    if (rows.length !== d)
      return E.left(Errors.invalidParameters(`the covariance has ${rows.length} rows, expected ${d}`, undefined, 'covariance'))
    for (let r = 0; r < d; r++) {
      const row = rows[r]
      if (row === null || typeof row !== 'object' || (row as ArrayLike<unknown>).length !== d) {
        return E.left(Errors.invalidParameters(`covariance row ${r} must be an array of ${d} numbers`, undefined, `covariance/${r}`))
      }
      for (let c = 0; c < d; c++) {
        const v: unknown = (row as ArrayLike<unknown>)[c]
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          return E.left(
            Errors.invalidParameters(
              `covariance[${r}][${c}] is ${Validate.show(v)}; it must be a finite number`,
              undefined,
              `covariance/${r}/${c}`,
            ),
          )
        }
        sigma[r * d + c] = v
      }
    }
  }
  for (let r = 0; r < d; r++) {
    for (let c = 0; c < d; c++) {
      const v = sigma[r * d + c]!
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        return E.left(
          Errors.invalidParameters(`covariance[${r}][${c}] is ${String(v)}; it must be a finite number`, undefined, `covariance/${r}/${c}`),
        )
      }
    }
  }
  for (let r = 0; r < d; r++) {
    for (let c = 0; c < r; c++) {
      const a = sigma[r * d + c]!
      const b = sigma[c * d + r]!
      const scale = Math.sqrt(Math.abs(sigma[r * d + r]! * sigma[c * d + c]!))
      if (Math.abs(a - b) > 1e-10 * scale) {
        return E.left(
          Errors.invalidParameters(
            `the covariance is not symmetric: [${r}][${c}] = ${a} but [${c}][${r}] = ${b}`,
            undefined,
            `covariance/${r}/${c}`,
          ),
        )
      }
      const m = 0.5 * (a + b)
      sigma[r * d + c] = m
      sigma[c * d + r] = m
    }
  }
  if ((structure === 'diag' || structure === 'spherical') && !isDiagonal(d, sigma)) {
    return E.left(
      Errors.invalidParameters(`a '${structure}' covariance must be diagonal (off-diagonal entries exactly 0)`, undefined, 'covariance'),
    )
  }
  if (structure === 'spherical') {
    const v0 = sigma[0]!
    for (let r = 1; r < d; r++) {
      if (Math.abs(sigma[r * d + r]! - v0) > 1e-10 * Math.abs(v0)) {
        return E.left(
          Errors.invalidParameters(
            `a 'spherical' covariance must be σ²·I, but its diagonal holds ${v0} and ${sigma[r * d + r]}`,
            undefined,
            'covariance',
          ),
        )
      }
    }
  }
  let built: Component | undefined
  if (structure === 'diag' || structure === 'spherical') {
    const variances = new Float64Array(d)
    let mean2 = 0
    for (let r = 0; r < d; r++) mean2 += sigma[r * d + r]! / d
    for (let r = 0; r < d; r++) variances[r] = structure === 'spherical' ? mean2 : sigma[r * d + r]!
    built = fromVariances(structure, mu, variances)
  } else {
    built = fromCovariance(structure, mu, sigma)
  }
  if (built === undefined) {
    return E.left(
      Errors.invalidParameters('the covariance is not positive definite (or its determinant under- or overflows)', undefined, 'covariance'),
    )
  }
  return E.right(built)
}

/**
 * Throwing twin of {@link component}.
 *
 * @category Components
 * @since 0.1.0
 */
export const componentOrThrow = (
  mean: ArrayLike<number>,
  covariance: ArrayLike<number> | ReadonlyArray<ArrayLike<number>>,
  structure: CovarianceType = 'full',
): Component => {
  const r = component(mean, covariance, structure)
  if (E.isLeft(r)) throw new EmException(r.left)
  return r.right
}

/**
 * Mixture parameters from plain arrays: mixing weights, means (k × d) and covariances (k × d × d,
 * or one d × d matrix for `'tied'`, which every component then shares). For convenience in one
 * dimension a mean may be a number and a covariance a number (the variance).
 *
 * @returns `Right(params)` ready for `Mixture.fit(family, data, { k, init: params })`, or
 *   `Left(InvalidParameters)` naming the component at fault. The weights are checked by the fit.
 * @example
 * ```ts
 * const start = Gaussian.parameters('full', { weights: [0.5, 0.5], means: [-1, 1], covariances: [1, 1] })
 * ```
 * @category Parameters
 * @since 0.1.0
 */
export const parameters = (
  structure: CovarianceType,
  spec: {
    readonly weights: ArrayLike<number>
    readonly means: ReadonlyArray<number | ArrayLike<number>>
    readonly covariances: ReadonlyArray<number | ArrayLike<number> | ReadonlyArray<ArrayLike<number>>>
  },
): E.Either<EmError, Mixture.Params<Component>> =>
  Validate.guard(
    () => parametersOf(structure, spec),
    (m) => Errors.invalidParameters(`the parameters could not be read: ${m}`),
  )

const parametersOf = (
  structure: CovarianceType,
  spec: {
    readonly weights: ArrayLike<number>
    readonly means: ReadonlyArray<number | ArrayLike<number>>
    readonly covariances: ReadonlyArray<number | ArrayLike<number> | ReadonlyArray<ArrayLike<number>>>
  },
): E.Either<EmError, Mixture.Params<Component>> => {
  if (!Validate.isObject(spec))
    return E.left(
      Errors.invalidParameters(`the parameters must be an object with weights, means and covariances, got ${Validate.show(spec)}`),
    )
  for (const field of ['weights', 'means', 'covariances'] as const) {
    const a = Validate.arrayLike(field, spec[field])
    if (E.isLeft(a)) return E.left(Errors.invalidParameters(a.left.message, undefined, field))
  }
  const k = spec.means.length
  if (spec.weights.length !== k)
    return E.left(Errors.invalidParameters(`${spec.weights.length} weights for ${k} means`, undefined, 'weights'))
  if (spec.covariances.length !== k)
    return E.left(Errors.invalidParameters(`${spec.covariances.length} covariances for ${k} means`, undefined, 'covariances'))
  const components: Component[] = []
  for (let j = 0; j < k; j++) {
    const m = spec.means[j]!
    const s = spec.covariances[j]!
    const mean = typeof m === 'number' ? [m] : m
    const cov = typeof s === 'number' ? [s] : s
    const c = structure === 'tied' && j > 0 ? sharing(components[0]!, mean) : component(mean, cov, structure)
    if (E.isLeft(c)) return E.left({ ...c.left, component: j, message: `component ${j}: ${c.left.message}` } as EmError)
    if (structure === 'tied' && j > 0 && !sameMatrix(components[0]!.covariance, toFlat(cov, components[0]!.mean.length))) {
      return E.left(
        Errors.invalidParameters(`component ${j}: a 'tied' mixture needs the same covariance for every component`, j, `covariances/${j}`),
      )
    }
    components.push(c.right)
  }
  return E.right({ weights: Float64Array.from(spec.weights), components })
}

const toFlat = (cov: ArrayLike<number> | ReadonlyArray<ArrayLike<number>>, d: number): Float64Array => {
  const out = new Float64Array(d * d)
  const first = (cov as ArrayLike<unknown>)[0]
  if (typeof first === 'number') for (let t = 0; t < Math.min(cov.length, d * d); t++) out[t] = (cov as ArrayLike<number>)[t]!
  else
    for (let r = 0; r < Math.min(cov.length, d); r++)
      for (let c = 0; c < d; c++) out[r * d + c] = (cov as ReadonlyArray<ArrayLike<number>>)[r]![c]!
  return out
}

/** Whether two symmetric matrices agree to 1e-10 relative (entry-wise, scaled by their diagonals). */
export const sameMatrix = (a: Float64Array, b: Float64Array): boolean => {
  if (a.length !== b.length) return false
  const d = Math.round(Math.sqrt(a.length))
  for (let r = 0; r < d; r++) {
    for (let c = 0; c < d; c++) {
      const scale = Math.sqrt(Math.abs(a[r * d + r]! * a[c * d + c]!))
      if (!(Math.abs(a[r * d + c]! - b[r * d + c]!) <= 1e-10 * scale)) return false
    }
  }
  return true
}

/** A component with a new mean and the same (shared) covariance factors as `c`. */
const sharing = (c: Component, mean: ArrayLike<number>): E.Either<EmError, Component> => {
  const d = c.mean.length
  if (mean.length !== d)
    return E.left(Errors.invalidParameters(`the mean has ${mean.length} coordinates, expected ${d}`, undefined, 'mean'))
  const mu = new Float64Array(d)
  for (let t = 0; t < d; t++) {
    const v = mean[t]!
    if (typeof v !== 'number' || !Number.isFinite(v))
      return E.left(Errors.invalidParameters(`mean[${t}] is ${Validate.show(v)}; it must be a finite number`, undefined, `mean/${t}`))
    mu[t] = v
  }
  return E.right({ ...c, mean: mu })
}

/**
 * A component's mean and full covariance as plain arrays, e.g. to draw its ellipse or print it.
 *
 * @example
 * ```ts
 * const fit = Mixture.fitOrThrow(Gaussian.family({ covariance: 'diag' }), Datasets.faithful, { k: 2, seed: 1 })
 * for (const c of fit.params.components) {
 *   const { mean, covariance } = Gaussian.meanAndCovariance(c) // covariance: d × d, full even for 'diag'
 *   console.log(mean, covariance)
 * }
 * ```
 * @category Components
 * @since 0.1.0
 */
export const meanAndCovariance = (c: Component): { mean: number[]; covariance: number[][] } => {
  const d = c.mean.length
  const covariance: number[][] = []
  for (let r = 0; r < d; r++) covariance.push(Array.from(c.covariance.subarray(r * d, (r + 1) * d)))
  return { mean: Array.from(c.mean), covariance }
}

/**
 * log N(x | μ, Σ) of one point (length d), for spot checks and small jobs; the family's batched
 * kernels do the same for whole datasets without allocating per row.
 *
 * @category Components
 * @since 0.1.0
 */
export const logDensity = (c: Component, x: ArrayLike<number>): number => {
  const d = c.mean.length
  const z = new Float64Array(d)
  for (let t = 0; t < d; t++) z[t] = x[t]! - c.mean[t]!
  Linalg.solveLower(d, c.choleskyFactor, 0, z, 0)
  let q = 0
  for (let t = 0; t < d; t++) q += z[t]! * z[t]!
  return -d * Linalg.HALF_LOG_2PI + c.logDetPrecisionCholesky - 0.5 * q
}

const show = (x: number): string => (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6 ? x.toExponential(2) : x.toPrecision(3))

/**
 * The rows' worth of weight a component of a covariance structure needs for its own parameters to
 * be estimated without a singular covariance: d + 1 for `full` (a d × d scatter of rank d), 2 for
 * `diag` and `spherical` (a variance per coordinate), 1 for `tied` (only a mean; the shared
 * covariance pools every component).
 *
 * @category Components
 * @since 0.2.0
 */
export const minimumSupport = (covariance: CovarianceType, d: number): number =>
  covariance === 'full' ? d + 1 : covariance === 'tied' ? 1 : 2

/**
 * The smallest conditional variance of a component relative to the data's variance along that
 * coordinate below which the component counts as degenerate: 10⁻⁶ (a conditional standard deviation
 * under 0.1% of the data's: a spike, not a tight cluster).
 *
 * @category Components
 * @since 0.2.0
 */
export const DEGENERATE_RELATIVE_VARIANCE = 1e-6

/**
 * Why a fitted Gaussian component is degenerate, or `undefined` (the family's
 * `ComponentFamily.degenerate`): it holds fewer rows' worth of weight n·πⱼ than its structure needs
 * ({@link minimumSupport}), or some conditional variance Lᵣᵣ² (a squared diagonal entry of the
 * Cholesky factor of Σ, the variance of coordinate r given the coordinates before it, ≥ the smallest
 * eigenvalue of Σ) is below {@link DEGENERATE_RELATIVE_VARIANCE} times the data's variance along r
 * — a spike on one row or on duplicated values, whose likelihood grows without bound as the
 * regularisation shrinks. A constant data column (variance 0) makes every component degenerate.
 *
 * @param support - n·πⱼ, in rows.
 * @param scale - the data's per-coordinate mean and variance.
 * @example
 * ```ts
 * const fit = Mixture.fitOrThrow(Gaussian.family(), Datasets.faithful, { k: 2, seed: 1 })
 * const scale = { n: 272, mean: new Float64Array([3.49, 70.9]), variance: new Float64Array([1.3, 184]) }
 * Gaussian.degenerate(fit.params.components[0]!, 272 * fit.params.weights[0]!, scale, 'full') // undefined
 * ```
 * @category Components
 * @since 0.2.0
 */
export const degenerate = (
  c: Component,
  support: number,
  scale: { readonly variance: ArrayLike<number> },
  covariance: CovarianceType,
): string | undefined => {
  const d = c.mean.length
  const need = minimumSupport(covariance, d)
  if (support < need)
    return `it holds ${(Math.floor(support * 100) / 100).toFixed(2)} rows' worth of weight, fewer than the ${need} its ${covariance} covariance needs`
  for (let r = 0; r < d; r++) {
    const l = c.choleskyFactor[r * d + r]!
    const v = scale.variance[r]!
    if (!(l * l >= DEGENERATE_RELATIVE_VARIANCE * v) || v === 0)
      return v === 0
        ? `coordinate ${r + 1} is constant in the data`
        : `its variance along coordinate ${r + 1} is ${show(l * l)}, under ${DEGENERATE_RELATIVE_VARIANCE} of the data's (${show(v)}): a spike on ${support < 1.5 ? 'one row' : 'duplicated values'}`
  }
  return undefined
}

/**
 * Whether a fitted component has collapsed onto the regularisation floor: some conditional variance
 * (a squared diagonal entry Lᵣᵣ² of its covariance's Cholesky factor, which is ≥ the smallest
 * eigenvalue of Σ) is below `factor · regularization`. Such a component sits on tied or duplicated
 * values (integer-valued data are the usual cause) and buys a spike of likelihood that BIC rewards:
 * model selection should set such fits aside, as mclust does with singular fits.
 *
 * @param regularization - the family's regularisation (e.g. 1e-6); with 0 nothing is flagged.
 * @param factor - how close to the floor counts as on it. Default 100.
 * @example
 * ```ts
 * const fit = Mixture.fitOrThrow(Gaussian.family(), Datasets.faithful, { k: 2, seed: 1 })
 * const spiky = fit.params.components.some((c) => Gaussian.isDegenerate(c, 1e-6))
 * ```
 * @category Components
 * @since 0.1.0
 */
export const isDegenerate = (c: Component, regularization: number, factor = 100): boolean => {
  const d = c.mean.length
  for (let r = 0; r < d; r++) {
    const l = c.choleskyFactor[r * d + r]!
    if (l * l < factor * regularization) return true
  }
  return false
}
