/** Shared helpers of core's tests (not part of the package). */
import { either as E } from 'fp-ts'
import type { EmError } from '../Errors.js'
import type { Params } from '../Mixture.js'
import { seeded } from '../Rng.js'
import type { Normal } from './normalFamily.js'

/** The Right of an Either, or a test failure naming the Left. */
export const right = <A>(r: E.Either<EmError, A>): A => {
  if (E.isLeft(r)) throw new Error(`unexpected Left: ${r.left._tag}: ${r.left.message}`)
  return r.right
}

/** Two well-separated normal clusters (true weights 0.3 / 0.7), deterministic. */
export const twoClusters = (n: number, seed: number): number[] => {
  const rng = seeded(seed)
  return Array.from({ length: n }, () => (rng.uniform() < 0.3 ? -2 + rng.normal() : 3 + 1.5 * rng.normal()))
}

/** A start for two normal components at ±1 with unit variances and equal weights. */
export const start: Params<Normal> = {
  weights: Float64Array.of(0.5, 0.5),
  components: [
    { mean: -1, variance: 1 },
    { mean: 1, variance: 1 },
  ],
}
