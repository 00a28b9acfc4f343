/**
 * The Gaussian component family: N(μⱼ, Σⱼ) components for `@emkit/core` mixtures, with four
 * covariance structures (`full`, `diag`, `spherical`, `tied`), each with its own E-step and M-step
 * kernels.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { ComponentFamily, Dataset, Degenerate, EmError, Rng } from '@emkit/core'
import { EmException, Errors, Validate } from '@emkit/core'
import type { Component, CovarianceType } from './Component.js'
import { COVARIANCE_TYPES, component, degenerate, sameMatrix } from './Component.js'
import type { Statistics } from './Statistics.js'
import { sqlCapability } from './Sql.js'
import { monoid, scale, summarize } from './Statistics.js'
import { estimateDiag, logDensityDiag } from './internal/diag.js'
import { estimateFull, logDensityFull } from './internal/full.js'
import { estimateSpherical, logDensitySpherical } from './internal/spherical.js'
import { estimateTied, logDensityTied } from './internal/tied.js'
import { fromUnconstrained, toUnconstrained } from './internal/unconstrained.js'
import { derivatives } from './internal/derivatives.js'
import type { KernelChoice } from './internal/wasm.js'
import { blockKernel, defaultKernel, kernel as wasmKernel, logDensity as wasmLogDensity } from './internal/wasm.js'
import { incompleteData } from './internal/incomplete.js'
import { fixedParameters } from './internal/fixed.js'

/**
 * Options of {@link family}.
 *
 * @category Families
 * @since 0.1.0
 */
export interface FamilyOptions {
  /** The covariance structure. Default `'full'`. */
  readonly covariance?: CovarianceType
  /**
   * Added to the diagonal of every covariance estimate (every component's, or the shared one for
   * `'tied'`; for `'spherical'` to the variance), as scikit-learn's `reg_covar`. It keeps a
   * component that sits on a few points (or a constant column) from collapsing to a singular
   * covariance. Default {@link DEFAULT_REGULARIZATION} (1e-6, scikit-learn's default); 0 gives the
   * exact maximum-likelihood M-step (as mclust). Must be finite and ≥ 0. It is in the data's
   * units squared: scale the data, or scale it with them.
   */
  readonly regularization?: number
  /**
   * The kernel of the fused pass (log-densities, responsibilities and statistics of each block):
   * `'wasm'`, the WebAssembly SIMD kernel compiled from `assembly/kernel.ts` at install, or `'js'`,
   * the plain TypeScript kernels (the reference). Both give the same log-densities and
   * responsibilities to the last bit and the same statistics up to summation order (tested to
   * 1e-12 relative). Default: the `EMKIT_KERNEL` environment variable (`wasm` or `js`) where the
   * runtime has one, else `'wasm'`. Where WebAssembly SIMD cannot run, `'wasm'` falls back to
   * `'js'` ({@link GaussianFamily.kernel} says which runs).
   *
   * @since 0.2.0
   */
  readonly kernel?: 'wasm' | 'js'
}

/**
 * Default {@link FamilyOptions.regularization}: 1e-6, as scikit-learn's `reg_covar`.
 *
 * @category Families
 * @since 0.1.0
 */
export const DEFAULT_REGULARIZATION = 1e-6

/**
 * A Gaussian component family: the `ComponentFamily` of `@emkit/core` for components of type
 * {@link Component} and statistics of type {@link Statistics}.
 *
 * @category Families
 * @since 0.1.0
 */
export interface GaussianFamily extends ComponentFamily<Component, Statistics> {
  /** The covariance structure. */
  readonly covariance: CovarianceType
  /** The regularisation added to every covariance estimate's diagonal. */
  readonly regularization: number
  /**
   * The kernel the fused pass runs: `'wasm'` or `'js'` ({@link FamilyOptions.kernel}; `'js'` when
   * `'wasm'` was asked for where WebAssembly SIMD cannot run).
   *
   * @since 0.2.0
   */
  readonly kernel: 'wasm' | 'js'
}

/**
 * Checks the options of {@link family}.
 *
 * @returns the options with defaults filled in, or `Left(InvalidOptions)` naming the bad option.
 * @category Families
 * @since 0.1.0
 */
export const checkOptions = (
  options: FamilyOptions = {},
): E.Either<EmError, { readonly covariance: CovarianceType; readonly regularization: number; readonly kernel: 'wasm' | 'js' }> => {
  const given = Validate.record('options', options)
  if (E.isLeft(given)) return given
  const covariance = Validate.optional(given.right.covariance, 'full', (v) => Validate.oneOf('covariance', v, COVARIANCE_TYPES))
  if (E.isLeft(covariance)) return covariance
  const regularization = Validate.optional(given.right.regularization, DEFAULT_REGULARIZATION, (v) =>
    Validate.number('regularization', v, { min: 0 }),
  )
  if (E.isLeft(regularization)) return regularization
  const kernel = Validate.optional(given.right.kernel, defaultKernel(), (v) => Validate.oneOf('kernel', v, KERNEL_CHOICES))
  if (E.isLeft(kernel)) return kernel
  return E.right({ covariance: covariance.right, regularization: regularization.right, kernel: kernel.right })
}

const KERNEL_CHOICES: readonly KernelChoice[] = ['wasm', 'js']

interface Kernels {
  readonly diagonal: boolean
  readonly logDensityInto: (data: Dataset.Dataset, components: readonly Component[], out: Float64Array) => void
  readonly estimate: (stats: readonly Statistics[], regularization: number) => E.Either<Degenerate, Component[]>
  /** Covariance parameters of k components in dimension d. */
  readonly covarianceParameters: (d: number, k: number) => number
}

const KERNELS: Record<CovarianceType, Kernels> = {
  full: { diagonal: false, logDensityInto: logDensityFull, estimate: estimateFull, covarianceParameters: (d, k) => (k * d * (d + 1)) / 2 },
  diag: { diagonal: true, logDensityInto: logDensityDiag, estimate: estimateDiag, covarianceParameters: (d, k) => k * d },
  spherical: { diagonal: true, logDensityInto: logDensitySpherical, estimate: estimateSpherical, covarianceParameters: (_d, k) => k },
  tied: { diagonal: false, logDensityInto: logDensityTied, estimate: estimateTied, covarianceParameters: (d) => (d * (d + 1)) / 2 },
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

/**
 * The Gaussian component family for `@emkit/core` mixtures.
 *
 * Free parameters (for BIC/AIC, mixing weights excluded; the mixture adds k − 1), as
 * scikit-learn's `_n_parameters`: k·d means plus k·d(d+1)/2 (`full`), k·d (`diag`), k
 * (`spherical`) or d(d+1)/2 (`tied`) covariance parameters.
 *
 * A covariance estimate that is not positive definite, even after regularisation, is reported to
 * the mixture as a degenerate component with a message that says what to do; the mixture's
 * collapse policy (`'reseed'` by default) then applies.
 *
 * @param options - covariance structure (default `'full'`) and regularisation (default 1e-6).
 * @throws EmException (`InvalidOptions`) for an unknown structure or a negative or non-finite
 *   regularisation; use {@link checkOptions} first to get a `Left` instead.
 * @example
 * ```ts
 * import { Mixture, Datasets } from '@emkit/core'
 * import * as Gaussian from '@emkit/gaussian'
 * const r = Mixture.fit(Gaussian.family({ covariance: 'full' }), Datasets.faithful, { k: 2, restarts: 5, seed: 1 })
 * ```
 * @category Families
 * @since 0.1.0
 */
export const family = (options: FamilyOptions = {}): GaussianFamily => {
  const checked = checkOptions(options)
  if (E.isLeft(checked)) throw new EmException(checked.left)
  const { covariance, regularization } = checked.right
  const kernels = KERNELS[covariance]
  const kernel: KernelChoice = checked.right.kernel === 'wasm' && wasmKernel() !== undefined ? 'wasm' : 'js'

  const fromJSON = (components: readonly unknown[], d: number): E.Either<EmError, Component[]> => {
    const out: Component[] = []
    for (let j = 0; j < components.length; j++) {
      const c = components[j]
      const at = `components/${j}`
      if (!isRecord(c)) return E.left(Errors.invalidModel(`component ${j} must be an object with "mean" and "covariance"`, at))
      const mean = c['mean']
      const cov = c['covariance']
      if (!Array.isArray(mean) || mean.length !== d || !mean.every((v) => typeof v === 'number')) {
        return E.left(Errors.invalidModel(`component ${j}: "mean" must be an array of ${d} numbers`, `${at}/mean`))
      }
      if (
        !Array.isArray(cov) ||
        cov.length !== d ||
        !cov.every((row) => Array.isArray(row) && row.length === d && row.every((v) => typeof v === 'number'))
      ) {
        return E.left(Errors.invalidModel(`component ${j}: "covariance" must be a ${d} × ${d} array of numbers`, `${at}/covariance`))
      }
      const built = component(mean, cov as number[][], covariance)
      if (E.isLeft(built))
        return E.left(
          Errors.invalidModel(`component ${j}: ${built.left.message}`, `${at}/${'path' in built.left ? built.left.path : 'covariance'}`),
        )
      if (covariance === 'tied' && j > 0) {
        if (!sameMatrix(out[0]!.covariance, built.right.covariance)) {
          return E.left(
            Errors.invalidModel(`component ${j}: a 'tied' model needs the same covariance in every component`, `${at}/covariance`),
          )
        }
        out.push({ ...out[0]!, mean: built.right.mean })
      } else {
        out.push(built.right)
      }
    }
    return E.right(out)
  }

  return {
    name: 'gaussian',
    variant: { covariance },
    covariance,
    regularization,
    kernel,
    worker: { module: import.meta.url, factory: 'family', options: { covariance, regularization, kernel } },
    blockKernel: (d: number) => (kernel === 'wasm' ? blockKernel(covariance, d) : undefined),
    checkData: (data) => {
      const { n, d, values } = data
      if (!(d >= 1) || values.length !== n * d)
        return E.left(Errors.invalidData(`the dataset's values have length ${values.length}, expected n·d = ${n}·${d}`))
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < d; c++) {
          const v = values[i * d + c]!
          if (!Number.isFinite(v) && data.missing?.[i * d + c] !== 1)
            return E.left(Errors.invalidData(`row ${i}, column ${c}: value is ${String(v)}; Gaussian data must be finite numbers`, i, c))
        }
      }
      return E.right(data)
    },
    logDensityInto: (kernel === 'wasm' ? wasmLogDensity(covariance, kernels.logDensityInto) : undefined) ?? kernels.logDensityInto,
    incomplete: incompleteData(kernels.logDensityInto, kernels.diagonal),
    fixed: fixedParameters(covariance, regularization, kernels.estimate),
    statistics: (d) => monoid(d, kernels.diagonal),
    summarize: (data, weights, offset) => summarize(data, weights, offset, kernels.diagonal),
    sql: sqlCapability(kernels.diagonal),
    weight: (s) => s.weight,
    scale,
    estimate: (stats) => kernels.estimate(stats, regularization),
    freeParameters: (d, k) => k * d + kernels.covarianceParameters(d, k),
    degenerate: (c, support, scale) => degenerate(c, support, scale, covariance),
    dimension: (c) => c.mean.length,
    sample: (c: Component, rng: Rng.Rng, out: Float64Array, offset: number) => {
      const d = c.mean.length
      const l = c.choleskyFactor
      for (let r = 0; r < d; r++) out[offset + r] = rng.normal()
      // x = μ + L·z, from the last row up so that z₀ … z_r are still unread when row r is written.
      for (let r = d - 1; r >= 0; r--) {
        let s = c.mean[r]!
        for (let t = 0; t <= r; t++) s += l[r * d + t]! * out[offset + t]!
        out[offset + r] = s
      }
    },
    toJSON: (components) =>
      components.map((c) => {
        const d = c.mean.length
        const rows: number[][] = []
        for (let r = 0; r < d; r++) rows.push(Array.from(c.covariance.subarray(r * d, (r + 1) * d)))
        return { mean: Array.from(c.mean), covariance: rows }
      }),
    fromJSON,
    toVector: (c) => {
      const v = new Float64Array(c.mean.length + c.covariance.length)
      v.set(c.mean, 0)
      v.set(c.covariance, c.mean.length)
      return v
    },
    toUnconstrained: (components) => toUnconstrained(covariance, components),
    fromUnconstrained: (vector, like) => fromUnconstrained(covariance, vector, like),
    derivatives: (components) => derivatives(covariance, components),
    validate: (components, d) => {
      for (let j = 0; j < components.length; j++) {
        const c = components[j]!
        if (c.structure !== covariance) {
          return E.left(Errors.invalidParameters(`component ${j} is a '${c.structure}' component but the family is '${covariance}'`, j))
        }
        if (
          c.mean.length !== d ||
          c.covariance.length !== d * d ||
          c.precisionCholesky.length !== d * d ||
          c.choleskyFactor.length !== d * d
        ) {
          return E.left(Errors.invalidParameters(`component ${j} has dimension ${c.mean.length} but the data have ${d} columns`, j))
        }
        const rows: number[][] = []
        for (let r = 0; r < d; r++) rows.push(Array.from(c.covariance.subarray(r * d, (r + 1) * d)))
        const again = component(c.mean, rows, covariance)
        if (E.isLeft(again))
          return E.left(
            Errors.invalidParameters(
              `component ${j}: ${again.left.message}`,
              j,
              `components/${j}/${'path' in again.left ? again.left.path : ''}`,
            ),
          )
        if (!Number.isFinite(c.logDetPrecisionCholesky))
          return E.left(Errors.invalidParameters(`component ${j}: its log-determinant is not finite`, j))
        if (covariance === 'tied' && j > 0 && !sameMatrix(components[0]!.covariance, c.covariance)) {
          return E.left(
            Errors.invalidParameters(
              `component ${j}: a 'tied' mixture needs the same covariance for every component`,
              j,
              `components/${j}/covariance`,
            ),
          )
        }
      }
      return E.right(components)
    },
  }
}
