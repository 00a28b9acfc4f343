/**
 * Multinomial components as an unconstrained vector and back (for SQUAREM): log pᵥ of every
 * category (length V per component; a softmax maps any vector back to the simplex, so the one
 * redundant direction, a common shift, does nothing). A probability 0 is −∞ and stays 0: EM never
 * leaves that face of the simplex (a category a component gives probability 0 keeps weight 0), and
 * SQUAREM leaves non-finite coordinates where the last EM step put them. Not exported from the
 * package.
 */
import { either as E } from 'fp-ts'
import type { EmError } from '@emkit/core'
import { Errors } from '@emkit/core'
import type { Component } from '../Multinomial.js'

/** log p of every component, component after component (length k·V). */
export const toUnconstrained = (components: readonly Component[]): Float64Array =>
  Float64Array.from(components.flatMap((c) => Array.from(c.logProbabilities)))

/** A softmax over the categories with p > 0 in `like`; the others stay 0. */
export const fromUnconstrained = (vector: Float64Array, like: readonly Component[]): E.Either<EmError, Component[]> => {
  const d = like[0]!.probabilities.length
  const out: Component[] = []
  for (let j = 0; j < like.length; j++) {
    const alive = like[j]!.probabilities
    let top = -Infinity
    for (let v = 0; v < d; v++) if (alive[v]! > 0) top = Math.max(top, vector[j * d + v]!)
    const p = new Float64Array(d)
    let sum = 0
    for (let v = 0; v < d; v++) if (alive[v]! > 0) sum += p[v] = Math.exp(vector[j * d + v]! - top)
    for (let v = 0; v < d; v++) p[v] = p[v]! / sum
    if (!p.every(Number.isFinite))
      return E.left(Errors.invalidParameters(`component ${j}: the unconstrained vector gives non-finite probabilities`, j))
    out.push({ probabilities: p, logProbabilities: p.map(Math.log) })
  }
  return E.right(out)
}
