/**
 * Derivatives of log f(x | λ) = Σ_c (log λ_c − λ_c·x_c) with respect to the rates, for the observed
 * information of a mixture: ∂/∂λ_c = 1/λ_c − x_c, ∂²/∂λ_c² = −1/λ_c², no cross terms. Free
 * parameters: every component's d rates, component after component. Not exported from the package.
 */
import type { Dataset, Derivatives } from '@emkit/core'
import type { Component } from '../Exponential.js'

/** The derivatives of k exponential components. */
export const derivatives = (components: readonly Component[]): Derivatives => {
  const k = components.length
  const d = components[0]!.rate.length
  const size = k * d
  const indices = components.map((_, j) => Int32Array.from({ length: d }, (_, c) => j * d + c))
  const jacobian = new Float64Array(size * size)
  for (let t = 0; t < size; t++) jacobian[t * size + t] = 1
  const rowInto = (j: number, data: Dataset.Dataset, i: number, gradient: Float64Array, hessian: Float64Array): void => {
    const rate = components[j]!.rate
    hessian.fill(0)
    for (let c = 0; c < d; c++) {
      gradient[c] = 1 / rate[c]! - data.values[i * d + c]!
      hessian[c * d + c] = -1 / (rate[c]! * rate[c]!)
    }
  }
  return { size, indices: (j) => indices[j]!, rowInto, jacobian }
}
