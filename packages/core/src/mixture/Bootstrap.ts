/**
 * Bootstrap standard errors of a fitted mixture: `Bootstrap.bootstrap` with the mixture's resampling
 * (rows with replacement, or draws from θ̂), refit (EM from θ̂ on the replicate) and label matching
 * (the permutation of components closest to θ̂).
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import { bootstrap as bootstrapWith } from '../Bootstrap.js'
import type { Rng } from '../Rng.js'
import type { Dataset } from '../Dataset.js'
import { fromFlat } from '../Dataset.js'
import type { EmError } from '../Errors.js'
import { EmException, invalidOptions } from '../Errors.js'
import type { ComponentFamily } from '../Family.js'
import { fit } from './Fit.js'
import { sample } from './Predict.js'
import type { StandardErrors } from './StandardErrors.js'
import { fromCovariance } from './StandardErrors.js'
import type { Params } from './Types.js'

/**
 * Options of {@link bootstrap}.
 *
 * @category Fitting
 * @since 0.2.0
 */
export interface MixtureBootstrapOptions {
  /** `'nonparametric'` (default): n rows drawn with replacement (sample weights travel with their rows); `'parametric'`: n rows drawn from θ̂. */
  readonly kind?: 'nonparametric' | 'parametric'
  /** Number of replicates B. Default `Bootstrap.DEFAULT_REPLICATES` (999, as mclust). */
  readonly replicates?: number
  /** Seed. Default 0. */
  readonly seed?: number
  /** Each refit's stopping threshold (the default rule, per-row log-likelihood change). Default 1e-8. */
  readonly tolerance?: number
  /** Each refit's iteration cap. Default 1000. */
  readonly maxIterations?: number
  /** Each refit's acceleration. Default `'none'`. */
  readonly accelerate?: 'none' | 'squarem'
}

/** Every displayed parameter: the weights, then each component's `toVector`. */
const displayed = <C, S>(family: ComponentFamily<C, S>, params: Params<C>): Float64Array =>
  Float64Array.from([...params.weights, ...params.components.flatMap((c) => Array.from(family.toVector(c)))])

/** All permutations of 0 … k − 1 (k ≤ 7), or `undefined` beyond. */
const permutations = (k: number): number[][] | undefined => {
  if (k > 7) return undefined
  const out: number[][] = []
  const go = (prefix: number[], rest: number[]): void => {
    if (rest.length === 0) out.push(prefix)
    rest.forEach((x, i) => go([...prefix, x], [...rest.slice(0, i), ...rest.slice(i + 1)]))
  }
  go(
    [],
    Array.from({ length: k }, (_, j) => j),
  )
  return out
}

/**
 * Relabels `params` to the permutation of its components closest to `reference`: the smallest
 * Σⱼ Σₜ ((θ_σ(j),t − θ̂ⱼ,t) / (|θ̂ⱼ,t| + 1))² over the weights and `toVector` entries (every
 * permutation for k ≤ 7, greedy beyond).
 */
export const align = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, reference: Params<C>): Params<C> => {
  const k = reference.components.length
  if (params.components.length !== k) return params
  const vec = (p: Params<C>, j: number): number[] => [p.weights[j]!, ...Array.from(family.toVector(p.components[j]!))]
  const cost = Array.from({ length: k }, (_, j) => {
    const ref = vec(reference, j)
    return Array.from({ length: k }, (_, i) => vec(params, i).reduce((s, x, t) => s + ((x - ref[t]!) / (Math.abs(ref[t]!) + 1)) ** 2, 0))
  })
  let best: number[]
  const all = permutations(k)
  if (all !== undefined) {
    best = all[0]!
    let low = Infinity
    for (const perm of all) {
      const c = perm.reduce((s, i, j) => s + cost[j]![i]!, 0)
      if (c < low) {
        low = c
        best = perm
      }
    }
  } else {
    const taken = new Set<number>()
    best = cost.map((row) => {
      let pick = -1
      row.forEach((c, i) => {
        if (!taken.has(i) && (pick < 0 || c < row[pick]!)) pick = i
      })
      taken.add(pick)
      return pick
    })
  }
  return { weights: Float64Array.from(best, (i) => params.weights[i]!), components: best.map((i) => params.components[i]!) }
}

/**
 * Bootstrap standard errors of a fitted mixture: B refits of EM from θ̂ on data resampled from the
 * rows (nonparametric) or drawn from θ̂ (parametric), each matched to θ̂'s labels; the standard
 * errors are the standard deviations of the refits, `covariance` their sample covariance, over the
 * same displayed parameters as {@link standardErrors} (`method: 'bootstrap'`). Refits that fail (a
 * collapsed component) are dropped; the result says how many remained.
 *
 * Use it when the observed information is singular or the sample small; in large samples both agree.
 *
 * @returns `Right` with the standard errors and the replicate counts, or `Left`: `InvalidOptions`
 *   for bad options, or a refit's error when more than half of them fail.
 * @example
 * ```ts
 * const family = Gaussian.family()
 * const fitted = Mixture.fitOrThrow(family, Datasets.faithful, { k: 2, seed: 1 })
 * const se = Mixture.bootstrap(family, Datasets.faithful, fitted.params, { replicates: 50 })
 * ```
 * @category Fitting
 * @since 0.2.0
 */
export const bootstrap = <C, S>(
  family: ComponentFamily<C, S>,
  data: Dataset,
  params: Params<C>,
  options: MixtureBootstrapOptions = {},
): E.Either<EmError, StandardErrors & { readonly replicates: number; readonly failed: number }> => {
  const kind = options.kind ?? 'nonparametric'
  if (!(['nonparametric', 'parametric'] as readonly string[]).includes(kind))
    return E.left(invalidOptions('kind', `kind must be 'nonparametric' or 'parametric', got ${String(kind)}`))
  const { n, d } = data
  const k = params.components.length
  const resample = (rng: Rng): Dataset => {
    if (kind === 'parametric') {
      const s = sample(family, params, n, rng)
      if (E.isLeft(s)) throw new EmException(s.left)
      return unwrap(fromFlat(s.right.values, s.right.d))
    }
    const values = new Float64Array(n * d)
    const sw = data.sampleWeights
    const weights = sw === undefined ? undefined : new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const r = Math.min(n - 1, Math.floor(rng.uniform() * n))
      values.set(data.values.subarray(r * d, (r + 1) * d), i * d)
      if (weights !== undefined && sw !== undefined) weights[i] = sw[r]!
    }
    // Missing cells travel with their rows (NaN values read back as missing).
    const missing = data.missing === undefined ? {} : { allowMissing: true }
    return unwrap(fromFlat(values, d, weights === undefined ? missing : { ...missing, sampleWeights: weights }))
  }
  const refit = (replicate: Dataset, start: Params<C>): E.Either<EmError, Params<C>> => {
    const r = fit(family, replicate, {
      k,
      init: start,
      workers: 1,
      collapse: 'error',
      tolerance: options.tolerance ?? 1e-8,
      maxIterations: options.maxIterations ?? 1000,
      accelerate: options.accelerate ?? 'none',
    })
    return E.isLeft(r) ? r : E.right(r.right.params)
  }
  try {
    const r = bootstrapWith(params, {
      resample,
      refit,
      toVector: (p) => displayed(family, p),
      align: (p, ref) => align(family, p, ref),
      ...(options.replicates === undefined ? {} : { replicates: options.replicates }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    })
    if (E.isLeft(r)) return r
    return E.right({
      ...fromCovariance(family, params, r.right.covariance, 'bootstrap'),
      replicates: r.right.replicates,
      failed: r.right.failed,
    })
  } catch (e) {
    if (e instanceof EmException) return E.left(e.error)
    throw e
  }
}

const unwrap = <A>(r: E.Either<EmError, A>): A => {
  if (E.isLeft(r)) throw new EmException(r.left)
  return r.right
}
