/**
 * Main-thread side of the parallel mixture E-step: the rows are cut into contiguous blocks, one
 * per thread; the main thread computes block 0 itself and worker threads the others, over data,
 * responsibilities and row log-likelihoods held in `SharedArrayBuffer`s. The API stays synchronous:
 * requests go out by message, and the main thread blocks in `Atomics.wait` until each worker has
 * posted its reply, which it then takes with `receiveMessageOnPort`.
 *
 * Because sufficient statistics form a monoid, the blocks' statistics merge into exactly the
 * statistics of the whole data (up to summation order).
 *
 * @internal
 */
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads'
import type { MessagePort } from 'node:worker_threads'
import type { Dataset } from '../Dataset.js'
import type { ComponentFamily } from '../Family.js'
import { CHUNK, eStepChunked, summarizeBlock } from './shard.js'

/** Result of one parallel E-step. */
export interface PoolStep<S> {
  /** Σᵢ wᵢ log p(xᵢ | θ) (without any log-prior). */
  readonly logLikelihood: number
  /** Merged statistics per component. */
  readonly statistics: S[]
}

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

/**
 * A pool of worker threads bound to one dataset and one family.
 */
export class ShardPool<C, S> {
  /** The dataset with its values (and sample weights) in shared memory. */
  readonly data: Dataset
  /** Shared responsibilities, capacity kMax·n. */
  private readonly respBuffer: SharedArrayBuffer
  /** Shared per-row log-likelihoods (length n). */
  readonly rowLog: Float64Array
  private readonly workers: Worker[] = []
  private readonly ports: MessagePort[] = []
  private readonly signal: Int32Array
  private readonly seen: number[] = []
  private readonly bounds: number[]
  private readonly block0: Dataset
  private local = new Float64Array(0)
  private scratch = new Float64Array(0)
  private closed = false

  constructor(
    private readonly family: ComponentFamily<C, S>,
    /** The dataset the pool was built for (the caller's object). */
    readonly source: Dataset,
    private readonly kMax: number,
    threads: number,
    private readonly base: Float64Array | undefined,
  ) {
    const recipe = family.worker
    if (recipe === undefined) throw new Error(`the ${family.name} family has no worker recipe`)
    const data = source
    const values = shareable(data.values)
    const sw = data.sampleWeights === undefined ? undefined : shareable(data.sampleWeights)
    const sharedBase = base === undefined ? undefined : shareable(base)
    this.data = sw === undefined ? { n: data.n, d: data.d, values: values.view } : { n: data.n, d: data.d, values: values.view, sampleWeights: sw.view }
    this.respBuffer = new SharedArrayBuffer(kMax * data.n * 8)
    const rowLogBuffer = new SharedArrayBuffer(data.n * 8)
    this.rowLog = new Float64Array(rowLogBuffer)
    this.signal = new Int32Array(new SharedArrayBuffer(4 * threads))
    this.bounds = Array.from({ length: threads + 1 }, (_, t) => Math.round((t * data.n) / threads))
    this.block0 = this.blockOf(0)
    const workerUrl = new URL(runnableUrl(import.meta.url.replace(/pool\.(js|ts)$/, 'worker.$1')))
    const moduleUrl = runnableUrl(recipe.module)
    for (let t = 1; t < threads; t++) {
      const channel = new MessageChannel()
      const w = new Worker(workerUrl, {
        workerData: {
          recipe: { module: moduleUrl, factory: recipe.factory, options: recipe.options },
          port: channel.port2,
          signal: this.signal.buffer,
          index: t,
          values: values.buffer,
          sampleWeights: sw?.buffer,
          base: sharedBase?.buffer,
          n: data.n,
          d: data.d,
          start: this.bounds[t]!,
          end: this.bounds[t + 1]!,
          resp: this.respBuffer,
          rowLog: rowLogBuffer,
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

  /** Shared responsibilities view for k components (k × n, component-major). */
  resp(k: number): Float64Array {
    return new Float64Array(this.respBuffer, 0, k * this.data.n)
  }

  /** One parallel E-step with statistics. Throws on a worker failure. */
  step(weights: Float64Array, components: readonly C[]): PoolStep<S> {
    if (this.closed) throw new Error('the worker pool is closed')
    const k = components.length
    if (k > this.kMax) throw new Error(`k = ${k} exceeds the pool's capacity ${this.kMax}`)
    const request = { weights: Array.from(weights), components: this.family.toJSON(components), k }
    for (const port of this.ports) port.postMessage(request)
    // Block 0 on this thread while the workers run theirs.
    const m = this.block0.n
    if (this.local.length < k * CHUNK) this.local = new Float64Array(k * CHUNK)
    if (this.block0.sampleWeights !== undefined && this.scratch.length < m) this.scratch = new Float64Array(m)
    const resp = this.resp(k)
    const logWeights = Float64Array.from(weights, Math.log)
    const base0 = this.base === undefined ? undefined : this.base.subarray(0, m)
    let ll = eStepChunked(this.family, this.block0, components, logWeights, base0, this.local, resp, this.rowLog, this.data.n, 0)
    const stats = summarizeBlock(this.family, this.block0, k, resp, this.data.n, 0, this.scratch)
    const monoid = this.family.statistics(this.data.d)
    for (let w = 0; w < this.workers.length; w++) {
      const index = w + 1
      const expected = this.seen[w]!
      while (Atomics.load(this.signal, index) === expected) {
        if (Atomics.wait(this.signal, index, expected, REPLY_TIMEOUT_MS) === 'timed-out') throw new Error(`worker ${index} did not reply`)
      }
      this.seen[w] = expected + 1
      const msg = receiveMessageOnPort(this.ports[w]!)?.message as { ll: number; stats: S[]; error?: string } | undefined
      if (msg === undefined) throw new Error(`worker ${index} signalled without a reply`)
      if (msg.error !== undefined) throw new Error(`worker ${index}: ${msg.error}`)
      ll += msg.ll
      for (let j = 0; j < k; j++) stats[j] = monoid.concat(stats[j]!, msg.stats[j]!)
    }
    return { logLikelihood: ll, statistics: stats }
  }

  /** Stops the workers. */
  close(): void {
    if (this.closed) return
    this.closed = true
    for (const port of this.ports) port.close()
    for (const w of this.workers) void w.terminate()
  }
}
