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
import { EmException, invalidOptions } from './Errors.js'
import type { AsyncModel, FitWarning, LoopModel, MaybePromise, Posterior, StepContext, Unconstrained } from './Model.js'
import type { Rng } from './Rng.js'
import { seeded } from './Rng.js'
import * as Validate from './Validate.js'
import type { Acceleration, StoppingRule } from './Squarem.js'
import { ACCELERATIONS, aitken, DEFAULT_STEP_BOUNDS, extrapolate, relativeChange, STABILISE_ABOVE, STOPPING_RULES } from './Squarem.js'

/**
 * Produces starting parameters from the data and a random stream (e.g. k-means++).
 *
 * @category Initialisation
 * @since 0.1.0
 */
export type Initializer<D, P> = (data: D, rng: Rng, warn?: (warning: FitWarning) => void) => E.Either<EmError, P>

/**
 * An initialiser that may be asynchronous (it may read the data from a stream), for
 * {@link fitAsync} and {@link iterate}.
 *
 * @category Initialisation
 * @since 0.2.0
 */
export type AsyncInitializer<D, P> = (data: D, rng: Rng, warn?: (warning: FitWarning) => void) => MaybePromise<E.Either<EmError, P>>

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
  /**
   * Maximum number of iterations: M-steps for plain EM, accepted steps (SQUAREM cycles) with
   * `accelerate: 'squarem'`. Default {@link DEFAULT_MAX_ITERATIONS} (1000).
   */
  readonly maxIterations?: number
  /**
   * The threshold of the stopping rule (`stop`): by default stop when |Δ log-likelihood| / n <
   * tolerance (n = {@link LoopModel.observations}), as scikit-learn; a decrease beyond rounding
   * never counts as convergence. 0 runs exactly `maxIterations` iterations. Default
   * {@link DEFAULT_TOLERANCE} (1e-8).
   */
  readonly tolerance?: number
  /**
   * The stopping rule `tolerance` applies to (see {@link @emkit/core!Squarem.StoppingRule | Squarem.StoppingRule}): `'loglik'`
   * (default; the per-row log-likelihood change), `'parameters'` (the largest relative parameter
   * change) or `'aitken'` (the Aitken Δ² estimate of the per-row distance to the limit ℓ∞).
   */
  readonly stop?: StoppingRule
  /**
   * `'none'` (default): plain EM. `'squarem'`: SQUAREM S3 (Varadhan & Roland 2008) with step
   * bounding and the monotonicity safeguard, in the model's {@link LoopModel.unconstrained}
   * parametrisation (`Left(InvalidOptions)` when the model has none). Each trace entry is then an
   * accepted step; {@link Fit.evaluations} counts the E-steps.
   */
  readonly accelerate?: Acceleration
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
 * Options of {@link fitAsync} and {@link iterate}: those of {@link fit}, with an initialiser that may
 * be asynchronous.
 *
 * @category Fitting
 * @since 0.2.0
 */
export interface AsyncFitOptions<D, P> extends Omit<FitOptions<D, P>, 'init'> {
  /** Starting parameters θ₀, or an initialiser (possibly asynchronous). */
  readonly init: P | AsyncInitializer<D, P>
}

/** The options the stepping logic reads (every face of the loop has them). */
type LoopOptions = Omit<FitOptions<unknown, unknown>, 'init'>

/**
 * One step of EM as {@link iterate} reports it: the iteration just completed, with ℓ, Δ, θ and
 * timing.
 *
 * @category Fitting
 * @since 0.2.0
 */
export interface Step<P> {
  /** The restart in progress (0-based). */
  readonly restart: number
  /** The iteration just completed (1-based M-step count). */
  readonly iteration: number
  /** log p(X | θ) at `params`. */
  readonly logLikelihood: number
  /** Change from the previous iteration (total, not per row). */
  readonly delta: number
  /** θ after this iteration. */
  readonly params: P
  /** E-steps used so far by the whole fit (all restarts), as {@link Fit.evaluations}. */
  readonly evaluations: number
  /** Wall-clock milliseconds this iteration took (M-step and E-step). */
  readonly milliseconds: number
  /** Warnings raised during this iteration. */
  readonly warnings: readonly FitWarning[]
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
  /**
   * `trace[t]` = log p(X | θₜ), total over rows; `trace[0]` at the start; `iterations + 1` entries
   * (with SQUAREM, one entry per accepted step).
   */
  readonly trace: readonly number[]
  /** Number of iterations done: M-steps for plain EM, accepted steps with SQUAREM. */
  readonly iterations: number
  /**
   * E-steps (passes over the data, each giving log p(X | θ)) the fit used, over all restarts,
   * including those at rejected extrapolated points: `iterations + 1` for one plain-EM run. The
   * measure to compare plain EM and SQUAREM by.
   */
  readonly evaluations: number
  /**
   * The Aitken Δ² estimate of the linear rate of convergence, (ℓₜ − ℓₜ₋₁) / (ℓₜ₋₁ − ℓₜ₋₂), from the
   * last three trace entries whose increments both exceed the rounding slack ({@link decreaseSlack});
   * for plain EM it estimates the largest fraction of missing information. Absent when no such
   * entries exist (see {@link @emkit/core!Squarem.aitken | Squarem.aitken}).
   */
  readonly convergenceRate?: number
  /** The Aitken Δ² estimate of the limit ℓ∞ of the trace from the same entries; absent when the rate is not in [0, 1). */
  readonly logLikelihoodLimit?: number
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

const checkOptions = (o: LoopOptions): EmError | undefined => {
  if (!Validate.isObject(o)) return invalidOptions('options', `options must be an object, got ${Validate.show(o)}`)
  const checks = [
    Validate.optional(o.maxIterations, 0, (v) => Validate.integer('maxIterations', v, { min: 0 })),
    Validate.optional(o.tolerance, 0, (v) => Validate.number('tolerance', v, { min: 0 })),
    Validate.optional(o.restarts, 1, (v) => Validate.integer('restarts', v, { min: 1 })),
    Validate.optional(o.accelerate, 'none', (v) => Validate.oneOf('accelerate', v, ACCELERATIONS)),
    Validate.optional(o.stop, 'loglik', (v) => Validate.oneOf('stop', v, STOPPING_RULES)),
    Validate.optional(o.seed, 0, (v) => Validate.number('seed', v)),
    Validate.optional(o.rng, undefined, (v) => Validate.methods('rng', v, ['uniform', 'int', 'normal'])),
    Validate.optional(o.signal, undefined, (v) => Validate.methods('signal', v, ['addEventListener', 'removeEventListener'])),
    Validate.optional(o.onIteration, undefined, (v) => Validate.callback('onIteration', v)),
  ]
  for (const c of checks) if (E.isLeft(c)) return c.left
  return undefined
}

/** A point of the run: parameters and the E-step at them. */
interface Point<P, Q> {
  readonly params: P
  readonly post: Posterior<Q>
}

/** What one iteration shares with the steps it takes. */
interface StepState {
  readonly t: number
  readonly rng: Rng
  readonly warn: (w: FitWarning, breaks?: boolean) => void
  /** Set by `warn(…, true)`: this iteration left plain EM on purpose. */
  readonly excused: () => boolean
  /** E-steps so far (over all restarts). */
  readonly count: { evaluations: number }
}

/** One EM step from `from`: the M-step, then the E-step at its result; `Left` for non-finite values (EM itself went wrong). */
function* emStep<D, P, Q>(
  model: AsyncModel<D, P, Q>,
  from: Point<P, Q>,
  s: StepState,
): Generator<Request<D, P, Q>, E.Either<EmError, Point<P, Q>>, Reply<P, Q>> {
  const t = s.t
  const next = (yield {
    tag: 'maximize',
    posterior: from.post.posterior,
    context: { iteration: t, previous: from.params, rng: s.rng, warn: s.warn },
  }) as E.Either<EmError, P>
  if (E.isLeft(next)) return next
  if (!isFiniteVector(model.toVector(next.right))) {
    return E.left({ _tag: 'NonFinite', iteration: t, message: `the M-step of iteration ${t} produced non-finite parameters` })
  }
  const post = (yield { tag: 'posterior', params: next.right }) as Posterior<Q>
  s.count.evaluations++
  if (!Number.isFinite(post.logLikelihood)) {
    return E.left({ _tag: 'NonFinite', iteration: t, message: `the log-likelihood after iteration ${t} is ${post.logLikelihood}` })
  }
  return E.right({ params: next.right, post })
}

/**
 * The relative rounding of a log-likelihood sum (1e-12·(1 + |ℓ|), a hundredth of
 * {@link decreaseSlack}): an extrapolated point this close below θ₀ is as good as θ₀, and refusing it
 * would make SQUAREM stall on rounding noise near the optimum.
 */
const ROUNDING = 1e-12

/** SQUAREM's adaptive upper bound of the step length, carried from cycle to cycle. */
interface SquaremState {
  stepMax: number
}

/**
 * One SQUAREM S3 cycle from `from` (see `Squarem.ts`): two EM steps, the extrapolated point,
 * its stabilising EM step when α ≠ 1, and the monotonicity safeguard (back to the second EM step
 * when the point lowers the log-likelihood below `from`'s, or is not admissible). An M-step that
 * leaves plain EM on purpose (re-seeding) ends the cycle at the EM step it made.
 */
function* squaremStep<D, P, Q>(
  model: AsyncModel<D, P, Q>,
  data: D,
  u: Unconstrained<P>,
  from: Point<P, Q>,
  s: StepState,
  state: SquaremState,
): Generator<Request<D, P, Q>, E.Either<EmError, Point<P, Q>>, Reply<P, Q>> {
  const first = yield* emStep(model, from, s)
  if (E.isLeft(first) || s.excused()) return first
  const second = yield* emStep(model, first.right, s)
  if (E.isLeft(second) || s.excused()) return second
  const { stepMin, stepMax0, mstep } = DEFAULT_STEP_BOUNDS
  const step = extrapolate(u.toVector(from.params), u.toVector(first.right.params), u.toVector(second.right.params), stepMin, state.stepMax)
  if (step === undefined) return second
  const accepted = yield* extrapolated(model, data, u, from, second.right.params, step, s)
  let alpha = step.alpha
  if (accepted === undefined) {
    if (alpha === state.stepMax) state.stepMax = Math.max(stepMax0, state.stepMax / mstep)
    alpha = 1
  }
  if (alpha === state.stepMax) state.stepMax = mstep * state.stepMax
  return E.right(accepted ?? second.right)
}

/** The extrapolated point, stabilised, if it is admissible and does not lower the log-likelihood below `from`'s; else `undefined`. */
function* extrapolated<D, P, Q>(
  model: AsyncModel<D, P, Q>,
  data: D,
  u: Unconstrained<P>,
  from: Point<P, Q>,
  like: P,
  step: { readonly point: Float64Array; readonly alpha: number },
  s: StepState,
): Generator<Request<D, P, Q>, Point<P, Q> | undefined, Reply<P, Q>> {
  // The second EM step gives the shape: the latest boundary pattern (e.g. probabilities at 0).
  const candidate = u.fromVector(step.point, like)
  if (E.isLeft(candidate) || E.isLeft(model.validate(data, candidate.right)) || !isFiniteVector(model.toVector(candidate.right)))
    return undefined
  const point: Point<P, Q> = { params: candidate.right, post: (yield { tag: 'posterior', params: candidate.right }) as Posterior<Q> }
  s.count.evaluations++
  // A point below θ₀ is rejected before its stabilising step (which squarem1 would still take):
  // that saves one E-step per rejection, ~10 % of them on faithful k = 3 (docs/convergence-and-uncertainty.md).
  if (!(point.post.logLikelihood >= from.post.logLikelihood - ROUNDING * (1 + Math.abs(from.post.logLikelihood)))) return undefined
  if (Math.abs(step.alpha - 1) > STABILISE_ABOVE) {
    // The stabilising EM step: its warnings count only if the point is kept, and re-seeding rejects it.
    const held: FitWarning[] = []
    const trial = { excused: false }
    const stabilised = yield* emStep(model, point, {
      ...s,
      warn: (w, breaks) => {
        held.push(w)
        if (breaks === true) trial.excused = true
      },
    })
    if (E.isLeft(stabilised) || trial.excused) return undefined
    for (const w of held) s.warn(w)
    return stabilised.right
  }
  return point
}

/**
 * The Aitken rate and limit reported with a fit: from the last three entries whose two increments
 * both exceed the rounding slack, since increments at the rounding floor say nothing about the rate.
 */
const diagnostics = (trace: readonly number[]): ReturnType<typeof aitken> => {
  for (let m = trace.length - 1; m >= 2; m--) {
    const ll = trace[m]!
    if (ll - trace[m - 1]! > decreaseSlack(ll) && trace[m - 1]! - trace[m - 2]! > decreaseSlack(ll))
      return aitken(trace.slice(m - 2, m + 1))
  }
  return {}
}

/** Whether the stopping rule fires after an iteration that did not decrease the log-likelihood. */
const stops = (
  rule: StoppingRule,
  tolerance: number,
  n: number,
  trace: readonly number[],
  before: Float64Array,
  after: Float64Array,
): boolean => {
  const ll = trace[trace.length - 1]!
  const delta = ll - trace[trace.length - 2]!
  switch (rule) {
    case 'loglik':
      return Math.abs(delta) / n < tolerance
    case 'parameters':
      return relativeChange(before, after) < tolerance
    case 'aitken': {
      // At the rounding floor no increment is measurable any more, and the rate with it.
      if (Math.abs(delta) <= decreaseSlack(ll)) return true
      const limit = aitken(trace).limit
      return limit !== undefined && (limit - ll) / n < tolerance
    }
  }
}

/** A request from the stepping logic to whichever face of the loop drives it. */
type Request<D, P, Q> =
  | { readonly tag: 'init'; readonly initializer: AsyncInitializer<D, P>; readonly rng: Rng; readonly warn: (w: FitWarning) => void }
  | { readonly tag: 'posterior'; readonly params: P }
  | { readonly tag: 'maximize'; readonly posterior: Q; readonly context: StepContext<P> }
  | { readonly tag: 'step'; readonly step: Step<P> }

/** What the driver sends back for each request. */
type Reply<P, Q> = E.Either<EmError, P> | Posterior<Q> | undefined

type Program<D, P, Q> = Generator<Request<D, P, Q>, E.Either<EmError, Fit<P>>, Reply<P, Q>>

const now = (): number => (typeof performance === 'undefined' ? Date.now() : performance.now())

/**
 * One run of EM from θ₀: the stepping logic shared by {@link fit}, {@link fitAsync} and
 * {@link iterate}. It never calls the E-step or the M-step itself: it asks its driver (a generator
 * yield), so the same code serves synchronous and asynchronous models.
 */
function* runOnce<D, P, Q>(
  model: AsyncModel<D, P, Q>,
  data: D,
  init: P,
  options: LoopOptions,
  rng: Rng,
  restart: number,
  restarts: number,
  warnings: FitWarning[],
  count: { evaluations: number },
): Program<D, P, Q> {
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE
  const rule = options.stop ?? 'loglik'
  const validated = model.validate(data, init)
  if (E.isLeft(validated)) return validated
  let params = validated.right
  let post = (yield { tag: 'posterior', params }) as Posterior<Q>
  count.evaluations++
  if (!Number.isFinite(post.logLikelihood)) {
    return E.left({
      _tag: 'NonFinite',
      iteration: 0,
      message: `the log-likelihood at the starting parameters is ${post.logLikelihood}: some observation has zero density under every component; choose a start that covers the data`,
    })
  }
  const unconstrained = options.accelerate === 'squarem' ? model.unconstrained : undefined
  const squarem: SquaremState = { stepMax: DEFAULT_STEP_BOUNDS.stepMax0 }
  const n = model.observations(data)
  const trace = [post.logLikelihood]
  let stopReason: StopReason = 'maxIterations'
  let converged = false
  let iteration = 0
  let vector = rule === 'parameters' ? model.toVector(params) : new Float64Array(0)
  while (iteration < maxIterations) {
    if (options.signal?.aborted === true) {
      stopReason = 'aborted'
      break
    }
    const t = iteration + 1
    const started = now()
    // Set by `warn` inside the M-step (a closure), so kept in an object the compiler does not narrow.
    const step = { excused: false }
    const stepWarnings: FitWarning[] = []
    const warn = (w: FitWarning, breaks?: boolean): void => {
      const tagged = restarts > 1 ? { ...w, restart } : w
      warnings.push(tagged)
      stepWarnings.push(tagged)
      if (breaks === true) step.excused = true
    }
    const state: StepState = { t, rng, warn, excused: () => step.excused, count }
    const from = { params, post }
    const next =
      unconstrained === undefined ? yield* emStep(model, from, state) : yield* squaremStep(model, data, unconstrained, from, state, squarem)
    if (E.isLeft(next)) return next
    params = next.right.params
    post = next.right.post
    const ll = post.logLikelihood
    iteration = t
    const prev = trace[trace.length - 1]!
    trace.push(ll)
    const delta = ll - prev
    options.onIteration?.({ iteration: t, logLikelihood: ll, delta, restart, restarts })
    const decreased = delta < -decreaseSlack(prev)
    if (decreased && !step.excused) {
      warn({
        kind: 'logLikelihoodDecreased',
        iteration: t,
        size: -delta,
        message: `log-likelihood decreased by ${(-delta).toExponential(3)} at iteration ${t} (from ${prev} to ${ll}); an exact EM step cannot do this`,
      })
    }
    yield {
      tag: 'step',
      step: {
        restart,
        iteration: t,
        logLikelihood: ll,
        delta,
        params,
        evaluations: count.evaluations,
        milliseconds: now() - started,
        warnings: stepWarnings,
      },
    }
    const before = vector
    if (rule === 'parameters') vector = model.toVector(params)
    if (decreased) continue
    if (tolerance > 0 && stops(rule, tolerance, n, trace, before, vector)) {
      converged = true
      stopReason = 'tolerance'
      break
    }
  }
  const { rate, limit } = diagnostics(trace)
  return E.right({
    params,
    logLikelihood: trace[trace.length - 1]!,
    trace,
    iterations: iteration,
    evaluations: count.evaluations,
    ...(rate === undefined ? {} : { convergenceRate: rate }),
    ...(limit === undefined ? {} : { logLikelihoodLimit: limit }),
    converged,
    stopReason,
    warnings,
    observations: n,
    restart,
  })
}

/** The whole fit: options, initialisation, restarts, the best run. */
function* program<D, P, Q>(model: AsyncModel<D, P, Q>, data: D, options: AsyncFitOptions<D, P>): Program<D, P, Q> {
  const bad = checkOptions(options)
  if (bad !== undefined) return E.left(bad)
  if (options.accelerate === 'squarem' && model.unconstrained === undefined) {
    return E.left(
      invalidOptions(
        'accelerate',
        `accelerate 'squarem' needs the model's unconstrained parametrisation, which ${model.name} does not provide`,
      ),
    )
  }
  const rng = options.rng ?? seeded(options.seed ?? 0)
  const init = options.init
  const count = { evaluations: 0 }
  if (typeof init !== 'function') return yield* runOnce(model, data, init, options, rng, 0, 1, [], count)
  const initializer = init as AsyncInitializer<D, P>
  const restarts = options.restarts ?? 1
  const warnings: FitWarning[] = []
  let best: Fit<P> | undefined
  let firstError: EmError | undefined
  for (let r = 0; r < restarts; r++) {
    const stream = rng.split()
    const warn = (w: FitWarning): void => {
      warnings.push(restarts > 1 ? { ...w, restart: r } : w)
    }
    const start = (yield { tag: 'init', initializer, rng: stream, warn }) as E.Either<EmError, P>
    const result = E.isLeft(start) ? start : yield* runOnce(model, data, start.right, options, stream, r, restarts, warnings, count)
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
  return E.right({ ...best, evaluations: count.evaluations, warnings })
}

/** Typed errors thrown deep inside a model become a `Left`; anything else is a bug and propagates. */
const caught = (e: unknown): E.Either<EmError, never> => {
  if (e instanceof EmException) return E.left(e.error)
  throw e
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
 *   collapsed component the model could not handle, non-finite values, or a failed engine.
 * @example
 * ```ts
 * const model = Mixture.model(Gaussian.family({ covariance: 'full' }), 2)
 * const result = Em.fit(model, Datasets.faithful, { init: Mixture.initializer(model), tolerance: 0, maxIterations: 100 })
 * if (E.isRight(result)) console.log(result.right.trace)
 * ```
 * @category Fitting
 * @since 0.1.0
 */
export const fit = <D, P, Q>(model: LoopModel<D, P, Q>, data: D, givenOptions: FitOptions<D, P>): E.Either<EmError, Fit<P>> => {
  // A snapshot of the options, read once (a throwing getter or Proxy is InvalidOptions, not a throw).
  const read = Validate.record('options', givenOptions)
  if (E.isLeft(read)) return read
  const options = read.right as FitOptions<D, P>
  try {
    const run = program<D, P, Q>(model, data, options)
    let reply: Reply<P, Q> = undefined
    for (;;) {
      const r = run.next(reply)
      if (r.done === true) return r.value
      const q = r.value
      switch (q.tag) {
        case 'init':
          reply = (q.initializer as Initializer<D, P>)(data, q.rng, q.warn)
          break
        case 'posterior':
          reply = model.posterior(data, q.params)
          break
        case 'maximize':
          reply = model.maximize(data, q.posterior, q.context)
          break
        case 'step':
          reply = undefined
          break
      }
    }
  } catch (e) {
    return caught(e)
  }
}

/**
 * The asynchronous face of {@link fit}: the same stepping logic, options, trace contract, stopping
 * rule, restarts, warnings and cancellation, over a model whose E-step and M-step may be
 * asynchronous (data streamed from a file or a database). Any synchronous {@link Model} works too.
 *
 * @returns a promise of `Right(Fit)` or `Left` with a typed error; it never rejects for a typed
 *   failure (an {@link EmException} thrown by the model becomes a `Left`).
 * @example
 * ```ts
 * const model = Mixture.model(Gaussian.family(), 2) // any Model or AsyncModel
 * const result = await Em.fitAsync(model, Datasets.faithful, { init: Mixture.initializer(model), tolerance: 0, maxIterations: 50 })
 * ```
 * @category Fitting
 * @since 0.2.0
 */
export const fitAsync = <D, P, Q>(
  model: AsyncModel<D, P, Q>,
  data: D,
  options: AsyncFitOptions<D, P>,
): Promise<E.Either<EmError, Fit<P>>> => iterate(model, data, options).result

/**
 * A fit in progress as an asynchronous sequence of {@link Step}s; `result` settles with the fit's
 * outcome once the sequence ends (or once the consumer leaves the loop early, which stops the fit
 * with `stopReason: 'aborted'`). Reading `result` before iterating runs the fit to its end without
 * a consumer (the sequence is then consumed).
 *
 * @category Fitting
 * @since 0.2.0
 */
export interface Iteration<P> extends AsyncIterable<Step<P>> {
  /** The outcome, as {@link fitAsync} returns it. */
  readonly result: Promise<E.Either<EmError, Fit<P>>>
}

/**
 * EM one step at a time: `for await (const step of Em.iterate(model, data, options))` gives ℓ, Δ,
 * θ and timing after every iteration, for code that watches convergence itself. The stepping logic
 * is that of {@link fit} (same options, trace contract and stopping rule); leaving the loop early
 * stops the fit, and `result` then holds it with `stopReason: 'aborted'`.
 *
 * The sequence can be consumed once.
 *
 * @example
 * ```ts
 * const model = Mixture.model(Gaussian.family(), 2)
 * const run = Em.iterate(model, Datasets.faithful, { init: Mixture.initializer(model), tolerance: 0, maxIterations: 20 })
 * for await (const step of run) console.log(step.iteration, step.logLikelihood, step.delta)
 * const fitted = await run.result
 * ```
 * @category Fitting
 * @since 0.2.0
 */
export const iterate = <D, P, Q>(model: AsyncModel<D, P, Q>, data: D, givenOptions: AsyncFitOptions<D, P>): Iteration<P> => {
  const read = Validate.record('options', givenOptions)
  if (E.isLeft(read)) {
    const left: E.Either<EmError, Fit<P>> = read
    return { result: Promise.resolve(left), [Symbol.asyncIterator]: async function* () {} }
  }
  const options = read.right as AsyncFitOptions<D, P>
  let settle!: (r: E.Either<EmError, Fit<P>>) => void
  let fail!: (e: unknown) => void
  const result = new Promise<E.Either<EmError, Fit<P>>>((resolve, reject) => {
    settle = resolve
    fail = reject
  })
  // The loop watches its own signal: the caller's, or the consumer leaving the loop early.
  const stopper = new AbortController()
  const forward = (): void => stopper.abort()
  // The caller's signal is wired only once the options are known to be valid (a `signal` that is
  // not an AbortSignal is then reported by the program as InvalidOptions, not thrown here).
  const valid = checkOptions(options) === undefined
  if (valid && options.signal?.aborted === true) stopper.abort()
  else if (valid) options.signal?.addEventListener('abort', forward, { once: true })
  let started = false
  async function* steps(): AsyncGenerator<Step<P>, void, undefined> {
    // Invalid options go through unchanged, so that the program reports them (the caller's signal included).
    const run = program<D, P, Q>(model, data, valid ? { ...options, signal: stopper.signal } : options)
    let done = false
    try {
      let reply: Reply<P, Q> = undefined
      for (;;) {
        const r = run.next(reply)
        if (r.done === true) {
          done = true
          settle(r.value)
          return
        }
        const q = r.value
        switch (q.tag) {
          case 'init':
            reply = await q.initializer(data, q.rng, q.warn)
            break
          case 'posterior':
            reply = await model.posterior(data, q.params)
            break
          case 'maximize':
            reply = await model.maximize(data, q.posterior, q.context)
            break
          case 'step':
            reply = undefined
            yield q.step
            break
        }
      }
    } catch (e) {
      done = true
      try {
        settle(caught(e))
      } catch (bug) {
        fail(bug)
      }
    } finally {
      if (valid) options.signal?.removeEventListener('abort', forward)
      if (!done) {
        // The consumer left after a step: with the signal aborted, the stepping logic stops at its
        // next check, before asking for another pass.
        stopper.abort()
        try {
          const r = run.next(undefined)
          if (r.done === true) settle(r.value)
          else fail(new Error(`Em.iterate: the fit asked for '${r.value.tag}' after it was stopped`))
        } catch (e) {
          try {
            settle(caught(e))
          } catch (bug) {
            fail(bug)
          }
        }
      }
    }
  }
  return {
    get result() {
      // Nobody iterating: run the steps to the end on our own, so that awaiting `result` alone works.
      if (!started) {
        started = true
        void (async () => {
          for await (const step of steps()) void step
        })()
      }
      return result
    },
    [Symbol.asyncIterator]: () => {
      if (started)
        throw new Error('Em.iterate: the sequence can be consumed only once (or `result` was read before iterating, which consumes it)')
      started = true
      return steps()
    },
  }
}

/**
 * Throwing twin of {@link fit}: returns the `Fit` or throws an {@link EmException}.
 *
 * @category Fitting
 * @since 0.1.0
 */
export const fitOrThrow = <D, P, Q>(model: LoopModel<D, P, Q>, data: D, options: FitOptions<D, P>): Fit<P> => {
  const r = fit(model, data, options)
  if (E.isLeft(r)) throw new EmException(r.left)
  return r.right
}
