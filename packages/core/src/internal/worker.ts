/**
 * Worker-thread side of the threads engine in Node (see `platform.node.ts`). A worker owns one
 * block of rows of a dataset held in shared memory; it rebuilds the family from its recipe and, for
 * each request, sends back the block's totals (`block.ts`). When it exits, for whatever reason, it
 * marks its signal word so that the waiting thread never waits on a dead worker.
 *
 * @internal
 */
import type { MessagePort } from 'node:worker_threads'
import { workerData } from 'node:worker_threads'
import type { ComponentFamily } from '../Family.js'
import { blockOf, blockServer } from './block.js'
import type { BlockInit, PassRequest, WorkerReply } from './platform.js'
import { DEAD } from './platform.js'

const init = workerData as BlockInit & { readonly port: MessagePort }
const signal = new Int32Array(init.signal)
const reply = (message: WorkerReply<unknown>): void => {
  init.port.postMessage(message)
  Atomics.add(signal, init.index, 1)
  Atomics.notify(signal, init.index)
}
process.on('exit', () => {
  Atomics.store(signal, init.index, DEAD)
  Atomics.notify(signal, init.index)
})

let server: Promise<(request: PassRequest) => WorkerReply<unknown>> | undefined
const load = (): Promise<(request: PassRequest) => WorkerReply<unknown>> => {
  server ??= import(init.recipe.module).then((mod: Record<string, unknown>) => {
    const factory = mod[init.recipe.factory]
    if (typeof factory !== 'function') throw new Error(`${init.recipe.module} has no export ${init.recipe.factory}`)
    const { block, base, labels } = blockOf(init)
    // A factory may return a promise (a product family imports its parts' modules).
    return Promise.resolve(
      (factory as (o: unknown) => ComponentFamily<unknown, unknown> | Promise<ComponentFamily<unknown, unknown>>)(init.recipe.options),
    ).then((family) => blockServer(family, block, base, init.start, labels))
  })
  return server
}

init.port.on('message', (request: PassRequest) => {
  load()
    .then((serve) => reply(serve(request)))
    .catch((e: unknown) => reply({ error: e instanceof Error ? e.message : String(e) }))
})
