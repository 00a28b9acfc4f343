/**
 * Worker-thread side of the parallel mixture E-step (see `pool.ts`). A worker owns one block of
 * rows of a dataset held in shared memory; for each request it rebuilds the components from JSON,
 * runs the E-step on its block, writes responsibilities and row log-likelihoods into the shared
 * buffers and sends back its block's log-likelihood and sufficient statistics.
 *
 * @internal
 */
import type { MessagePort } from 'node:worker_threads'
import { workerData } from 'node:worker_threads'
import { either as E } from 'fp-ts'
import type { Dataset } from '../Dataset.js'
import type { ComponentFamily } from '../Family.js'
import { CHUNK, eStepChunked, summarizeBlock } from './shard.js'

interface Init {
  readonly recipe: { module: string; factory: string; options?: unknown }
  readonly port: MessagePort
  readonly signal: SharedArrayBuffer
  readonly index: number
  readonly values: SharedArrayBuffer | ArrayBuffer
  readonly sampleWeights?: SharedArrayBuffer
  readonly base?: SharedArrayBuffer
  readonly n: number
  readonly d: number
  readonly start: number
  readonly end: number
  readonly resp: SharedArrayBuffer
  readonly rowLog: SharedArrayBuffer
}

interface Request {
  readonly weights: number[]
  readonly components: unknown[]
  readonly k: number
}

const init = workerData as Init
const signal = new Int32Array(init.signal)
const reply = (message: unknown): void => {
  init.port.postMessage(message)
  Atomics.add(signal, init.index, 1)
  Atomics.notify(signal, init.index)
}

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
const rowLog = new Float64Array(init.rowLog)
let local = new Float64Array(0)
let scratch = new Float64Array(0)

init.port.on('message', (req: Request) => {
  loadFamily()
    .then((family) => {
      const comps = family.fromJSON(req.components, init.d)
      if (E.isLeft(comps)) throw new Error(comps.left.message)
      const k = req.k
      if (local.length < k * CHUNK) local = new Float64Array(k * CHUNK)
      if (block.sampleWeights !== undefined && scratch.length < m) scratch = new Float64Array(m)
      const resp = new Float64Array(init.resp, 0, k * init.n)
      const logWeights = Float64Array.from(req.weights, Math.log)
      const ll = eStepChunked(family, block, comps.right, logWeights, base, local, resp, rowLog, init.n, init.start)
      const stats = summarizeBlock(family, block, k, resp, init.n, init.start, scratch)
      reply({ ll, stats })
    })
    .catch((e: unknown) => reply({ error: e instanceof Error ? e.message : String(e) }))
})
