/**
 * Worker-thread side of the threads engine (see `pool.ts`). A worker owns one block of rows of a
 * dataset held in shared memory; for each request it rebuilds the components from JSON, runs the
 * fused pass over its block and sends back the block's totals (log-likelihood and sufficient
 * statistics). When it exits, for whatever reason, it marks its signal word so that the main
 * thread never waits on a dead worker.
 *
 * @internal
 */
import type { MessagePort } from 'node:worker_threads'
import { workerData } from 'node:worker_threads'
import { either as E } from 'fp-ts'
import type { Dataset } from '../Dataset.js'
import type { ComponentFamily } from '../Family.js'
import { emptyTotals, FusedKernel } from './fused.js'
import type { PassTotals } from './fused.js'
import { DEAD } from './pool.js'

interface Init {
  readonly recipe: { module: string; factory: string; options?: unknown }
  readonly port: MessagePort
  readonly signal: SharedArrayBuffer
  readonly index: number
  readonly values: SharedArrayBuffer | ArrayBuffer
  readonly sampleWeights?: SharedArrayBuffer
  readonly base?: SharedArrayBuffer
  readonly d: number
  readonly start: number
  readonly end: number
}

interface Request {
  readonly weights: number[]
  readonly components: unknown[]
  readonly k: number
}

const init = workerData as Init
const signal = new Int32Array(init.signal)
const reply = (message: { totals?: PassTotals<unknown>; error?: string }): void => {
  init.port.postMessage(message)
  Atomics.add(signal, init.index, 1)
  Atomics.notify(signal, init.index)
}
process.on('exit', () => {
  Atomics.store(signal, init.index, DEAD)
  Atomics.notify(signal, init.index)
})

let familyPromise: Promise<ComponentFamily<unknown, unknown>> | undefined
const loadFamily = (): Promise<ComponentFamily<unknown, unknown>> => {
  familyPromise ??= import(init.recipe.module).then((mod: Record<string, unknown>) => {
    const factory = mod[init.recipe.factory]
    if (typeof factory !== 'function') throw new Error(`${init.recipe.module} has no export ${init.recipe.factory}`)
    return (factory as (o: unknown) => ComponentFamily<unknown, unknown>)(init.recipe.options)
  })
  return familyPromise
}

const m = init.end - init.start
const values = new Float64Array(init.values, init.start * init.d * 8, m * init.d)
const block: Dataset =
  init.sampleWeights === undefined
    ? { n: m, d: init.d, values }
    : { n: m, d: init.d, values, sampleWeights: new Float64Array(init.sampleWeights, init.start * 8, m) }
const base = init.base === undefined ? undefined : new Float64Array(init.base, init.start * 8, m)
let kernel: FusedKernel<unknown, unknown> | undefined

init.port.on('message', (req: Request) => {
  loadFamily()
    .then((family) => {
      const comps = family.fromJSON(req.components, init.d)
      if (E.isLeft(comps)) throw new Error(comps.left.message)
      kernel ??= new FusedKernel(family, init.d)
      const totals = emptyTotals(kernel.monoid, req.k)
      kernel.run(block, comps.right, Float64Array.from(req.weights, Math.log), base, totals, init.start)
      reply({ totals })
    })
    .catch((e: unknown) => reply({ error: e instanceof Error ? e.message : String(e) }))
})
