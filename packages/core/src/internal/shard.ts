/**
 * The responsibilities E-step (the full posterior, for prediction and verification) and the
 * per-component statistics of given responsibilities. Fitting uses the fused pass (`fused.ts`)
 * instead, which never stores the n × k matrix.
 *
 * @internal
 */
import type { Dataset } from '../Dataset.js'
import type { ComponentFamily } from '../Family.js'
import { expNonPositive } from './exp.js'

/**
 * Writes responsibilities of `block` (rows [0, m) of the block) into `resp` at
 * `resp[j * stride + offset + i]` and log p(xᵢ | θ) (base measure included) into
 * `rowLog[offset + i]`, using `local` (length ≥ k·m) as scratch — `local` may be `resp` itself when
 * the block is the whole dataset (stride = m, offset = 0). Returns Σᵢ wᵢ log p(xᵢ | θ) over the block
 * (−∞ when some row has zero density).
 */
export function eStepBlock<C, S>(
  family: ComponentFamily<C, S>,
  block: Dataset,
  components: readonly C[],
  logWeights: Float64Array,
  base: Float64Array | undefined,
  local: Float64Array,
  resp: Float64Array,
  rowLog: Float64Array,
  stride: number,
  offset: number,
): number {
  const k = components.length
  const m = block.n
  family.logDensityInto(block, components, local)
  const sw = block.sampleWeights
  let total = 0
  // Rows in blocks of ROWS so that every inner loop runs over one component's contiguous run.
  for (let i0 = 0; i0 < m; i0 += ROWS) {
    const len = Math.min(ROWS, m - i0)
    rowMax.fill(-Infinity, 0, len)
    for (let j = 0; j < k; j++) {
      const o = j * m + i0
      const lw = logWeights[j]!
      for (let t = 0; t < len; t++) {
        const v = local[o + t]! + lw
        local[o + t] = v
        if (v > rowMax[t]!) rowMax[t] = v
      }
    }
    rowSum.fill(0, 0, len)
    for (let j = 0; j < k; j++) {
      const o = j * m + i0
      for (let t = 0; t < len; t++) {
        const e = expNonPositive(local[o + t]! - rowMax[t]!)
        local[o + t] = e
        rowSum[t] = rowSum[t]! + e
      }
    }
    let impossible = false
    for (let t = 0; t < len; t++) {
      const max = rowMax[t]!
      const i = i0 + t
      if (max === -Infinity) {
        // No component can produce this row: its log-density is −∞ (the loop reports it).
        impossible = true
        rowLog[offset + i] = -Infinity
        total = -Infinity
        continue
      }
      const ll = max + Math.log(rowSum[t]!) + (base === undefined ? 0 : base[i]!)
      rowSum[t] = 1 / rowSum[t]!
      rowLog[offset + i] = ll
      if (sw === undefined) total += ll
      else if (sw[i]! > 0) total += sw[i]! * ll
    }
    for (let j = 0; j < k; j++) {
      const o = j * m + i0
      const r = j * stride + offset + i0
      for (let t = 0; t < len; t++) resp[r + t] = local[o + t]! * rowSum[t]!
    }
    if (impossible) {
      for (let t = 0; t < len; t++) if (rowMax[t] === -Infinity) for (let j = 0; j < k; j++) resp[j * stride + offset + i0 + t] = 0
    }
  }
  return total
}

/** Rows per block of the E-step's normalisation. */
const ROWS = 256
const rowMax = new Float64Array(ROWS)
const rowSum = new Float64Array(ROWS)

/**
 * Per-component statistics of a block from its responsibilities `resp[j * stride + offset + i]`.
 * Without sample weights the family reads the responsibilities where they are; with them, the
 * weighted responsibilities of one component at a time go through `scratch` (length ≥ block.n).
 */
export function summarizeBlock<C, S>(
  family: ComponentFamily<C, S>,
  block: Dataset,
  k: number,
  resp: Float64Array,
  stride: number,
  offset: number,
  scratch: Float64Array,
): S[] {
  const m = block.n
  const sw = block.sampleWeights
  const stats: S[] = []
  for (let j = 0; j < k; j++) {
    const o = j * stride + offset
    if (sw === undefined) {
      stats.push(family.summarize(block, resp, o))
      continue
    }
    for (let i = 0; i < m; i++) scratch[i] = resp[o + i]! * sw[i]!
    stats.push(family.summarize(block, scratch, 0))
  }
  return stats
}
