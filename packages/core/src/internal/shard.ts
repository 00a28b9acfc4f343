/**
 * The mixture E-step over one block of rows, shared by the single-threaded path and the worker
 * threads: log-densities, log-sum-exp responsibilities, per-row log-likelihoods and (optionally) the
 * per-component sufficient statistics of the block.
 *
 * @internal
 */
import type { Dataset } from '../Dataset.js'
import type { ComponentFamily } from '../Family.js'

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
  for (let j = 0; j < k; j++) {
    const lw = logWeights[j]!
    const o = j * m
    for (let i = 0; i < m; i++) local[o + i] = local[o + i]! + lw
  }
  const sw = block.sampleWeights
  let total = 0
  for (let i = 0; i < m; i++) {
    let max = -Infinity
    for (let j = 0; j < k; j++) {
      const v = local[j * m + i]!
      if (v > max) max = v
    }
    if (max === -Infinity) {
      // No component can produce this row: its log-density is −∞ (the loop reports it).
      for (let j = 0; j < k; j++) resp[j * stride + offset + i] = 0
      rowLog[offset + i] = -Infinity
      total = -Infinity
      continue
    }
    let s = 0
    for (let j = 0; j < k; j++) {
      const e = Math.exp(local[j * m + i]! - max)
      local[j * m + i] = e
      s += e
    }
    const inv = 1 / s
    for (let j = 0; j < k; j++) resp[j * stride + offset + i] = local[j * m + i]! * inv
    const ll = max + Math.log(s) + (base === undefined ? 0 : base[i]!)
    rowLog[offset + i] = ll
    if (sw === undefined) total += ll
    else if (sw[i]! > 0) total += sw[i]! * ll
  }
  return total
}

/**
 * Per-component statistics of a block from its responsibilities `resp[j * stride + offset + i]`,
 * sample weights multiplied in (`scratch`, length ≥ k·m, is used when the block has sample weights
 * or is not laid out contiguously).
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
  if (sw === undefined && stride === m && offset === 0) {
    for (let j = 0; j < k; j++) stats.push(family.summarize(block, resp, j * m))
    return stats
  }
  for (let j = 0; j < k; j++) {
    const o = j * stride + offset
    for (let i = 0; i < m; i++) scratch[j * m + i] = sw === undefined ? resp[o + i]! : resp[o + i]! * sw[i]!
  }
  for (let j = 0; j < k; j++) stats.push(family.summarize(block, scratch, j * m))
  return stats
}
