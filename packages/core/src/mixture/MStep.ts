/**
 * The mixture's M-step in terms of sufficient statistics, with the collapse policy: weighted MLE
 * of every component from its statistics and πⱼ = Σᵢ wᵢγᵢⱼ / Σᵢ wᵢ. Written once as a generator
 * that asks its driver for re-seeding statistics (a pass over the data of its own), so synchronous
 * and asynchronous engines share it.
 *
 * @internal
 */
import { either as E } from 'fp-ts'
import type { EmError } from '../Errors.js'
import type { ComponentFamily } from '../Family.js'
import type { StepContext } from '../Model.js'
import type { CollapsePolicy, Params } from './Types.js'
import type { Constraints } from './Fixed.js'
import { constrainedWeights, estimateConstrained } from './Fixed.js'

/**
 * The share of the total weight Σ wᵢ at or below which a component is empty: the M-step never
 * passes it to its family's `estimate` and applies the collapse policy instead (the family
 * contract's vanishing-weight rule, see `Family.define`).
 *
 * @category Mixture
 * @since 0.2.0
 */
export const EMPTY = 1e-12

/**
 * The M-step as a program: yields the number m of worst-explained rows it wants re-seeding
 * statistics for, and receives them (or `undefined` when re-seeding is impossible).
 *
 * @param stats - per-component statistics (consumed: the array is modified).
 * @param total - Σ wᵢ.
 * @param rows - the number of rows (re-seeding takes ⌈rows / k⌉ of them).
 */
export function* maximizeStatistics<C, S>(
  family: ComponentFamily<C, S>,
  collapse: CollapsePolicy,
  stats: S[],
  total: number,
  rows: number,
  context: Pick<StepContext<unknown>, 'iteration' | 'warn'>,
  fixed?: { readonly constraints: Constraints; readonly current: readonly C[] },
): Generator<number, E.Either<EmError, Params<C>>, S | undefined> {
  const kk = stats.length
  const alive: number[] = stats.map((_, j) => j)
  const at = context.iteration === 0 ? 'at initialisation' : `at iteration ${context.iteration}`
  function* collapsed(j: number, why: string): Generator<number, E.Either<EmError, void>, S | undefined> {
    const where = `component ${alive[j]} of ${kk} collapsed ${at}: ${why}`
    if (collapse === 'error') {
      return E.left({
        _tag: 'CollapsedComponent',
        component: alive[j]!,
        iteration: context.iteration,
        message: `${where} (collapse policy 'error')`,
      })
    }
    if (collapse === 'drop') {
      if (stats.length === 1) {
        return E.left({
          _tag: 'CollapsedComponent',
          component: alive[j]!,
          iteration: context.iteration,
          message: `${where}; it is the last component and cannot be dropped`,
        })
      }
      context.warn({ kind: 'componentDropped', iteration: context.iteration, component: alive[j]!, message: `${where}; dropped` }, true)
      stats.splice(j, 1)
      alive.splice(j, 1)
      return E.right(undefined)
    }
    if (fixed !== undefined && fixed.constraints.held[alive[j]!] === true) {
      return E.left({
        _tag: 'CollapsedComponent',
        component: alive[j]!,
        iteration: context.iteration,
        message: `${where}; it is held fixed, so it cannot be re-seeded`,
      })
    }
    const m = Math.max(2, Math.ceil(rows / Math.max(1, stats.length)))
    const re = m > rows ? undefined : yield m
    if (re === undefined || !(family.weight(re) > EMPTY * total)) {
      return E.left({
        _tag: 'CollapsedComponent',
        component: alive[j]!,
        iteration: context.iteration,
        message: `${where}; re-seeding failed`,
      })
    }
    stats[j] = re
    context.warn(
      {
        kind: 'componentReseeded',
        iteration: context.iteration,
        component: alive[j]!,
        message: `${where}; re-seeded from the worst-explained rows`,
      },
      true,
    )
    return E.right(undefined)
  }
  for (let attempt = 0; attempt <= 2 * kk; attempt++) {
    let failed = false
    for (let j = 0; j < stats.length; j++) {
      // A component held whole is not estimated: no data left in it is no collapse.
      if (fixed !== undefined && fixed.constraints.held[alive[j]!] === true) continue
      if (!(family.weight(stats[j]!) > EMPTY * total)) {
        const r = yield* collapsed(j, 'its responsibilities vanished (no data left in it)')
        if (E.isLeft(r)) return r
        failed = true
        break
      }
    }
    if (failed) continue
    const est = fixed === undefined ? family.estimate(stats) : estimateConstrained(family, stats, fixed.current, fixed.constraints)
    if (E.isLeft(est)) {
      const r = yield* collapsed(est.left.component, est.left.message)
      if (E.isLeft(r)) return r
      continue
    }
    const weights = new Float64Array(stats.length)
    let sum = 0
    for (let j = 0; j < stats.length; j++) sum += family.weight(stats[j]!)
    for (let j = 0; j < stats.length; j++) weights[j] = family.weight(stats[j]!) / sum
    if (fixed !== undefined) return E.right({ weights: constrainedWeights(weights, fixed.constraints), components: est.right })
    return E.right({ weights, components: est.right })
  }
  return E.left({
    _tag: 'CollapsedComponent',
    component: 0,
    iteration: context.iteration,
    message: `components keep collapsing ${at}; use fewer components, more regularisation or scaled data`,
  })
}

/** Runs the M-step program with a synchronous source of re-seeding statistics. */
export const runSync = <C, S>(
  program: Generator<number, E.Either<EmError, Params<C>>, S | undefined>,
  reseed: (m: number) => S | undefined,
): E.Either<EmError, Params<C>> => {
  let r = program.next()
  while (r.done !== true) r = program.next(reseed(r.value))
  return r.value
}

/** Runs the M-step program with an asynchronous source of re-seeding statistics. */
export const runAsync = async <C, S>(
  program: Generator<number, E.Either<EmError, Params<C>>, S | undefined>,
  reseed: (m: number) => Promise<S | undefined>,
): Promise<E.Either<EmError, Params<C>>> => {
  let r = program.next()
  while (r.done !== true) r = program.next(await reseed(r.value))
  return r.value
}
