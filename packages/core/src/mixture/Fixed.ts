/**
 * Fixed parameters: mixing weights, whole components or named parameters of a family held at their
 * starting values while EM maximises Q over the rest. The free weights share 1 − Σ(fixed weights)
 * in proportion to their statistics (the maximiser of Σⱼ Nⱼ log πⱼ under that constraint); a family
 * with the `fixed` capability estimates its free parameters given the held ones; without it, the
 * components not held are estimated from their own statistics (exact for families whose
 * components share no parameter).
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { EmError } from '../Errors.js'
import { invalidOptions } from '../Errors.js'
import type { ComponentFamily, Degenerate } from '../Family.js'
import * as Validate from '../Validate.js'
import { show } from '../Validate.js'
import type { Params } from './Types.js'

/**
 * What a fit holds fixed at the starting parameters (`init`, which must then be parameters).
 *
 * @category Fitting
 * @since 0.2.0
 */
export interface FixedOptions {
  /** Components whose mixing weight is held (0-based indices), or `'all'`. The free weights share the rest. */
  readonly weights?: readonly number[] | 'all'
  /** Components held whole (0-based indices): every parameter of theirs, not their weight (add it to `weights`). */
  readonly components?: readonly number[]
  /**
   * Named parameters of the family held for every component (the family's `fixed.names`, e.g. a
   * Gaussian's `'mean'` or `'covariance'`).
   */
  readonly parameters?: readonly string[]
}

/**
 * What a fit held fixed, as the model JSON records it (top-level `fixed`, written only for a fit
 * that held something): the components whose weight was held, the components held whole, and the
 * family's parameters held for every component.
 *
 * @category JSON
 * @since 0.2.0
 */
export interface FixedSummary {
  /** Components whose mixing weight was held (ascending). */
  readonly weights: readonly number[]
  /** Components held whole (ascending). */
  readonly components: readonly number[]
  /** Names of the family's parameters held for every component. */
  readonly parameters: readonly string[]
}

/** The resolved constraints of a fit. */
export interface Constraints {
  /** The held weight of each component, NaN when free (length k). */
  readonly weights: Float64Array
  /** Whether each component is held whole (length k). */
  readonly held: readonly boolean[]
  /** The family's parameters held for every component. */
  readonly names: readonly string[]
  readonly summary: FixedSummary
}

const indices = (what: string, given: unknown, k: number): E.Either<EmError, number[]> => {
  const list = Validate.arrayLike(`fixed.${what}`, given)
  if (E.isLeft(list)) return E.left(invalidOptions('fixed', list.left.message))
  const out = new Set<number>()
  for (let t = 0; t < list.right.length; t++) {
    const j: unknown = list.right.value[t]
    if (typeof j !== 'number' || !Number.isInteger(j) || j < 0 || j >= k)
      return E.left(invalidOptions('fixed', `fixed.${what}[${t}] is ${show(j)}; it must be a component 0 … ${k - 1}`))
    out.add(j)
  }
  return E.right([...out].sort((a, b) => a - b))
}

/**
 * Reads the `fixed` option against the family, k and the start (`undefined` when nothing is held).
 * `Left(InvalidOptions)` naming the problem: a start that is not parameters, an index out of range,
 * a parameter name the family does not know, or anything held with the `'drop'` collapse policy
 * or SQUAREM (an extrapolated step would move the held values).
 */
export const resolveFixed = <C, S>(
  family: ComponentFamily<C, S>,
  fixed: unknown,
  k: number,
  start: Params<C> | string,
  collapse: string,
  accelerate: unknown,
): E.Either<EmError, Constraints | undefined> => {
  if (fixed === undefined) return E.right(undefined)
  const given = Validate.record('fixed', fixed as FixedOptions)
  if (E.isLeft(given)) return given
  const { weights, components, parameters } = given.right
  const w =
    weights === undefined
      ? E.right<EmError, number[]>([])
      : weights === 'all'
        ? E.right<EmError, number[]>(Array.from({ length: k }, (_, j) => j))
        : indices('weights', weights, k)
  if (E.isLeft(w)) return w
  const c = components === undefined ? E.right<EmError, number[]>([]) : indices('components', components, k)
  if (E.isLeft(c)) return c
  const names: string[] = []
  if (parameters !== undefined) {
    const list = Validate.arrayLike('fixed.parameters', parameters)
    if (E.isLeft(list)) return E.left(invalidOptions('fixed', list.left.message))
    const known = family.fixed?.names ?? []
    for (let t = 0; t < list.right.length; t++) {
      const name: unknown = list.right.value[t]
      if (typeof name !== 'string' || !known.includes(name)) {
        return E.left(
          invalidOptions(
            'fixed',
            known.length === 0
              ? `the ${family.name} family cannot hold named parameters (fixed.parameters); hold weights or whole components`
              : `fixed.parameters[${t}] is ${show(name)}; the ${family.name} family can hold ${known.map((n) => `'${n}'`).join(', ')}`,
          ),
        )
      }
      if (!names.includes(name)) names.push(name)
    }
  }
  if (w.right.length === 0 && c.right.length === 0 && names.length === 0) return E.right(undefined)
  if (typeof start === 'string')
    return E.left(
      invalidOptions('init', 'holding parameters fixed (fixed) needs starting parameters as init: the held values are the start’s'),
    )
  if (collapse === 'drop')
    return E.left(invalidOptions('collapse', "holding parameters fixed cannot drop components; use collapse 'reseed' or 'error'"))
  if (accelerate === 'squarem')
    return E.left(invalidOptions('accelerate', 'SQUAREM extrapolates every parameter, held ones included; use plain EM with fixed'))
  const held = Array.from({ length: k }, (_, j) => c.right.includes(j))
  const fixedWeights = new Float64Array(k).fill(Number.NaN)
  for (const j of w.right) fixedWeights[j] = start.weights[j]!
  return E.right({ weights: fixedWeights, held, names, summary: { weights: w.right, components: c.right, parameters: names } })
}

/**
 * The M-step's components under the constraints: the family's constrained estimate when it has one
 * (or named parameters are held), else the free components estimated from their own statistics and
 * the held ones kept. `Left` names a free component (index into `stats`) that cannot be estimated.
 */
export const estimateConstrained = <C, S>(
  family: ComponentFamily<C, S>,
  stats: readonly S[],
  current: readonly C[],
  c: Constraints,
): E.Either<Degenerate, C[]> => {
  if (family.fixed !== undefined) return family.fixed.estimate(stats, current, c.names, c.held)
  const free = stats.flatMap((_, j) => (c.held[j] === true ? [] : [j]))
  if (free.length === 0) return E.right([...current])
  const est = family.estimate(free.map((j) => stats[j]!))
  if (E.isLeft(est)) return E.left({ ...est.left, component: free[est.left.component]! })
  const out = [...current]
  free.forEach((j, t) => (out[j] = est.right[t]!))
  return E.right(out)
}

/**
 * The mixing weights under the constraints: held ones as given; the free ones share
 * 1 − Σ(held) in proportion to their statistics' weights Nⱼ (the maximiser of Σⱼ Nⱼ log πⱼ under
 * that constraint).
 */
export const constrainedWeights = (counts: Float64Array, c: Constraints): Float64Array => {
  const k = counts.length
  const out = new Float64Array(k)
  let heldSum = 0
  let freeSum = 0
  for (let j = 0; j < k; j++) {
    if (Number.isNaN(c.weights[j]!)) freeSum += counts[j]!
    else heldSum += c.weights[j]!
  }
  for (let j = 0; j < k; j++) out[j] = Number.isNaN(c.weights[j]!) ? ((1 - heldSum) * counts[j]!) / freeSum : c.weights[j]!
  return out
}

/**
 * The free parameters of a constrained mixture of k components in dimension d: the free mixing
 * weights (k − 1 when none is held; with f ≥ 1 held, k − f − 1, at least 0) plus the family's free
 * parameters given what is held.
 */
export const constrainedParameters = <C, S>(family: ComponentFamily<C, S>, d: number, k: number, c: Constraints): number => {
  const f = c.summary.weights.length
  const weights = f === 0 ? k - 1 : Math.max(0, k - f - 1)
  const held = c.summary.components.length
  const components = family.fixed !== undefined ? family.fixed.freeParameters(d, k, c.names, held) : family.freeParameters(d, k - held)
  return weights + components
}
