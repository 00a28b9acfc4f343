/**
 * Calling-thread side of the threads engine: the rows are cut into contiguous blocks, one per
 * thread; the calling thread runs the fused pass over block 0 itself and workers over the others,
 * on data held in `SharedArrayBuffer`s. Each thread returns only its block's totals (log-likelihood,
 * per-component statistics, …), which merge through the family's monoid: no n × k buffer anywhere.
 *
 * The API stays synchronous: requests go out by message and the calling thread blocks in
 * `Atomics.wait` until each worker has signalled its reply, which it then takes without waiting.
 * A worker that exits signals it through the same word, so a dead worker is an error, not a hang.
 *
 * Starting, messaging and the core count are the platform's (`#platform`, chosen by the package's
 * `imports` conditions: worker threads in Node, Web Workers elsewhere), so importing core never
 * needs Node.
 *
 * @internal
 */
import { platform } from '#platform'
import type { Dataset } from '../Dataset.js'
import type { ComponentFamily } from '../Family.js'
import { emptyTotals, FusedKernel, mergePass } from './fused.js'
import type { PassTotals } from './fused.js'
import type { BlockWorker, WorkerReply } from './platform.js'
import { DEAD } from './platform.js'

/**
 * The threads `workers: 'auto'` uses: the logical cores (1 where unknown), at most as many as the
 * platform can run (with Web Workers, those started plus the calling thread).
 */
export const cores = (): number => Math.max(1, Math.min(platform.cores(), platform.threadLimit()))

/** Why worker threads cannot run here (one sentence), or `undefined` when they can. */
export const threadsUnavailable = (): string | undefined => platform.threadsUnavailable()

/** An array in a `SharedArrayBuffer` of its own: itself when it already is one, else a copy (values, weights, base measure, the mask of missing cells). */
const shareable = <A extends Float64Array | Uint8Array>(
  a: A,
  make: (buffer: SharedArrayBuffer) => A,
): { buffer: SharedArrayBuffer; view: A } => {
  if (a.buffer instanceof SharedArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) {
    return { buffer: a.buffer, view: a }
  }
  const buffer = new SharedArrayBuffer(a.byteLength)
  const view = make(buffer)
  view.set(a)
  return { buffer, view }
}

const doubles = (buffer: SharedArrayBuffer): Float64Array => new Float64Array(buffer)

/** How long the calling thread waits for one worker reply before giving up (ms). */
const REPLY_TIMEOUT_MS = 10 * 60 * 1000

/** A failure of the pool (a worker died, did not reply, or reported an error). */
export class PoolFailure extends Error {}

/**
 * A pool of worker threads bound to one dataset, one family and a maximum k.
 */
export class ThreadPool<C, S> {
  /** The dataset with its values (and sample weights) in shared memory. */
  readonly data: Dataset
  private readonly workers: BlockWorker[] = []
  private readonly signal: Int32Array
  private readonly seen: number[] = []
  private readonly bounds: number[]
  private readonly block0: Dataset
  private readonly kernel: FusedKernel<C, S>
  private closed = false

  constructor(
    private readonly family: ComponentFamily<C, S>,
    /** The dataset the pool was built for (the caller's object). */
    readonly source: Dataset,
    threads: number,
    private readonly base: Float64Array | undefined,
    private readonly labels?: Float64Array,
  ) {
    const recipe = family.worker
    if (recipe === undefined) throw new PoolFailure(`the ${family.name} family has no worker recipe`)
    const unavailable = platform.threadsUnavailable()
    if (unavailable !== undefined) throw new PoolFailure(unavailable)
    const values = shareable(source.values, doubles)
    const sw = source.sampleWeights === undefined ? undefined : shareable(source.sampleWeights, doubles)
    const sharedBase = base === undefined ? undefined : shareable(base, doubles)
    const sharedLabels = labels === undefined ? undefined : shareable(labels, doubles)
    const mask = source.missing === undefined ? undefined : shareable(source.missing, (buffer) => new Uint8Array(buffer))
    this.data = {
      n: source.n,
      d: source.d,
      values: values.view,
      ...(sw === undefined ? {} : { sampleWeights: sw.view }),
      ...(mask === undefined ? {} : { missing: mask.view }),
    }
    this.signal = new Int32Array(new SharedArrayBuffer(4 * threads))
    this.bounds = Array.from({ length: threads + 1 }, (_, t) => Math.round((t * source.n) / threads))
    this.block0 = this.blockOf(0)
    this.kernel = new FusedKernel(family, source.d)
    try {
      for (let t = 1; t < threads; t++) {
        this.workers.push(
          platform.spawn({
            recipe: { name: family.name, module: recipe.module, factory: recipe.factory, options: recipe.options },
            signal: this.signal.buffer as SharedArrayBuffer,
            index: t,
            values: values.buffer,
            ...(sw === undefined ? {} : { sampleWeights: sw.buffer }),
            ...(sharedBase === undefined ? {} : { base: sharedBase.buffer }),
            ...(mask === undefined ? {} : { missing: mask.buffer }),
            ...(sharedLabels === undefined ? {} : { labels: sharedLabels.buffer }),
            d: source.d,
            start: this.bounds[t]!,
            end: this.bounds[t + 1]!,
          }),
        )
        const w = this.workers[t - 1]!
        this.seen.push(Atomics.load(w.signal, w.signalIndex))
      }
    } catch (e) {
      this.close()
      throw new PoolFailure(`could not start worker threads: ${e instanceof Error ? e.message : String(e)}`)
    }
  }

  /** Number of threads (the calling one included). */
  get threads(): number {
    return this.workers.length + 1
  }

  private blockOf(t: number): Dataset {
    const start = this.bounds[t]!
    const end = this.bounds[t + 1]!
    const d = this.data.d
    const values = this.data.values.subarray(start * d, end * d)
    const sw = this.data.sampleWeights
    const mask = this.data.missing
    return {
      n: end - start,
      d,
      values,
      ...(sw === undefined ? {} : { sampleWeights: sw.subarray(start, end) }),
      ...(mask === undefined ? {} : { missing: mask.subarray(start * d, end * d) }),
    }
  }

  /** One fused pass over all rows in parallel. Throws {@link PoolFailure} when a worker fails. */
  pass(weights: Float64Array, components: readonly C[]): PassTotals<S> {
    if (this.closed) throw new PoolFailure('the worker pool is closed')
    const k = components.length
    const request = { weights: Array.from(weights), components: this.family.toJSON(components), k }
    for (const w of this.workers) w.post(request)
    // Block 0 on this thread while the workers run theirs.
    const totals = emptyTotals(this.kernel.monoid, k)
    const logWeights = Float64Array.from(weights, Math.log)
    const base0 = this.base === undefined ? undefined : this.base.subarray(0, this.block0.n)
    this.kernel.run(this.block0, components, logWeights, base0, totals, 0, this.labels?.subarray(0, this.block0.n))
    for (let w = 0; w < this.workers.length; w++) {
      const index = w + 1
      const { signal, signalIndex } = this.workers[w]!
      const expected = this.seen[w]!
      const deadline = Date.now() + REPLY_TIMEOUT_MS
      for (;;) {
        const now = Atomics.load(signal, signalIndex)
        if (now === DEAD) {
          this.close()
          throw new PoolFailure(`worker thread ${index} exited unexpectedly`)
        }
        if (now !== expected) break
        if (Date.now() > deadline) {
          this.close()
          throw new PoolFailure(`worker thread ${index} did not reply within ${REPLY_TIMEOUT_MS / 1000} s`)
        }
        Atomics.wait(signal, signalIndex, expected, 1000)
      }
      this.seen[w] = expected + 1
      const msg = this.workers[w]!.receive() as WorkerReply<S> | undefined
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
    for (const w of this.workers) w.terminate()
  }
}
