/**
 * Derivatives of log f(x | p) = Σᵥ xᵥ·log pᵥ (+ the coefficient, which does not depend on p) with
 * respect to the free probabilities p₁ … p_{V−1}, p_V = 1 − Σ: ∂/∂pₘ = xₘ/pₘ − x_V/p_V and
 * ∂²/∂pₘ∂pₘ′ = −δₘₘ′·xₘ/pₘ² − x_V/p_V². A category with count 0 contributes nothing (0/0 read as
 * 0), so a probability at 0 has zero information and the information matrix is singular, as it
 * should be for a parameter on the boundary. Not exported from the package.
 */
import type { Dataset, Derivatives } from '@emkit/core'
import type { Component } from '../Multinomial.js'

/** x / p, and 0 when x = 0 (a probability 0 with no count). */
const ratio = (x: number, p: number): number => (x === 0 ? 0 : x / p)

/** The derivatives of k multinomial components over V categories. */
export const derivatives = (components: readonly Component[]): Derivatives => {
  const k = components.length
  const v = components[0]!.probabilities.length
  const q = v - 1
  const size = k * q
  const indices = components.map((_, j) => Int32Array.from({ length: q }, (_, m) => j * q + m))
  // toVector is the V probabilities: pₘ ← its free parameter, p_V ← −Σ of them.
  const jacobian = new Float64Array(k * v * size)
  for (let j = 0; j < k; j++)
    for (let m = 0; m < q; m++) {
      jacobian[(j * v + m) * size + j * q + m] = 1
      jacobian[(j * v + q) * size + j * q + m] = -1
    }
  const rowInto = (j: number, data: Dataset.Dataset, i: number, gradient: Float64Array, hessian: Float64Array): void => {
    const p = components[j]!.probabilities
    const x = data.values
    const lastX = x[i * v + q]!
    const last = ratio(lastX, p[q]!)
    const lastCurvature = ratio(lastX, p[q]! * p[q]!)
    for (let m = 0; m < q; m++) {
      gradient[m] = ratio(x[i * v + m]!, p[m]!) - last
      for (let s = 0; s < q; s++) hessian[m * q + s] = -lastCurvature - (m === s ? ratio(x[i * v + m]!, p[m]! * p[m]!) : 0)
    }
  }
  return { size, indices: (j) => indices[j]!, rowInto, jacobian }
}
