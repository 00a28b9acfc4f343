/**
 * Fitting a mixture: options resolved once into an engine, the engine-backed EM model (posterior =
 * one fused pass's sufficient statistics, M-step on them), the loop, and the information criteria
 * of the result. {@link fit} runs synchronously on in-memory data (memory or threads engine);
 * {@link fitAsync} also takes a {@link RowSource} (stream engine) for data larger than memory.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { Dataset } from '../Dataset.js'
import { check as checkDataset, totalWeight } from '../Dataset.js'
import type { AsyncFitOptions, AsyncInitializer, Fit, FitOptions, Initializer } from '../Em.js'
import { fit as emFit, fitAsync as emFitAsync } from '../Em.js'
import type { Pass, StatisticsSource, StreamOptions, SyncEngine } from '../Engine.js'
import { isStatisticsSource, resolveWorkers, stream, threads } from '../Engine.js'
import type { EmError } from '../Errors.js'
import * as Validate from '../Validate.js'
import { show } from '../Validate.js'
import { EmException, invalidData, invalidOptions, invalidParameters } from '../Errors.js'
import type { ComponentFamily, InitMethod } from '../Family.js'
import type { AsyncModel, LoopModel } from '../Model.js'
import type { RowSource } from '../Source.js'
import { fromDataset } from '../Source.js'
import { refuseMissing } from '../internal/incomplete.js'
import { criteriaOfPass } from './Criteria.js'
import { resolveInitMethod, initializer, sourceInitializer } from './Init.js'
import { model, resolveCollapse, toVector, validateParams } from './Model.js'
import { maximizeStatistics, runAsync, runSync } from './MStep.js'
import type { CollapsePolicy, Params } from './Types.js'
import { unconstrainedField } from './Unconstrained.js'
import type { Constraints, FixedOptions, FixedSummary } from './Fixed.js'
import { constrainedParameters, resolveFixed } from './Fixed.js'

/**
 * Options of {@link fit}.
 *
 * @category Fitting
 * @since 0.1.0
 */
export interface MixtureFitOptions<C> extends Omit<FitOptions<Dataset, Params<C>>, 'init'> {
  /** Number of components, an integer ≥ 1 and at most the number of rows with positive weight. */
  readonly k: number
  /**
   * Threads for the passes over the data: an integer ≥ 1, or `'auto'` (default): every core when
   * the family has a worker recipe, worker threads exist and the work n·k·(d² + 3d)/2 is at least
   * `Engine.AUTO_WORKERS_WORK`; else 1. Results equal the single-thread fit up to summation order.
   */
  readonly workers?: number | 'auto'
  /** Starting parameters (exactly k components), or an initialisation method (default: the family's, else `'kmeans++'`). */
  readonly init?: Params<C> | InitMethod
  /** Collapse policy; default `'reseed'`. */
  readonly collapse?: CollapsePolicy
  /**
   * Partly known labels (semi-supervised EM): one per row, the row's component (an integer
   * 0 … k − 1) or −1 when unknown. A labelled row keeps responsibility 1 for its component and
   * enters the objective as log πzᵢ f(xᵢ | θzᵢ) instead of log Σⱼ πⱼ f(xᵢ | θⱼ): the trace (and
   * `logLikelihood`, BIC, AIC) is then Σ_unlabelled wᵢ log p(xᵢ | θ) + Σ_labelled wᵢ log πzᵢ f(xᵢ | θzᵢ),
   * the log-likelihood of the data and the known labels, which EM never decreases (McLachlan &
   * Peel 2000, §2.19). The mixing weights count the labelled rows. With an initialisation method,
   * the start is the M-step from the labelled rows alone when every component has one. For a
   * {@link RowSource}, the labels follow the rows in order (rows beyond them are unknown), and the
   * start must be parameters. With every row labelled, one iteration gives the supervised weighted
   * MLE and the next changes nothing.
   *
   * @since 0.2.0
   */
  readonly labels?: ArrayLike<number>
  /**
   * Parameters held fixed at the start (`init` must then be parameters): mixing weights, whole
   * components, or named parameters of the family (`family.fixed.names`, e.g. a Gaussian's
   * `'mean'` or `'covariance'`). The M-step maximises Q over the rest: the free weights share
   * 1 − Σ(held weights) in proportion to their statistics, and the family estimates its free
   * parameters given the held ones (a Gaussian covariance with held means is the scatter about
   * those means). The free-parameter count, BIC and AIC count only what was estimated, and the
   * model JSON records what was held (`fixed`). Not with SQUAREM or the `'drop'` collapse policy.
   *
   * @since 0.2.0
   */
  readonly fixed?: FixedOptions
}

/**
 * Which engine {@link fitAsync} runs the passes on: `'memory'` or `'threads'` for a dataset
 * (`'auto'`, the default, picks by `workers`), `'stream'` for a {@link RowSource} (or a dataset read
 * in blocks, to check a streaming pipeline).
 *
 * @category Engines
 * @since 0.2.0
 */
export type EngineChoice = 'auto' | 'memory' | 'threads' | 'stream'

/**
 * Options of {@link fitAsync}: those of {@link fit}, plus the engine and streaming options.
 *
 * @category Fitting
 * @since 0.2.0
 */
export interface MixtureFitAsyncOptions<C> extends MixtureFitOptions<C>, StreamOptions {
  /** The engine; default `'auto'` (a {@link RowSource} always streams). */
  readonly engine?: EngineChoice
  /** Rows per block when a dataset is streamed (`engine: 'stream'`); default 65 536. */
  readonly blockRows?: number
  /**
   * For a stream and an initialisation method: the method runs on a uniform sample of at most this
   * many rows, drawn in one pass (default {@link DEFAULT_INIT_SAMPLE}). With no more rows than this
   * the sample is the whole data in order, and the start equals the in-memory one.
   */
  readonly initSample?: number
}

/** Default {@link MixtureFitAsyncOptions.initSample}: 100 000 rows. @category Initialisation @since 0.2.0 */
export const DEFAULT_INIT_SAMPLE = 100_000

/**
 * A fitted mixture: the loop's {@link Fit} plus information criteria.
 *
 * @category Fitting
 * @since 0.1.0
 */
export interface MixtureFit<C> extends Fit<Params<C>> {
  /** Free parameters p, mixing weights included. */
  readonly parameters: number
  /** BIC = −2ℓ + p·ln n (smaller is better, scikit-learn's sign). */
  readonly bic: number
  /** AIC = −2ℓ + 2p. */
  readonly aic: number
  /** ICL = BIC − 2 Σᵢ wᵢ log γᵢ,ẑᵢ (BIC plus twice the entropy of the hard assignment). */
  readonly icl: number
  /**
   * The engine the passes ran on; `'database'` for a {@link StatisticsSource} (its own
   * `engine` names which, e.g. `'duckdb'`).
   */
  readonly engine: 'memory' | 'threads' | 'stream' | 'database'
  /** Threads the passes ran on (1 for memory and stream). */
  readonly threads: number
  /** What the fit held fixed (`fixed` option), when it held something. @since 0.2.0 */
  readonly fixed?: FixedSummary
}

/**
 * Checks `data` against the family's support and `k` against the rows that carry positive weight
 * (a row of weight 0 is no observation), without fitting.
 *
 * @category Data
 * @since 0.1.0
 */
export const checkData = <C, S>(family: ComponentFamily<C, S>, data: Dataset, k: number): E.Either<EmError, Dataset> => {
  const kk = Validate.integer('k', k, { min: 1 })
  if (E.isLeft(kk)) return kk
  const ds = checkDataset(data)
  if (E.isLeft(ds)) return ds
  const refused = refuseMissing(family, data)
  if (refused !== undefined) return E.left(refused)
  const sw = data.sampleWeights
  let rows = data.n
  if (sw !== undefined) {
    rows = 0
    for (let i = 0; i < sw.length; i++) if (sw[i]! > 0) rows++
  }
  if (k > rows) {
    const what = sw === undefined ? `only ${data.n} rows` : `only ${rows} rows with positive weight`
    return E.left(invalidData(`k = ${k} components but ${what}; k must not exceed the number of observations`))
  }
  return family.checkData(data)
}

/**
 * Reads the `labels` option: `undefined` when absent, else a Float64Array (−1 unknown) of length
 * `n` (when known; a stream's labels may be shorter), every entry an integer in −1 … k − 1.
 */
const resolveLabels = (labels: unknown, n: number | undefined, k: number): E.Either<EmError, Float64Array | undefined> => {
  if (labels === undefined) return E.right(undefined)
  const given = Validate.arrayLike('labels', labels)
  if (E.isLeft(given)) return E.left(invalidOptions('labels', given.left.message))
  const length = given.right.length
  if (n !== undefined && length !== n) return E.left(invalidOptions('labels', `labels has length ${length}, expected one per row (${n})`))
  const out = new Float64Array(length)
  for (let i = 0; i < length; i++) {
    const z: unknown = given.right.value[i]
    if (typeof z !== 'number' || !Number.isInteger(z) || z < -1 || z >= k)
      return E.left(invalidOptions('labels', `labels[${i}] is ${show(z)}; a label is a component 0 … ${k - 1}, or −1 when unknown`))
    out[i] = z
  }
  return E.right(out)
}

/** The posterior an engine-backed model hands its M-step: the parameters and their pass. */
interface PassPosterior<C, S> {
  readonly params: Params<C>
  readonly pass: Pass<S>
}

/** An engine-backed mixture model and what it remembers of its last pass. */
interface Backed<C, S> {
  /** The number of components the fit started with. */
  readonly k: number
  readonly last: () => PassPosterior<C, S> | undefined
  /** What the fit holds fixed, if anything. */
  readonly constraints: Constraints | undefined
}

const logPrior = <C, S>(family: ComponentFamily<C, S>, components: readonly C[]): number =>
  family.logPrior === undefined ? 0 : family.logPrior(components)

/** The M-step's constraints at the parameters the pass was made at (the held values are theirs). */
const fixedOf = <C>(constraints: Constraints | undefined, params: Params<C>) =>
  constraints === undefined ? undefined : { constraints, current: params.components }

/** The mixture over a synchronous engine: posterior = one fused pass, M-step on its statistics. */
const syncModel = <C, S>(
  family: ComponentFamily<C, S>,
  k: number,
  collapse: CollapsePolicy,
  engine: SyncEngine<C, S>,
  constraints?: Constraints,
): LoopModel<Dataset, Params<C>, PassPosterior<C, S>> & Backed<C, S> => {
  let last: PassPosterior<C, S> | undefined
  return {
    name: `${family.name} mixture (k = ${k}, ${engine.kind} engine)`,
    k,
    constraints,
    last: () => last,
    observations: totalWeight,
    validate: (data, params) => validateParams(family, k, data.d, params, false),
    posterior: (data, params) => {
      if (data !== engine.data)
        throw new EmException(invalidOptions('data', `this model's ${engine.kind} engine was made for another dataset`))
      const pass = engine.pass(params)
      last = { params, pass }
      return { posterior: last, logLikelihood: pass.logLikelihood + logPrior(family, params.components) }
    },
    maximize: (_data, q, context) =>
      runSync(
        maximizeStatistics(family, collapse, [...q.pass.statistics], q.pass.weight, q.pass.rows, context, fixedOf(constraints, q.params)),
        (m) => engine.worstRows(q.params, m),
      ),
    toVector: (params) => toVector(family, params),
    ...unconstrainedField(family),
  }
}

/** What the asynchronous model needs of its engine: a stream engine, or a bound statistics source. */
interface AsyncPasses<D, C, S> {
  readonly kind: string
  readonly source: D
  pass(params: Params<C>): Promise<Pass<S>>
  worstRows(params: Params<C>, m: number): Promise<S>
}

/** The mixture over an asynchronous engine. */
const asyncModel = <D extends { readonly d: number }, C, S>(
  family: ComponentFamily<C, S>,
  k: number,
  collapse: CollapsePolicy,
  engine: AsyncPasses<D, C, S>,
  constraints?: Constraints,
): AsyncModel<D, Params<C>, PassPosterior<C, S>> & Backed<C, S> => {
  let last: PassPosterior<C, S> | undefined
  return {
    name: `${family.name} mixture (k = ${k}, ${engine.kind} engine)`,
    k,
    constraints,
    last: () => last,
    observations: () => last?.pass.weight ?? Number.NaN,
    validate: (source, params) => validateParams(family, k, source.d, params, false),
    posterior: async (source, params) => {
      if (source !== engine.source)
        throw new EmException(invalidOptions('data', `this model's ${engine.kind} engine was made for another source`))
      const pass = await engine.pass(params)
      if (pass.weight <= 0) throw new EmException(invalidData('every row of the data source has weight 0'))
      if (pass.positiveRows < k) {
        throw new EmException(
          invalidData(
            `k = ${k} components but only ${pass.positiveRows} rows with positive weight; k must not exceed the number of observations`,
          ),
        )
      }
      last = { params, pass }
      return { posterior: last, logLikelihood: pass.logLikelihood + logPrior(family, params.components) }
    },
    maximize: (_source, q, context) =>
      runAsync(
        maximizeStatistics(family, collapse, [...q.pass.statistics], q.pass.weight, q.pass.rows, context, fixedOf(constraints, q.params)),
        (m) => engine.worstRows(q.params, m),
      ),
    toVector: (params) => toVector(family, params),
    ...unconstrainedField(family),
  }
}

/** Options every face of the mixture fit resolves the same way, once. */
interface Resolved<C> {
  readonly collapse: CollapsePolicy
  readonly init: Params<C> | InitMethod
  readonly constraints: Constraints | undefined
}

const resolveCommon = <C, S>(family: ComponentFamily<C, S>, d: number, options: MixtureFitOptions<C>): E.Either<EmError, Resolved<C>> =>
  Validate.guard(
    () => resolveCommonOf(family, d, options),
    (m) => invalidOptions('init', `the start could not be read: ${m}`),
  )

const resolveCommonOf = <C, S>(family: ComponentFamily<C, S>, d: number, options: MixtureFitOptions<C>): E.Either<EmError, Resolved<C>> => {
  const collapse = resolveCollapse(options.collapse)
  if (E.isLeft(collapse)) return collapse
  const given: unknown = options.init
  if (typeof given === 'object' && given !== null) {
    // A start given as parameters.
    const params = given as Params<C>
    const ok = validateParams(family, options.k, d, params, true)
    if (E.isLeft(ok)) return ok
    return withConstraints(family, options, { collapse: collapse.right, init: params })
  }
  const method = resolveInitMethod(family, given)
  if (E.isLeft(method)) return method
  return withConstraints(family, options, { collapse: collapse.right, init: method.right })
}

/** The resolved options with the `fixed` option read against the family, k and the start. */
const withConstraints = <C, S>(
  family: ComponentFamily<C, S>,
  options: MixtureFitOptions<C>,
  resolved: Omit<Resolved<C>, 'constraints'>,
): E.Either<EmError, Resolved<C>> => {
  const constraints = resolveFixed(family, options.fixed, options.k, resolved.init, resolved.collapse, options.accelerate)
  if (E.isLeft(constraints)) return constraints
  return E.right({ ...resolved, constraints: constraints.right })
}

/**
 * Says who is at fault when the loop fails before its first step: the caller's start (a given
 * start that gives some row zero density), or the library's own initialisation (an initial
 * estimate the family rejects, or one under which a row has zero density) — then what to change.
 */
const explainStart = <C>(init: Params<C> | InitMethod, k: number, error: EmError, impossibleRow: number | undefined): EmError => {
  const row = impossibleRow !== undefined && impossibleRow >= 0 ? impossibleRow : undefined
  if (typeof init !== 'string') {
    if (error._tag !== 'NonFinite' || error.iteration !== 0 || row === undefined) return error
    return invalidParameters(
      `row ${row} has zero density under every starting component, so the log-likelihood is −∞; choose a start that covers the data`,
    )
  }
  // A start drawn by an initialisation method: the options and data were checked before, so an
  // inadmissible start or an impossible row is the initialisation's doing, not the caller's.
  const how = `the initial estimate from init '${init}' (k = ${k})`
  if (error._tag === 'InvalidParameters') {
    return {
      _tag: 'CollapsedComponent',
      component: error.component ?? 0,
      iteration: 0,
      message: `${how} is not admissible (${error.message}); the rows it gave a component may be too few or too concentrated: raise the family's regularisation, lower k or try another init`,
    }
  }
  if (error._tag === 'NonFinite' && error.iteration === 0) {
    return {
      ...error,
      message: `${how} gives ${row === undefined ? 'some row' : `row ${row}`} zero density under every component (log-likelihood −∞); the data's scale may be beyond double-precision densities: rescale the data, raise the family's regularisation or try another init`,
    }
  }
  return error
}

/** The loop's fit plus criteria from the pass at the returned parameters. */
const finish = <C, S>(
  family: ComponentFamily<C, S>,
  r: Fit<Params<C>>,
  pass: Pass<S>,
  engine: MixtureFit<C>['engine'],
  threadCount: number,
  constraints?: Constraints,
): MixtureFit<C> => {
  const c = criteriaOfPass(family, r.params, pass)
  if (E.isLeft(c)) throw new EmException(c.left)
  const out = { ...r, parameters: c.right.parameters, bic: c.right.bic, aic: c.right.aic, icl: c.right.icl, engine, threads: threadCount }
  if (constraints === undefined) return out
  // Only what was estimated counts: p less the held parameters, and BIC, AIC and ICL with it.
  const k = r.params.components.length
  const p = constrainedParameters(family, family.dimension(r.params.components[0]!), k, constraints)
  const dp = p - c.right.parameters
  const log = Math.log(pass.weight)
  return { ...out, parameters: p, bic: out.bic + dp * log, aic: out.aic + 2 * dp, icl: out.icl + dp * log, fixed: constraints.summary }
}

/**
 * Fits a k-component mixture of `family` to in-memory `data`, each iteration one fused pass over
 * the rows on the memory engine or, with `workers`, the threads engine.
 *
 * @returns `Right(MixtureFit)`, or `Left` with a typed error (invalid options, data or start; a
 *   collapse the policy could not handle; a failed worker thread). Never throws for those.
 * @example
 * ```ts
 * const r = Mixture.fit(Gaussian.family({ covariance: 'full' }), data, { k: 2, restarts: 5, seed: 1 })
 * if (E.isRight(r)) console.log(r.right.bic, r.right.params.weights)
 * ```
 * @category Fitting
 * @since 0.1.0
 */
export const fit = <C, S>(
  family: ComponentFamily<C, S>,
  data: Dataset,
  givenOptions: MixtureFitOptions<C>,
): E.Either<EmError, MixtureFit<C>> => {
  const read = Validate.record('options', givenOptions)
  if (E.isLeft(read)) return read
  const options = read.right as MixtureFitOptions<C>
  try {
    const prepared = prepare(family, data, options)
    if (E.isLeft(prepared)) return prepared
    const { engine, em, init, start } = prepared.right
    try {
      return conclude(family, engine, em, start, emFit(em, data, { ...options, init }))
    } finally {
      engine.dispose()
    }
  } catch (e) {
    return E.left(tooLarge(e, data.d, options.k))
  }
}

/**
 * An allocation the input's shape made impossible (a `RangeError` from a typed array's length:
 * say a Gaussian's d × d statistics for a declared d of 10⁶) as `InvalidData`; anything else is
 * rethrown — it is emkit's bug, not the caller's input.
 */
const tooLarge = (e: unknown, d: number, k: unknown): EmError => {
  if (!(e instanceof RangeError) || !/array length|allocat/i.test(e.message)) throw e
  return invalidData(
    `the data's shape (d = ${d}, k = ${show(k)}) needs more memory than can be allocated (${Validate.thrown(e)}); reduce the dimension`,
  )
}

/** A fit on in-memory data, ready to run: its engine (to dispose), model and start. */
interface Prepared<C, S> {
  readonly engine: SyncEngine<C, S>
  readonly em: ReturnType<typeof syncModel<C, S>>
  readonly init: Params<C> | Initializer<Dataset, Params<C>>
  readonly start: Params<C> | InitMethod
}

/** Checks and resolves the options of an in-memory fit once, and builds its engine and model. */
const prepare = <C, S>(family: ComponentFamily<C, S>, data: Dataset, options: MixtureFitOptions<C>): E.Either<EmError, Prepared<C, S>> => {
  const ok = checkData(family, data, options.k)
  if (E.isLeft(ok)) return ok
  const resolved = resolveCommon(family, data.d, options)
  if (E.isLeft(resolved)) return resolved
  const count = resolveWorkers(family, data.n, data.d, options.k, options.workers)
  if (E.isLeft(count)) return count
  const labels = Validate.guard(
    () => resolveLabels(options.labels, data.n, options.k),
    (m) => invalidOptions('labels', `the labels could not be read: ${m}`),
  )
  if (E.isLeft(labels)) return labels
  const engine = threads(family, data, count.right, labels.right)
  if (E.isLeft(engine)) return engine
  const { collapse, init: start } = resolved.right
  return E.right({
    engine: engine.right,
    em: syncModel(family, options.k, collapse, engine.right, resolved.right.constraints),
    init: typeof start === 'string' ? initializer(model(family, options.k, { collapse }), start, labels.right) : start,
    start,
  })
}

/** The loop's outcome as a mixture fit: criteria from the pass at the returned parameters (one more pass only after restarts). */
const conclude = <C, S>(
  family: ComponentFamily<C, S>,
  engine: SyncEngine<C, S>,
  em: Prepared<C, S>['em'],
  start: Params<C> | InitMethod,
  r: E.Either<EmError, Fit<Params<C>>>,
): E.Either<EmError, MixtureFit<C>> => {
  if (E.isLeft(r)) return E.left(explainStart(start, em.k, r.left, em.last()?.pass.impossibleRow))
  const last = em.last()
  try {
    const pass = last !== undefined && last.params === r.right.params ? last.pass : engine.pass(r.right.params)
    const warned =
      engine.fallback === undefined
        ? r.right
        : { ...r.right, warnings: [{ kind: 'threadsUnavailable' as const, iteration: 0, message: engine.fallback }, ...r.right.warnings] }
    return E.right(finish(family, warned, pass, engine.kind, engine.threads, em.constraints))
  } catch (e) {
    if (e instanceof EmException) return E.left(e.error)
    throw e
  }
}

/**
 * The asynchronous face of {@link fit}: the same options, trace contract and results, and data that
 * may be a {@link RowSource} read in blocks on every pass (exact EM over data larger than memory,
 * the trace equal to the in-memory fit's up to summation order). For a stream, an initialisation
 * method runs on a uniform sample of at most `initSample` rows; pass `init` parameters for a start
 * that does not depend on the sample. A {@link StatisticsSource} (a database, `@emkit/sql`) runs each
 * pass where the data live: one aggregate query per iteration, the M-step here.
 *
 * @returns a promise of `Right(MixtureFit)` or `Left` with a typed error; it never rejects for a
 *   typed failure (a bad block, a failed read, a dead worker).
 * @example
 * ```ts
 * const source = E.getOrElseW(() => { throw new Error() })(Source.fromDataset(data, 4096))
 * const r = await Mixture.fitAsync(Gaussian.family(), source, { k: 3, tolerance: 0, maxIterations: 50 })
 * ```
 * @category Fitting
 * @since 0.2.0
 */
export const fitAsync = async <C, S>(
  family: ComponentFamily<C, S>,
  data: Dataset | RowSource | StatisticsSource,
  givenOptions: MixtureFitAsyncOptions<C>,
): Promise<E.Either<EmError, MixtureFit<C>>> => {
  const read = Validate.record('options', givenOptions)
  if (E.isLeft(read)) return read
  const options = read.right as MixtureFitAsyncOptions<C>
  if (!Validate.isObject(data)) return E.left(invalidData(`the data must be a Dataset or a RowSource, got ${show(data)}`))
  const choice = options.engine ?? 'auto'
  if (isStatisticsSource(data)) {
    if (choice !== 'auto')
      return E.left(invalidOptions('engine', `a statistics source runs its own passes; leave engine unset, got ${show(choice)}`))
    return fitStatistics(family, data, options)
  }
  if (!['auto', 'memory', 'threads', 'stream'].includes(choice)) {
    return E.left(invalidOptions('engine', `engine must be 'auto', 'memory', 'threads' or 'stream', got ${show(choice)}`))
  }
  let isSource: boolean
  try {
    isSource = !('values' in data)
  } catch (e) {
    return E.left(invalidData(`the data could not be read: ${Validate.thrown(e)}`))
  }
  if (!isSource && choice !== 'stream') {
    if (choice === 'memory' && options.workers !== undefined && options.workers !== 1 && options.workers !== 'auto') {
      return E.left(
        invalidOptions('workers', `the memory engine runs on one thread; use engine 'threads' for workers = ${show(options.workers)}`),
      )
    }
    return fitDatasetAsync(family, data as Dataset, choice === 'memory' ? { ...options, workers: 1 } : options)
  }
  if (isSource && (choice === 'memory' || choice === 'threads')) {
    return E.left(invalidOptions('engine', `a row source can only be read by the 'stream' engine, not '${choice}'`))
  }
  let source: RowSource
  if (isSource) {
    const d = Validate.integer('data.d', (data as { d?: unknown }).d, { min: 1 })
    if (E.isLeft(d)) return d
    const blocks = Validate.callback<unknown>('data.blocks', (data as { blocks?: unknown }).blocks)
    if (E.isLeft(blocks)) return blocks
    source = data as RowSource
  } else {
    const s = fromDataset(data as Dataset, options.blockRows ?? 65_536) // checks the dataset
    if (E.isLeft(s)) return s
    source = s.right
  }
  const common = resolveAsync(family, source.d, options)
  if (E.isLeft(common)) return common
  const { resolved, sampleSize } = common.right
  const labels = Validate.guard(
    () => resolveLabels(options.labels, undefined, options.k),
    (m) => invalidOptions('labels', `the labels could not be read: ${m}`),
  )
  if (E.isLeft(labels)) return labels
  if (labels.right !== undefined && typeof resolved.right.init === 'string')
    return E.left(
      invalidOptions(
        'init',
        'with labels, a streamed fit needs starting parameters as init (an initialisation method sees a sample of rows without their labels)',
      ),
    )
  const streamOptions: { onBlock?: (rowsRead: number, pass: number) => void; signal?: AbortSignal } = {}
  if (options.onBlock !== undefined) streamOptions.onBlock = options.onBlock
  if (options.signal !== undefined) streamOptions.signal = options.signal
  const engine = stream(family, source, streamOptions, labels.right)
  const em = asyncModel(family, options.k, resolved.right.collapse, engine, resolved.right.constraints)
  try {
    const init =
      typeof resolved.right.init === 'string'
        ? sourceInitializer(model(family, options.k, { collapse: resolved.right.collapse }), resolved.right.init, sampleSize)
        : resolved.right.init
    const loopOptions: AsyncFitOptions<RowSource, Params<C>> = { ...options, init }
    const r = await emFitAsync(em, source, loopOptions)
    if (E.isLeft(r)) return E.left(explainStart(resolved.right.init, options.k, r.left, em.last()?.pass.impossibleRow))
    const last = em.last()
    const pass = last !== undefined && last.params === r.right.params ? last.pass : await engine.pass(r.right.params)
    return E.right(finish(family, r.right, pass, 'stream', 1, resolved.right.constraints))
  } catch (e) {
    if (e instanceof EmException) return E.left(e.error)
    return E.left(tooLarge(e, source.d, options.k))
  } finally {
    engine.dispose()
  }
}

/** What an asynchronous fit over a source resolves once: k, the common options, the initialisation sample's size. */
const resolveAsync = <C, S>(
  family: ComponentFamily<C, S>,
  d: number,
  options: MixtureFitAsyncOptions<C>,
): E.Either<EmError, { readonly k: E.Right<number>; readonly resolved: E.Right<Resolved<C>>; readonly sampleSize: number }> => {
  const k = Validate.integer('k', options.k, { min: 1 })
  if (E.isLeft(k)) return k
  const resolved = resolveCommon(family, d, options)
  if (E.isLeft(resolved)) return resolved
  const sampleSize = options.initSample ?? DEFAULT_INIT_SAMPLE
  const sampleOk = Validate.integer('initSample', sampleSize, { min: 1, max: Math.floor(Validate.MAX_VALUES / d) })
  if (E.isLeft(sampleOk)) return sampleOk
  return E.right({ k, resolved, sampleSize })
}

/**
 * A {@link StatisticsSource} through the asynchronous loop: bound to the family once, then one pass
 * per iteration computed where the data live; an initialisation method runs on a sample the source
 * draws once (seeded by the fit's random stream) and every restart reuses it.
 */
const fitStatistics = async <C, S>(
  family: ComponentFamily<C, S>,
  source: StatisticsSource,
  options: MixtureFitAsyncOptions<C>,
): Promise<E.Either<EmError, MixtureFit<C>>> => {
  const d = Validate.integer('data.d', source.d, { min: 1 })
  if (E.isLeft(d)) return d
  const common = resolveAsync(family, source.d, options)
  if (E.isLeft(common)) return common
  const { k, resolved, sampleSize } = common.right
  if (options.labels !== undefined)
    return E.left(
      invalidOptions(
        'labels',
        `partly known labels are not available with the ${source.engine} engine; read the rows (a dataset or a row source)`,
      ),
    )
  const opened = await source.open(family, k.right)
  if (E.isLeft(opened)) return opened
  const bound = opened.right
  const em = asyncModel(
    family,
    k.right,
    resolved.right.collapse,
    {
      kind: source.engine,
      source,
      pass: (params) => bound.pass(params),
      worstRows: (params, m) => bound.worstRows(params, m),
    },
    resolved.right.constraints,
  )
  try {
    const start = resolved.right.init
    let init: Params<C> | AsyncInitializer<StatisticsSource, Params<C>> = start as Params<C>
    if (typeof start === 'string') {
      const inMemory = initializer(model(family, k.right, { collapse: resolved.right.collapse }), start)
      let sample: E.Either<EmError, Dataset> | undefined
      init = async (_source, rng, warn) => {
        sample ??= await bound.sample(sampleSize, Math.floor(rng.uniform() * 2 ** 31))
        if (E.isLeft(sample)) return sample
        const ok = checkData(family, sample.right, k.right)
        if (E.isLeft(ok)) return ok
        return inMemory(sample.right, rng, warn)
      }
    }
    const r = await emFitAsync(em, source, { ...options, init })
    if (E.isLeft(r)) return E.left(explainStart(start, k.right, r.left, em.last()?.pass.impossibleRow))
    const last = em.last()
    const pass = last !== undefined && last.params === r.right.params ? last.pass : await bound.pass(r.right.params)
    return E.right(finish(family, r.right, pass, 'database', 1, resolved.right.constraints))
  } catch (e) {
    if (e instanceof EmException) return E.left(e.error)
    return E.left(tooLarge(e, source.d, options.k))
  } finally {
    await bound.dispose()
  }
}

/** An in-memory dataset through the asynchronous loop (memory or threads engine). */
const fitDatasetAsync = async <C, S>(
  family: ComponentFamily<C, S>,
  data: Dataset,
  options: MixtureFitAsyncOptions<C>,
): Promise<E.Either<EmError, MixtureFit<C>>> => {
  const prepared = prepare(family, data, options)
  if (E.isLeft(prepared)) return prepared
  const { engine, em, init, start } = prepared.right
  try {
    return conclude(family, engine, em, start, await emFitAsync(em, data, { ...options, init }))
  } finally {
    engine.dispose()
  }
}

/**
 * Throwing twin of {@link fit}.
 *
 * @category Fitting
 * @since 0.1.0
 */
export const fitOrThrow = <C, S>(family: ComponentFamily<C, S>, data: Dataset, options: MixtureFitOptions<C>): MixtureFit<C> => {
  const r = fit(family, data, options)
  if (E.isLeft(r)) throw new EmException(r.left)
  return r.right
}
