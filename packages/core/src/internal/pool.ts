/**
 * Main-thread side of the threads engine: the rows are cut into contiguous blocks, one per thread;
 * the main thread runs the fused pass over block 0 itself and worker threads over the others, on
 * data held in `SharedArrayBuffer`s. Each thread returns only its block's totals (log-likelihood,
 * per-component statistics, …), which merge through the family's monoid: no n × k buffer anywhere.
 *
 * The API stays synchronous: requests go out by message and the main thread blocks in
 * `Atomics.wait` until each worker has posted its reply, which it takes with `receiveMessageOnPort`.
 * A worker that exits signals it through the same word, so a dead worker is an error, not a hang.
 *
 * Node's modules are reached through `process.getBuiltinModule`, so importing core never needs
 * Node; only creating a threads engine does.
 *
 * @internal
 */
import type { Dataset } from '../Dataset.js'
import type { ComponentFamily } from '../Family.js'
import { emptyTotals, FusedKernel, mergePass } from './fused.js'
import type { PassTotals } from './fused.js'

/** The parts of `node:worker_threads` the pool uses. */
interface WorkerThreads {
  Worker: new (url: URL, options: Record<string, unknown>) => NodeWorker
  MessageChannel: new () => { port1: Port; port2: Port }
  receiveMessageOnPort: (port: Port) => { message: unknown } | undefined
}
interface NodeWorker {
  unref(): void
  terminate(): Promise<number>
}
interface Port {
  postMessage(message: unknown): void
  close(): void
}

/** Node's built-in module `name`, or `undefined` where there is no Node (browsers). */
export const builtin = <T>(name: string): T | undefined => {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  return p?.getBuiltinModule?.(name) as T | undefined
}

/** Number of logical cores (1 where unknown). */
export const cores = (): number => {
  const os = builtin<{ availableParallelism?: () => number; cpus: () => unknown[] }>('node:os')
  if (os !== undefined) return Math.max(1, os.availableParallelism?.() ?? os.cpus().length)
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
  return Math.max(1, nav?.hardwareConcurrency ?? 1)
}

/** Whether worker threads can be created here. */
export const threadsAvailable = (): boolean => builtin('node:worker_threads') !== undefined

/**
 * When running from TypeScript sources (tests), module URLs point at `src/…/*.ts`; workers need the
 * compiled `dist/…/*.js`. Maps one to the other when the compiled file exists.
 */
export const runnableUrl = (url: string): string => {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return url
  const fs = builtin<{ existsSync: (p: string) => boolean }>('node:fs')
  const u = builtin<{ fileURLToPath: (u: string) => string; pathToFileURL: (p: string) => URL }>('node:url')
  if (fs === undefined || u === undefined) return url
  const path = u.fileURLToPath(url)
  const dist = path.replace(/([\\/])src([\\/])(?!.*[\\/]src[\\/])/, '$1dist$2').replace(/\.ts$/, '.js')
  return fs.existsSync(dist) ? u.pathToFileURL(dist).href : url
}

const shareable = (a: Float64Array): { buffer: SharedArrayBuffer; view: Float64Array } => {
  if (a.buffer instanceof SharedArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) {
    return { buffer: a.buffer, view: a }
  }
  const buffer = new SharedArrayBuffer(a.byteLength)
  const view = new Float64Array(buffer)
  view.set(a)
  return { buffer, view }
}

/** How long the main thread waits for one worker reply before giving up (ms). */
const REPLY_TIMEOUT_MS = 10 * 60 * 1000

/** The value a worker stores in its signal word when it exits. */
export const DEAD = -1

/** A failure of the pool (a worker died, did not reply, or reported an error). */
export class PoolFailure extends Error {}

/** The fused-pass totals a worker sends back. */
export interface WorkerReply<S> {
  readonly totals?: PassTotals<S>
  readonly error?: string
}

/**
 * A pool of worker threads bound to one dataset, one family and a maximum k.
 */
export class ThreadPool<C, S> {
  /** The dataset with its values (and sample weights) in shared memory. */
  readonly data: Dataset
  private readonly workers: NodeWorker[] = []
  private readonly ports: Port[] = []
  private readonly signal: Int32Array
  private readonly seen: number[] = []
  private readonly bounds: number[]
  private readonly block0: Dataset
  private readonly kernel: FusedKernel<C, S>
  private readonly receive: WorkerThreads['receiveMessageOnPort']
  private closed = false

  constructor(
    private readonly family: ComponentFamily<C, S>,
    /** The dataset the pool was built for (the caller's object). */
    readonly source: Dataset,
    threads: number,
    private readonly base: Float64Array | undefined,
  ) {
    const recipe = family.worker
    if (recipe === undefined) throw new PoolFailure(`the ${family.name} family has no worker recipe`)
    const wt = builtin<WorkerThreads>('node:worker_threads')
    if (wt === undefined) throw new PoolFailure('worker threads are not available in this JavaScript runtime')
    this.receive = wt.receiveMessageOnPort
    const values = shareable(source.values)
    const sw = source.sampleWeights === undefined ? undefined : shareable(source.sampleWeights)
    const sharedBase = base === undefined ? undefined : shareable(base)
    this.data =
      sw === undefined
        ? { n: source.n, d: source.d, values: values.view }
        : { n: source.n, d: source.d, values: values.view, sampleWeights: sw.view }
    this.signal = new Int32Array(new SharedArrayBuffer(4 * threads))
    this.bounds = Array.from({ length: threads + 1 }, (_, t) => Math.round((t * source.n) / threads))
    this.block0 = this.blockOf(0)
    this.kernel = new FusedKernel(family, source.d)
    const workerUrl = new URL(runnableUrl(import.meta.url.replace(/pool\.(js|ts)$/, 'worker.$1')))
    const moduleUrl = runnableUrl(recipe.module)
    try {
      for (let t = 1; t < threads; t++) {
        const channel = new wt.MessageChannel()
        const w = new wt.Worker(workerUrl, {
          workerData: {
            recipe: { module: moduleUrl, factory: recipe.factory, options: recipe.options },
            port: channel.port2,
            signal: this.signal.buffer,
            index: t,
            values: values.buffer,
            sampleWeights: sw?.buffer,
            base: sharedBase?.buffer,
            d: source.d,
            start: this.bounds[t]!,
            end: this.bounds[t + 1]!,
          },
          transferList: [channel.port2],
          // A small young generation: the worker allocates little per request, and each MB here is resident memory.
          resourceLimits: { maxYoungGenerationSizeMb: 4 },
        })
        w.unref()
        this.workers.push(w)
        this.ports.push(channel.port1)
        this.seen.push(0)
      }
    } catch (e) {
      this.close()
      throw new PoolFailure(`could not start worker threads: ${e instanceof Error ? e.message : String(e)}`)
    }
  }

  /** Number of threads (main included). */
  get threads(): number {
    return this.workers.length + 1
  }

  private blockOf(t: number): Dataset {
    const start = this.bounds[t]!
    const end = this.bounds[t + 1]!
    const d = this.data.d
    const values = this.data.values.subarray(start * d, end * d)
    const sw = this.data.sampleWeights
    return sw === undefined ? { n: end - start, d, values } : { n: end - start, d, values, sampleWeights: sw.subarray(start, end) }
  }

  /** One fused pass over all rows in parallel. Throws {@link PoolFailure} when a worker fails. */
  pass(weights: Float64Array, components: readonly C[]): PassTotals<S> {
    if (this.closed) throw new PoolFailure('the worker pool is closed')
    const k = components.length
    const request = { weights: Array.from(weights), components: this.family.toJSON(components), k }
    for (const port of this.ports) port.postMessage(request)
    // Block 0 on this thread while the workers run theirs.
    const totals = emptyTotals(this.kernel.monoid, k)
    const logWeights = Float64Array.from(weights, Math.log)
    const base0 = this.base === undefined ? undefined : this.base.subarray(0, this.block0.n)
    this.kernel.run(this.block0, components, logWeights, base0, totals, 0)
    for (let w = 0; w < this.workers.length; w++) {
      const index = w + 1
      const expected = this.seen[w]!
      const deadline = Date.now() + REPLY_TIMEOUT_MS
      for (;;) {
        const now = Atomics.load(this.signal, index)
        if (now === DEAD) {
          this.close()
          throw new PoolFailure(`worker thread ${index} exited unexpectedly`)
        }
        if (now !== expected) break
        if (Date.now() > deadline) {
          this.close()
          throw new PoolFailure(`worker thread ${index} did not reply within ${REPLY_TIMEOUT_MS / 1000} s`)
        }
        Atomics.wait(this.signal, index, expected, 1000)
      }
      this.seen[w] = expected + 1
      const msg = this.receive(this.ports[w]!)?.message as WorkerReply<S> | undefined
      if (msg === undefined) {
        this.close()
        throw new PoolFailure(`worker thread ${index} signalled without a reply`)
      }
      if (msg.error !== undefined || msg.totals === undefined) {
        this.close()
        throw new PoolFailure(`worker thread ${index}: ${msg.error ?? 'no result'}`)
      }
      mergePass(this.kernel.monoid, totals, msg.totals)
    }
    return totals
  }

  /** Stops the workers (idempotent). */
  close(): void {
    if (this.closed) return
    this.closed = true
    for (const port of this.ports) port.close()
    for (const w of this.workers) void w.terminate()
  }
}
