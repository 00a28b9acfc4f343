/**
 * SQUAREM (Varadhan & Roland 2008, scheme S3): the squared extrapolation that `Em.fit` runs with
 * `accelerate: 'squarem'`, and the convergence diagnostics of a trace (the Aitken Δ² estimate of
 * the limit ℓ∞ and of the linear rate, Böhning et al. 1994).
 *
 * One SQUAREM cycle from θ₀ takes two EM steps θ₁ = M(θ₀), θ₂ = M(θ₁) in an unconstrained
 * parametrisation u, sets r = u₁ − u₀, v = (u₂ − u₁) − r, the step length α = ‖r‖ / ‖v‖ bounded to
 * [`stepMin`, `stepMax`], and the extrapolated point u₀ + 2α·r + α²·v (α = 1 gives θ₂). The loop
 * keeps the point only when its log-likelihood is at least that of θ₀ (the monotonicity safeguard;
 * it falls back to θ₂ otherwise, so the trace never decreases); when α is not 1 a kept point is
 * stabilised by one more EM step, which cannot lower the log-likelihood. The bound grows by `mstep` whenever α reaches it and shrinks back after a rejected
 * step at the bound, as the reference implementation (the R package SQUAREM, `squarem1`) does.
 * The loop itself (`Em.ts`) does the E-steps and M-steps; this module holds the arithmetic.
 *
 * @packageDocumentation
 */

/**
 * The acceleration schemes of `Em.fit`: `'none'` (plain EM, one M-step per iteration) and
 * `'squarem'` (SQUAREM S3, see the module comment).
 *
 * @category Fitting
 * @since 0.2.0
 */
export type Acceleration = 'none' | 'squarem'

/** The acceleration schemes, for validation. @category Fitting @since 0.2.0 */
export const ACCELERATIONS: readonly Acceleration[] = ['none', 'squarem']

/**
 * SQUAREM's step-length controls, with the defaults of the R package SQUAREM: α ∈ [`stepMin`,
 * `stepMax`], `stepMax` starts at `stepMax0` = 1 and is multiplied by `mstep` = 4 each time α
 * reaches it.
 *
 * @category Fitting
 * @since 0.2.0
 */
export interface StepBounds {
  /** Lower bound of α (the package's `step.min0`); default 1, so a step is never shorter than two EM steps. */
  readonly stepMin: number
  /** Initial upper bound of α (`step.max0`); default 1. */
  readonly stepMax0: number
  /** Growth factor of the upper bound (`mstep`); default 4. */
  readonly mstep: number
}

/** Default {@link StepBounds} (those of the R package SQUAREM). @category Fitting @since 0.2.0 */
export const DEFAULT_STEP_BOUNDS: StepBounds = { stepMin: 1, stepMax0: 1, mstep: 4 }

/** Below this |α − 1| the extrapolated point is not stabilised by an extra EM step (as `squarem1`). */
export const STABILISE_ABOVE = 0.01

/**
 * The extrapolated point of one SQUAREM S3 cycle, or `undefined` when there is no step to take
 * (v = 0: the two EM steps were equal, or a non-finite difference). A coordinate that is not finite
 * in u₀, u₁ or u₂ (a log-probability of −∞: a parameter EM has put on the boundary) takes no part
 * in the step: it keeps u₂'s value.
 *
 * @param u0 - the cycle's start, unconstrained.
 * @param u1 - after one EM step.
 * @param u2 - after two EM steps.
 * @param stepMax - the current upper bound of α.
 * @internal
 */
export const extrapolate = (
  u0: Float64Array,
  u1: Float64Array,
  u2: Float64Array,
  stepMin: number,
  stepMax: number,
): { readonly point: Float64Array; readonly alpha: number } | undefined => {
  let sr2 = 0
  let sv2 = 0
  const moves = (t: number): boolean => Number.isFinite(u0[t]!) && Number.isFinite(u1[t]!) && Number.isFinite(u2[t]!)
  for (let t = 0; t < u0.length; t++) {
    if (!moves(t)) continue
    const r = u1[t]! - u0[t]!
    const v = u2[t]! - 2 * u1[t]! + u0[t]!
    sr2 += r * r
    sv2 += v * v
  }
  if (!(sv2 > 0) || !Number.isFinite(sv2) || !Number.isFinite(sr2)) return undefined
  const alpha = Math.max(stepMin, Math.min(stepMax, Math.sqrt(sr2 / sv2)))
  const point = new Float64Array(u0.length)
  for (let t = 0; t < u0.length; t++) {
    const r = u1[t]! - u0[t]!
    const v = u2[t]! - 2 * u1[t]! + u0[t]!
    point[t] = moves(t) ? u0[t]! + 2 * alpha * r + alpha * alpha * v : u2[t]!
  }
  return { point, alpha }
}

/**
 * The stopping rules of `Em.fit` (threshold `tolerance`):
 * - `'loglik'` (default): the change of the mean per-row log-likelihood, |ℓₜ − ℓₜ₋₁| / n < tol, as
 *   scikit-learn;
 * - `'parameters'`: the largest relative parameter change, maxᵢ |θₜ,ᵢ − θₜ₋₁,ᵢ| / (|θₜ,ᵢ| + ε) <
 *   tol, over the model's `toVector` (ε = {@link PARAMETER_EPSILON}; the reference fits use
 *   max(1, |θ|), the same for parameters of size ≥ 1);
 * - `'aitken'`: the Aitken Δ² estimate of the distance to the limit, (ℓ∞ − ℓₜ) / n < tol, with ℓ∞
 *   from the last three log-likelihoods (Böhning et al. 1994; McLachlan & Krishnan, §4.9); it
 *   fires only when the estimated rate is in [0, 1).
 *
 * @category Fitting
 * @since 0.2.0
 */
export type StoppingRule = 'loglik' | 'parameters' | 'aitken'

/** The stopping rules, for validation. @category Fitting @since 0.2.0 */
export const STOPPING_RULES: readonly StoppingRule[] = ['loglik', 'parameters', 'aitken']

/** ε of the relative parameter change |Δθ| / (|θ| + ε): 1e-10, so that an entry held at 0 (a diagonal covariance's off-diagonal) counts as unchanged. @category Fitting @since 0.2.0 */
export const PARAMETER_EPSILON = 1e-10

/**
 * The largest relative change between two parameter vectors: maxᵢ |bᵢ − aᵢ| / (|bᵢ| + ε), ε =
 * {@link PARAMETER_EPSILON} (the `'parameters'` stopping rule). `Infinity` for vectors of different lengths (a dropped
 * component) or a non-finite entry.
 *
 * @example
 * ```ts
 * import { Squarem } from '@emkit/core'
 * Squarem.relativeChange(Float64Array.of(10, 0.5), Float64Array.of(10.001, 0.5)) // ≈ 1e-4 (0.001 / 10.001)
 * ```
 * @category Fitting
 * @since 0.2.0
 */
export const relativeChange = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) return Infinity
  let worst = 0
  for (let t = 0; t < a.length; t++) {
    const x = Math.abs(b[t]! - a[t]!) / (Math.abs(b[t]!) + PARAMETER_EPSILON)
    if (!(x <= worst)) worst = Number.isNaN(x) ? Infinity : x
  }
  return worst
}

/**
 * The Aitken Δ² diagnostics of the last three entries of a trace: the linear rate of convergence
 * cₜ = (ℓₜ − ℓₜ₋₁) / (ℓₜ₋₁ − ℓₜ₋₂) (the ratio of successive increments, which tends to the largest
 * fraction of missing information) and the estimated limit ℓ∞ = ℓₜ₋₁ + (ℓₜ − ℓₜ₋₁) / (1 − cₜ).
 *
 * @returns `rate` when the previous increment is positive and the ratio finite; `limit` when the
 *   rate is in [0, 1), or ℓₜ itself when the last increment is 0. Both absent for fewer than three
 *   entries (a `Fit` never holds NaN).
 * @example
 * ```ts
 * import { Squarem } from '@emkit/core'
 * Squarem.aitken([-10, -5, -2.5]) // { rate: 0.5, limit: 0 }
 * ```
 * @category Fitting
 * @since 0.2.0
 */
export const aitken = (trace: readonly number[]): { readonly rate?: number; readonly limit?: number } => {
  const m = trace.length
  if (m < 3) return {}
  const a = trace[m - 3]!
  const b = trace[m - 2]!
  const c = trace[m - 1]!
  const last = c - b
  const previous = b - a
  const rate = previous > 0 ? last / previous : undefined
  const out: { rate?: number; limit?: number } = {}
  if (rate !== undefined && Number.isFinite(rate)) out.rate = rate
  if (last === 0) out.limit = c
  else if (out.rate !== undefined && out.rate >= 0 && out.rate < 1) {
    const limit = b + last / (1 - out.rate)
    if (Number.isFinite(limit)) out.limit = limit
  }
  return out
}
