/**
 * Per-component statistics of given responsibilities (the verification model's M-step and
 * initialisation). Fitting uses the fused pass (`fused.ts`) instead, which never stores the n × k
 * matrix.
 *
 * @internal
 */
import type { Dataset } from '../Dataset.js'
import type { ComponentFamily } from '../Family.js'
import { meanCompleted, summarizeFor } from './incomplete.js'

/**
 * Per-component statistics of a block from its responsibilities `resp[j * stride + offset + i]`.
 * Without sample weights the family reads the responsibilities where they are; with them, the
 * weighted responsibilities of one component at a time go through `scratch` (length ≥ block.n).
 * A block with missing cells gives the expected statistics given its observed cells under
 * `components` (the parameters the responsibilities were computed at), or, without them (an
 * initialisation), the statistics of the block completed by its columns' observed means.
 */
export function summarizeBlock<C, S>(
  family: ComponentFamily<C, S>,
  given: Dataset,
  k: number,
  resp: Float64Array,
  stride: number,
  offset: number,
  scratch: Float64Array,
  components?: readonly C[],
): S[] {
  const block = components === undefined ? meanCompleted(given) : given
  const summarize = (w: Float64Array, o: number, j: number): S =>
    components === undefined ? family.summarize(block, w, o) : summarizeFor(family, block, w, o, components[j]!)
  const m = block.n
  const sw = block.sampleWeights
  const stats: S[] = []
  for (let j = 0; j < k; j++) {
    const o = j * stride + offset
    if (sw === undefined) {
      stats.push(summarize(resp, o, j))
      continue
    }
    for (let i = 0; i < m; i++) scratch[i] = resp[o + i]! * sw[i]!
    stats.push(summarize(scratch, 0, j))
  }
  return stats
}
