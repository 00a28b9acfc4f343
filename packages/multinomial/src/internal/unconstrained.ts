/**
 * Multinomial components as an unconstrained vector and back (for SQUAREM). Not exported from the
 * package.
 */
import { either as E } from 'fp-ts'
import type { EmError } from '@emkit/core'
import { Errors } from '@emkit/core'
import type { Component } from '../Multinomial.js'

/**
 * Components as log-ratios log(pᵥ / p_ref) against each component's last category with p > 0
 * (length V per component), for SQUAREM. A probability 0 stays 0 (its entry is 0 and ignored): EM
 * never leaves that face of the simplex, since a category seen nowhere keeps weight 0.
 */
export const toUnconstrained = (components: readonly Component[]): Float64Array => {
  const d = components[0]!.probabilities.length
  const out = new Float64Array(components.length * d)
  components.forEach((c, j) => {
    let ref = d - 1
    while (ref > 0 && !(c.probabilities[ref]! > 0)) ref--
    const logRef = c.logProbabilities[ref]!
    for (let v = 0; v < d; v++) out[j * d + v] = c.probabilities[v]! > 0 ? c.logProbabilities[v]! - logRef : 0
  })
  return out
}

/** The inverse of {@link toUnconstrained}: a softmax over the categories with p > 0 in `like`. */
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
