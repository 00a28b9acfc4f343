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
import { centreOf, fromMoments, NEGLIGIBLE } from './internal/moments.js'

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
 * The statistics of the same sample with every weight multiplied by `factor` ≥ 0: weight and
 * scatter times `factor`, origin and offset (hence the mean) unchanged. For c > 0 every covariance
 * structure's estimate (scatter / weight + regularisation) is unchanged; c = 0 gives statistics of
 * weight 0, which `concat` treats as empty. What stepwise EM averages with (`Stepwise.fit`).
 *
 * @example
 * ```ts
 * const s = Gaussian.Statistics.summarize(Datasets.faithful, new Float64Array(272).fill(1), 0, false)
 * const half = Gaussian.Statistics.scale(s, 0.5) // half.weight = s.weight / 2 = 136, same mean and covariance
 * ```
 * @category Statistics
 * @since 0.2.0
 */
export const scale = (s: Statistics, factor: number): Statistics => {
  const scatter = new Float64Array(s.scatter.length)
  for (let t = 0; t < scatter.length; t++) scatter[t] = s.scatter[t]! * factor
  return { weight: s.weight * factor, origin: s.origin, offset: s.offset, scatter }
}

/**
 * The statistics monoid in dimension d (`diagonal`: keep only the diagonal of the scatter).
 * `concat` is associative up to rounding (exactly so in real arithmetic).
 *
 * @example
 * ```ts
 * const { monoid, summarize } = Gaussian.Statistics
 * const ones = new Float64Array(272).fill(1)
 * const first = Dataset.slice(Datasets.faithful, 0, 136)
 * const second = Dataset.slice(Datasets.faithful, 136, 272)
 * const whole = monoid(2, false).concat(summarize(first, ones, 0, false), summarize(second, ones, 136, false))
 * // equals summarize(Datasets.faithful, ones, 0, false) up to rounding
 * ```
 * @category Statistics
 * @since 0.1.0
 */
export const monoid = (d: number, diagonal: boolean): M.Monoid<Statistics> => ({ empty: empty(d, diagonal), concat })

/**
 * Statistics of the rows of `data` weighted by `weights[offset + i]`. Rows of weight 0, or of
 * weight below 2⁻⁶⁰⁰ times the largest (a negligible, subnormal-prone contribution), are skipped. No allocation per row. The origin of the result is the first row with positive weight
 * (so that statistics of chunks merge into exactly the representation of the whole).
 *
 * One pass over the data, about a pivot p, the row with the largest weight (for a mixture
 * component, a row near its mode): the weight, Σ gᵢ(xᵢ − p) and Σ gᵢ(xᵢ − p)(xᵢ − p)ᵀ are
 * accumulated together; then δ = x̄ − p and the centred scatter is M = Σ gᵢ(xᵢ − p)(xᵢ − p)ᵀ − w·δδᵀ.
 * Differences of nearby doubles are exact, so data far from 0 (shifted by 10⁶) lose nothing; when δ
 * is more than 8 standard deviations along some coordinate a second pass centred at x̄ is made.
 *
 * The full scatter is accumulated by blocks of rows: the rows of a block, less the pivot and with a
 * constant coordinate 1 appended (which yields w and Σ gᵢ(xᵢ − p) in the same sweep), are gathered
 * column-major, and once more multiplied by their weights; the lower triangle of Σ_b g_b z_b z_bᵀ
 * is then formed four rows by two columns at a time with the eight sums held in registers, so each
 * value loaded is used two or four times and the accumulator is touched once per block instead of
 * once per row.
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
  let best = -1
  let top = 0
  for (let i = 0; i < n; i++) {
    const g = weights[offset + i]!
    if (g > top) {
      if (first < 0) first = i
      top = g
      best = i
    }
  }
  if (first < 0) return empty(d, diagonal)
  const origin = x.slice(first * d, first * d + d)
  let pivot: Float64Array = x.slice(best * d, best * d + d)
  const floor = top * NEGLIGIBLE
  const moments = (about: Float64Array): Float64Array =>
    diagonal ? diagonalMoments(x, n, d, weights, offset, about, floor) : fullMoments(x, n, d, weights, offset, about, floor)
  let acc = moments(pivot)
  const centre = centreOf(acc, d, diagonal, pivot)
  if (centre !== undefined) {
    pivot = centre
    acc = moments(pivot)
  }
  return fromMoments(acc, d, diagonal, origin, pivot)
}

/** [w, Σ g z, Σ g z²] (coordinate-wise) with z = x − pivot, over the rows with g > 0. */
function diagonalMoments(
  x: Float64Array,
  n: number,
  d: number,
  weights: Float64Array,
  offset: number,
  pivot: Float64Array,
  floor: number,
): Float64Array {
  const acc = new Float64Array(1 + 2 * d)
  let w = 0
  for (let i = 0; i < n; i++) {
    const g = weights[offset + i]!
    if (!(g > floor)) continue
    w += g
    const xo = i * d
    for (let c = 0; c < d; c++) {
      const z = x[xo + c]! - pivot[c]!
      const gz = g * z
      acc[1 + c] = acc[1 + c]! + gz
      acc[1 + d + c] = acc[1 + d + c]! + gz * z
    }
  }
  acc[0] = w
  return acc
}

/** Scratch of {@link fullMoments} (single-threaded per isolate; never held across calls). */
let gatherZ = new Float64Array(0)
let gatherG = new Float64Array(0)

/** Rows per block of {@link fullMoments}: the two dp × B gathers stay within ~32 KiB (L1). */
const blockRows = (dp: number): number => Math.max(8, Math.min(256, Math.floor(2048 / dp)))

/**
 * [w, Σ g z (d), Σ g z zᵀ (d × d, both triangles)] with z = x − pivot over the rows with g > 0.
 * The coordinates are z and a constant 1, padded with zeros to a multiple of 4 (dp) so that the
 * 4 × 2 tiles cover the lower triangle exactly: entry (d, c) of the augmented scatter is Σ g z_c
 * and (d, d) is w.
 */
function fullMoments(
  x: Float64Array,
  n: number,
  d: number,
  weights: Float64Array,
  offset: number,
  pivot: Float64Array,
  floor: number,
): Float64Array {
  if (d === 2) return moments2(x, n, weights, offset, pivot, floor)
  if (d === 4) return moments4(x, n, weights, offset, pivot, floor)
  const dp = (d + 4) & ~3
  const bmax = blockRows(dp)
  // zt[c·B + b] = z_b,c and gz[c·B + b] = g_b·z_b,c for the rows b of the current block, in
  // module scratch reused across calls (one call per component and block of the fused pass: fresh
  // arrays here were most of a fit's allocation); zeroed, then the constant row set, every call.
  if (gatherZ.length < dp * bmax) {
    gatherZ = new Float64Array(dp * bmax)
    gatherG = new Float64Array(dp * bmax)
  }
  const zt = gatherZ.subarray(0, dp * bmax).fill(0)
  const gz = gatherG.subarray(0, dp * bmax).fill(0)
  zt.fill(1, d * bmax, (d + 1) * bmax)
  const acc = new Float64Array(dp * dp)
  let i = 0
  while (i < n) {
    let m = 0
    for (; i < n && m < bmax; i++) {
      const g = weights[offset + i]!
      if (!(g > floor)) continue
      const xo = i * d
      for (let c = 0; c < d; c++) {
        const z = x[xo + c]! - pivot[c]!
        zt[c * bmax + m] = z
        gz[c * bmax + m] = g * z
      }
      gz[d * bmax + m] = g
      m++
    }
    for (let r = 0; r < dp; r += 4) {
      const a0 = r * bmax
      const a1 = a0 + bmax
      const a2 = a1 + bmax
      const a3 = a2 + bmax
      const ro = r * dp
      for (let c = 0; c <= r + 2; c += 2) {
        const b0 = c * bmax
        const b1 = b0 + bmax
        let s00 = 0
        let s01 = 0
        let s10 = 0
        let s11 = 0
        let s20 = 0
        let s21 = 0
        let s30 = 0
        let s31 = 0
        for (let b = 0; b < m; b++) {
          const z0 = zt[b0 + b]!
          const z1 = zt[b1 + b]!
          const g0 = gz[a0 + b]!
          s00 += g0 * z0
          s01 += g0 * z1
          const g1 = gz[a1 + b]!
          s10 += g1 * z0
          s11 += g1 * z1
          const g2 = gz[a2 + b]!
          s20 += g2 * z0
          s21 += g2 * z1
          const g3 = gz[a3 + b]!
          s30 += g3 * z0
          s31 += g3 * z1
        }
        const t = ro + c
        acc[t] = acc[t]! + s00
        acc[t + 1] = acc[t + 1]! + s01
        acc[t + dp] = acc[t + dp]! + s10
        acc[t + dp + 1] = acc[t + dp + 1]! + s11
        acc[t + 2 * dp] = acc[t + 2 * dp]! + s20
        acc[t + 2 * dp + 1] = acc[t + 2 * dp + 1]! + s21
        acc[t + 3 * dp] = acc[t + 3 * dp]! + s30
        acc[t + 3 * dp + 1] = acc[t + 3 * dp + 1]! + s31
      }
    }
  }
  const out = new Float64Array(1 + d + d * d)
  out[0] = acc[d * dp + d]!
  for (let c = 0; c < d; c++) out[1 + c] = acc[d * dp + c]!
  for (let r = 0; r < d; r++) {
    for (let c = 0; c <= r; c++) {
      const v = acc[r * dp + c]!
      out[1 + d + r * d + c] = v
      out[1 + d + c * d + r] = v
    }
  }
  return out
}

/** {@link fullMoments} for d = 2, row by row with every sum in a local variable. */
function moments2(x: Float64Array, n: number, weights: Float64Array, offset: number, pivot: Float64Array, floor: number): Float64Array {
  const p0 = pivot[0]!
  const p1 = pivot[1]!
  let w = 0
  let m0 = 0
  let m1 = 0
  let s00 = 0
  let s10 = 0
  let s11 = 0
  for (let i = 0; i < n; i++) {
    const g = weights[offset + i]!
    if (!(g > floor)) continue
    const z0 = x[2 * i]! - p0
    const z1 = x[2 * i + 1]! - p1
    const g0 = g * z0
    const g1 = g * z1
    w += g
    m0 += g0
    m1 += g1
    s00 += g0 * z0
    s10 += g1 * z0
    s11 += g1 * z1
  }
  return Float64Array.of(w, m0, m1, s00, s10, s10, s11)
}

/** {@link fullMoments} for d = 4, row by row with every sum in a local variable. */
function moments4(x: Float64Array, n: number, weights: Float64Array, offset: number, pivot: Float64Array, floor: number): Float64Array {
  const p0 = pivot[0]!
  const p1 = pivot[1]!
  const p2 = pivot[2]!
  const p3 = pivot[3]!
  let w = 0
  let m0 = 0
  let m1 = 0
  let m2 = 0
  let m3 = 0
  let s00 = 0
  let s10 = 0
  let s11 = 0
  let s20 = 0
  let s21 = 0
  let s22 = 0
  let s30 = 0
  let s31 = 0
  let s32 = 0
  let s33 = 0
  for (let i = 0; i < n; i++) {
    const g = weights[offset + i]!
    if (!(g > floor)) continue
    const xo = 4 * i
    const z0 = x[xo]! - p0
    const z1 = x[xo + 1]! - p1
    const z2 = x[xo + 2]! - p2
    const z3 = x[xo + 3]! - p3
    w += g
    const g0 = g * z0
    m0 += g0
    s00 += g0 * z0
    const g1 = g * z1
    m1 += g1
    s10 += g1 * z0
    s11 += g1 * z1
    const g2 = g * z2
    m2 += g2
    s20 += g2 * z0
    s21 += g2 * z1
    s22 += g2 * z2
    const g3 = g * z3
    m3 += g3
    s30 += g3 * z0
    s31 += g3 * z1
    s32 += g3 * z2
    s33 += g3 * z3
  }
  // prettier-ignore
  return Float64Array.of(w, m0, m1, m2, m3,
    s00, s10, s20, s30,
    s10, s11, s21, s31,
    s20, s21, s22, s32,
    s30, s31, s32, s33)
}
