/**
 * The worker's side of one block, the same on every platform: views of the worker's rows in the
 * shared buffers, the family rebuilt from its recipe, and the fused pass over the block for each
 * request. Node's `worker.ts` and the Web Worker's `Workers.serve` both answer through it.
 *
 * @internal
 */
import { either as E } from 'fp-ts'
import type { Dataset } from '../Dataset.js'
import type { ComponentFamily } from '../Family.js'
import { emptyTotals, FusedKernel } from './fused.js'
import type { BlockInit, PassRequest, WorkerReply } from './platform.js'

/** The worker's rows as a dataset and its base measure, viewed in the shared buffers `init` names. */
export const blockOf = (
  init: BlockInit,
): { readonly block: Dataset; readonly base: Float64Array | undefined; readonly labels: Float64Array | undefined } => {
  const m = init.end - init.start
  const values = new Float64Array(init.values, init.start * init.d * 8, m * init.d)
  const block: Dataset = {
    n: m,
    d: init.d,
    values,
    ...(init.sampleWeights === undefined ? {} : { sampleWeights: new Float64Array(init.sampleWeights, init.start * 8, m) }),
    ...(init.missing === undefined ? {} : { missing: new Uint8Array(init.missing, init.start * init.d, m * init.d) }),
  }
  return {
    block,
    base: init.base === undefined ? undefined : new Float64Array(init.base, init.start * 8, m),
    labels: init.labels === undefined ? undefined : new Float64Array(init.labels, init.start * 8, m),
  }
}

/**
 * Answers pass requests over `block` (whose first row is row `firstRow` of the whole data, for the
 * row numbers of errors) with `family`.
 */
export const blockServer = (
  family: ComponentFamily<unknown, unknown>,
  block: Dataset,
  base: Float64Array | undefined,
  firstRow: number,
  labels?: Float64Array,
): ((request: PassRequest) => WorkerReply<unknown>) => {
  const kernel = new FusedKernel(family, block.d)
  return (request) => {
    try {
      const components = family.fromJSON(request.components, block.d)
      if (E.isLeft(components)) return { error: components.left.message }
      const totals = emptyTotals(kernel.monoid, request.k)
      kernel.run(block, components.right, Float64Array.from(request.weights, Math.log), base, totals, firstRow, labels)
      return { totals }
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) }
    }
  }
}
