/**
 * Per-component statistics of given responsibilities (the verification model's M-step and
 * initialisation). Fitting uses the fused pass (`fused.ts`) instead, which never stores the n × k
 * matrix.
 *
 * @internal
 */
import type { Dataset } from '../Dataset.js'
import type { ComponentFamily } from '../Family.js'

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
