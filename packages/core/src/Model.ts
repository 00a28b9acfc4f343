/**
 * The latent-variable model interface that the EM loop ({@link fit}) runs over.
 *
 * EM maximises log p(X | θ) = log Σ_Z p(X, Z | θ). A model supplies, for data `D` and parameters
 * `P`: the posterior q(Z) = p(Z | X, θ) over the latent variables (type `Q`) together with
 * log p(X | θ); a maximiser of Q(θ, θₖ) = E_q[log p(X, Z | θ)]; the complete-data log-likelihood
 * for an assignment `Z` and its expectation under q; and the posterior's entropy H(q), so that
 * log p(X | θ) = Q(θ, θ) + H(q) can be checked. Nothing here assumes a mixture: a hidden Markov
 * model or a mixture of regressions implements the same interface.
 *
 * @packageDocumentation
 */
import type { either as E } from 'fp-ts'
import type { EmError } from './Errors.js'
import type { Rng } from './Rng.js'

/**
 * The result of an E-step: the posterior over the latent variables and the observed-data
 * log-likelihood log p(X | θ) (the posterior's normaliser, so it comes in the same pass).
 *
 * @category Model
 * @since 0.1.0
 */
export interface Posterior<Q> {
  /** q(Z) = p(Z | X, θ), in the model's own representation. */
  readonly posterior: Q
  /** log p(X | θ), total over observations (natural log). */
  readonly logLikelihood: number
}

/**
 * The kinds of {@link FitWarning}:
 * - `'logLikelihoodDecreased'`: an iteration lowered log p(X | θ) beyond rounding (not EM);
 * - `'componentReseeded'` / `'componentDropped'`: the collapse policy acted on a component;
 * - `'restartFailed'`: one restart of several ended in an error (the others went on);
 * - `'batchSkipped'`: stepwise EM skipped a mini-batch whose rows all have weight 0;
 * - `'threadsUnavailable'`: the fit asked for several threads and ran on one, because this runtime
 *   cannot run the threads engine (the message says why; see `Workers`).
 *
 * @category Model
 * @since 0.2.0
 */
export type FitWarningKind =
  'logLikelihoodDecreased' | 'componentReseeded' | 'componentDropped' | 'restartFailed' | 'batchSkipped' | 'threadsUnavailable'

/**
 * Something worth knowing about a fit that is not an error: a log-likelihood decrease beyond
 * rounding, a re-seeded or dropped component, a restart that failed.
 *
 * @category Model
 * @since 0.1.0
 */
export interface FitWarning {
  /** What happened (see {@link FitWarningKind}). */
  readonly kind: FitWarningKind
  /** The iteration (M-step number, 1-based) it happened at; 0 for initialisation. */
  readonly iteration: number
  /** One readable line. */
  readonly message: string
  /** The size of the event when it has one (e.g. the decrease of the log-likelihood). */
  readonly size?: number
  /** The component concerned, when there is one. */
  readonly component?: number
  /** The restart (0-based) it happened in. */
  readonly restart?: number
}

/**
 * What the loop hands to an M-step besides the data and posterior.
 *
 * @category Model
 * @since 0.1.0
 */
export interface StepContext<P> {
  /** The M-step being computed (1-based). */
  readonly iteration: number
  /** The parameters θₖ the posterior was computed at. */
  readonly previous: P
  /** Randomness for M-steps that need it (e.g. re-seeding a collapsed component). */
  readonly rng: Rng
  /**
   * Report a warning. An M-step that deliberately leaves plain EM at this step (re-seeding,
   * dropping a component) must warn with `breaksMonotonicity: true`, so that a log-likelihood
   * decrease at this step is not reported as an EM bug.
   */
  readonly warn: (warning: FitWarning, breaksMonotonicity?: boolean) => void
}

/**
 * A model's parameters as an unconstrained vector and back, for acceleration schemes that
 * extrapolate in parameter space (SQUAREM, `accelerate: 'squarem'` of `Em.fit`): any real vector
 * that {@link Unconstrained.fromVector} accepts gives admissible parameters, so an extrapolated
 * point stays a model (weights on the simplex, covariances positive definite). Mixtures use
 * log-ratios for the weights and what the family chooses for its components (e.g. the Cholesky
 * factor with a log diagonal for a covariance, log rates).
 *
 * @category Model
 * @since 0.2.0
 */
export interface Unconstrained<P> {
  /** θ as a flat vector of real numbers (finite for parameters inside the parameter space). */
  toVector(params: P): Float64Array
  /**
   * The parameters of a vector of the same length as `toVector(like)`; `like` gives the shape (the
   * number of components, entries fixed at a boundary). `Left` (any typed error) when the vector
   * does not give admissible parameters, e.g. a non-finite entry.
   */
  fromVector(vector: Float64Array, like: P): E.Either<EmError, P>
}

/**
 * What the synchronous EM loop ({@link fit}) needs of a model: its stepping hooks. A {@link Model}
 * adds the verification hooks; an engine-backed mixture (whose posterior is a pass's sufficient
 * statistics, not a responsibilities matrix) is only a `LoopModel`.
 *
 * @category Model
 * @since 0.2.0
 */
export interface LoopModel<D, P, Q> {
  /** A short name for messages. */
  readonly name: string
  /**
   * The number of observations n (Σ sample weights when there are weights): the divisor of the
   * tolerance. The loop asks after the first E-step.
   */
  observations(data: D): number
  /** Checks that `params` are admissible for `data` (dimensions, simplex, positive definiteness…). */
  validate(data: D, params: P): E.Either<EmError, P>
  /** E-step: q(Z) = p(Z | X, θ) (or what the M-step needs of it) and log p(X | θ) in one pass. */
  posterior(data: D, params: P): Posterior<Q>
  /** M-step: argmax_θ Q(θ, θₖ) given q (for generalised EM: any θ that does not lower Q). */
  maximize(data: D, posterior: Q, context: StepContext<P>): E.Either<EmError, P>
  /** Every parameter as one flat vector (for finiteness checks, parameter distances and perturbations). */
  toVector(params: P): Float64Array
  /** Optional: θ as an unconstrained vector and back, which SQUAREM acceleration needs (see {@link Unconstrained}). */
  readonly unconstrained?: Unconstrained<P>
}

/**
 * A latent-variable model that EM can fit.
 *
 * - `D`: the data (e.g. a {@link Dataset}, or a list of sequences);
 * - `P`: the parameters θ;
 * - `Q`: the posterior q(Z) (e.g. a responsibilities matrix, or forward–backward marginals);
 * - `Z`: one complete assignment of the latent variables (e.g. a label per row).
 *
 * @category Model
 * @since 0.1.0
 */
export interface Model<D, P, Q, Z = unknown> extends LoopModel<D, P, Q> {
  /** Q(θ, θₖ) = E_q[log p(X, Z | θ)], q the posterior at θₖ. Used by verification, never by the loop. */
  expectedCompleteLogLikelihood(data: D, params: P, posterior: Q): number
  /** log p(X, Z | θ) for one complete assignment Z. */
  completeLogLikelihood(data: D, params: P, latent: Z): number
  /** H(q) = −E_q[log q(Z)], so that log p(X | θ) = Q(θ, θ) + H(q) at q = p(Z | X, θ). */
  entropy(data: D, posterior: Q): number
  /** Number of free parameters (for BIC/AIC). */
  freeParameters(params: P): number
}

/**
 * A value or a promise of it: what the hooks of an {@link AsyncModel} may return.
 *
 * @category Model
 * @since 0.2.0
 */
export type MaybePromise<T> = T | Promise<T>

/**
 * What the asynchronous loop ({@link fitAsync}, {@link iterate}) needs of a model: the loop's hooks
 * of {@link Model}, where the E-step and the M-step may be asynchronous (data read from a stream,
 * a database, another thread). Every {@link Model} is an `AsyncModel`. The verification hooks
 * (`expectedCompleteLogLikelihood`, `entropy`, …) are not needed by the loop and may be absent.
 *
 * @category Model
 * @since 0.2.0
 */
export interface AsyncModel<D, P, Q> {
  /** A short name for messages. */
  readonly name: string
  /**
   * The number of observations n (Σ sample weights): the divisor of the tolerance. The loop asks
   * after the first E-step, so a model over a stream may learn n from its first pass.
   */
  observations(data: D): number
  /** Checks that `params` are admissible for `data`. */
  validate(data: D, params: P): E.Either<EmError, P>
  /** E-step: q(Z) and log p(X | θ). */
  posterior(data: D, params: P): MaybePromise<Posterior<Q>>
  /** M-step: argmax_θ Q(θ, θₖ) given q. */
  maximize(data: D, posterior: Q, context: StepContext<P>): MaybePromise<E.Either<EmError, P>>
  /** Every parameter as one flat vector (finiteness checks). */
  toVector(params: P): Float64Array
  /** Optional: θ as an unconstrained vector and back, which SQUAREM acceleration needs. */
  readonly unconstrained?: Unconstrained<P>
}
