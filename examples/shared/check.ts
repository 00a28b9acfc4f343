/**
 * Assertions for the examples: every example checks its own results, so CI fails when an example's
 * output stops being right (not only when it crashes).
 */

/** Throws with `message` when `condition` is false. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`example check failed: ${message}`)
}

/** Checks |actual − expected| ≤ atol + rtol·|expected| and returns `actual`. */
export const close = (actual: number, expected: number, rtol: number, atol: number, label: string): number => {
  const err = Math.abs(actual - expected)
  check(
    err <= atol + rtol * Math.abs(expected),
    `${label}: ${actual} vs expected ${expected} (|Δ| = ${err.toExponential(2)}, allowed ${atol} + ${rtol}·|expected|)`,
  )
  return actual
}

/** Formats a number with a fixed number of significant digits for tables. */
export const fmt = (x: number, digits = 5): string => (Number.isInteger(x) ? String(x) : x.toPrecision(digits))
