/**
 * log Γ(x) and log(n!) in double precision, for the multinomial coefficient and the Dirichlet
 * normaliser (core's numerics have no log-gamma).
 *
 * - Integers n ≤ 22: log of the exact product n! (exactly representable as a double up to 22!),
 *   so log(n!) is correctly rounded up to one `Math.log` ulp.
 * - x ≥ 10: Stirling's series with the Bernoulli terms up to x⁻¹³; the first omitted term is
 *   |B₁₆|/(16·15·x¹⁵) < 3e-17 at x = 10 (and shrinks as x⁻¹⁵), so beyond rounding the error is
 *   nil: relative ~1e-16.
 * - 0 < x < 10 (non-integer): shifted up to x + m ≥ 10 by log Γ(x) = log Γ(x + m) − log Π(x + t);
 *   absolute error a few 1e-15 (the subtraction cancels near the zeros at x = 1 and 2).
 *
 * @internal
 */

const HALF_LOG_2PI = 0.9189385332046727 // ½·log(2π)

/** Exact n! for n = 0 … 22 (every value an exactly representable double). */
const FACTORIALS: Float64Array = (() => {
  const f = new Float64Array(23)
  f[0] = 1
  for (let n = 1; n <= 22; n++) f[n] = f[n - 1]! * n
  return f
})()

/** Smallest argument handed to Stirling's series. */
const STIRLING_MIN = 10

/** Stirling's series for x ≥ STIRLING_MIN: (x − ½)log x − x + ½log 2π + Σ B₂ₘ / (2m(2m − 1)x^(2m−1)). */
const stirling = (x: number): number => {
  const r = 1 / x
  const r2 = r * r
  // B₂/2 = 1/12, B₄/12 = −1/360, B₆/30 = 1/1260, B₈/56 = −1/1680, B₁₀/90 = 1/1188,
  // B₁₂/132 = −691/360360, B₁₄/182 = 1/156.
  const series =
    r * (1 / 12 + r2 * (-1 / 360 + r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 * (1 / 156)))))))
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series
}

/**
 * log Γ(x) for x > 0 (NaN for x ≤ 0 or NaN; +∞ for x = +∞).
 *
 * @internal
 */
export const logGamma = (x: number): number => {
  if (!(x > 0)) return NaN
  if (x === Infinity) return Infinity
  if (Number.isInteger(x) && x <= 23) return Math.log(FACTORIALS[x - 1]!)
  if (x >= STIRLING_MIN) return stirling(x)
  let product = 1
  let y = x
  while (y < STIRLING_MIN) {
    product *= y
    y += 1
  }
  return stirling(y) - Math.log(product)
}

/**
 * log(n!) for an integer n ≥ 0.
 *
 * @internal
 */
export const logFactorial = (n: number): number => (n <= 22 ? Math.log(FACTORIALS[n]!) : stirling(n + 1))
