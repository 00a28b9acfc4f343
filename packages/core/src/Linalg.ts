/**
 * Flat linear-algebra kernels on `Float64Array` for the hot loops of component families.
 *
 * Matrices are `d × d`, row-major, stored at an offset in a flat array (stdlib-style
 * `(d, a, offset)` signatures), so a family can keep all its components' factors in one buffer and
 * nothing is allocated per row. Symmetric positive-definite matrices are factored by Cholesky,
 * A = L·Lᵀ with L lower-triangular; emkit never forms an explicit inverse of a covariance.
 * ml-matrix is the test oracle for these kernels.
 *
 * @packageDocumentation
 */

/**
 * Cholesky factor of a symmetric positive-definite `d × d` matrix: writes lower-triangular L with
 * A = L·Lᵀ into `l` (upper triangle set to 0). Only the lower triangle of `a` is read.
 * `a` and `l` may be the same buffer at the same offset (in-place factorisation).
 *
 * @returns `true` on success; `false` when A is not (numerically) positive definite or holds a
 *   non-finite value — the contents of `l` are then unspecified.
 * @example
 * ```ts
 * const l = new Float64Array(4)
 * Linalg.cholesky(2, Float64Array.of(4, 2, 2, 3), 0, l, 0) // true; l = [2, 0, 1, √2]
 * ```
 * @category Linear algebra
 * @since 0.1.0
 */
export function cholesky(d: number, a: Float64Array, aOffset: number, l: Float64Array, lOffset: number): boolean {
  for (let i = 0; i < d; i++) {
    const ri = lOffset + i * d
    for (let j = 0; j <= i; j++) {
      const rj = lOffset + j * d
      let s = a[aOffset + i * d + j]!
      for (let m = 0; m < j; m++) s -= l[ri + m]! * l[rj + m]!
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return false
        l[ri + i] = Math.sqrt(s)
      } else {
        l[ri + j] = s / l[rj + j]!
      }
    }
    for (let j = i + 1; j < d; j++) l[ri + j] = 0
  }
  return true
}

/**
 * Solves L·x = b in place (forward substitution) for lower-triangular `l`; `b` (length d at
 * `bOffset`) is overwritten with x.
 *
 * @category Linear algebra
 * @since 0.1.0
 */
export function solveLower(d: number, l: Float64Array, lOffset: number, b: Float64Array, bOffset: number): void {
  for (let i = 0; i < d; i++) {
    const ri = lOffset + i * d
    let s = b[bOffset + i]!
    for (let m = 0; m < i; m++) s -= l[ri + m]! * b[bOffset + m]!
    b[bOffset + i] = s / l[ri + i]!
  }
}

/**
 * Solves Lᵀ·x = b in place (back substitution) for lower-triangular `l`; `b` is overwritten with x.
 *
 * @category Linear algebra
 * @since 0.1.0
 */
export function solveLowerTransposed(d: number, l: Float64Array, lOffset: number, b: Float64Array, bOffset: number): void {
  for (let i = d - 1; i >= 0; i--) {
    let s = b[bOffset + i]!
    for (let m = i + 1; m < d; m++) s -= l[lOffset + m * d + i]! * b[bOffset + m]!
    b[bOffset + i] = s / l[lOffset + i * d + i]!
  }
}

/**
 * Inverse of a lower-triangular matrix (itself lower-triangular): writes L⁻¹ into `out`.
 * With L the Cholesky factor of a covariance Σ, L⁻¹ is a square root of the precision:
 * (x − μ)ᵀ Σ⁻¹ (x − μ) = ‖L⁻¹ (x − μ)‖². `out` must not alias `l`.
 *
 * @category Linear algebra
 * @since 0.1.0
 */
export function invertLower(d: number, l: Float64Array, lOffset: number, out: Float64Array, outOffset: number): void {
  for (let j = 0; j < d; j++) {
    // column j of L⁻¹: solve L x = e_j; x_i = 0 for i < j
    for (let i = 0; i < j; i++) out[outOffset + i * d + j] = 0
    out[outOffset + j * d + j] = 1 / l[lOffset + j * d + j]!
    for (let i = j + 1; i < d; i++) {
      let s = 0
      for (let m = j; m < i; m++) s -= l[lOffset + i * d + m]! * out[outOffset + m * d + j]!
      out[outOffset + i * d + j] = s / l[lOffset + i * d + i]!
    }
  }
}

/**
 * log det A = 2 Σᵢ log Lᵢᵢ from the Cholesky factor L of A.
 *
 * @category Linear algebra
 * @since 0.1.0
 */
export function logDetFromCholesky(d: number, l: Float64Array, lOffset: number): number {
  let s = 0
  for (let i = 0; i < d; i++) s += Math.log(l[lOffset + i * d + i]!)
  return 2 * s
}

/**
 * L·Lᵀ into `out` (full symmetric `d × d`): rebuilds a matrix from its Cholesky factor.
 *
 * @category Linear algebra
 * @since 0.1.0
 */
export function multiplyLowerTransposed(d: number, l: Float64Array, lOffset: number, out: Float64Array, outOffset: number): void {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0
      for (let m = 0; m <= j; m++) s += l[lOffset + i * d + m]! * l[lOffset + j * d + m]!
      out[outOffset + i * d + j] = s
      out[outOffset + j * d + i] = s
    }
  }
}

/**
 * log Σ exp(vᵢ) over `length` entries of `values` starting at `offset` with `stride`, computed
 * stably (the maximum is factored out). An all −∞ input gives −∞ (not NaN); any +∞ gives +∞;
 * any NaN gives NaN.
 *
 * @example
 * ```ts
 * Linalg.logSumExp(Float64Array.of(-1000, -1000), 0, 2, 1) // -1000 + log 2
 * ```
 * @category Numerics
 * @since 0.1.0
 */
export function logSumExp(values: ArrayLike<number>, offset: number, length: number, stride: number): number {
  let max = -Infinity
  for (let t = 0, p = offset; t < length; t++, p += stride) {
    const v = values[p]!
    if (v > max) max = v
    else if (v !== v) return NaN
  }
  if (max === -Infinity || max === Infinity) return max
  let s = 0
  for (let t = 0, p = offset; t < length; t++, p += stride) s += Math.exp(values[p]! - max)
  return max + Math.log(s)
}

/** ½·log(2π), used by Gaussian log-densities. @category Numerics @since 0.1.0 */
export const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI)
