/**
 * Stepwise (online) EM: one pass over a stream that can be read only once, or is too large to read
 * again, in mini-batches (Cappé & Moulines 2009, "On-line expectation–maximization algorithm for
 * latent data models", JRSS-B 71(3), 593–613; Liang & Klein 2009, "Online EM for unsupervised
 * models", NAACL).
 *
 * Batch EM runs the M-step on the statistics of every row at θ. Stepwise EM keeps a running average
 * s of normalised sufficient statistics instead: for mini-batch t it computes ŝₜ, the statistics of
 * the batch's rows at the current θ divided by the batch's weight, moves s towards it,
 *
 *   s ← (1 − ηₜ)·s + ηₜ·ŝₜ,   ηₜ = (t + 2)^(−α),
 *
 * and sets θ ← M-step(s). With α ∈ (0.5, 1] the steps satisfy Σ ηₜ = ∞ and Σ ηₜ² < ∞, and θ
 * converges to a stationary point of the expected log-likelihood (Cappé & Moulines, Theorem 1).
 * Memory is O(k · batch), whatever the length of the stream.
 *
 * It is approximate: after one pass the parameters sit near, not at, the batch EM optimum. For data
 * that can be read again, `Mixture.fitAsync` with a re-readable {@link RowSource} (the `'stream'`
 * engine) runs exact EM, one pass per iteration. docs/streaming-and-online-em.md compares the two.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { Dataset } from './Dataset.js'
import type { EmError } from './Errors.js'
import { EmException, engineFailure, invalidData, invalidOptions } from './Errors.js'
import * as Validate from './Validate.js'
import type { ComponentFamily, InitMethod } from './Family.js'
import { emptyTotals, FusedKernel } from './internal/fused.js'
import { globalRows, rowLogDensityInto, worstRowsStatistics } from './internal/rows.js'
import { checkData } from './mixture/Fit.js'
import { initializer, resolveInitMethod } from './mixture/Init.js'
import { model, resolveCollapse, toVector, validateParams } from './mixture/Model.js'
import { maximizeStatistics, runSync } from './mixture/MStep.js'
import type { CollapsePolicy, Params } from './mixture/Types.js'
import type { FitWarning } from './Model.js'
import type { Rng } from './Rng.js'
import { seeded } from './Rng.js'
import type { RowSource } from './Source.js'
import { BlockError, checkBlock } from './Source.js'
import { firstMissing } from './internal/incomplete.js'

/** Stepwise EM does not take missing cells (its mini-batches hold values only): `InvalidData` naming the first one, global row. */
const stepwiseMissing = (block: Dataset, firstRow: number): EmError | undefined => {
  const hole = firstMissing(block)
  if (hole === undefined) return undefined
  const [r, c] = hole
  return invalidData(
    `row ${firstRow + r}, column ${c}: the value is missing; stepwise EM does not take missing cells: use Mixture.fitAsync (exact EM, every engine) or drop the incomplete rows`,
    firstRow + r,
    c,
  )
}

/**
 * Default {@link StepwiseOptions.batchSize}: 1000 rows per mini-batch.
 *
 * @category Fitting
 * @since 0.2.0
 */
export const DEFAULT_BATCH_SIZE = 1000

/**
 * Default {@link StepwiseOptions.alpha}: 0.6. Cappé & Moulines (2009, §4) recommend an exponent
 * α ∈ [0.6, 0.7], together with averaging, over α = 1 (which forgets the start too slowly);
 * Liang & Klein (2009) found α between 0.5 and 0.7 best with mini-batches.
 *
 * @category Fitting
 * @since 0.2.0
 */
export const DEFAULT_ALPHA = 0.6

/**
 * The step size ηₜ = (t + 2)^(−α) of mini-batch t (0-based; batch 0 sets the statistics outright).
 *
 * @param t - the batch index, an integer ≥ 1 for a step proper.
 * @param alpha - the exponent α ∈ (0.5, 1].
 * @example
 * ```ts
 * Stepwise.stepSize(1, 0.6) // 3^(−0.6) ≈ 0.517
 * ```
 * @category Fitting
 * @since 0.2.0
 */
export const stepSize = (t: number, alpha: number): number => Math.pow(t + 2, -alpha)

/**
 * What {@link StepwiseOptions.onBatch} is told after each mini-batch.
 *
 * @category Fitting
 * @since 0.2.0
 */
export interface StepwiseProgress<C> {
  /** The pass over the source (1-based). */
  readonly pass: number
  /** Mini-batches processed so far, this one included (all passes). */
  readonly batch: number
  /** Rows processed so far, this batch's included (all passes). */
  readonly rows: number
  /** The batch's mean log-likelihood per row (Σ wᵢ log p(xᵢ | θ) / Σ wᵢ) at θ before this batch's update. */
  readonly logLikelihood: number
  /** The step size η used for this batch (1 for the first). */
  readonly stepSize: number
  /** θ after this batch's update. */
  readonly params: Params<C>
}

/**
 * Options of {@link fit}.
 *
 * @category Fitting
 * @since 0.2.0
 */
export interface StepwiseOptions<C> {
  /** Number of components, an integer ≥ 1. */
  readonly k: number
  /**
   * Starting parameters θ₀ (exactly k components), or an initialisation method (default: the
   * family's, else `'kmeans++'`). A method runs on the first rows of the stream: the first
   * mini-batches, at least max(`batchSize`, 10·k) rows (fewer only when the stream is shorter).
   * Those rows are then processed as the first mini-batches, so their log-likelihood in the trace is
   * not prequential (θ₀ has seen them).
   */
  readonly init?: Params<C> | InitMethod
  /**
   * Rows per mini-batch, an integer ≥ 1; default {@link DEFAULT_BATCH_SIZE} (1000). The source's
   * blocks are regrouped into batches of exactly this many rows, whatever their size, so the fit does
   * not depend on how the source cuts its blocks. The last batch of a pass may be shorter; its step
   * is then shrunk in proportion (η·rows/batchSize).
   */
  readonly batchSize?: number
  /**
   * The step-size exponent α ∈ (0.5, 1]: ηₜ = (t + 2)^(−α). Smaller α forgets the start faster and
   * tracks the latest batches more (noisier); α = 1 averages every batch equally (slow to forget a
   * poor start). Default {@link DEFAULT_ALPHA} (0.6, as Cappé & Moulines recommend).
   */
  readonly alpha?: number
  /**
   * Passes over the source, an integer ≥ 1; default 1. More than 1 reads the source again (it must
   * be re-readable); the step sizes keep decreasing across passes.
   */
  readonly passes?: number
  /** Collapse policy; default `'reseed'` (re-seeded from the current batch's worst-explained rows). */
  readonly collapse?: CollapsePolicy
  /** Seed of the random stream (initialisation). Default 0. */
  readonly seed?: number
  /** A random stream to use instead of `seed`. */
  readonly rng?: Rng
  /** Cancels the fit between mini-batches: it returns the parameters so far with `stopReason: 'aborted'`. */
  readonly signal?: AbortSignal
  /** Called after every mini-batch (progress bars, monitoring the prequential log-likelihood). */
  readonly onBatch?: (progress: StepwiseProgress<C>) => void
}

/**
 * Why a stepwise fit stopped: it read every pass (`'completed'`) or was cancelled (`'aborted'`).
 *
 * @category Fitting
 * @since 0.2.0
 */
export type StepwiseStopReason = 'completed' | 'aborted'

/**
 * A stepwise fit.
 *
 * @category Fitting
 * @since 0.2.0
 */
export interface StepwiseFit<C> {
  /** θ after the last mini-batch (always finite). */
  readonly params: Params<C>
  /**
   * The prequential trace: `trace[t]` is mini-batch t's mean log-likelihood per row,
   * Σ wᵢ log p(xᵢ | θ) / Σ wᵢ over its rows, at the θ before that batch's update (natural log, base
   * measure included, log-prior not). One entry per batch processed (batches of weight 0 are skipped).
   */
  readonly trace: readonly number[]
  /** Rows read (all passes). */
  readonly rows: number
  /** Mini-batches processed (all passes), = `trace.length`. */
  readonly batches: number
  /** Passes read (the last one partly when aborted). */
  readonly passes: number
  /** Σ wᵢ over the rows of one pass (over the rows read, when the fit stopped in its first pass). */
  readonly observations: number
  /** Whether every pass was read. */
  readonly stopReason: StepwiseStopReason
  /** Warnings: collapsed components (re-seeded or dropped) and skipped batches; `iteration` is the batch (1-based), 0 for initialisation. */
  readonly warnings: readonly FitWarning[]
}

/** Options resolved once, where they enter. */
interface Resolved<C> {
  readonly k: number
  readonly init: Params<C> | InitMethod
  readonly batchSize: number
  readonly alpha: number
  readonly passes: number
  readonly collapse: CollapsePolicy
  readonly rng: Rng
}

const isInteger = (x: unknown, min: number): x is number => typeof x === 'number' && Number.isInteger(x) && x >= min

const resolve = <C, S>(
  family: ComponentFamily<C, S>,
  typedSource: RowSource,
  typedOptions: StepwiseOptions<C>,
): E.Either<EmError, Resolved<C>> => {
  // Checked as JavaScript callers may pass them, whatever the types say.
  const source = typedSource
  const options = typedOptions
  const raw = typedOptions as unknown as Readonly<Record<string, unknown>>
  const rawSource = typedSource as unknown as Readonly<Record<string, unknown>> | null
  if (typeof family.scale !== 'function') {
    return E.left(
      invalidOptions(
        'family',
        `the ${family.name} family has no scale(stats, factor), which stepwise EM needs to average statistics; give it one (see ComponentFamily.scale) or fit a re-readable source with Mixture.fitAsync`,
      ),
    )
  }
  if (typeof rawSource !== 'object' || rawSource === null || typeof rawSource['blocks'] !== 'function' || !isInteger(rawSource['d'], 1)) {
    return E.left(invalidOptions('source', 'source must be a RowSource: an integer d ≥ 1 and a blocks() method'))
  }
  const checks = [
    Validate.integer('k', options.k, { min: 1 }),
    Validate.optional(options.batchSize, DEFAULT_BATCH_SIZE, (v) => Validate.integer('batchSize', v, { min: 1 })),
    // Step sizes (t + 2)^(−alpha) must sum to ∞ with a finite sum of squares.
    Validate.optional(options.alpha, DEFAULT_ALPHA, (v) => Validate.number('alpha', v, { above: 0.5, max: 1 })),
    Validate.optional(options.passes, 1, (v) => Validate.integer('passes', v, { min: 1 })),
    Validate.optional(raw['seed'], 0, (v) => Validate.number('seed', v)),
    Validate.optional(raw['rng'], undefined, (v) => Validate.methods('rng', v, ['uniform', 'split'])),
    Validate.optional(raw['signal'], undefined, (v) => Validate.methods('signal', v, ['addEventListener', 'removeEventListener'])),
    Validate.optional(raw['onBatch'], undefined, (v) => Validate.callback('onBatch', v)),
  ]
  for (const c of checks) if (E.isLeft(c)) return c
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
  const alpha = options.alpha ?? DEFAULT_ALPHA
  const passes = options.passes ?? 1
  const collapse = resolveCollapse(options.collapse)
  if (E.isLeft(collapse)) return collapse
  let init: Params<C> | InitMethod
  const given: unknown = options.init
  if (typeof given === 'object' && given !== null) {
    const ok = validateParams(family, options.k, source.d, given as Params<C>, true)
    if (E.isLeft(ok)) return ok
    init = given as Params<C>
  } else {
    const method = resolveInitMethod(family, given)
    if (E.isLeft(method)) return method
    init = method.right
  }
  return E.right({ k: options.k, init, batchSize, alpha, passes, collapse: collapse.right, rng: options.rng ?? seeded(options.seed ?? 0) })
}

/** A mini-batch with the global index of its first row (in its pass). */
interface Batch {
  readonly data: Dataset
  readonly firstRow: number
}

/**
 * One pass over the source, its blocks regrouped into mini-batches of `size` rows (the last may be
 * shorter), each checked (structure per block, the family's support per batch). Failures are
 * thrown as {@link EmException}.
 */
async function* batchesOf<C, S>(family: ComponentFamily<C, S>, source: RowSource, size: number): AsyncGenerator<Batch, number, undefined> {
  const d = source.d
  let values = new Float64Array(size * d)
  let weights = new Float64Array(size)
  let weighted = false
  let filled = 0
  let row = 0
  const finish = (): Batch => {
    const data: Dataset = weighted
      ? { n: filled, d, values: values.subarray(0, filled * d), sampleWeights: weights.subarray(0, filled) }
      : { n: filled, d, values: values.subarray(0, filled * d) }
    const batch = { data, firstRow: row - filled }
    const support = family.checkData(data)
    if (E.isLeft(support)) throw new EmException(globalRows(support.left, batch.firstRow))
    values = new Float64Array(size * d)
    weights = new Float64Array(size)
    weighted = false
    filled = 0
    return batch
  }
  let iterator: AsyncIterator<Dataset>
  try {
    iterator = source.blocks()[Symbol.asyncIterator]()
  } catch (e) {
    throw readFailure(e, row)
  }
  let ended = false
  try {
    for (;;) {
      let next: IteratorResult<Dataset>
      try {
        next = await iterator.next()
      } catch (e) {
        ended = true
        throw readFailure(e, row)
      }
      if (next.done === true) break
      const block = next.value
      const bad = checkBlock(block, d, row) ?? stepwiseMissing(block, row)
      if (bad !== undefined) throw new EmException(bad)
      const sw = block.sampleWeights
      for (let i = 0; i < block.n;) {
        const take = Math.min(size - filled, block.n - i)
        values.set(block.values.subarray(i * d, (i + take) * d), filled * d)
        if (sw === undefined) weights.fill(1, filled, filled + take)
        else {
          weights.set(sw.subarray(i, i + take), filled)
          weighted = true
        }
        filled += take
        row += take
        i += take
        if (filled === size) yield finish()
      }
    }
    ended = true
  } finally {
    // Stopped early (cancelled, a bad block): let the source release what it holds.
    if (!ended) await iterator.return?.()
  }
  if (filled > 0) yield finish()
  return row
}

const readFailure = (e: unknown, row: number): EmException => {
  if (e instanceof EmException) return e
  if (e instanceof BlockError) return new EmException(e.error)
  return new EmException(engineFailure('stream', `reading the data failed at row ${row}: ${e instanceof Error ? e.message : String(e)}`))
}

/** Concatenates batches into one dataset (the initialisation sample). */
const concatBatches = (batches: readonly Batch[], d: number): Dataset => {
  const n = batches.reduce((s, b) => s + b.data.n, 0)
  const values = new Float64Array(n * d)
  const weights = new Float64Array(n)
  let weighted = false
  let at = 0
  for (const b of batches) {
    values.set(b.data.values, at * d)
    if (b.data.sampleWeights === undefined) weights.fill(1, at, at + b.data.n)
    else {
      weights.set(b.data.sampleWeights, at)
      weighted = true
    }
    at += b.data.n
  }
  return weighted ? { n, d, values, sampleWeights: weights } : { n, d, values }
}

const isFiniteVector = (v: Float64Array): boolean => {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) return false
  return true
}

/**
 * Fits a k-component mixture of `family` to a stream by stepwise (online) EM: one mini-batch at a
 * time, each batch read once (Cappé & Moulines 2009; Liang & Klein 2009).
 *
 * The algorithm: θ₀ from `init`; s₀ = the normalised statistics of the first batch at θ₀ (every
 * component's statistics at θ divided by the batch's weight Σ wᵢ, with the family's `scale`);
 * then for every batch t ≥ 1, ŝ = the normalised statistics of batch t at θ,
 * s ← (1 − ηₜ)·s + ηₜ·ŝ with ηₜ = (t + 2)^(−α) (a monoid `concat` of scaled statistics), and θ ←
 * M-step(s) under the collapse policy. The M-step sees s rescaled to the weight of the rows seen so
 * far (at most one pass's worth): a maximum-likelihood estimate does not depend on that scale, and a
 * family with a log-prior (MAP, e.g. multinomial smoothing) weighs its prior against the data as
 * batch EM on those rows would. A collapsed component is re-seeded (`'reseed'`) from the ⌈m/k⌉ rows
 * of the current batch (m rows) worst explained by θ, with that share of the running weight; with
 * `'drop'` it is removed; with `'error'` the fit stops.
 *
 * Memory: O(k · batchSize) (two batches of rows, the fused kernel's scratch, k statistics), plus
 * max(batchSize, 10·k) rows for an initialisation method.
 *
 * @param family - a component family with {@link ComponentFamily.scale}.
 * @param source - the rows, in blocks of any size (read once per pass).
 * @returns a promise of `Right(StepwiseFit)`, or `Left` with a typed error, never a rejection for
 *   one: `InvalidOptions` naming the option (or `'family'` for a family without `scale`), `InvalidParameters`
 *   for a bad start, `InvalidData` for a bad block (naming the global row and column), an empty
 *   source or a second pass that reads nothing, `CollapsedComponent` under the policy,
 *   `NonFinite` when a row has zero density under every component, `EngineFailure` when reading fails.
 * @example
 * ```ts
 * declare const readChunks: () => AsyncIterable<Float64Array> // your file or database, row-major blocks of d = 2
 * const source = E.getOrElseW(() => { throw new Error() })(Source.fromBlocks(2, readChunks))
 * const r = await Stepwise.fit(Gaussian.family(), source, { k: 3, batchSize: 1000, seed: 1 })
 * if (E.isRight(r)) console.log(r.right.params.weights, r.right.trace.at(-1))
 * ```
 * @category Fitting
 * @since 0.2.0
 */
export const fit = async <C, S>(
  family: ComponentFamily<C, S>,
  source: RowSource,
  givenOptions: StepwiseOptions<C>,
): Promise<E.Either<EmError, StepwiseFit<C>>> => {
  const read = Validate.record('options', givenOptions)
  if (E.isLeft(read)) return read
  const options = read.right as StepwiseOptions<C>
  const resolved = Validate.guard(
    () => resolve(family, source, options),
    (m) => invalidOptions('source', `the source could not be read: ${m}`),
  )
  if (E.isLeft(resolved)) return resolved
  try {
    return await run(family, source, options, resolved.right)
  } catch (e) {
    if (e instanceof EmException) return E.left(e.error)
    throw e
  }
}

/**
 * Throwing twin of {@link fit}: the promise rejects with {@link EmException} for a typed failure.
 *
 * @category Fitting
 * @since 0.2.0
 */
export const fitOrThrow = async <C, S>(
  family: ComponentFamily<C, S>,
  source: RowSource,
  options: StepwiseOptions<C>,
): Promise<StepwiseFit<C>> => {
  const r = await fit(family, source, options)
  if (E.isLeft(r)) throw new EmException(r.left)
  return r.right
}

const run = async <C, S>(
  family: ComponentFamily<C, S>,
  source: RowSource,
  options: StepwiseOptions<C>,
  o: Resolved<C>,
): Promise<E.Either<EmError, StepwiseFit<C>>> => {
  const scale = family.scale!.bind(family)
  const d = source.d
  const kernel = new FusedKernel(family, d, Math.max(1, Math.min(o.batchSize, 4096)))
  const monoid = kernel.monoid
  const warnings: FitWarning[] = []
  const trace: number[] = []
  let params: Params<C> | undefined = typeof o.init === 'string' ? undefined : o.init
  /** The running statistics s, total weight 1. */
  let running: S[] | undefined
  let batches = 0
  let rows = 0
  let passesRead = 0
  let seenWeight = 0
  let aborted = false

  const step = (batch: Batch, pass: number): void => {
    const theta = params!
    const kk = theta.components.length
    const data = batch.data
    const logWeights = Float64Array.from(theta.weights, Math.log)
    const base = family.logBaseMeasure === undefined ? undefined : family.logBaseMeasure(data)
    const totals = emptyTotals(monoid, kk)
    kernel.run(data, theta.components, logWeights, base, totals, batch.firstRow)
    rows += data.n
    const t = batches + 1
    if (totals.impossibleRow >= 0) {
      throw new EmException({
        _tag: 'NonFinite',
        iteration: t,
        message: `row ${totals.impossibleRow} (pass ${pass}) has zero density under every component at mini-batch ${t}, so its log-likelihood is −∞; choose a start that covers the data`,
      })
    }
    const w = totals.weight
    if (!(w > 0)) {
      warnings.push({
        kind: 'batchSkipped',
        iteration: t,
        message: `the mini-batch of rows ${batch.firstRow}–${batch.firstRow + data.n - 1} (pass ${pass}) has total weight 0; skipped`,
      })
      return
    }
    if (pass === 1) seenWeight += w
    const meanLogLikelihood = totals.logLikelihood / w
    const eta = batches === 0 ? 1 : Math.min(1, stepSize(batches, o.alpha) * (data.n / o.batchSize))
    const fresh = totals.statistics.map((s) => scale(s, 1 / w))
    const averaged =
      running === undefined || eta === 1 ? fresh : running.map((s, j) => monoid.concat(scale(s, 1 - eta), scale(fresh[j]!, eta)))
    const total = seenWeight
    const stats = averaged.map((s) => scale(s, total))
    const reseed = (m: number): S => {
      const score = new Float64Array(data.n)
      rowLogDensityInto(family, data, theta.components, logWeights, base, score, 0)
      return scale(worstRowsStatistics(family, data, score, m), total / w)
    }
    const next = runSync(
      maximizeStatistics(family, o.collapse, stats, total, data.n, { iteration: t, warn: (warning: FitWarning) => warnings.push(warning) }),
      reseed,
    )
    if (E.isLeft(next)) throw new EmException(next.left)
    if (!isFiniteVector(toVector(family, next.right))) {
      throw new EmException({ _tag: 'NonFinite', iteration: t, message: `the M-step of mini-batch ${t} produced non-finite parameters` })
    }
    // `stats` now holds what the M-step used (re-seeded components replaced, dropped ones removed).
    let sum = 0
    for (const s of stats) sum += family.weight(s)
    running = stats.map((s) => scale(s, 1 / sum))
    params = next.right
    batches = t
    if (!Number.isFinite(meanLogLikelihood)) {
      // A row of the batch has zero density under every component of the current estimate (or its
      // density is not representable): the trace would hold −∞, which a result never does.
      throw new EmException({
        _tag: 'NonFinite',
        iteration: t,
        message: `mini-batch ${t} has a row with zero density under every component (mean log-likelihood ${meanLogLikelihood}); the data's scale may be beyond double-precision densities: rescale the data or raise the family's regularisation`,
      })
    }
    trace.push(meanLogLikelihood)
    options.onBatch?.({ pass, batch: t, rows, logLikelihood: meanLogLikelihood, stepSize: eta, params: next.right })
  }

  for (let pass = 1; pass <= o.passes && !aborted; pass++) {
    const reader = batchesOf(family, source, o.batchSize)
    passesRead = pass
    try {
      let read = 0
      const pending: Batch[] = []
      if (params === undefined) {
        if (options.signal?.aborted === true)
          return E.left(engineFailure('stepwise', 'the fit was cancelled before a start could be drawn'))
        // An initialisation method: draw θ₀ from the first max(batchSize, 10·k) rows.
        const method = o.init as InitMethod
        const wanted = Math.max(o.batchSize, 10 * o.k)
        let got = 0
        while (got < wanted) {
          const r = await reader.next()
          if (r.done === true) break
          pending.push(r.value)
          got += r.value.data.n
        }
        if (got === 0) return E.left(invalidData('the data source gave no rows'))
        const sample = concatBatches(pending, d)
        const ok = checkData(family, sample, o.k)
        if (E.isLeft(ok))
          return E.left(
            ok.left._tag === 'InvalidData'
              ? invalidData(`initialisation from the first ${sample.n} rows of the stream: ${ok.left.message}`)
              : ok.left,
          )
        const start = initializer(model(family, o.k, { collapse: o.collapse }), method)(sample, o.rng.split(), (w) => warnings.push(w))
        if (E.isLeft(start)) return start
        params = start.right
      }
      for (;;) {
        if (options.signal?.aborted === true) {
          aborted = true
          break
        }
        let batch: Batch
        if (pending.length > 0) batch = pending.shift()!
        else {
          const r = await reader.next()
          if (r.done === true) break
          batch = r.value
        }
        read += batch.data.n
        step(batch, pass)
      }
      if (read === 0 && !aborted) {
        return E.left(
          invalidData(
            pass === 1
              ? 'the data source gave no rows'
              : `pass ${pass} read no rows: the source cannot be read again; use passes: 1 for a source that can be read only once`,
          ),
        )
      }
    } finally {
      // Stopped early (a typed failure, a throwing callback, cancellation): release the source.
      await reader.return(0)
    }
  }
  return E.right({
    params: params!,
    trace,
    rows,
    batches,
    passes: passesRead,
    observations: seenWeight,
    stopReason: aborted ? 'aborted' : 'completed',
    warnings,
  })
}
