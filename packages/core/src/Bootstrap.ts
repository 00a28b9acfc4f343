/**
 * Bootstrap standard errors for any model with a refit function: fit the model again on B data
 * sets drawn from the data (nonparametric: rows with replacement) or from the fitted model
 * (parametric), each refit started from the fitted θ̂, each result matched to θ̂ (label switching),
 * and take the spread of the refits. As mclust's `MclustBootstrap` and mixtools' `boot.se` do.
 * `Mixture.bootstrap` is the mixture's ready-made use of it.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { EmError } from './Errors.js'
import { invalidOptions } from './Errors.js'
import type { Rng } from './Rng.js'
import { seeded } from './Rng.js'

/** Default number of bootstrap replicates: 999, as mclust's `MclustBootstrap`. @category Fitting @since 0.2.0 */
export const DEFAULT_REPLICATES = 999

/**
 * What {@link bootstrap} needs of a model.
 *
 * @category Fitting
 * @since 0.2.0
 */
export interface BootstrapOptions<D, P> {
  /** One bootstrap data set, drawn with `rng`. */
  readonly resample: (rng: Rng) => D
  /** The model refitted on `data` from `start` (the fitted θ̂); `Left` when the refit fails (the replicate is dropped). */
  readonly refit: (data: D, start: P) => E.Either<EmError, P>
  /** The parameters whose spread is wanted, as one flat vector (e.g. weights then each component's entries). */
  readonly toVector: (params: P) => Float64Array
  /** Relabels a refit to match the fitted θ̂ (label switching); default: none. */
  readonly align?: (params: P, reference: P) => P
  /** Number of replicates B. Default {@link DEFAULT_REPLICATES} (999). */
  readonly replicates?: number
  /** Seed of the random stream. Default 0. */
  readonly seed?: number
}

/**
 * The outcome of {@link bootstrap}: the standard deviation of every coordinate over the refits and
 * their covariance matrix.
 *
 * @category Fitting
 * @since 0.2.0
 */
export interface BootstrapResult {
  /** Replicates whose refit succeeded (the others are dropped). */
  readonly replicates: number
  /** Replicates whose refit failed. */
  readonly failed: number
  /** Standard deviation (divisor B − 1) of each coordinate of `toVector`. */
  readonly standardErrors: Float64Array
  /** Sample covariance of the coordinates (divisor B − 1), m × m, row-major. */
  readonly covariance: Float64Array
}

/**
 * Bootstrap standard errors of `fitted` (see the module comment).
 *
 * @returns `Right(BootstrapResult)`, or `Left(InvalidOptions)` for fewer than 2 replicates or a seed
 *   that is not a finite number, or the first refit's error when more than half of the refits fail.
 * @example
 * ```ts
 * import { Bootstrap, Rng } from '@emkit/core'
 * const xs = [1.2, 0.7, 2.3, 1.9, 0.4, 1.1]
 * const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length
 * const r = Bootstrap.bootstrap(mean(xs), {
 *   resample: (rng: Rng.Rng) => xs.map(() => xs[Math.floor(rng.uniform() * xs.length)]!),
 *   refit: (data: number[]) => E.right(mean(data)),
 *   toVector: (m: number) => Float64Array.of(m),
 *   replicates: 200,
 * })
 * ```
 * @category Fitting
 * @since 0.2.0
 */
export const bootstrap = <D, P>(fitted: P, options: BootstrapOptions<D, P>): E.Either<EmError, BootstrapResult> => {
  const b = options.replicates ?? DEFAULT_REPLICATES
  if (!Number.isInteger(b) || b < 2) return E.left(invalidOptions('replicates', `replicates must be an integer ≥ 2, got ${String(b)}`))
  const seed = options.seed ?? 0
  if (typeof seed !== 'number' || !Number.isFinite(seed))
    return E.left(invalidOptions('seed', `seed must be a finite number, got ${String(seed)}`))
  const rng = seeded(seed)
  const vectors: Float64Array[] = []
  let firstError: EmError | undefined
  for (let r = 0; r < b; r++) {
    const stream = rng.split()
    const refit = options.refit(options.resample(stream), fitted)
    if (E.isLeft(refit)) {
      firstError ??= refit.left
      continue
    }
    const aligned = options.align === undefined ? refit.right : options.align(refit.right, fitted)
    const v = options.toVector(aligned)
    if (v.every(Number.isFinite)) vectors.push(v)
  }
  const ok = vectors.length
  if (ok < 2 || ok * 2 < b) {
    return E.left(firstError ?? invalidOptions('replicates', `only ${ok} of ${b} bootstrap refits gave finite parameters`))
  }
  const m = vectors[0]!.length
  const mean = new Float64Array(m)
  for (const v of vectors) for (let t = 0; t < m; t++) mean[t] = mean[t]! + v[t]! / ok
  const covariance = new Float64Array(m * m)
  for (const v of vectors)
    for (let r = 0; r < m; r++) {
      const dr = v[r]! - mean[r]!
      for (let c = 0; c <= r; c++) covariance[r * m + c] = covariance[r * m + c]! + (dr * (v[c]! - mean[c]!)) / (ok - 1)
    }
  for (let r = 0; r < m; r++) for (let c = 0; c < r; c++) covariance[c * m + r] = covariance[r * m + c]!
  const standardErrors = Float64Array.from({ length: m }, (_, t) => Math.sqrt(covariance[t * m + t]!))
  return E.right({ replicates: ok, failed: b - ok, standardErrors, covariance })
}
