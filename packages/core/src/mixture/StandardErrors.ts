/**
 * Standard errors of a fitted mixture from the observed information: minus the Hessian of the
 * observed-data log-likelihood ℓ(θ) = Σᵢ wᵢ log Σⱼ πⱼ fⱼ(xᵢ), computed exactly, row by row, from the
 * complete-data derivatives (Louis 1982): with gᵢⱼ and Hᵢⱼ the gradient and Hessian of
 * log πⱼ + log fⱼ(xᵢ) and γᵢⱼ the responsibilities,
 *   ∇ℓᵢ = Σⱼ γᵢⱼ gᵢⱼ,   ∇²ℓᵢ = Σⱼ γᵢⱼ (Hᵢⱼ + gᵢⱼ gᵢⱼᵀ) − ∇ℓᵢ ∇ℓᵢᵀ.
 * The free parameters are π₁ … π_{k−1} (π_k = 1 − Σ) and the family's ({@link Derivatives}); the
 * covariance of the estimates is the inverse information (through a Cholesky factor of the
 * information scaled to unit diagonal), mapped to every displayed parameter by the delta method.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { Dataset } from '../Dataset.js'
import { check as checkDataset } from '../Dataset.js'
import type { EmError, SingularInformation } from '../Errors.js'
import { EmException, invalidData, invalidOptions } from '../Errors.js'
import { firstMissing } from '../internal/incomplete.js'
import type { ComponentFamily } from '../Family.js'
import { cholesky, invertLower, logSumExp } from '../Linalg.js'
import type { ModelJson } from './Json.js'
import { validateParams } from './Model.js'
import type { Params } from './Types.js'

/**
 * How standard errors were computed: `'observed'` (the observed information at θ̂) or
 * `'bootstrap'` (the spread of refits on resampled data).
 *
 * @category Parameters
 * @since 0.2.0
 */
export type StandardErrorMethod = 'observed' | 'bootstrap'

/**
 * Standard errors of every parameter of a mixture, and the covariance matrix of the estimates.
 *
 * @category Parameters
 * @since 0.2.0
 */
export interface StandardErrors {
  /** How they were computed. */
  readonly method: StandardErrorMethod
  /** SE of each mixing weight, length k. */
  readonly weights: Float64Array
  /** Per component, the SE of each entry of the family's `toVector` (e.g. μ then Σ row-major for a Gaussian). */
  readonly components: readonly Float64Array[]
  /**
   * The covariance matrix of the estimates over the displayed parameters — the k weights, then each
   * component's `toVector` entries — m × m, row-major. Entries held fixed by the model (a diagonal
   * covariance's off-diagonal) have variance 0.
   */
  readonly covariance: Float64Array
}

/**
 * The observed information at θ in the free parameters, and the map to the displayed ones.
 *
 * @category Parameters
 * @since 0.2.0
 */
export interface Information {
  /** p: the number of free parameters, (k − 1) weights then the family's. */
  readonly size: number
  /** −∇²ℓ(θ), p × p, row-major, sample weights applied. */
  readonly matrix: Float64Array
  /** ∂(displayed parameters) / ∂(free parameters), m × p, row-major (m = k + Σⱼ |toVector(θⱼ)|). */
  readonly jacobian: Float64Array
}

const singular = (message: string, parameter?: string): SingularInformation =>
  parameter === undefined ? { _tag: 'SingularInformation', message } : { _tag: 'SingularInformation', message, parameter }

/**
 * The observed information −∇²ℓ(θ) of a mixture of `family` at `params`, exactly (Louis 1982), in the
 * free parameters (π₁ … π_{k−1}, then the family's). Cost O(n·p²) time and O(p²) memory for p
 * free parameters.
 *
 * @returns `Right(Information)`, or `Left`: `InvalidOptions` when the family has no derivatives,
 *   `InvalidParameters` for parameters that do not fit the data.
 * @example
 * ```ts
 * const family = Gaussian.family({ covariance: 'full' })
 * const fitted = Mixture.fitOrThrow(family, Datasets.faithful, { k: 2, seed: 1 })
 * const info = Mixture.observedInformation(family, Datasets.faithful, fitted.params) // Right({ size: 11, … })
 * ```
 * @category Parameters
 * @since 0.2.0
 */
export const observedInformation = <C, S>(
  family: ComponentFamily<C, S>,
  data: Dataset,
  params: Params<C>,
): E.Either<EmError, Information> => {
  if (family.derivatives === undefined)
    return E.left(
      invalidOptions('standardErrors', `the ${family.name} family gives no derivatives, so no observed information; use the bootstrap`),
    )
  const checked = checkDataset(data)
  if (E.isLeft(checked)) return checked
  const hole = firstMissing(data)
  if (hole !== undefined)
    return E.left(
      invalidData(
        `row ${hole[0]}, column ${hole[1]}: the value is missing; the observed information is computed for complete data only (the missing-data information of Louis 1982 is not implemented); use the bootstrap`,
        hole[0],
        hole[1],
      ),
    )
  const supported = family.checkData(data)
  if (E.isLeft(supported)) return supported
  const valid = validateParams(family, params.components.length, data.d, params, true)
  if (E.isLeft(valid)) return valid
  const k = params.components.length
  const n = data.n
  const der = family.derivatives(params.components)
  const w = k - 1
  const p = w + der.size
  // Global indices of each component's parameters: its weight part, then its family part.
  const globals = params.components.map((_, j) => {
    const weight = j < k - 1 ? [j] : Array.from({ length: k - 1 }, (_, t) => t)
    return Int32Array.from([...weight, ...Array.from(der.indices(j), (t) => w + t)])
  })
  const logDensity = new Float64Array(k * n)
  family.logDensityInto(data, params.components, logDensity)
  const logWeights = Float64Array.from(params.weights, Math.log)
  const info = new Float64Array(p * p)
  const score = new Float64Array(p)
  const joint = new Float64Array(k)
  const familySize = Math.max(...params.components.map((_, j) => der.indices(j).length))
  const g = new Float64Array(familySize)
  const h = new Float64Array(familySize * familySize)
  const sw = data.sampleWeights
  for (let i = 0; i < n; i++) {
    const wi = sw === undefined ? 1 : sw[i]!
    if (!(wi > 0)) continue
    for (let j = 0; j < k; j++) joint[j] = logWeights[j]! + logDensity[j * n + i]!
    const total = logSumExp(joint, 0, k, 1)
    score.fill(0)
    for (let j = 0; j < k; j++) {
      const gamma = Math.exp(joint[j]! - total)
      if (gamma === 0) continue
      const idx = globals[j]!
      const nw = idx.length - der.indices(j).length
      const q = idx.length - nw
      der.rowInto(j, data, i, g, h)
      // Local gradient and Hessian of log πⱼ + log fⱼ(xᵢ) over idx: weight entries first.
      const pi = params.weights[j]!
      const gw = j < k - 1 ? 1 / pi : -1 / pi
      const hw = -1 / (pi * pi)
      const local = (t: number): number => (t < nw ? gw : g[t - nw]!)
      for (let a = 0; a < idx.length; a++) {
        const ga = local(a)
        score[idx[a]!] = score[idx[a]!]! + gamma * ga
        for (let b = 0; b < idx.length; b++) {
          const hab = a < nw ? (b < nw ? hw : 0) : b < nw ? 0 : h[(a - nw) * q + (b - nw)]!
          const cell = idx[a]! * p + idx[b]!
          info[cell] = info[cell]! - wi * gamma * (hab + ga * local(b))
        }
      }
    }
    for (let a = 0; a < p; a++) {
      const sa = wi * score[a]!
      if (sa === 0) continue
      for (let b = 0; b < p; b++) info[a * p + b] = info[a * p + b]! + sa * score[b]!
    }
  }
  return E.right({ size: p, matrix: info, jacobian: displayJacobian(params.components.length, der.jacobian, der.size) })
}

/** ∂(weights, components' toVector entries) / ∂(free parameters), m × p. */
const displayJacobian = (k: number, familyJacobian: Float64Array, size: number): Float64Array => {
  const w = k - 1
  const p = w + size
  const rows = familyJacobian.length / size
  const m = k + rows
  const out = new Float64Array(m * p)
  for (let j = 0; j < k - 1; j++) {
    out[j * p + j] = 1
    out[(k - 1) * p + j] = -1
  }
  for (let r = 0; r < rows; r++) for (let c = 0; c < size; c++) out[(k + r) * p + w + c] = familyJacobian[r * size + c]!
  return out
}

/** Below this pivot² of the unit-diagonal information (condition number above 1e12) the information is singular. */
const PIVOT = 1e-12

/** Names a free parameter for messages: `weights/j` or `components/j/free/t`. */
const freeName = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, t: number): string => {
  const k = params.components.length
  if (t < k - 1) return `weights/${t}`
  const f = t - (k - 1)
  const der = family.derivatives!(params.components)
  for (let j = 0; j < k; j++) {
    const at = Array.from(der.indices(j)).indexOf(f)
    if (at >= 0) return `components/${j}/free/${at}`
  }
  return `free/${t}`
}

/**
 * The covariance of the free estimates, (−∇²ℓ)⁻¹, from a Cholesky factor of the information scaled
 * to unit diagonal; `Left(SingularInformation)` when it is not positive definite (condition > 1e12).
 */
const invert = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, info: Information): E.Either<SingularInformation, Float64Array> => {
  const p = info.size
  const a = info.matrix
  const scale = new Float64Array(p)
  for (let t = 0; t < p; t++) {
    const v = a[t * p + t]!
    if (!(v > 0) || !Number.isFinite(v)) {
      const name = freeName(family, params, t)
      return E.left(
        singular(`the observed information of ${name} is ${v}, not positive: the parameter is on the boundary or not identified`, name),
      )
    }
    scale[t] = 1 / Math.sqrt(v)
  }
  const s = new Float64Array(p * p)
  for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) s[r * p + c] = 0.5 * (a[r * p + c]! + a[c * p + r]!) * scale[r]! * scale[c]!
  const l = new Float64Array(p * p)
  const ok = cholesky(p, s, 0, l, 0)
  let worst = 0
  for (let t = 1; t < p; t++) if (!(l[t * p + t]! >= l[worst * p + worst]!)) worst = t
  const pivot = l[worst * p + worst]!
  if (!ok || !(pivot * pivot >= PIVOT)) {
    const name = freeName(family, params, worst)
    return E.left(
      singular(
        `the observed information is singular (condition number above 1e12, smallest pivot at ${name}): a parameter on the boundary, a component with too few rows, or parameters that are not a maximum`,
        name,
      ),
    )
  }
  const inv = new Float64Array(p * p)
  invertLower(p, l, 0, inv, 0)
  const out = new Float64Array(p * p)
  for (let r = 0; r < p; r++)
    for (let c = 0; c <= r; c++) {
      let v = 0
      for (let t = r; t < p; t++) v += inv[t * p + r]! * inv[t * p + c]!
      out[r * p + c] = out[c * p + r] = v * scale[r]! * scale[c]!
    }
  return E.right(out)
}

/** SEs shaped like the parameters from the covariance of the displayed parameters. */
export const fromCovariance = <C, S>(
  family: ComponentFamily<C, S>,
  params: Params<C>,
  covariance: Float64Array,
  method: StandardErrorMethod,
): StandardErrors => {
  const m = Math.round(Math.sqrt(covariance.length))
  const se = (t: number): number => Math.sqrt(Math.max(0, covariance[t * m + t]!))
  const k = params.components.length
  const weights = Float64Array.from({ length: k }, (_, j) => se(j))
  let o = k
  const components = params.components.map((c) => {
    const len = family.toVector(c).length
    const out = Float64Array.from({ length: len }, (_, t) => se(o + t))
    o += len
    return out
  })
  return { method, weights, components, covariance }
}

/**
 * Standard errors of every parameter of a fitted mixture from the observed information at θ̂ (see the
 * module comment): the inverse of −∇²ℓ(θ̂) in the free parameters, mapped to the weights (π_k by the
 * delta method) and to every entry of each component's `toVector`. For a family with a log-prior
 * (multinomial smoothing), this is the information of the log-likelihood alone, at the MAP estimate.
 *
 * Use at a maximum: the information is the curvature of ℓ, and at a point that is not a maximum it
 * may not be positive definite. In small samples or near a boundary, prefer {@link bootstrap}.
 *
 * @returns `Right(StandardErrors)`, or `Left`: `SingularInformation` (a weight or probability at 0, a
 *   component with too few rows — the error names the parameter), `InvalidOptions` for a family
 *   without derivatives, `InvalidParameters` for parameters that do not fit the data.
 * @example
 * ```ts
 * const family = Gaussian.family({ covariance: 'full' })
 * const fitted = Mixture.fitOrThrow(family, Datasets.faithful, { k: 2, seed: 1 })
 * const se = Mixture.standardErrors(family, Datasets.faithful, fitted.params)
 * if (E.isRight(se)) console.log(se.right.weights, se.right.components[0])
 * ```
 * @category Parameters
 * @since 0.2.0
 */
export const standardErrors = <C, S>(
  family: ComponentFamily<C, S>,
  data: Dataset,
  params: Params<C>,
): E.Either<EmError, StandardErrors> => {
  const info = observedInformation(family, data, params)
  if (E.isLeft(info)) return info
  const free = invert(family, params, info.right)
  if (E.isLeft(free)) return free
  const { size: p, jacobian } = info.right
  const m = jacobian.length / p
  // J·V·Jᵀ over the displayed parameters.
  const jv = new Float64Array(m * p)
  for (let r = 0; r < m; r++)
    for (let t = 0; t < p; t++) {
      const x = jacobian[r * p + t]!
      if (x === 0) continue
      for (let c = 0; c < p; c++) jv[r * p + c] = jv[r * p + c]! + x * free.right[t * p + c]!
    }
  const covariance = new Float64Array(m * m)
  for (let r = 0; r < m; r++)
    for (let c = 0; c <= r; c++) {
      let v = 0
      for (let t = 0; t < p; t++) v += jv[r * p + t]! * jacobian[c * p + t]!
      covariance[r * m + c] = covariance[c * m + r] = v
    }
  // A Right never holds a non-finite number: an information this close to singular is reported as such.
  if (!covariance.every(Number.isFinite))
    return E.left(singular('the covariance of the estimates is not finite: the information is numerically singular'))
  return E.right(fromCovariance(family, params, covariance, 'observed'))
}

/**
 * Throwing twin of {@link standardErrors}.
 *
 * @throws {@link EmException} with the typed error.
 * @category Parameters
 * @since 0.2.0
 */
export const standardErrorsOrThrow = <C, S>(family: ComponentFamily<C, S>, data: Dataset, params: Params<C>): StandardErrors => {
  const r = standardErrors(family, data, params)
  if (E.isLeft(r)) throw new EmException(r.left)
  return r.right
}

/** Replaces every number of a component's JSON, depth first, by the next value of `values`. */
const reshape = (json: unknown, values: Float64Array, at: { t: number }): unknown => {
  if (typeof json === 'number') return values[at.t++]!
  if (Array.isArray(json)) return json.map((x) => reshape(x, values, at))
  if (typeof json === 'object' && json !== null)
    return Object.fromEntries(Object.entries(json).map(([key, x]) => [key, reshape(x, values, at)]))
  return json
}

/**
 * The standard errors shaped like the parameters, as the model JSON's `fit.standardErrors`:
 * `{ weights: [k], components: [ { same fields as the component, each value replaced by its SE } ] }`
 * (a family's JSON fields hold its `toVector` entries in the same order).
 *
 * @category JSON
 * @since 0.2.0
 */
export const standardErrorsJSON = <C, S>(
  family: ComponentFamily<C, S>,
  params: Params<C>,
  se: StandardErrors,
): { weights: number[]; components: Array<Record<string, unknown>> } => ({
  weights: Array.from(se.weights),
  components: family.toJSON(params.components).map((c, j) => reshape(c, se.components[j]!, { t: 0 }) as Record<string, unknown>),
})

/**
 * A model JSON with `fit.standardErrors` and `fit.standardErrorMethod` added.
 *
 * @throws Error when `json` has no `fit` block (standard errors belong to a fitted model: a
 *   programming error).
 * @example
 * ```ts
 * const family = Gaussian.family()
 * const fitted = Mixture.fitOrThrow(family, Datasets.faithful, { k: 2, seed: 1 })
 * const se = Mixture.standardErrorsOrThrow(family, Datasets.faithful, fitted.params)
 * const json = Mixture.withStandardErrors(family, Mixture.toJSON(family, fitted.params, fitted), fitted.params, se)
 * ```
 * @category JSON
 * @since 0.2.0
 */
export const withStandardErrors = <C, S>(
  family: ComponentFamily<C, S>,
  json: ModelJson,
  params: Params<C>,
  se: StandardErrors,
): ModelJson => {
  if (json.fit === undefined) throw new Error('withStandardErrors: the model JSON has no fit block')
  return { ...json, fit: { ...json.fit, standardErrors: standardErrorsJSON(family, params, se), standardErrorMethod: se.method } }
}
