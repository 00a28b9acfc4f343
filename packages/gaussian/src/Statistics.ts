/**
 * Sufficient statistics of a weighted sample for Gaussian components, as an fp-ts `Monoid`:
 * total weight, weighted mean and centred weighted scatter Σᵢ wᵢ (xᵢ − x̄)(xᵢ − x̄)ᵀ.
 *
 * Centred statistics are merged with Chan, Golub and LeVeque's update, never as raw sums of
 * squares (which lose every digit of the variance when the data sit far from the origin). Each
 * accumulator also keeps an *origin*, one of its own data rows, and its mean relative to that origin:
 * differences of nearby doubles are exact, so merging chunks of data shifted by 10⁶ still agrees
 * with the whole-sample statistics to ~1e-13 relative.
 *
 * @packageDocumentation
 */
import type { Dataset } from '@emkit/core'
import type { monoid as M } from 'fp-ts'

/**
 * Weighted Gaussian sufficient statistics in dimension d.
 *
 * The mean is `origin + offset`; `scatter` is d × d row-major (full and tied structures) or the d
 * diagonal entries only (diag and spherical), always centred at the mean.
 *
 * @category Statistics
 * @since 0.1.0
 */
export interface Statistics {
  /** Σᵢ wᵢ. */
  readonly weight: number
  /** A reference point (a data row of the sample, or zeros when empty), length d. */
  readonly origin: Float64Array
  /** Weighted mean minus `origin`, length d. */
  readonly offset: Float64Array
  /** Σᵢ wᵢ (xᵢ − x̄)(xᵢ − x̄)ᵀ: length d² (full) or d (diagonal only). */
  readonly scatter: Float64Array
}

/**
 * The empty statistics (no data) in dimension d; `diagonal` keeps only the diagonal of the scatter.
 *
 * @category Statistics
 * @since 0.1.0
 */
export const empty = (d: number, diagonal: boolean): Statistics => ({
  weight: 0,
  origin: new Float64Array(d),
  offset: new Float64Array(d),
  scatter: new Float64Array(diagonal ? d : d * d),
})

/**
 * The weighted mean x̄ = origin + offset (a fresh array of length d).
 *
 * @category Statistics
 * @since 0.1.0
 */
export const mean = (s: Statistics): Float64Array => {
  const d = s.origin.length
  const out = new Float64Array(d)
  for (let c = 0; c < d; c++) out[c] = s.origin[c]! + s.offset[c]!
  return out
}

/**
 * Merges two accumulators (Chan et al.): with δ = x̄_b − x̄_a (computed origin to origin, then
 * offset to offset), x̄ = x̄_a + δ·w_b/w and M = M_a + M_b + δδᵀ·w_a·w_b/w. The result keeps `a`'s
 * origin. Either side may be empty; the inputs are not modified.
 *
 * @category Statistics
 * @since 0.1.0
 */
export const concat = (a: Statistics, b: Statistics): Statistics => {
  if (!(b.weight > 0)) return a
  if (!(a.weight > 0)) return b
  const d = a.origin.length
  const diagonal = a.scatter.length !== d * d
  const w = a.weight + b.weight
  const f = b.weight / w
  const h = (a.weight * b.weight) / w
  const delta = new Float64Array(d)
  for (let c = 0; c < d; c++) delta[c] = b.origin[c]! - a.origin[c]! + (b.offset[c]! - a.offset[c]!)
  const offset = new Float64Array(d)
  for (let c = 0; c < d; c++) offset[c] = a.offset[c]! + f * delta[c]!
  const scatter = new Float64Array(a.scatter.length)
  if (diagonal) {
    for (let c = 0; c < d; c++) scatter[c] = a.scatter[c]! + b.scatter[c]! + h * delta[c]! * delta[c]!
  } else {
    for (let r = 0; r < d; r++) {
      for (let c = 0; c < d; c++) scatter[r * d + c] = a.scatter[r * d + c]! + b.scatter[r * d + c]! + h * delta[r]! * delta[c]!
    }
  }
  return { weight: w, origin: a.origin, offset, scatter }
}

/**
 * The statistics monoid in dimension d (`diagonal`: keep only the diagonal of the scatter).
 * `concat` is associative up to rounding (exactly so in real arithmetic).
 *
 * @example
 * ```ts
 * const m = Statistics.monoid(2, false)
 * const whole = m.concat(summarizeChunk1, summarizeChunk2)
 * ```
 * @category Statistics
 * @since 0.1.0
 */
export const monoid = (d: number, diagonal: boolean): M.Monoid<Statistics> => ({ empty: empty(d, diagonal), concat })

/**
 * Statistics of the rows of `data` weighted by `weights[offset + i]` (two passes: the weighted mean
 * relative to the first row with positive weight, then the centred scatter). No allocation per row.
 *
 * @param diagonal - keep only the diagonal of the scatter (diag and spherical structures).
 * @category Statistics
 * @since 0.1.0
 */
export const summarize = (data: Dataset.Dataset, weights: Float64Array, offset: number, diagonal: boolean): Statistics => {
  const n = data.n
  const d = data.d
  const x = data.values
  let first = -1
  for (let i = 0; i < n; i++) {
    if (weights[offset + i]! > 0) {
      first = i
      break
    }
  }
  if (first < 0) return empty(d, diagonal)
  const origin = x.slice(first * d, first * d + d)
  const off = new Float64Array(d)
  let w = 0
  for (let i = first; i < n; i++) {
    const g = weights[offset + i]!
    if (!(g > 0)) continue
    w += g
    const xo = i * d
    for (let c = 0; c < d; c++) off[c] = off[c]! + g * (x[xo + c]! - origin[c]!)
  }
  for (let c = 0; c < d; c++) off[c] = off[c]! / w
  const scatter = new Float64Array(diagonal ? d : d * d)
  if (diagonal) {
    for (let i = first; i < n; i++) {
      const g = weights[offset + i]!
      if (!(g > 0)) continue
      const xo = i * d
      for (let c = 0; c < d; c++) {
        const z = x[xo + c]! - origin[c]! - off[c]!
        scatter[c] = scatter[c]! + g * z * z
      }
    }
  } else {
    for (let i = first; i < n; i++) {
      const g = weights[offset + i]!
      if (!(g > 0)) continue
      const xo = i * d
      for (let r = 0; r < d; r++) {
        const gz = g * (x[xo + r]! - origin[r]! - off[r]!)
        const ro = r * d
        for (let c = 0; c <= r; c++) scatter[ro + c] = scatter[ro + c]! + gz * (x[xo + c]! - origin[c]! - off[c]!)
      }
    }
    for (let r = 0; r < d; r++) for (let c = 0; c < r; c++) scatter[c * d + r] = scatter[r * d + c]!
  }
  return { weight: w, origin, offset: off, scatter }
}
