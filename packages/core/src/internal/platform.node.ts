/**
 * The threads engine's platform in Node (and runtimes that resolve the `node` condition): worker
 * threads from `node:worker_threads`, started on `worker.ts` with their block's shared buffers;
 * replies come back by message and the waiting thread takes them with `receiveMessageOnPort`, so
 * the engine stays synchronous.
 *
 * @internal
 */
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { MessagePort } from 'node:worker_threads'
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads'
import type { BlockInit, BlockWorker, Platform, WorkerReply } from './platform.js'

/**
 * When running from TypeScript sources (tests), module URLs point at `src/…/*.ts`; workers need the
 * compiled `dist/…/*.js`. Maps one to the other when the compiled file exists.
 */
export const runnableUrl = (url: string): string => {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return url
  const path = fileURLToPath(url)
  const dist = path.replace(/([\\/])src([\\/])(?!.*[\\/]src[\\/])/, '$1dist$2').replace(/\.ts$/, '.js')
  return existsSync(dist) ? pathToFileURL(dist).href : url
}

/** A recipe with `runnableUrl` applied to its module and to any recipe nested in its options (a product family's parts). */
const runnableRecipe = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(runnableRecipe)
  if (typeof value !== 'object' || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) out[key] = runnableRecipe(v)
  const r = value as { module?: unknown; factory?: unknown }
  if (typeof r.module === 'string' && typeof r.factory === 'string') out['module'] = runnableUrl(r.module)
  return out
}

const spawn = (init: BlockInit): BlockWorker => {
  const channel = new MessageChannel()
  const port: MessagePort = channel.port1
  const workerUrl = new URL(runnableUrl(import.meta.url.replace(/platform\.node\.(js|ts)$/, 'worker.$1')))
  const worker = new Worker(workerUrl, {
    workerData: { ...init, recipe: runnableRecipe(init.recipe), port: channel.port2 },
    transferList: [channel.port2],
    // A small young generation: the worker allocates little per request, and each MB here is resident memory.
    resourceLimits: { maxYoungGenerationSizeMb: 4 },
  })
  worker.unref()
  return {
    signal: new Int32Array(init.signal),
    signalIndex: init.index,
    post: (request) => port.postMessage(request),
    receive: () => receiveMessageOnPort(port)?.message as WorkerReply<unknown> | undefined,
    terminate: () => {
      port.close()
      void worker.terminate()
    },
  }
}

/** Node's platform. */
export const platform: Platform = {
  name: 'node',
  cores: () => Math.max(1, availableParallelism()),
  threadsUnavailable: () => undefined,
  threadLimit: () => Number.POSITIVE_INFINITY,
  spawn,
  start: () => Promise.resolve(0),
  stop: () => undefined,
  serve: () => {
    throw new Error('Workers.serve is for Web Workers; in Node, worker threads rebuild a family from its worker recipe by themselves')
  },
}
