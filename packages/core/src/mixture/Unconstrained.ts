/**
 * The mixture's unconstrained parametrisation, which SQUAREM extrapolates in: the log mixing weights
 * log πⱼ (a softmax maps any real vector back to the simplex; a common shift does nothing), then the
 * family's own unconstrained vector of the components.
 *
 * @internal
 */
import { either as E } from 'fp-ts'
import type { ComponentFamily } from '../Family.js'
import type { Unconstrained } from '../Model.js'
import type { Params } from './Types.js'
import { invalidParameters } from '../Errors.js'

/**
 * The unconstrained parametrisation of a mixture of `family`, or `undefined` when the family does not
 * provide one (then `accelerate: 'squarem'` is refused with a typed error).
 */
export const unconstrained = <C, S>(family: ComponentFamily<C, S>): Unconstrained<Params<C>> | undefined => {
  const to = family.toUnconstrained?.bind(family)
  const from = family.fromUnconstrained?.bind(family)
  if (to === undefined || from === undefined) return undefined
  return {
    toVector: (params) => {
      const k = params.weights.length
      const comps = to(params.components)
      const out = new Float64Array(k + comps.length)
      for (let j = 0; j < k; j++) out[j] = Math.log(params.weights[j]!)
      out.set(comps, k)
      return out
    },
    fromVector: (vector, like) => {
      const k = like.weights.length
      // Softmax, shifted by the largest entry so that no exp overflows.
      let top = -Infinity
      for (let j = 0; j < k; j++) top = Math.max(top, vector[j]!)
      const weights = new Float64Array(k)
      let sum = 0
      for (let j = 0; j < k; j++) sum += weights[j] = Math.exp(vector[j]! - top)
      for (let j = 0; j < k; j++) weights[j] = weights[j]! / sum
      if (!weights.every((w) => Number.isFinite(w) && w > 0))
        return E.left(invalidParameters('the extrapolated mixing weights are not finite and positive', undefined, 'weights'))
      const components = from(vector.subarray(k), like.components)
      if (E.isLeft(components)) return components
      return E.right({ weights, components: components.right })
    },
  }
}

/** `{ unconstrained }` for a model object when the family provides the parametrisation, `{}` otherwise. */
export const unconstrainedField = <C, S>(family: ComponentFamily<C, S>): { readonly unconstrained?: Unconstrained<Params<C>> } => {
  const u = unconstrained(family)
  return u === undefined ? {} : { unconstrained: u }
}
