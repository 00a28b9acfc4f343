/**
 * The mixture's parameter and posterior types, and its collapse policy.
 *
 * @packageDocumentation
 */

/**
 * Mixture parameters: mixing weights π (length k, on the simplex) and k components.
 *
 * @category Parameters
 * @since 0.1.0
 */
export interface Params<C> {
  /** π, length k, non-negative, summing to 1. */
  readonly weights: Float64Array
  /** The k components, in the family's representation. */
  readonly components: readonly C[]
}

/**
 * The full posterior of a mixture: the responsibilities matrix (computed by its own pass; the
 * fitting engines never build it).
 *
 * @category Mixture
 * @since 0.1.0
 */
export interface Responsibilities {
  /** Number of components. */
  readonly k: number
  /** Number of rows. */
  readonly n: number
  /** γ, length k·n, component-major: `values[j * n + i]` = p(zᵢ = j | xᵢ, θ). */
  readonly values: Float64Array
  /** log p(xᵢ | θ) per row (length n), base measure included, sample weights not applied. */
  readonly logDensity: Float64Array
}

/**
 * What to do with a component that collapses (its responsibilities vanish, or the family cannot
 * estimate it, e.g. a singular covariance) — at any iteration, initialisation included:
 * - `'reseed'` (default): re-estimate it from the ⌈n/k⌉ rows worst explained by the current fit,
 *   with weight ⌈n/k⌉/n (then renormalised), and record a `componentReseeded` warning. The step
 *   is then not a plain EM step (the log-likelihood may drop); the warning says so.
 * - `'drop'`: remove it (k decreases by one) and record a `componentDropped` warning.
 * - `'error'`: stop with a `CollapsedComponent` error.
 *
 * @category Mixture
 * @since 0.1.0
 */
export type CollapsePolicy = 'reseed' | 'drop' | 'error'

/** The collapse policies, for validation. */
export const COLLAPSE_POLICIES: readonly CollapsePolicy[] = ['reseed', 'drop', 'error']
