/**
 * Engines: where the passes over the data run. Given mixture parameters θ, an engine returns the
 * log-likelihood and the per-component sufficient statistics from **one fused pass** over the rows
 * (for each block: the k log-densities, their log-sum-exp, the responsibilities in block-sized
 * scratch and the block's statistics folded into per-component accumulators; blocks merge through
 * the family's `Monoid`). That is pomegranate's summarize/from_summaries and Spark's
 * `GaussianMixture` design, and it makes in-memory, multi-threaded, streaming and in-database EM
 * the same algorithm: the M-step runs once on the merged statistics.
 *
 * - {@link memory}: one thread over an in-memory {@link Dataset};
 * - {@link threads}: this thread and worker threads over shared memory (Node);
 * - {@link stream}: any re-readable {@link RowSource} (a file read in chunks, a generator), for
 *   exact EM over data larger than memory. For streams read once, see `Stepwise.fit`.
 *
 * Memory per thread is O(k · block), never O(k · n). Engines are created once from resolved options,
 * bound to the data they were made for, and disposed deterministically ({@link SyncEngine.dispose}).
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { Dataset } from './Dataset.js'
import type { EmError } from './Errors.js'
import { EmException, engineFailure, invalidData, invalidOptions } from './Errors.js'
import type { ComponentFamily } from './Family.js'
import type { PassTotals } from './internal/fused.js'
import { emptyTotals, FusedKernel } from './internal/fused.js'
import { cores, PoolFailure, ThreadPool, threadsUnavailable } from './internal/pool.js'
import { logBaseMeasureOf, refuseMissing } from './internal/incomplete.js'
import { baseMeasure, globalRows, rowLogDensityInto, worstRowsStatistics, WorstRows } from './internal/rows.js'
import type { RowSource } from './Source.js'
import * as Validate from './Validate.js'
import { BlockError, checkBlock } from './Source.js'

/**
 * Mixture parameters as engines read them: mixing weights π (length k) and k components.
 *
 * @category Engines
 * @since 0.2.0
 */
export interface Parameters<C> {
  /** π, length k, on the simplex. */
  readonly weights: Float64Array
  /** The k components. */
  readonly components: readonly C[]
}

/**
 * The result of one fused pass at θ. Every field is additive over disjoint sets of rows.
 *
 * @category Engines
 * @since 0.2.0
 */
export interface Pass<S> {
  /** Σᵢ wᵢ log p(xᵢ | θ), natural log, base measure included, log-prior not (−∞ when some row is impossible). */
  readonly logLikelihood: number
  /** Per-component sufficient statistics of the rows weighted by wᵢ γᵢⱼ (length k). */
  readonly statistics: readonly S[]
  /** Σᵢ wᵢ log maxⱼ γᵢⱼ: the hard-assignment term of ICL. */
  readonly hardLogResponsibility: number
  /** Σᵢ wᵢ: the number of observations (n without sample weights). */
  readonly weight: number
  /** Rows read. */
  readonly rows: number
  /** Rows with positive weight: the observations that count (k must not exceed it). */
  readonly positiveRows: number
  /** The first row (0-based) with zero density under every component, or −1 when there is none. */
  readonly impossibleRow: number
}

/**
 * A synchronous engine over in-memory data.
 *
 * @category Engines
 * @since 0.2.0
 */
export interface SyncEngine<C, S> {
  /** `'memory'` or `'threads'`. */
  readonly kind: 'memory' | 'threads'
  /** Threads the passes run on (1 for `memory`). */
  readonly threads: number
  /**
   * Why the engine runs on one thread although more were asked for (one sentence: this runtime
   * cannot run the threads engine, see `Workers`); absent otherwise. Fits report it as a
   * `threadsUnavailable` warning.
   */
  readonly fallback?: string
  /** The dataset the engine was made for. Passing it other data is an error. */
  readonly data: Dataset
  /** Columns d. */
  readonly d: number
  /** One fused pass at θ. Throws {@link EmException} (`EngineFailure`) when a worker fails. */
  pass(params: Parameters<C>): Pass<S>
  /**
   * Statistics of the m rows worst explained by θ (lowest log p(xᵢ | θ), ties to the lower row),
   * each with its sample weight: what a collapsed component is re-seeded from. A pass of its own.
   */
  worstRows(params: Parameters<C>, m: number): S
  /** Releases threads and buffers (idempotent). */
  dispose(): void
}

/**
 * An asynchronous engine (data read in blocks as they arrive).
 *
 * @category Engines
 * @since 0.2.0
 */
export interface AsyncEngine<C, S> {
  /** `'stream'`. */
  readonly kind: 'stream'
  /** The source the engine was made for. */
  readonly source: RowSource
  /** Columns d. */
  readonly d: number
  /** One fused pass at θ, reading the source from its first row. Rejects with {@link EmException} on a bad block or a failed read. */
  pass(params: Parameters<C>): Promise<Pass<S>>
  /** As {@link SyncEngine.worstRows}: two passes, memory O(m). */
  worstRows(params: Parameters<C>, m: number): Promise<S>
  /** Releases buffers (idempotent). */
  dispose(): void
}

/**
 * Options of {@link stream}.
 *
 * @category Engines
 * @since 0.2.0
 */
export interface StreamOptions {
  /**
   * Called after every block with the rows read so far in this pass and the pass number
   * (1-based): progress bars.
   */
  readonly onBlock?: (rowsRead: number, pass: number) => void
  /** Cancels a pass between blocks (the pass rejects with `EngineFailure`). */
  readonly signal?: AbortSignal
}

/** The base measure of one streamed block (transient: not worth caching). */
const blockBaseMeasure = <C, S>(family: ComponentFamily<C, S>, block: Dataset): Float64Array | undefined => logBaseMeasureOf(family, block)

const logOf = (w: Float64Array): Float64Array => Float64Array.from(w, Math.log)

/** The labels of rows [first, first + n) (−1 beyond the given ones). */
const labelsOf = (labels: Float64Array, first: number, n: number): Float64Array => {
  if (first + n <= labels.length) return labels.subarray(first, first + n)
  const out = new Float64Array(n).fill(-1)
  if (first < labels.length) out.set(labels.subarray(first))
  return out
}

/**
 * The memory engine: one thread over an in-memory dataset. Scratch O(k · 4096) doubles; the
 * family's base measure (when it has one) is computed once, here.
 *
 * @param labels - partly known labels, one per row: the component 0 … k − 1 or −1 when unknown
 *   (semi-supervised EM, see `Mixture.fit`'s `labels`; not checked here).
 * @category Engines
 * @since 0.2.0
 */
export const memory = <C, S>(family: ComponentFamily<C, S>, data: Dataset, labels?: Float64Array): SyncEngine<C, S> => {
  const kernel = new FusedKernel(family, data.d)
  const base = baseMeasure(family, data)
  return {
    kind: 'memory',
    threads: 1,
    data,
    d: data.d,
    pass: (params) => {
      const totals = emptyTotals(kernel.monoid, params.components.length)
      kernel.run(data, params.components, logOf(params.weights), base, totals, 0, labels)
      return totals
    },
    worstRows: (params, m) => {
      const score = new Float64Array(data.n)
      rowLogDensityInto(family, data, params.components, logOf(params.weights), base, score, 0)
      return worstRowsStatistics(family, data, score, m)
    },
    dispose: () => undefined,
  }
}

/**
 * The threads engine: the rows cut into one contiguous block per thread, block 0 on this thread
 * and the others on worker threads over shared memory (the data are copied into a
 * `SharedArrayBuffer` once unless they already are, see `Dataset.toShared`). Each thread returns
 * its block's statistics; they merge through the family's monoid, so the fit equals the memory
 * engine's up to summation order. Requires a family with a `worker` recipe, and worker threads:
 * Node's, or Web Workers where `Workers` says they can run (in a browser: a cross-origin isolated
 * page, a fit inside a Web Worker, a worker script). Where they cannot, the engine is the memory
 * engine with {@link SyncEngine.fallback} saying why.
 *
 * @param threads - an integer ≥ 1 (1 gives the memory engine).
 * @param labels - partly known labels, as {@link memory}'s.
 * @returns `Left(InvalidOptions)` for a bad count or a family without a worker recipe;
 *   `Left(EngineFailure)` when the workers cannot start.
 * @category Engines
 * @since 0.2.0
 */
export const threads = <C, S>(
  family: ComponentFamily<C, S>,
  data: Dataset,
  threads: number,
  labels?: Float64Array,
): E.Either<EmError, SyncEngine<C, S>> => {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WORKERS)
    return E.left(invalidOptions('workers', `workers must be an integer in 1 … ${MAX_WORKERS}, got ${Validate.show(threads)}`))
  const t = Math.min(threads, data.n)
  if (t === 1) return E.right(memory(family, data, labels))
  if (family.worker === undefined)
    return E.left(invalidOptions('workers', `the ${family.name} family has no worker recipe, so it cannot run on ${threads} threads`))
  const unavailable = threadsUnavailable()
  if (unavailable !== undefined)
    return E.right({ ...memory(family, data, labels), fallback: `running on 1 thread instead of ${t}: ${unavailable}` })
  const base = baseMeasure(family, data)
  let pool: ThreadPool<C, S>
  try {
    pool = new ThreadPool(family, data, t, base, labels)
  } catch (e) {
    return E.left(engineFailure('threads', e instanceof Error ? e.message : String(e)))
  }
  return E.right({
    kind: 'threads',
    threads: t,
    data,
    d: data.d,
    pass: (params) => {
      try {
        return pool.pass(params.weights, params.components)
      } catch (e) {
        if (e instanceof PoolFailure) throw new EmException(engineFailure('threads', e.message))
        throw e
      }
    },
    worstRows: (params, m) => {
      const score = new Float64Array(data.n)
      rowLogDensityInto(family, pool.data, params.components, logOf(params.weights), base, score, 0)
      return worstRowsStatistics(family, pool.data, score, m)
    },
    dispose: () => pool.close(),
  })
}

/**
 * The amount of E-step work, n·k·(d² + 3d)/2, above which `workers: 'auto'` uses every core:
 * 10⁷. Measured with `pnpm bench` and the WebAssembly kernel (docs/performance.md): below it one
 * pass takes a few milliseconds on one thread, and what a second thread saves over a fit (half of
 * each pass) does not pay for starting a worker (~0.1 s per fit) and the round trip of every pass
 * (s2, work 2.5·10⁶, was slower on two threads than on one; the figures are in the performance
 * guide).
 *
 * @category Engines
 * @since 0.2.0
 */
export const AUTO_WORKERS_WORK = 10_000_000

/**
 * The most threads a fit may ask for: 256. Each is a worker started for the fit (tens of
 * milliseconds and a few MiB each); a larger `workers`, which no machine's cores justify, is
 * `InvalidOptions` rather than thousands of workers started.
 *
 * @category Engines
 * @since 0.2.0
 */
export const MAX_WORKERS = 256

/**
 * Resolves a `workers` option into a thread count: an integer ≥ 1 as given, or `'auto'` (and
 * `undefined`): every core when the family has a worker recipe, worker threads can run here and the
 * work n·k·(d² + 3d)/2 is at least {@link AUTO_WORKERS_WORK}; else 1.
 *
 * @returns `Left(InvalidOptions)` naming `workers` for anything else.
 * @category Engines
 * @since 0.2.0
 */
export const resolveWorkers = <C, S>(
  family: ComponentFamily<C, S>,
  n: number,
  d: number,
  k: number,
  workers: unknown,
): E.Either<EmError, number> => {
  for (const [name, v] of [
    ['n', n],
    ['d', d],
    ['k', k],
  ] as const) {
    const ok = Validate.integer(name, v, { min: 0 })
    if (E.isLeft(ok)) return ok
  }
  if (workers === undefined || workers === 'auto') {
    const work = (n * k * (d * d + 3 * d)) / 2
    return E.right(family.worker !== undefined && threadsUnavailable() === undefined && work >= AUTO_WORKERS_WORK ? cores() : 1)
  }
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
    return E.left(invalidOptions('workers', `workers must be an integer in 1 … ${MAX_WORKERS} or 'auto', got ${Validate.show(workers)}`))
  }
  if (workers > 1 && family.worker === undefined) {
    return E.left(invalidOptions('workers', `the ${family.name} family has no worker recipe, so it cannot run on ${workers} threads`))
  }
  return E.right(workers)
}

/**
 * The stream engine: every pass reads the source from its first row, block by block, checking
 * each block (dimension, finite values, weights, the family's support) and folding it into the
 * statistics with the fused kernel. Exact EM: the same trace as the memory engine on the same
 * rows, up to summation order. Memory: O(k · 4096) scratch plus one block of the source at a time.
 *
 * A family with a base measure (multinomial) has it computed per block on every pass.
 *
 * @param labels - partly known labels, one per row of the source in order: the component 0 … k − 1
 *   or −1 when unknown (semi-supervised EM, see `Mixture.fit`'s `labels`; not checked here); rows
 *   beyond its length are unknown.
 * @category Engines
 * @since 0.2.0
 */
export const stream = <C, S>(
  family: ComponentFamily<C, S>,
  source: RowSource,
  options: StreamOptions = {},
  labels?: Float64Array,
): AsyncEngine<C, S> => {
  const kernel = new FusedKernel(family, source.d)
  let passes = 0
  /** Reads every block of one pass, checked, with its first row number. */
  const each = async (visit: (block: Dataset, firstRow: number) => void): Promise<number> => {
    passes++
    const pass = passes
    let row = 0
    try {
      for await (const block of source.blocks()) {
        if (options.signal?.aborted === true) throw new EmException(engineFailure('stream', `the pass was cancelled at row ${row}`))
        const bad = checkBlock(block, source.d, row) ?? refuseMissing(family, block, row)
        if (bad !== undefined) throw new EmException(bad)
        const support = family.checkData(block)
        if (E.isLeft(support)) throw new EmException(globalRows(support.left, row))
        visit(block, row)
        row += block.n
        options.onBlock?.(row, pass)
      }
    } catch (e) {
      if (e instanceof EmException) throw e
      if (e instanceof BlockError) throw new EmException(e.error)
      throw new EmException(engineFailure('stream', `reading the data failed at row ${row}: ${e instanceof Error ? e.message : String(e)}`))
    }
    if (row === 0) throw new EmException(invalidData('the data source gave no rows'))
    return row
  }
  return {
    kind: 'stream',
    source,
    d: source.d,
    pass: async (params) => {
      const totals: PassTotals<S> = emptyTotals(kernel.monoid, params.components.length)
      const logWeights = logOf(params.weights)
      await each((block, first) =>
        kernel.run(
          block,
          params.components,
          logWeights,
          blockBaseMeasure(family, block),
          totals,
          first,
          labels === undefined ? undefined : labelsOf(labels, first, block.n),
        ),
      )
      return totals
    },
    worstRows: async (params, m) => {
      const keep = new WorstRows(Math.max(0, m))
      const logWeights = logOf(params.weights)
      let score = new Float64Array(0)
      await each((block, first) => {
        if (score.length < block.n) score = new Float64Array(block.n)
        rowLogDensityInto(family, block, params.components, logWeights, blockBaseMeasure(family, block), score, 0)
        for (let i = 0; i < block.n; i++) keep.offer(score[i]!, first + i)
      })
      const rows = keep.sortedRows()
      let stats = kernel.monoid.empty
      let next = 0
      await each((block, first) => {
        const w = new Float64Array(block.n)
        let any = false
        while (next < rows.length && rows[next]! < first + block.n) {
          const i = rows[next]! - first
          w[i] = block.sampleWeights === undefined ? 1 : block.sampleWeights[i]!
          any = true
          next++
        }
        if (any) stats = kernel.monoid.concat(stats, family.summarize(block, w, 0))
      })
      return stats
    },
    dispose: () => undefined,
  }
}

/**
 * Data that compute their own passes: a database that runs the fused pass as one aggregate query
 * (`@emkit/sql`), or several such sources merged. Unlike a {@link RowSource}, no row ever reaches
 * this thread: the source is bound to a family once ({@link StatisticsSource.open}) and then gives,
 * for any θ, the same {@link Pass} the in-memory engines compute (log-likelihood, per-component
 * statistics, weights), so the M-step, the collapse policy and the stopping rule run here unchanged.
 * `Mixture.fitAsync` accepts one in place of a dataset.
 *
 * @category Engines
 * @since 0.2.0
 */
export interface StatisticsSource {
  /** The discriminant: `'StatisticsSource'`. */
  readonly _tag: 'StatisticsSource'
  /** The engine's name in errors and in the fit (e.g. `'duckdb'`, `'postgres'`, `'fanout'`). */
  readonly engine: string
  /** Columns d. */
  readonly d: number
  /** Optional column names (length d), in the order of the parameters' coordinates. */
  readonly columns?: readonly string[]
  /**
   * Binds the source to a family for a fit of k components: checks the family can run here (e.g.
   * has the SQL capability), checks the data once (missing and non-finite values, weights, the
   * family's support) and computes what does not depend on θ (row count, total weight, the base
   * measure). `Left` with a typed error otherwise; never rejects for a failure it can name.
   */
  open<C, S>(family: ComponentFamily<C, S>, k: number): Promise<E.Either<EmError, PassEngine<C, S>>>
}

/**
 * A {@link StatisticsSource} bound to a family: one pass per call, computed where the data live.
 *
 * @category Engines
 * @since 0.2.0
 */
export interface PassEngine<C, S> {
  /** One fused pass at θ. Rejects with {@link EmException} (`EngineFailure`, `InvalidData`) when it cannot be computed. */
  pass(params: Parameters<C>): Promise<Pass<S>>
  /** As {@link SyncEngine.worstRows} (ties broken as the source's engine orders them). */
  worstRows(params: Parameters<C>, m: number): Promise<S>
  /**
   * At most `size` rows for an initialisation method, drawn by the source (the whole data when it
   * has no more rows; otherwise a pseudo-random sample determined by `seed`), with their sample
   * weights.
   */
  sample(size: number, seed: number): Promise<E.Either<EmError, Dataset>>
  /** Releases what {@link StatisticsSource.open} made (idempotent). */
  dispose(): Promise<void>
}

/**
 * Whether `data` is a {@link StatisticsSource}.
 *
 * @category Engines
 * @since 0.2.0
 */
export const isStatisticsSource = (data: unknown): data is StatisticsSource => {
  if (typeof data !== 'object' || data === null) return false
  try {
    return (data as { _tag?: unknown })._tag === 'StatisticsSource'
  } catch {
    return false // a hostile object (a throwing getter or Proxy) is no source; the caller's reading reports it
  }
}
