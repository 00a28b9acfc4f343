/**
 * Special functions that component families need, in double precision: log-gamma and
 * log-factorial (normalising constants of Poisson, multinomial, gamma and Dirichlet densities),
 * digamma and trigamma (the gamma family's M-step and observed information), log-beta, and the
 * stable two-term log-sum-exp.
 *
 * Accuracy is checked against 40-digit values from mpmath committed in
 * `packages/core/fixtures/special-reference.json` (written by `scripts/special-reference.py`).
 *
 * @packageDocumentation
 */

const HALF_LOG_2PI = 0.9189385332046727 // ½·log(2π)
const EULER_GAMMA = 0.5772156649015329 // γ, the Euler–Mascheroni constant

/** Exact n! for n = 0 … 22 (every value an exactly representable double). */
const FACTORIALS: Float64Array = (() => {
  const f = new Float64Array(23)
  f[0] = 1
  for (let n = 1; n <= 22; n++) f[n] = f[n - 1]! * n
  return f
})()

/** Smallest argument handed to the asymptotic (Stirling) series of log Γ, ψ and ψ′. */
const ASYMPTOTIC_MIN = 10

/** (ζ(k) − 1) / k for k = 2 … 30 (mpmath, 40 digits, rounded to double): the Taylor series of log Γ about 2. */
const ZETA_MINUS_ONE_OVER_K = [
  0.3224670334241132, 0.0673523010531981, 0.020580808427784546, 0.007385551028673986, 0.0028905103307415234, 0.001192753911703261,
  0.0005096695247430425, 0.00022315475845357939, 9.945751278180853e-5, 4.492623673813314e-5, 2.050721277567069e-5, 9.439488275268397e-6,
  4.374866789907488e-6, 2.039215753801366e-6, 9.55141213040742e-7, 4.492469198764566e-7, 2.1207184805554665e-7, 1.0043224823968099e-7,
  4.7698101693639804e-8, 2.2711094608943164e-8, 1.0838659214896955e-8, 5.183475041970047e-9, 2.4836745438024785e-9, 1.1921401405860912e-9,
  5.731367241678862e-10, 2.7595228851242334e-10, 1.330476437424449e-10, 6.4229645638381e-11, 3.1044247747322276e-11,
]

/** Stirling's series for x ≥ ASYMPTOTIC_MIN: (x − ½)log x − x + ½log 2π + Σ B₂ₘ / (2m(2m − 1)x^(2m−1)); first omitted term < 3e-17 at x = 10. */
const stirling = (x: number): number => {
  const r = 1 / x
  const r2 = r * r
  // B₂/2 = 1/12, B₄/12 = −1/360, B₆/30 = 1/1260, B₈/56 = −1/1680, B₁₀/90 = 1/1188, B₁₂/132 = −691/360360, B₁₄/182 = 1/156.
  const series =
    r * (1 / 12 + r2 * (-1 / 360 + r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 * (1 / 156)))))))
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series
}

/** log Γ(2 + z) for |z| ≤ ½ by its Taylor series (1 − γ)z + Σₖ (−1)ᵏ (ζ(k) − 1)/k zᵏ (Abramowitz & Stegun 6.1.33): no cancellation near the zero at 2. */
const logGammaNear2 = (z: number): number => {
  let s = 0
  for (let k = ZETA_MINUS_ONE_OVER_K.length - 1; k >= 0; k--) s = ZETA_MINUS_ONE_OVER_K[k]! - z * s
  return z * (1 - EULER_GAMMA + z * s)
}

/**
 * log Γ(x) for x > 0.
 *
 * Method: exact for integers ≤ 23 (the log of the exactly representable factorial); Stirling's
 * series with Bernoulli terms to x⁻¹³ for x ≥ 10; below, the Taylor series of log Γ about 2 with
 * ζ-coefficients (Abramowitz & Stegun 6.1.33) on [1.5, 2.5), reached by the recurrence
 * Γ(x + 1) = x Γ(x) (with log1p for the step down to 1, so the result stays accurate relative to
 * itself near the zeros at 1 and 2, and a product of positive exact terms above 2.5).
 *
 * Accuracy against mpmath: ≤ 1e-15 relative for x ∈ [10⁻³, 10¹⁰], the zeros at 1 and 2 included
 * (tested).
 *
 * @param x - the argument, > 0.
 * @returns log Γ(x); `NaN` for x ≤ 0 or NaN, `+∞` for x = +∞.
 * @category Numerics
 * @since 0.2.0
 */
export const logGamma = (x: number): number => {
  if (!(x > 0)) return NaN
  if (x === Infinity) return Infinity
  if (Number.isInteger(x) && x <= 23) return Math.log(FACTORIALS[x - 1]!)
  if (x >= ASYMPTOTIC_MIN) return stirling(x)
  if (x < 0.5) return logGammaNear2(x) - Math.log1p(x) - Math.log(x) // Γ(x) = Γ(2 + x) / ((1 + x)·x)
  if (x < 1.5) return logGammaNear2(x - 1) - Math.log1p(x - 1) // Γ(x) = Γ(x + 1) / x
  // x ∈ [1.5, 10): Γ(x) = Γ(y)·Π (x − t) with y = x − m ∈ [1.5, 2.5); every x − t is exact and every term positive.
  let product = 1
  let y = x
  while (y >= 2.5) {
    y -= 1
    product *= y
  }
  return Math.log(product) + logGammaNear2(y - 2)
}

/**
 * log(n!) for an integer n ≥ 0: exact (up to one `Math.log` rounding) for n ≤ 22, Stirling's series
 * beyond; ≤ 1e-15 relative (tested against mpmath).
 *
 * @param n - a non-negative integer (a count).
 * @returns log(n!); `NaN` for a negative or non-integer n.
 * @category Numerics
 * @since 0.2.0
 */
export const logFactorial = (n: number): number => {
  if (!Number.isInteger(n) || n < 0) return NaN
  return n <= 22 ? Math.log(FACTORIALS[n]!) : stirling(n + 1)
}

/**
 * The digamma function ψ(x) = d log Γ(x) / dx for x > 0.
 *
 * Method: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic series
 * log x − 1/(2x) − Σ B₂ₘ / (2m x^(2m)) to x⁻¹⁴ (Abramowitz & Stegun 6.3.18). Against mpmath:
 * ≤ 1e-15 relative outside [1, 3]; inside, ≤ 2e-15 absolute (the relative error grows towards the
 * root x₀ ≈ 1.4616, where ψ vanishes and the recurrence cancels).
 *
 * @param x - the argument, > 0.
 * @returns ψ(x); `NaN` for x ≤ 0 or NaN, `+∞` for x = +∞.
 * @category Numerics
 * @since 0.2.0
 */
export const digamma = (x: number): number => {
  if (!(x > 0)) return NaN
  if (x === Infinity) return Infinity
  let shift = 0
  let y = x
  while (y < ASYMPTOTIC_MIN) {
    shift += 1 / y
    y += 1
  }
  const r2 = 1 / (y * y)
  // B₂/2 = 1/12, B₄/4 = −1/120, B₆/6 = 1/252, B₈/8 = −1/240, B₁₀/10 = 1/132, B₁₂/12 = −691/32760, B₁₄/14 = 1/12.
  const series = r2 * (1 / 12 + r2 * (-1 / 120 + r2 * (1 / 252 + r2 * (-1 / 240 + r2 * (1 / 132 + r2 * (-691 / 32760 + r2 * (1 / 12)))))))
  return Math.log(y) - 0.5 / y - series - shift
}

/**
 * The trigamma function ψ′(x) = d² log Γ(x) / dx² for x > 0.
 *
 * Method: the recurrence ψ′(x) = ψ′(x + 1) + 1/x² up to x ≥ 10, then the asymptotic series
 * 1/x + 1/(2x²) + Σ B₂ₘ / x^(2m+1) to x⁻¹⁵ (Abramowitz & Stegun 6.4.12). ≤ 1e-15 relative
 * (tested against mpmath).
 *
 * @param x - the argument, > 0.
 * @returns ψ′(x) (positive, decreasing); `NaN` for x ≤ 0 or NaN, 0 for x = +∞.
 * @category Numerics
 * @since 0.2.0
 */
export const trigamma = (x: number): number => {
  if (!(x > 0)) return NaN
  if (x === Infinity) return 0
  let shift = 0
  let y = x
  while (y < ASYMPTOTIC_MIN) {
    shift += 1 / (y * y)
    y += 1
  }
  const r = 1 / y
  const r2 = r * r
  // B₂ = 1/6, B₄ = −1/30, B₆ = 1/42, B₈ = −1/30, B₁₀ = 5/66, B₁₂ = −691/2730, B₁₄ = 7/6.
  const series = r2 * (1 / 6 + r2 * (-1 / 30 + r2 * (1 / 42 + r2 * (-1 / 30 + r2 * (5 / 66 + r2 * (-691 / 2730 + r2 * (7 / 6)))))))
  return shift + r + 0.5 * r2 + r * series
}

/**
 * log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b), the log of the beta function, for a, b > 0
 * (the normaliser of the beta and Dirichlet densities). For large a or b the three terms cancel:
 * the error is within 4e-16·(|log Γ(a)| + |log Γ(b)| + |log Γ(a + b)|) + 1e-15·|log B(a, b)| (tested).
 *
 * @returns log B(a, b); `NaN` when a or b is ≤ 0 or NaN.
 * @category Numerics
 * @since 0.2.0
 */
export const logBeta = (a: number, b: number): number => {
  if (!(a > 0) || !(b > 0)) return NaN
  return logGamma(a) + logGamma(b) - logGamma(a + b)
}

/**
 * log(eᵃ + eᵇ) without overflow or underflow: max(a, b) + log1p(exp(−|a − b|)) (the two-term
 * log-sum-exp). −∞ when both are −∞; +∞ when either is +∞; `NaN` when either is NaN.
 *
 * @category Numerics
 * @since 0.2.0
 */
export const logAddExp = (a: number, b: number): number => {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN
  const m = a > b ? a : b
  if (m === -Infinity || m === Infinity) return m
  return m + Math.log1p(Math.exp(-Math.abs(a - b)))
}

/**
 * log(1 + eˣ), the softplus, without overflow for large x and without losing eˣ for very negative
 * x: x + log1p(e⁻ˣ) for x > 0, log1p(eˣ) otherwise.
 *
 * @category Numerics
 * @since 0.2.0
 */
export const log1pExp = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)))
