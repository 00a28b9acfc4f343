/**
 * The mixture layer: turns any {@link ComponentFamily} into an EM {@link Model}.
 *
 * p(x | θ) = Σⱼ πⱼ f(x | θⱼ). The E-step computes responsibilities γᵢⱼ = πⱼ f(xᵢ | θⱼ) / p(xᵢ | θ)
 * by log-sum-exp; the M-step folds weighted sufficient statistics per component and asks the
 * family for its weighted MLE, with πⱼ = Σᵢ wᵢγᵢⱼ / Σᵢ wᵢ. Initialisation, restarts, the collapse
 * policy, information criteria, prediction, sampling and the `emkit.mixture/v1` JSON format live
 * here, once, for every family.
 *
 * Responsibilities are stored component-major: `values[j * n + i]` = γᵢⱼ, so each component's
 * weight vector is contiguous for the family's M-step kernels.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { Dataset } from './Dataset.js'
import { totalWeight } from './Dataset.js'
import type { Fit, FitOptions, Initializer } from './Em.js'
import { fit as emFit } from './Em.js'
import type { EmError } from './Errors.js'
import { availableParallelism } from 'node:os'
import { EmException, invalidData, invalidModel, invalidOptions, invalidParameters } from './Errors.js'
import type { ComponentFamily, InitMethod } from './Family.js'
import { kmeansPlusPlus, randomResponsibilities, randomRows } from './internal/kmeans.js'
import { ShardPool } from './internal/pool.js'
import { eStepBlock, summarizeBlock } from './internal/shard.js'
import type { Model, StepContext } from './Model.js'
import type { Rng } from './Rng.js'
import { seeded } from './Rng.js'

/**
 * Mixture parameters: mixing weights π (length k, on the simplex) and k components.
 *
 * @category Mixture
 * @since 0.1.0
 */
export interface Params<C> {
  /** π, length k, non-negative, summing to 1. */
  readonly weights: Float64Array
  /** The k components, in the family's representation. */
  readonly components: readonly C[]
}

/**
 * The E-step's output for a mixture.
 *
 * @category Mixture
 * @since 0.1.0
 */
export interface Responsibilities {
  /** Number of components. */
  readonly k: number
  /** Number of rows. */
  readonly n: number
  /** γ, length k·n, component-major: `values[j * n + i]` = p(zᵢ = j | xᵢ, θ). */
  readonly values: Float64Array
  /** log p(xᵢ | θ) per row (length n), base measure included, sample weights not applied. */
  readonly logDensity: Float64Array
}

/**
 * What to do with a component that collapses (its responsibilities vanish, or the family cannot
 * estimate it, e.g. a singular covariance):
 * - `'reseed'` (default): re-estimate it from the ⌈n/k⌉ rows worst explained by the current fit,
 *   with weight ⌈n/k⌉/n (then renormalised), and record a `componentReseeded` warning. The step
 *   is then not a plain EM step (the log-likelihood may drop); the warning says so.
 * - `'drop'`: remove it (k decreases by one) and record a `componentDropped` warning.
 * - `'error'`: stop with a `CollapsedComponent` error.
 *
 * @category Mixture
 * @since 0.1.0
 */
export type CollapsePolicy = 'reseed' | 'drop' | 'error'

/**
 * Options of {@link model}.
 *
 * @category Mixture
 * @since 0.1.0
 */
export interface ModelOptions {
  /** Collapse policy; default `'reseed'`. */
  readonly collapse?: CollapsePolicy
  /**
   * Threads for the E-step and the statistics (1 = this thread only, the default). With t > 1 the
   * rows are cut into t blocks computed in parallel by this thread and t − 1 worker threads over
   * shared memory, and the blocks' statistics are merged (the family must have a
   * {@link ComponentFamily.worker | worker} recipe). The responsibilities then live in shared
   * buffers that every posterior call overwrites, and the model must be {@link MixtureModel.dispose | disposed}.
   */
  readonly workers?: number
  /**
   * Reuse the E-step's buffers across calls (default `false`): each `posterior` then overwrites the
   * arrays of the previous one, which saves a k × n allocation per iteration. The EM loop never
   * needs two posteriors at once, so `Mixture.fit` turns this on; code that keeps posteriors
   * (verification) must leave it off.
   */
  readonly reuseBuffers?: boolean
}

/**
 * A mixture model: the EM {@link Model} over datasets, plus its family and k.
 *
 * @category Mixture
 * @since 0.1.0
 */
export interface MixtureModel<C, S> extends Model<Dataset, Params<C>, Responsibilities, Int32Array> {
  /** The component family. */
  readonly family: ComponentFamily<C, S>
  /** The number of components the model starts with. */
  readonly k: number
  /** The collapse policy. */
  readonly collapse: CollapsePolicy
  /**
   * One M-step from given responsibilities (k × n, component-major): weighted MLE of every
   * component and the mixing weights. Used by the loop and by initialisation.
   */
  estimate(data: Dataset, responsibilities: Float64Array, context: StepContext<Params<C> | undefined>): E.Either<EmError, Params<C>>
  /** Stops the model's worker threads, if it has any (a no-op otherwise). */
  dispose(): void
  /** The most recent posterior this model computed and the parameters it was computed at. */
  readonly last: { readonly params: Params<C>; readonly posterior: Responsibilities; readonly logLikelihood: number } | undefined
}

/** Scratch for statistics without sample weights (none needed). */
const NO_SCRATCH = new Float64Array(0)

/** Below this weight (relative to Σ wᵢ) a component is empty. */
const EMPTY = 1e-12

const baseCache = new WeakMap<object, WeakMap<Dataset, Float64Array>>()
const baseMeasure = <C, S>(family: ComponentFamily<C, S>, data: Dataset): Float64Array | undefined => {
  if (family.logBaseMeasure === undefined) return undefined
  let byData = baseCache.get(family)
  if (byData === undefined) {
    byData = new WeakMap()
    baseCache.set(family, byData)
  }
  let b = byData.get(data)
  if (b === undefined) {
    b = family.logBaseMeasure(data)
    byData.set(data, b)
  }
  return b
}

/** log πⱼ + log f(xᵢ | θⱼ) into a k × n buffer. */
const jointLogDensity = <C, S>(family: ComponentFamily<C, S>, data: Dataset, params: Params<C>): Float64Array => {
  const k = params.components.length
  const n = data.n
  const buf = new Float64Array(k * n)
  family.logDensityInto(data, params.components, buf)
  for (let j = 0; j < k; j++) {
    const lw = Math.log(params.weights[j]!)
    const o = j * n
    for (let i = 0; i < n; i++) buf[o + i] = buf[o + i]! + lw
  }
  return buf
}

const weightedSum = (v: Float64Array, w: Float64Array | undefined): number => {
  let s = 0
  if (w === undefined) for (let i = 0; i < v.length; i++) s += v[i]!
  else for (let i = 0; i < v.length; i++) if (w[i]! > 0) s += w[i]! * v[i]!
  return s
}

/**
 * The E-step of a mixture: responsibilities and per-row log-densities.
 *
 * @category Mixture
 * @since 0.1.0
 */
export const responsibilities = <C, S>(family: ComponentFamily<C, S>, data: Dataset, params: Params<C>): Responsibilities =>
  eStep(family, data, params, new Float64Array(params.components.length * data.n), new Float64Array(data.n)).posterior

/** The single-threaded E-step into given buffers (resp: ≥ k·n, rowLog: ≥ n). */
const eStep = <C, S>(
  family: ComponentFamily<C, S>,
  data: Dataset,
  params: Params<C>,
  resp: Float64Array,
  rowLog: Float64Array,
): { posterior: Responsibilities; logLikelihood: number } => {
  const k = params.components.length
  const n = data.n
  const values = resp.length === k * n ? resp : resp.subarray(0, k * n)
  const logDensity = rowLog.length === n ? rowLog : rowLog.subarray(0, n)
  const logWeights = Float64Array.from(params.weights, Math.log)
  const ll = eStepBlock(family, data, params.components, logWeights, baseMeasure(family, data), values, values, logDensity, n, 0)
  return { posterior: { k, n, values, logDensity }, logLikelihood: ll }
}

/** Reused E-step buffers of one dataset. */
interface Buffers {
  resp: Float64Array
  rowLog: Float64Array
  scratch: Float64Array
}

/**
 * Builds the EM model of a k-component mixture of `family`.
 *
 * @example
 * ```ts
 * const m = Mixture.model(Gaussian.family({ covariance: 'full' }), 3)
 * const result = Em.fit(m, data, { init: Mixture.initializer(m, 'kmeans++') })
 * ```
 * @category Mixture
 * @since 0.1.0
 */
export const model = <C, S>(family: ComponentFamily<C, S>, k: number, options: ModelOptions = {}): MixtureModel<C, S> => {
  const collapse = options.collapse ?? 'reseed'
  const threads = options.workers ?? 1
  if (!Number.isInteger(threads) || threads < 1) throw new EmException(invalidOptions('workers', `workers must be an integer ≥ 1, got ${threads}`))
  if (threads > 1 && family.worker === undefined) {
    throw new EmException(invalidOptions('workers', `the ${family.name} family has no worker recipe, so it cannot run on ${threads} threads`))
  }
  const reuse = options.reuseBuffers === true
  const prior = (components: readonly C[]): number => (family.logPrior === undefined ? 0 : family.logPrior(components))
  /** Statistics computed alongside a posterior (parallel E-step), used by the next M-step. */
  const statsOf = new WeakMap<Responsibilities, S[]>()
  const buffers = new WeakMap<Dataset, Buffers>()
  let pool: ShardPool<C, S> | undefined
  let last: MixtureModel<C, S>['last']

  const buffersFor = (data: Dataset, kk: number): Buffers => {
    let b = reuse ? buffers.get(data) : undefined
    if (b === undefined || b.resp.length < kk * data.n) {
      b = { resp: new Float64Array(kk * data.n), rowLog: new Float64Array(data.n), scratch: new Float64Array(data.sampleWeights === undefined ? 0 : data.n) }
      if (reuse) buffers.set(data, b)
    }
    return b
  }

  const poolFor = (data: Dataset): ShardPool<C, S> | undefined => {
    if (threads === 1) return undefined
    if (pool === undefined) pool = new ShardPool(family, data, k, Math.min(threads, data.n), baseMeasure(family, data))
    return pool.source === data ? pool : undefined
  }

  const statistics = (data: Dataset, q: Responsibilities): S[] => {
    const cached = statsOf.get(q)
    if (cached !== undefined) return [...cached]
    const scratch = data.sampleWeights === undefined ? NO_SCRATCH : reuse ? buffersFor(data, q.k).scratch : new Float64Array(data.n)
    return summarizeBlock(family, data, q.k, q.values, data.n, 0, scratch)
  }

  const estimate = (data: Dataset, resp: Float64Array, context: StepContext<Params<C> | undefined>): E.Either<EmError, Params<C>> =>
    estimateFrom(data, summarizeBlock(family, data, resp.length / data.n, resp, data.n, 0, data.sampleWeights === undefined ? NO_SCRATCH : new Float64Array(data.n)), resp, undefined, context)

  /** The M-step from statistics; `rowLog` (per-row log-density at θₖ, when known) guides re-seeding. */
  const estimateFrom = (
    data: Dataset,
    stats: S[],
    resp: Float64Array,
    rowLog: Float64Array | undefined,
    context: StepContext<Params<C> | undefined>,
  ): E.Either<EmError, Params<C>> => {
    const kk = stats.length
    const total = totalWeight(data)
    const alive: number[] = stats.map((_, j) => j)
    const collapsed = (j: number, why: string): E.Either<EmError, void> => {
      const where = `component ${alive[j]} of ${kk} collapsed at iteration ${context.iteration}: ${why}`
      if (collapse === 'error') {
        return E.left({ _tag: 'CollapsedComponent', component: alive[j]!, iteration: context.iteration, message: `${where} (collapse policy 'error')` })
      }
      if (collapse === 'drop') {
        if (stats.length === 1) {
          return E.left({ _tag: 'CollapsedComponent', component: alive[j]!, iteration: context.iteration, message: `${where}; it is the last component and cannot be dropped` })
        }
        context.warn({ kind: 'componentDropped', iteration: context.iteration, component: alive[j]!, message: `${where}; dropped` }, true)
        stats.splice(j, 1)
        alive.splice(j, 1)
        return E.right(undefined)
      }
      const re = reseedStatistics(family, data, resp, kk, rowLog, stats.length)
      if (re === undefined || !(family.weight(re) > EMPTY * total)) {
        return E.left({ _tag: 'CollapsedComponent', component: alive[j]!, iteration: context.iteration, message: `${where}; re-seeding failed` })
      }
      stats[j] = re
      context.warn({ kind: 'componentReseeded', iteration: context.iteration, component: alive[j]!, message: `${where}; re-seeded from the worst-explained rows` }, true)
      return E.right(undefined)
    }
    for (let attempt = 0; attempt <= 2 * kk; attempt++) {
      let failed = false
      for (let j = 0; j < stats.length; j++) {
        if (!(family.weight(stats[j]!) > EMPTY * total)) {
          const r = collapsed(j, 'its responsibilities vanished (no data left in it)')
          if (E.isLeft(r)) return r
          failed = true
          break
        }
      }
      if (failed) continue
      const est = family.estimate(stats)
      if (E.isLeft(est)) {
        const r = collapsed(est.left.component, est.left.message)
        if (E.isLeft(r)) return r
        continue
      }
      const weights = new Float64Array(stats.length)
      let sum = 0
      for (let j = 0; j < stats.length; j++) sum += family.weight(stats[j]!)
      for (let j = 0; j < stats.length; j++) weights[j] = family.weight(stats[j]!) / sum
      return E.right({ weights, components: est.right })
    }
    return E.left({ _tag: 'CollapsedComponent', component: 0, iteration: context.iteration, message: `components keep collapsing at iteration ${context.iteration}; use fewer components, more regularisation or scaled data` })
  }

  return {
    name: `${family.name} mixture (k = ${k})`,
    family,
    k,
    collapse,
    estimate,
    dispose: () => {
      pool?.close()
      pool = undefined
    },
    get last() {
      return last
    },
    observations: totalWeight,
    validate: (data, params) => validateParams(family, k, data.d, params),
    posterior: (data, params) => {
      const p = poolFor(data)
      let q: Responsibilities
      let ll: number
      if (p !== undefined) {
        const r = p.step(params.weights, params.components)
        const kk = params.components.length
        q = { k: kk, n: data.n, values: p.resp(kk), logDensity: p.rowLog }
        statsOf.set(q, r.statistics)
        ll = r.logLikelihood
      } else {
        const b = buffersFor(data, params.components.length)
        const r = eStep(family, data, params, b.resp, b.rowLog)
        q = r.posterior
        ll = r.logLikelihood
      }
      const logLikelihood = ll + prior(params.components)
      last = { params, posterior: q, logLikelihood }
      return { posterior: q, logLikelihood }
    },
    maximize: (data, q, context) => estimateFrom(data, statistics(data, q), q.values, q.logDensity, context),
    expectedCompleteLogLikelihood: (data, params, q) => {
      const kk = params.components.length
      const n = data.n
      const buf = jointLogDensity(family, data, params)
      const base = baseMeasure(family, data)
      const sw = data.sampleWeights
      let s = 0
      for (let i = 0; i < n; i++) {
        let row = base === undefined ? 0 : base[i]!
        for (let j = 0; j < kk; j++) {
          const g = q.values[j * n + i]!
          if (g > 0) row += g * buf[j * n + i]!
        }
        s += sw === undefined ? row : sw[i]! > 0 ? sw[i]! * row : 0
      }
      return s + prior(params.components)
    },
    completeLogLikelihood: (data, params, z) => {
      const n = data.n
      const buf = jointLogDensity(family, data, params)
      const base = baseMeasure(family, data)
      const sw = data.sampleWeights
      let s = 0
      for (let i = 0; i < n; i++) {
        const row = buf[z[i]! * n + i]! + (base === undefined ? 0 : base[i]!)
        s += sw === undefined ? row : sw[i]! > 0 ? sw[i]! * row : 0
      }
      return s + prior(params.components)
    },
    entropy: (data, q) => {
      const n = data.n
      const sw = data.sampleWeights
      let h = 0
      for (let i = 0; i < n; i++) {
        let row = 0
        for (let j = 0; j < q.k; j++) {
          const g = q.values[j * n + i]!
          if (g > 0) row -= g * Math.log(g)
        }
        h += sw === undefined ? row : sw[i]! * row
      }
      return h
    },
    freeParameters: (params) => freeParameters(family, params),
    toVector: (params) => {
      const parts: number[] = Array.from(params.weights)
      for (const c of params.components) {
        const v = family.toVector(c)
        for (let t = 0; t < v.length; t++) parts.push(v[t]!)
      }
      return Float64Array.from(parts)
    },
  }
}

/**
 * Statistics of the ⌈n/k⌉ rows worst explained by the current fit: the lowest log-density `rowLog`
 * under the parameters the responsibilities came from, or (at initialisation, without one) the
 * lowest largest responsibility.
 */
const reseedStatistics = <C, S>(
  family: ComponentFamily<C, S>,
  data: Dataset,
  resp: Float64Array,
  k: number,
  rowLog: Float64Array | undefined,
  kAlive: number,
): S | undefined => {
  const n = data.n
  const m = Math.max(2, Math.ceil(n / Math.max(1, kAlive)))
  if (m > n) return undefined
  let score: Float64Array
  if (rowLog !== undefined) score = rowLog
  else {
    score = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      let mx = 0
      for (let j = 0; j < k; j++) mx = Math.max(mx, resp[j * n + i]!)
      score[i] = mx
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]! || a - b)
  const w = new Float64Array(n)
  const sw = data.sampleWeights
  for (let t = 0; t < m; t++) w[order[t]!] = sw === undefined ? 1 : sw[order[t]!]!
  return family.summarize(data, w, 0)
}

/**
 * Free parameters of a mixture: (k − 1) mixing weights plus the family's component parameters.
 *
 * @category Model selection
 * @since 0.1.0
 */
export const freeParameters = <C, S>(family: ComponentFamily<C, S>, params: Params<C>): number => {
  const k = params.components.length
  return k - 1 + family.freeParameters(family.dimension(params.components[0]!), k)
}

const validateParams = <C, S>(family: ComponentFamily<C, S>, k: number, d: number, params: Params<C>): E.Either<EmError, Params<C>> => {
  const kk = params.components.length
  if (kk < 1) return E.left(invalidParameters('a mixture needs at least one component'))
  if (kk !== k) return E.left(invalidParameters(`the model has k = ${k} components but the parameters have ${kk}`))
  if (params.weights.length !== kk) return E.left(invalidParameters(`${params.weights.length} mixing weights for ${kk} components`, undefined, 'weights'))
  let s = 0
  for (let j = 0; j < kk; j++) {
    const w = params.weights[j]!
    if (!Number.isFinite(w) || w < 0) return E.left(invalidParameters(`mixing weight ${j} is ${w}; weights must be finite and ≥ 0`, j, `weights/${j}`))
    s += w
  }
  if (Math.abs(s - 1) > 1e-9 * kk) return E.left(invalidParameters(`mixing weights sum to ${s}, not 1`, undefined, 'weights'))
  for (let j = 0; j < kk; j++) {
    const dj = family.dimension(params.components[j]!)
    if (dj !== d) return E.left(invalidParameters(`component ${j} has dimension ${dj} but the data have ${d} columns`, j))
  }
  const v = family.validate(params.components, d)
  if (E.isLeft(v)) return v
  return E.right(params)
}

/**
 * Initialisers for the mixture: responsibilities drawn by `method`, then one M-step.
 *
 * @category Initialisation
 * @since 0.1.0
 */
export const initializer = <C, S>(m: MixtureModel<C, S>, method?: InitMethod): Initializer<Dataset, Params<C>> => {
  const how = method ?? m.family.defaultInit ?? 'kmeans++'
  return (data, rng) => {
    let resp: Float64Array
    switch (how) {
      case 'kmeans++':
        resp = kmeansPlusPlus(data, m.k, rng)
        break
      case 'random':
        resp = randomResponsibilities(data, m.k, rng)
        break
      case 'random-rows':
        resp = randomRows(data, m.k, rng)
        break
      case 'family':
        if (m.family.initialResponsibilities === undefined) {
          return E.left(invalidOptions('init', `the ${m.family.name} family has no initialisation of its own`))
        }
        resp = m.family.initialResponsibilities(data, m.k, rng)
        break
    }
    // Initialisation may collapse components (an empty k-means cluster): the model's policy applies.
    return m.estimate(data, resp, { iteration: 0, previous: undefined, rng, warn: () => undefined })
  }
}

/**
 * Options of {@link fit}.
 *
 * @category Mixture
 * @since 0.1.0
 */
export interface MixtureFitOptions<C> extends Omit<FitOptions<Dataset, Params<C>>, 'init'> {
  /** Number of components. */
  readonly k: number
  /**
   * Threads for the E-step and statistics: a number ≥ 1, or `'auto'` (default): all available
   * cores when the family has a worker recipe and the data are large enough for threads to pay
   * (n·k·(d² + 3d)/2 ≥ {@link AUTO_WORKERS_WORK}), else 1. Results equal the single-thread fit up to
   * summation order.
   */
  readonly workers?: number | 'auto'
  /** Starting parameters, or an initialisation method (default: the family's, else `'kmeans++'`). */
  readonly init?: Params<C> | InitMethod
  /** Collapse policy; default `'reseed'`. */
  readonly collapse?: CollapsePolicy
}

/**
 * A fitted mixture: the loop's {@link Fit} plus information criteria.
 *
 * @category Mixture
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
}

/**
 * Checks `data` against the family's support and `k` against n, without fitting.
 *
 * @category Mixture
 * @since 0.1.0
 */
export const checkData = <C, S>(family: ComponentFamily<C, S>, data: Dataset, k: number): E.Either<EmError, Dataset> => {
  if (!Number.isInteger(k) || k < 1) return E.left(invalidOptions('k', `k must be an integer ≥ 1, got ${k}`))
  if (k > data.n) return E.left(invalidData(`k = ${k} components but only ${data.n} rows; k must not exceed the number of observations`))
  return family.checkData(data)
}

/**
 * Fits a k-component mixture of `family` to `data`.
 *
 * @example
 * ```ts
 * const r = Mixture.fit(Gaussian.family({ covariance: 'full' }), data, { k: 2, restarts: 5, seed: 1 })
 * if (E.isRight(r)) console.log(r.right.bic, r.right.params.weights)
 * ```
 * @category Mixture
 * @since 0.1.0
 */
export const fit = <C, S>(family: ComponentFamily<C, S>, data: Dataset, options: MixtureFitOptions<C>): E.Either<EmError, MixtureFit<C>> => {
  const ok = checkData(family, data, options.k)
  if (E.isLeft(ok)) return ok
  const threads = resolveWorkers(family, data, options.k, options.workers)
  if (E.isLeft(threads)) return threads
  const m = model(family, options.k, {
    reuseBuffers: true,
    workers: threads.right,
    ...(options.collapse === undefined ? {} : { collapse: options.collapse }),
  })
  try {
    const init = options.init === undefined || typeof options.init === 'string' ? initializer(m, options.init) : options.init
    const r = emFit(m, data, { ...options, init })
    if (E.isLeft(r)) return E.left(explainNonFinite(family, data, options.init, r.left))
    const last = m.last
    const q = last !== undefined && last.params === r.right.params ? last.posterior : responsibilities(family, data, r.right.params)
    const c = criteriaFrom(family, data, r.right.params, q, r.right.logLikelihood)
    return E.right({ ...r.right, parameters: c.parameters, bic: c.bic, aic: c.aic, icl: c.icl })
  } finally {
    m.dispose()
  }
}

/**
 * The amount of E-step work, n·k·(d² + 3d)/2, above which `workers: 'auto'` uses every core.
 * Measured with `pnpm bench` (see docs/performance.md).
 *
 * @category Mixture
 * @since 0.1.0
 */
export const AUTO_WORKERS_WORK = 2_000_000

const resolveWorkers = <C, S>(family: ComponentFamily<C, S>, data: Dataset, k: number, workers: number | 'auto' | undefined): E.Either<EmError, number> => {
  if (workers === undefined || workers === 'auto') {
    const work = (data.n * k * (data.d * data.d + 3 * data.d)) / 2
    return E.right(family.worker !== undefined && work >= AUTO_WORKERS_WORK ? Math.max(1, availableParallelism()) : 1)
  }
  if (!Number.isInteger(workers) || workers < 1) return E.left(invalidOptions('workers', `workers must be an integer ≥ 1 or 'auto', got ${workers}`))
  if (workers > 1 && family.worker === undefined) {
    return E.left(invalidOptions('workers', `the ${family.name} family has no worker recipe, so it cannot run on ${workers} threads`))
  }
  return E.right(workers)
}

/** A non-finite start usually means some row has zero density under every component: name it. */
const explainNonFinite = <C, S>(family: ComponentFamily<C, S>, data: Dataset, init: Params<C> | InitMethod | undefined, error: EmError): EmError => {
  if (error._tag !== 'NonFinite' || error.iteration !== 0 || init === undefined || typeof init === 'string') return error
  const rows = responsibilities(family, data, init).logDensity
  for (let i = 0; i < rows.length; i++) {
    if (rows[i] === -Infinity) {
      return invalidParameters(`row ${i} has zero density under every starting component, so the log-likelihood is −∞; choose a start that covers the data`)
    }
  }
  return error
}

/**
 * Throwing twin of {@link fit}.
 *
 * @category Mixture
 * @since 0.1.0
 */
export const fitOrThrow = <C, S>(family: ComponentFamily<C, S>, data: Dataset, options: MixtureFitOptions<C>): MixtureFit<C> => {
  const r = fit(family, data, options)
  if (E.isLeft(r)) throw new EmException(r.left)
  return r.right
}

/**
 * Information criteria of parameters on data.
 *
 * @category Model selection
 * @since 0.1.0
 */
export interface Criteria {
  /** ℓ = log p(X | θ) (total). */
  readonly logLikelihood: number
  /** Free parameters p. */
  readonly parameters: number
  /** BIC = −2ℓ + p·ln n. */
  readonly bic: number
  /** AIC = −2ℓ + 2p. */
  readonly aic: number
  /** ICL = BIC − 2 Σᵢ wᵢ log max_j γᵢⱼ. */
  readonly icl: number
}

/**
 * BIC, AIC and ICL of `params` on `data` (scikit-learn's sign: smaller is better; n = Σ wᵢ).
 *
 * @category Model selection
 * @since 0.1.0
 */
export const criteria = <C, S>(family: ComponentFamily<C, S>, data: Dataset, params: Params<C>): Criteria => {
  const q = responsibilities(family, data, params)
  const ll = weightedSum(q.logDensity, data.sampleWeights) + (family.logPrior === undefined ? 0 : family.logPrior(params.components))
  return criteriaFrom(family, data, params, q, ll)
}

const criteriaFrom = <C, S>(family: ComponentFamily<C, S>, data: Dataset, params: Params<C>, q: Responsibilities, ll: number): Criteria => {
  const p = freeParameters(family, params)
  const n = totalWeight(data)
  const bic = -2 * ll + p * Math.log(n)
  let hard = 0
  const sw = data.sampleWeights
  for (let i = 0; i < q.n; i++) {
    let mx = 0
    for (let j = 0; j < q.k; j++) mx = Math.max(mx, q.values[j * q.n + i]!)
    if (mx > 0) hard += (sw === undefined ? 1 : sw[i]!) * Math.log(mx)
  }
  return { logLikelihood: ll, parameters: p, bic, aic: -2 * ll + 2 * p, icl: bic - 2 * hard }
}

/**
 * p(zᵢ = j | xᵢ, θ) for every row, row-major n × k (`out[i * k + j]`).
 *
 * @category Prediction
 * @since 0.1.0
 */
export const predictProba = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): Float64Array => {
  const q = responsibilities(family, data, params)
  const out = new Float64Array(q.n * q.k)
  for (let j = 0; j < q.k; j++) for (let i = 0; i < q.n; i++) out[i * q.k + j] = q.values[j * q.n + i]!
  return out
}

/**
 * The most likely component of every row (ties go to the lower index).
 *
 * @category Prediction
 * @since 0.1.0
 */
export const predict = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): Int32Array => {
  const q = responsibilities(family, data, params)
  const labels = new Int32Array(q.n)
  for (let i = 0; i < q.n; i++) {
    let best = 0
    for (let j = 1; j < q.k; j++) if (q.values[j * q.n + i]! > q.values[best * q.n + i]!) best = j
    labels[i] = best
  }
  return labels
}

/**
 * log p(xᵢ | θ) for every row (length n), as scikit-learn's `score_samples`.
 *
 * @category Prediction
 * @since 0.1.0
 */
export const scoreSamples = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): Float64Array =>
  responsibilities(family, data, params).logDensity

/**
 * Mean per-row log-likelihood Σᵢ wᵢ log p(xᵢ | θ) / Σᵢ wᵢ, as scikit-learn's `score`.
 *
 * @category Prediction
 * @since 0.1.0
 */
export const score = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): number =>
  weightedSum(scoreSamples(family, params, data), data.sampleWeights) / totalWeight(data)

/**
 * Total log-likelihood Σᵢ wᵢ log p(xᵢ | θ).
 *
 * @category Prediction
 * @since 0.1.0
 */
export const logLikelihood = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, data: Dataset): number =>
  weightedSum(scoreSamples(family, params, data), data.sampleWeights)

/**
 * n draws from the mixture: values (n × d, row-major) and the component of each draw.
 *
 * @category Sampling
 * @since 0.1.0
 */
export const sample = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, n: number, rng: Rng | number): { values: Float64Array; labels: Int32Array; d: number } => {
  const r = typeof rng === 'number' ? seeded(rng) : rng
  const d = family.dimension(params.components[0]!)
  const values = new Float64Array(n * d)
  const labels = new Int32Array(n)
  const k = params.components.length
  for (let i = 0; i < n; i++) {
    let u = r.uniform()
    let j = 0
    while (j < k - 1 && u >= params.weights[j]!) {
      u -= params.weights[j]!
      j++
    }
    labels[i] = j
    family.sample(params.components[j]!, r, values, i * d)
  }
  return { values, labels, d }
}

/**
 * The `fit` block of the model JSON.
 *
 * @category JSON
 * @since 0.1.0
 */
export interface FitSummary {
  readonly n: number
  readonly logLikelihood: number
  readonly iterations: number
  readonly converged: boolean
  readonly stopReason: string
  readonly trace: readonly number[]
  readonly bic: number
  readonly aic: number
}

/**
 * A model in the `emkit.mixture/v1` JSON format (see DESIGN.md): `format`, `family`, the
 * variant fields (e.g. `covariance`), `dimension`, `weights`, `components`, and `fit` on fitted
 * models.
 *
 * @category JSON
 * @since 0.1.0
 */
export interface ModelJson {
  readonly format: 'emkit.mixture/v1'
  readonly family: string
  readonly dimension: number
  readonly weights: readonly number[]
  readonly components: ReadonlyArray<Record<string, unknown>>
  readonly fit?: FitSummary
  readonly [variant: string]: unknown
}

/** The format tag of model files. @category JSON @since 0.1.0 */
export const FORMAT = 'emkit.mixture/v1'

/**
 * Serialises parameters (and, for a fitted model, its fit summary) as `emkit.mixture/v1` JSON.
 * Numbers are written exactly (shortest round-trip form), so reading back gives the same doubles.
 *
 * @category JSON
 * @since 0.1.0
 */
export const toJSON = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, fitted?: MixtureFit<C>): ModelJson => {
  const out: Record<string, unknown> = { format: FORMAT, family: family.name }
  for (const [key, value] of Object.entries(family.variant)) out[key] = value
  out['dimension'] = family.dimension(params.components[0]!)
  out['weights'] = Array.from(params.weights)
  out['components'] = family.toJSON(params.components)
  if (fitted !== undefined) {
    out['fit'] = {
      n: fitted.observations,
      logLikelihood: fitted.logLikelihood,
      iterations: fitted.iterations,
      converged: fitted.converged,
      stopReason: fitted.stopReason,
      trace: [...fitted.trace],
      bic: fitted.bic,
      aic: fitted.aic,
    } satisfies FitSummary
  }
  return out as unknown as ModelJson
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

/**
 * Reads an `emkit.mixture/v1` JSON value (already parsed) for `family`, validating every field:
 * the format tag, the family name and variant, the dimension, the weights (finite, ≥ 0, summing to
 * 1 within 1e-9·k), and each component through the family.
 *
 * @returns the parameters and, when present, the `fit` block (not validated beyond being an object).
 * @category JSON
 * @since 0.1.0
 */
export const fromJSON = <C, S>(family: ComponentFamily<C, S>, json: unknown): E.Either<EmError, { params: Params<C>; fit?: Record<string, unknown> }> => {
  if (!isRecord(json)) return E.left(invalidModel('the model is not a JSON object'))
  if (json['format'] !== FORMAT) return E.left(invalidModel(`"format" is ${JSON.stringify(json['format'])}, expected "${FORMAT}"`, 'format'))
  if (json['family'] !== family.name) {
    return E.left(invalidModel(`"family" is ${JSON.stringify(json['family'])}, expected "${family.name}"`, 'family'))
  }
  for (const [key, value] of Object.entries(family.variant)) {
    if (json[key] !== value) return E.left(invalidModel(`"${key}" is ${JSON.stringify(json[key])}, expected "${value}"`, key))
  }
  const d = json['dimension']
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) return E.left(invalidModel(`"dimension" must be a positive integer, got ${JSON.stringify(d)}`, 'dimension'))
  const w = json['weights']
  const comps = json['components']
  if (!Array.isArray(w) || w.length === 0) return E.left(invalidModel('"weights" must be a non-empty array of numbers', 'weights'))
  if (!Array.isArray(comps)) return E.left(invalidModel('"components" must be an array', 'components'))
  if (comps.length !== w.length) return E.left(invalidModel(`${w.length} weights but ${comps.length} components`, 'components'))
  const weights = new Float64Array(w.length)
  let s = 0
  for (let j = 0; j < w.length; j++) {
    const x: unknown = w[j]
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) return E.left(invalidModel(`weights[${j}] is ${JSON.stringify(x)}; weights must be finite numbers ≥ 0`, `weights/${j}`))
    weights[j] = x
    s += x
  }
  if (Math.abs(s - 1) > 1e-9 * w.length) return E.left(invalidModel(`weights sum to ${s}, not 1`, 'weights'))
  const c = family.fromJSON(comps, d)
  if (E.isLeft(c)) return c
  const params: Params<C> = { weights, components: c.right }
  const fitBlock = json['fit']
  if (fitBlock !== undefined && !isRecord(fitBlock)) return E.left(invalidModel('"fit" must be an object when present', 'fit'))
  return E.right(fitBlock === undefined ? { params } : { params, fit: fitBlock })
}
