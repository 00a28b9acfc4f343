/**
 * Degenerate fits in the command: the data's scale, the first degenerate component of a fit (by
 * the family's `degenerate` capability), and the free-parameter count checked against the rows.
 *
 * A degenerate fit buys likelihood with a spike (a component on one row or on duplicated values)
 * rather than describing the data; `emkit fit` warns about it and `emkit select` sets it aside, as
 * mclust reports such cells as missing.
 *
 * @packageDocumentation
 */
import type { DataScale, Dataset as DatasetNs, Mixture } from '@emkit/core'
type Dataset = DatasetNs.Dataset
import type { AnyFamily } from './Families.js'

/**
 * The per-column mean and variance (divided by n) of a data set, over each column's observed cells.
 *
 * @category Model selection
 * @since 0.2.0
 */
export const dataScale = (data: Dataset): DataScale => {
  const { n, d, values, missing } = data
  const mean = new Float64Array(d)
  const variance = new Float64Array(d)
  // Over each column's observed cells (missing ones, --missing em, are skipped).
  const count = new Float64Array(d)
  const seen = (i: number, c: number): boolean => missing === undefined || missing[i * d + c] !== 1
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) {
      if (!seen(i, c)) continue
      mean[c] = mean[c]! + values[i * d + c]!
      count[c] = count[c]! + 1
    }
  }
  for (let c = 0; c < d; c++) mean[c] = mean[c]! / count[c]!
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) {
      if (!seen(i, c)) continue
      const z = values[i * d + c]! - mean[c]!
      variance[c] = variance[c]! + z * z
    }
  }
  for (let c = 0; c < d; c++) variance[c] = variance[c]! / count[c]!
  return { n, mean, variance }
}

/**
 * The first degenerate component of fitted parameters, with the family's reason, or `undefined`
 * when none is (or when the family cannot say: the capability is optional).
 *
 * @returns the 0-based component and one line saying why.
 * @category Model selection
 * @since 0.2.0
 */
export const degenerateComponent = (
  family: AnyFamily,
  params: Mixture.Params<unknown>,
  scale: DataScale,
): { readonly component: number; readonly why: string } | undefined => {
  if (family.degenerate === undefined) return undefined
  for (let j = 0; j < params.components.length; j++) {
    const why = family.degenerate(params.components[j], scale.n * params.weights[j]!, scale)
    if (why !== undefined) return { component: j, why }
  }
  return undefined
}

/**
 * The free parameters of a k-component mixture of `family` in dimension d, mixing weights included
 * (k − 1 of them): what BIC counts.
 *
 * @category Model selection
 * @since 0.2.0
 */
export const freeParameters = (family: AnyFamily, d: number, k: number): number => family.freeParameters(d, k) + k - 1

/**
 * Why a k-component model cannot be fitted to n rows up front, or `undefined`: more free parameters
 * than rows (the likelihood is then unbounded or the fit not identified), or k > n.
 *
 * @category Model selection
 * @since 0.2.0
 */
export const tooManyParameters = (family: AnyFamily, n: number, d: number, k: number): string | undefined => {
  if (k > n) return `k = ${k} components but only ${n} rows`
  const p = freeParameters(family, d, k)
  return p > n ? `${p} free parameters but only ${n} rows` : undefined
}
