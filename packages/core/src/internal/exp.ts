/**
 * exp(x) for x ≤ 0, the only range the E-step needs (log-densities minus their row maximum).
 * About twice as fast as `Math.exp` in V8 and within 2 ulp of it (tested): x = n·ln2/32 + r with
 * |r| ≤ ln2/64 (Cody–Waite two-part ln 2), exp(r) by its degree-6 Taylor polynomial (truncation
 * error < 4·10⁻¹⁸ relative), times 2^(j/32) and 2^m from tables. Below −708 it returns 0 instead of
 * a subnormal: such a responsibility is below 10⁻³⁰⁷ of its row's largest, and subnormal operands
 * make every later multiplication that touches them many times slower.
 *
 * @internal
 */
const LN2_HI_32 = 6.9314718036912381649e-1 / 32
const LN2_LO_32 = 1.90821492927058770002e-10 / 32
const INV_LN2_32 = 32 / Math.LN2
/** 1.5·2⁵²: adding and subtracting it rounds a double of magnitude < 2⁵¹ to the nearest integer. */
const ROUND = 6755399441055744.0
const FRACTION = Float64Array.from({ length: 32 }, (_, j) => Math.pow(2, j / 32))
const POWER = Float64Array.from({ length: 32 }, (_, m) => Math.pow(2, -m))
const POWER32 = Float64Array.from({ length: 34 }, (_, m) => Math.pow(2, -32 * m))

/** exp(x) for x ≤ 0 (NaN gives NaN; x < −708 gives 0). */
export function expNonPositive(x: number): number {
  if (x < -708) return 0
  const kn = x * INV_LN2_32 + ROUND - ROUND
  const r = x - kn * LN2_HI_32 - kn * LN2_LO_32
  const n = -kn | 0
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720))))))
  // 2^(kn/32) = 2^(−whole) · 2^(frac/32), and 2^(−whole) = 2^(−32·⌊whole/32⌋) · 2^(−(whole mod 32)).
  const whole = (n + 31) >> 5 // ⌈n/32⌉
  const frac = (whole << 5) - n // in [0, 31]: 2^(kn/32) = 2^(−whole) · 2^(frac/32)
  return POWER32[whole >> 5]! * POWER[whole & 31]! * FRACTION[frac]! * p
}
