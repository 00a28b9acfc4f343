/**
 * The EM loop: one function, {@link fit}, over any {@link Model}.
 *
 * The loop owns initialisation, restarts, the stopping rule, progress, cancellation and the final
 * checks; the model supplies the E-step and the M-step. It never returns non-finite parameters.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { EmError } from './Errors.js'
import { EmAbort, EmException, invalidOptions } from './Errors.js'
import type { FitWarning, Model } from './Model.js'
import type { Rng } from './Rng.js'
import { seeded } from './Rng.js'

/**
 * Produces starting parameters from the data and a random stream (e.g. k-means++).
 *
 * @category Fitting
 * @since 0.1.0
 */
export type Initializer<D, P> = (data: D, rng: Rng) => E.Either<EmError, P>

/**
 * Progress reported after every iteration.
 *
 * @category Fitting
 * @since 0.1.0
 */
export interface Progress {
  /** The iteration just completed (1-based M-step count). */
  readonly iteration: number
  /** log p(X | θ) after this iteration. */
  readonly logLikelihood: number
  /** Change from the previous iteration (total, not per row). */
  readonly delta: number
  /** The restart in progress (0-based). */
  readonly restart: number
  /** The number of restarts. */
  readonly restarts: number
}

/** Default {@link FitOptions.maxIterations}. @category Fitting @since 0.1.0 */
export const DEFAULT_MAX_ITERATIONS = 1000
/**
 * Default {@link FitOptions.tolerance}: 1e-8 on the mean per-row log-likelihood change.
 * scikit-learn's 1e-3 stops the lecture 1-D example at iteration 4 with parameters 7·10⁻³ from the
 * optimum; 1e-8 stops within ~10⁻⁴ of it.
 *
 * @category Fitting
 * @since 0.1.0
 */
export const DEFAULT_TOLERANCE = 1e-8

/**
 * Options of {@link fit}.
 *
 * @category Fitting
 * @since 0.1.0
 */
export interface FitOptions<D, P> {
  /** Starting parameters θ₀, or an initialiser that draws them from the data and a random stream. */
  readonly init: P | Initializer<D, P>
  /** Maximum number of M-steps. Default {@link DEFAULT_MAX_ITERATIONS} (1000). */
  readonly maxIterations?: number
  /**
   * Stop when |Δ log-likelihood| / n < tolerance (n = {@link Model.observations}), as scikit-learn;
   * a decrease beyond rounding never counts as convergence. 0 runs exactly `maxIterations` steps.
   * Default {@link DEFAULT_TOLERANCE} (1e-8).
   */
  readonly tolerance?: number
  /**
   * Number of fits from independent initialisations; the one with the best final log-likelihood
   * is returned. Only meaningful with an initialiser. Default 1.
   */
  readonly restarts?: number
  /** Called after every iteration (progress bars, logging). */
  readonly onIteration?: (progress: Progress) => void
  /** Cancels the fit: it stops after the current iteration with `stopReason: 'aborted'`. */
  readonly signal?: AbortSignal
  /** Seed of the random stream (initialisation, restarts, re-seeding). Default 0. */
  readonly seed?: number
  /** A random stream to use instead of `seed`. */
  readonly rng?: Rng
}

/**
 * Why the loop stopped.
 *
 * @category Fitting
 * @since 0.1.0
 */
export type StopReason = 'tolerance' | 'maxIterations' | 'aborted'

/**
 * A fitted model.
 *
 * @category Fitting
 * @since 0.1.0
 */
export interface Fit<P> {
  /** The parameters after the last M-step (always finite). */
  readonly params: P
  /** log p(X | θ) at `params` (= `trace[iterations]`). */
  readonly logLikelihood: number
  /** `trace[t]` = log p(X | θₜ), total over rows; `trace[0]` at the start; `iterations + 1` entries. */
  readonly trace: readonly number[]
  /** Number of M-steps done. */
  readonly iterations: number
  /** Whether the tolerance rule fired. */
  readonly converged: boolean
  /** Why the loop stopped. */
  readonly stopReason: StopReason
  /** Warnings collected along the fit (all restarts). */
  readonly warnings: readonly FitWarning[]
  /** n used by the stopping rule and information criteria. */
  readonly observations: number
  /** Which restart won (0-based). */
  readonly restart: number
}

/**
 * Slack under which a log-likelihood decrease is rounding, not a bug: 1e-10·(1 + |ℓ|).
 *
 * @category Fitting
 * @since 0.1.0
 */
export const decreaseSlack = (logLikelihood: number): number => 1e-10 * (1 + Math.abs(logLikelihood))

const isFiniteVector = (v: Float64Array): boolean => {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) return false
  return true
}

const checkOptions = <D, P>(o: FitOptions<D, P>): EmError | undefined => {
  const maxIt = o.maxIterations ?? DEFAULT_MAX_ITERATIONS
  if (!Number.isInteger(maxIt) || maxIt < 0) return invalidOptions('maxIterations', `maxIterations must be an integer ≥ 0, got ${maxIt}`)
  const tol = o.tolerance ?? DEFAULT_TOLERANCE
  if (!(tol >= 0) || !Number.isFinite(tol)) return invalidOptions('tolerance', `tolerance must be a finite number ≥ 0, got ${tol}`)
  const restarts = o.restarts ?? 1
  if (!Number.isInteger(restarts) || restarts < 1) return invalidOptions('restarts', `restarts must be an integer ≥ 1, got ${restarts}`)
  return undefined
}

const runOnce = <D, P, Q, Z>(
  model: Model<D, P, Q, Z>,
  data: D,
  init: P,
  options: FitOptions<D, P>,
  rng: Rng,
  restart: number,
  restarts: number,
  warnings: FitWarning[],
): E.Either<EmError, Fit<P>> => {
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE
  const n = model.observations(data)
  const validated = model.validate(data, init)
  if (E.isLeft(validated)) return validated
  let params = validated.right
  let post = model.posterior(data, params)
  if (!Number.isFinite(post.logLikelihood)) {
    return E.left({
      _tag: 'NonFinite',
      iteration: 0,
      message: `the log-likelihood at the starting parameters is ${post.logLikelihood}: some observation has zero density under every component; choose a start that covers the data`,
    })
  }
  const trace = [post.logLikelihood]
  let stopReason: StopReason = 'maxIterations'
  let converged = false
  let iteration = 0
  while (iteration < maxIterations) {
    if (options.signal?.aborted === true) {
      stopReason = 'aborted'
      break
    }
    const t = iteration + 1
    let excused = false
    const next = model.maximize(data, post.posterior, {
      iteration: t,
      previous: params,
      rng,
      warn: (w, breaks) => {
        warnings.push(restarts > 1 ? { ...w, restart } : w)
        if (breaks === true) excused = true
      },
    })
    if (E.isLeft(next)) return next
    if (!isFiniteVector(model.toVector(next.right))) {
      return E.left({ _tag: 'NonFinite', iteration: t, message: `the M-step of iteration ${t} produced non-finite parameters` })
    }
    const nextPost = model.posterior(data, next.right)
    const ll = nextPost.logLikelihood
    if (!Number.isFinite(ll)) {
      return E.left({ _tag: 'NonFinite', iteration: t, message: `the log-likelihood after iteration ${t} is ${ll}` })
    }
    params = next.right
    post = nextPost
    iteration = t
    const prev = trace[trace.length - 1]!
    trace.push(ll)
    const delta = ll - prev
    options.onIteration?.({ iteration: t, logLikelihood: ll, delta, restart, restarts })
    if (delta < -decreaseSlack(prev)) {
      if (!excused) {
        warnings.push({
          kind: 'logLikelihoodDecreased',
          iteration: t,
          size: -delta,
          message: `log-likelihood decreased by ${(-delta).toExponential(3)} at iteration ${t} (from ${prev} to ${ll}); an exact EM step cannot do this`,
          ...(restarts > 1 ? { restart } : {}),
        })
      }
      continue
    }
    if (tolerance > 0 && Math.abs(delta) / n < tolerance) {
      converged = true
      stopReason = 'tolerance'
      break
    }
  }
  return E.right({
    params,
    logLikelihood: trace[trace.length - 1]!,
    trace,
    iterations: iteration,
    converged,
    stopReason,
    warnings,
    observations: n,
    restart,
  })
}

/**
 * Fits `model` to `data` by EM.
 *
 * From θ₀ (given, or drawn by an initialiser) the loop alternates M-step and E-step; `trace[t]` is
 * log p(X | θₜ). It stops when the mean per-row change falls under `tolerance`, after
 * `maxIterations` steps, or when `signal` aborts. With several `restarts`, the fit with the highest
 * final log-likelihood wins (restart r draws from the r-th split of the random stream, so the whole
 * run is determined by `seed`).
 *
 * @returns `Right(Fit)`, or `Left` with a typed error: invalid options or starting parameters, a
 *   collapsed component the model could not handle, or non-finite values.
 * @example
 * ```ts
 * const result = fit(model, data, { init: theta0, tolerance: 0, maxIterations: 100 })
 * if (E.isRight(result)) console.log(result.right.trace)
 * ```
 * @category Fitting
 * @since 0.1.0
 */
export const fit = <D, P, Q, Z>(model: Model<D, P, Q, Z>, data: D, options: FitOptions<D, P>): E.Either<EmError, Fit<P>> => {
  const bad = checkOptions(options)
  if (bad !== undefined) return E.left(bad)
  try {
    const rng = options.rng ?? seeded(options.seed ?? 0)
    const init = options.init
    if (typeof init !== 'function') return runOnce(model, data, init, options, rng, 0, 1, [])
    const initializer = init as Initializer<D, P>
    const restarts = options.restarts ?? 1
    const warnings: FitWarning[] = []
    let best: Fit<P> | undefined
    let firstError: EmError | undefined
    for (let r = 0; r < restarts; r++) {
      const stream = rng.split()
      const start = initializer(data, stream)
      const result = E.isLeft(start) ? start : runOnce(model, data, start.right, options, stream, r, restarts, warnings)
      if (E.isLeft(result)) {
        if (restarts === 1) return result
        firstError ??= result.left
        warnings.push({ kind: 'restartFailed', iteration: 0, restart: r, message: `restart ${r} failed: ${result.left.message}` })
        continue
      }
      if (best === undefined || result.right.logLikelihood > best.logLikelihood) best = result.right
      if (result.right.stopReason === 'aborted') break
    }
    if (best === undefined) return E.left(firstError!)
    return E.right({ ...best, warnings })
  } catch (e) {
    if (e instanceof EmAbort) return E.left(e.error)
    throw e
  }
}

/**
 * Throwing twin of {@link fit}: returns the `Fit` or throws an {@link EmException}.
 *
 * @category Fitting
 * @since 0.1.0
 */
export const fitOrThrow = <D, P, Q, Z>(model: Model<D, P, Q, Z>, data: D, options: FitOptions<D, P>): Fit<P> => {
  const r = fit(model, data, options)
  if (E.isLeft(r)) throw new EmException(r.left)
  return r.right
}
