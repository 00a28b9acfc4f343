/**
 * Gaussian components as an unconstrained vector and back (for SQUAREM): per component the mean,
 * then the covariance as the lower triangle of its Cholesky factor L with log Lᵣᵣ on the diagonal
 * (`full`), the log variances (`diag`), the log variance (`spherical`); `tied` writes every mean,
 * then the shared factor once. Any finite vector gives a positive-definite covariance (up to
 * floating point, which the rebuild checks). Not exported from the package.
 */
import { either as E } from 'fp-ts'
import type { EmError } from '@emkit/core'
import { Errors } from '@emkit/core'
import type { Component, CovarianceType } from '../ComponentTypes.js'
import { fromCovariance, fromVariances } from './factor.js'

/** Unconstrained entries of one covariance. */
const covarianceLength = (structure: CovarianceType, d: number): number =>
  structure === 'spherical' ? 1 : structure === 'diag' ? d : (d * (d + 1)) / 2

/** Writes the unconstrained covariance of `c` at `out[o …]`; returns the next offset. */
const writeCovariance = (structure: CovarianceType, c: Component, out: Float64Array, o: number): number => {
  const d = c.mean.length
  if (structure === 'spherical') {
    out[o] = Math.log(c.covariance[0]!)
    return o + 1
  }
  if (structure === 'diag') {
    for (let r = 0; r < d; r++) out[o + r] = Math.log(c.covariance[r * d + r]!)
    return o + d
  }
  const l = c.choleskyFactor
  for (let r = 0; r < d; r++) for (let t = 0; t <= r; t++) out[o++] = t === r ? Math.log(l[r * d + r]!) : l[r * d + t]!
  return o
}

/** The unconstrained vector of Gaussian components of one structure. */
export const toUnconstrained = (structure: CovarianceType, components: readonly Component[]): Float64Array => {
  const k = components.length
  const d = components[0]!.mean.length
  const m = covarianceLength(structure, d)
  const out = new Float64Array(k * d + (structure === 'tied' ? m : k * m))
  let o = 0
  for (const c of components) {
    out.set(c.mean, o)
    o += d
    if (structure !== 'tied') o = writeCovariance(structure, c, out, o)
  }
  if (structure === 'tied') writeCovariance(structure, components[0]!, out, o)
  return out
}

/** The component of `structure` with `mean` and the covariance read from `v[o …]`, or `undefined` when not admissible. */
const readComponent = (structure: CovarianceType, mean: Float64Array, v: Float64Array, o: number): Component | undefined => {
  const d = mean.length
  if (structure === 'spherical') return fromVariances(structure, mean, new Float64Array(d).fill(Math.exp(v[o]!)))
  if (structure === 'diag') return fromVariances(structure, mean, Float64Array.from(v.subarray(o, o + d), Math.exp))
  const l = new Float64Array(d * d)
  for (let r = 0; r < d; r++) for (let t = 0; t <= r; t++, o++) l[r * d + t] = t === r ? Math.exp(v[o]!) : v[o]!
  // Σ = L·Lᵀ, written symmetric.
  const sigma = new Float64Array(d * d)
  for (let r = 0; r < d; r++)
    for (let c = 0; c <= r; c++) {
      let s = 0
      for (let t = 0; t <= c; t++) s += l[r * d + t]! * l[c * d + t]!
      sigma[r * d + c] = s
      sigma[c * d + r] = s
    }
  return fromCovariance(structure, mean, sigma)
}

/** Components of `structure` from their unconstrained vector; `like` gives k and d. */
export const fromUnconstrained = (
  structure: CovarianceType,
  v: Float64Array,
  like: readonly Component[],
): E.Either<EmError, Component[]> => {
  const k = like.length
  const d = like[0]!.mean.length
  const m = covarianceLength(structure, d)
  const bad = (j: number): E.Either<EmError, Component[]> =>
    E.left(Errors.invalidParameters(`component ${j}: the unconstrained vector gives no positive-definite covariance`, j))
  if (!v.every(Number.isFinite)) return E.left(Errors.invalidParameters('the unconstrained vector has a non-finite entry'))
  const out: Component[] = []
  const shared = structure === 'tied' ? readComponent('tied', new Float64Array(d), v, k * d) : undefined
  if (structure === 'tied' && shared === undefined) return bad(0)
  let o = 0
  for (let j = 0; j < k; j++) {
    const mean = Float64Array.from(v.subarray(o, o + d))
    o += d
    if (shared !== undefined) {
      out.push({ ...shared, mean })
      continue
    }
    const c = readComponent(structure, mean, v, o)
    o += m
    if (c === undefined) return bad(j)
    out.push(c)
  }
  return E.right(out)
}
