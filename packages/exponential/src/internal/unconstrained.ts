/**
 * Exponential components as an unconstrained vector and back (for SQUAREM): log rates, so any
 * finite vector gives positive rates. Not exported from the package.
 */
import { either as E } from 'fp-ts'
import type { EmError } from '@emkit/core'
import { Errors } from '@emkit/core'
import type { Component } from '../Exponential.js'

/** log λ of every component, component after component (length k·d). */
export const toUnconstrained = (components: readonly Component[]): Float64Array =>
  Float64Array.from(components.flatMap((c) => Array.from(c.rate, Math.log)))

/** Rates exp(u); `like` gives k and d. */
export const fromUnconstrained = (vector: Float64Array, like: readonly Component[]): E.Either<EmError, Component[]> => {
  const d = like[0]!.rate.length
  const out = like.map((_, j) => ({ rate: Float64Array.from(vector.subarray(j * d, (j + 1) * d), Math.exp) }))
  return out.every((c) => c.rate.every((r) => r > 0 && Number.isFinite(r)))
    ? E.right(out)
    : E.left(Errors.invalidParameters('the unconstrained vector gives a rate that is not finite and > 0'))
}
