/**
 * What the threads engine needs from the JavaScript runtime, as one interface with one
 * implementation per platform. The package's `imports` map picks the implementation by condition
 * (`#platform`: `node` → `platform.node.ts`, worker threads; `browser` and `default` →
 * `platform.web.ts`, Web Workers), so a bundler targeting browsers never sees a Node built-in and
 * Node never loads the Web Worker code. Everything above this interface (`pool.ts`, the engines) is
 * the same on every platform.
 *
 * @internal
 */
import type { PassTotals } from './fused.js'

/** The family a worker rebuilds: the family's recipe and its name (the key browsers look it up by). */
export interface BlockRecipe {
  /** The family's name (`ComponentFamily.name`). */
  readonly name: string
  /** Absolute URL of the module exporting the factory (Node imports it). */
  readonly module: string
  /** Name of the exported factory function. */
  readonly factory: string
  /** The factory's argument (structured-cloneable). */
  readonly options?: unknown
}

/** What a worker is started with: its block of rows of data held in shared memory. */
export interface BlockInit {
  readonly recipe: BlockRecipe
  /** One signal word per thread, for platforms whose workers signal there (Node's). */
  readonly signal: SharedArrayBuffer
  /** This worker's thread index (≥ 1; thread 0 is the caller). */
  readonly index: number
  /** The data, n·d, row-major. */
  readonly values: SharedArrayBuffer
  /** Sample weights, length n. */
  readonly sampleWeights?: SharedArrayBuffer
  /** The family's base measure per row, length n. */
  readonly base?: SharedArrayBuffer
  /** Partly known labels per row (−1 unknown), length n, when some are known. */
  readonly labels?: SharedArrayBuffer
  /** The mask of missing cells (bytes), n·d, row-major, when the data carry one. */
  readonly missing?: SharedArrayBuffer
  readonly d: number
  /** First row of the block (global index). */
  readonly start: number
  /** One past the last row of the block. */
  readonly end: number
}

/** One pass request: θ, with the components as the family's JSON. */
export interface PassRequest {
  readonly weights: number[]
  readonly components: unknown[]
  readonly k: number
}

/** A worker's answer to one request: its block's totals, or why it has none. */
export interface WorkerReply<S> {
  readonly totals?: PassTotals<S>
  readonly error?: string
}

/** A started worker, seen from the thread that started it. */
export interface BlockWorker {
  /**
   * The word the worker signals on: it adds 1 after each reply and stores {@link DEAD} when it
   * exits (`signal[signalIndex]`, read with `Atomics`).
   */
  readonly signal: Int32Array
  readonly signalIndex: number
  /** Sends one pass request (the reply is signalled on the worker's signal word). */
  post(request: PassRequest): void
  /** Takes the reply the worker signalled, without waiting; `undefined` when there is none. */
  receive(): WorkerReply<unknown> | undefined
  /** Stops the worker. */
  terminate(): void
}

/** The runtime's side of the threads engine. */
export interface Platform {
  /** `'node'` (worker threads) or `'web'` (Web Workers: browsers, Deno, edge runtimes). */
  readonly name: 'node' | 'web'
  /** Number of logical cores (1 where unknown). */
  cores(): number
  /** Why worker threads cannot run here (one sentence), or `undefined` when they can. */
  threadsUnavailable(): string | undefined
  /** The most threads a fit can run on here, the calling one included (Web Workers: those started, plus one). */
  threadLimit(): number
  /**
   * Starts a worker over one block. Throws an `Error` when it cannot start (or, where starting is
   * checked, when it has not started within a deadline).
   */
  spawn(init: BlockInit): BlockWorker
  /**
   * Starts `count` Web Workers on the script at `url` and keeps them for the threads engine of this
   * thread (`Workers.start`); resolves with the number of workers kept. Node's resolves with 0.
   */
  start(url: string | URL, count: number): Promise<number>
  /** Stops the workers {@link Platform.start} kept (`Workers.stop`). */
  stop(): void
  /** Makes the current Web Worker serve passes for these families (`Workers.serve`). */
  serve(factories: Readonly<Record<string, (options: never) => unknown>>): void
}

/** The value a worker stores in its signal word when it exits. */
export const DEAD = -1
