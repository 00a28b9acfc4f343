/**
 * From weighted moments about a pivot row to centred Gaussian statistics: shared by the plain
 * `summarize` (Statistics.ts) and the WebAssembly kernel (wasm.ts), which accumulate the moments
 * differently but finish them the same way. Not exported from the package.
 */
import type { Statistics } from '../Statistics.js'

/**
 * When the weighted mean lies more than √64 = 8 standard deviations (along some coordinate) from
 * the pivot row, the moments are computed again centred at the mean, so that removing w·δδᵀ from
 * the scatter about the pivot never costs more than ~2 digits' worth of cancellation.
 */
const RECENTRE = 64

/**
 * Rows whose weight is below 2⁻⁶⁰⁰ (≈ 2.4e-181) times the largest weight are skipped: together they
 * change the statistics by less than n·2⁻⁶⁰⁰ relative, and responsibilities that small (exp of
 * −700 and below, subnormal in the end) make every product they enter a slow subnormal operation
 * (s50 ran 3.7× slower with them).
 */
export const NEGLIGIBLE = 2 ** -600

/**
 * The weighted mean when it lies too far from `pivot` for the moments about it (see RECENTRE), or
 * `undefined`. `acc` = [w, Σ g z (d), Σ g z zᵀ (d·d, or d when `diagonal`)] with z = x − pivot.
 */
export function centreOf(acc: Float64Array, d: number, diagonal: boolean, pivot: Float64Array): Float64Array | undefined {
  const w = acc[0]!
  let far = false
  for (let c = 0; c < d; c++) {
    const delta = acc[1 + c]! / w
    // The scatter is about the pivot: its centred part is Σ g z² − w·δ² (by Cauchy–Schwarz the
    // uncentred sum is never below w·δ², so comparing with it could never fire).
    const shift = w * delta * delta
    const centred = (diagonal ? acc[1 + d + c]! : acc[1 + d + c * d + c]!) - shift
    if (shift > RECENTRE * centred) far = true
  }
  if (!far) return undefined
  const centre = new Float64Array(d)
  for (let c = 0; c < d; c++) centre[c] = pivot[c]! + acc[1 + c]! / w
  return centre
}

/** The statistics (with origin `origin`) of the moments `acc` about `pivot`: δ = Σ g z / w, M = Σ g z zᵀ − w·δδᵀ. */
export function fromMoments(acc: Float64Array, d: number, diagonal: boolean, origin: Float64Array, pivot: Float64Array): Statistics {
  const w = acc[0]!
  const delta = new Float64Array(d)
  for (let c = 0; c < d; c++) delta[c] = acc[1 + c]! / w
  const off = new Float64Array(d)
  for (let c = 0; c < d; c++) off[c] = pivot[c]! - origin[c]! + delta[c]!
  const out = new Float64Array(diagonal ? d : d * d)
  if (diagonal) {
    for (let c = 0; c < d; c++) out[c] = acc[1 + d + c]! - w * delta[c]! * delta[c]!
  } else {
    for (let r = 0; r < d; r++) {
      const h = w * delta[r]!
      for (let c = 0; c <= r; c++) {
        const v = acc[1 + d + r * d + c]! - h * delta[c]!
        out[r * d + c] = v
        out[c * d + r] = v
      }
    }
  }
  return { weight: w, origin, offset: off, scatter: out }
}
