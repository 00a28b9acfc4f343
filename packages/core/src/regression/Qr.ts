/**
 * Mergeable QR factors for weighted least squares: the R factor of the weighted, augmented design
 * √w·[X | y], updated one row at a time by Givens rotations. Two factors of disjoint row sets merge
 * exactly by rotating the rows of one into the other (the QR of the stacked R factors), so blocks,
 * chunks or workers can each build their own and combine them without forming XᵀWX: the normal
 * equations square the condition number, this does not (Golub & Van Loan, §5.3 and §6.5).
 *
 * @module
 */

/**
 * The upper-triangular R factor of √w·[X | y] (m = p + 1 columns), row-major m × m, with the total
 * weight and the number of rows folded in (rows of weight 0 included, as flexmix's n).
 *
 * @category Statistics
 * @since 0.2.0
 */
export interface RFactor {
  /** Columns of the augmented matrix, p + 1. */
  readonly m: number
  /** The R factor, m × m row-major, upper triangular, diagonal ≥ 0. */
  readonly r: Float64Array
  /** Σ wᵢ. */
  weight: number
  /** Rows folded in, whatever their weight. */
  rows: number
}

/**
 * An empty factor (no rows) of m columns.
 *
 * @category Statistics
 * @since 0.2.0
 */
export const empty = (m: number): RFactor => ({ m, r: new Float64Array(m * m), weight: 0, rows: 0 })

/**
 * Rotates the row `a` (length m at `offset`, scaled by √w by the caller; overwritten) into R.
 *
 * @category Linear algebra
 * @since 0.2.0
 */
export function addRowInto(m: number, r: Float64Array, a: Float64Array, offset: number): void {
  for (let c = 0; c < m; c++) {
    const ac = a[offset + c]!
    if (ac === 0) continue
    const rc = r[c * m + c]!
    const h = Math.hypot(rc, ac)
    const cs = rc / h
    const sn = ac / h
    r[c * m + c] = h
    for (let l = c + 1; l < m; l++) {
      const rl = r[c * m + l]!
      const al = a[offset + l]!
      r[c * m + l] = cs * rl + sn * al
      a[offset + l] = cs * al - sn * rl
    }
  }
}

/**
 * Folds rows into a factor: row i of the n × p design `x` (row-major) and response `y[i]`, with
 * weight `weights[offset + i]`. Rows of weight 0 count in `rows` but change nothing else.
 *
 * @category Statistics
 * @since 0.2.0
 */
export const summarize = (
  factor: RFactor,
  n: number,
  p: number,
  x: Float64Array,
  y: Float64Array,
  weights: Float64Array,
  offset: number,
): RFactor => {
  const m = p + 1
  const a = new Float64Array(m)
  for (let i = 0; i < n; i++) {
    const w = weights[offset + i]!
    factor.rows++
    if (!(w > 0)) continue
    const s = Math.sqrt(w)
    for (let c = 0; c < p; c++) a[c] = s * x[i * p + c]!
    a[p] = s * y[i]!
    factor.weight += w
    addRowInto(m, factor.r, a, 0)
  }
  return factor
}

/**
 * Merges two factors of disjoint row sets (the R factor of [R₁; R₂]); neither input is changed.
 *
 * @category Statistics
 * @since 0.2.0
 */
export const merge = (a: RFactor, b: RFactor): RFactor => {
  const m = a.m
  const out: RFactor = { m, r: Float64Array.from(a.r), weight: a.weight + b.weight, rows: a.rows + b.rows }
  const row = new Float64Array(m)
  for (let c = 0; c < m; c++) {
    for (let l = 0; l < m; l++) row[l] = b.r[c * m + l]!
    addRowInto(m, out.r, row, 0)
  }
  return out
}

/**
 * Solves the weighted least-squares problem held in a factor: β from R₁₁β = r₁₂ by back
 * substitution, and the weighted residual sum of squares r₂₂² (no subtraction, full accuracy).
 *
 * @returns β (length p) and the RSS, or `undefined` when a diagonal entry of R₁₁ is below
 *   1e-12 × the largest (rank-deficient design under these weights).
 * @category Linear algebra
 * @since 0.2.0
 */
export const solve = (factor: RFactor): { readonly beta: Float64Array; readonly rss: number } | undefined => {
  const m = factor.m
  const p = m - 1
  const r = factor.r
  let largest = 0
  for (let c = 0; c < p; c++) largest = Math.max(largest, Math.abs(r[c * m + c]!))
  const beta = new Float64Array(p)
  for (let c = p - 1; c >= 0; c--) {
    const diag = r[c * m + c]!
    if (!(Math.abs(diag) > 1e-12 * largest)) return undefined
    let s = r[c * m + p]!
    for (let l = c + 1; l < p; l++) s -= r[c * m + l]! * beta[l]!
    beta[c] = s / diag
  }
  const last = r[p * m + p]!
  return { beta, rss: last * last }
}
