/**
 * The `emkit.mixture/v1` model JSON: writing parameters (and a fit summary) and reading them back,
 * validated field by field.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { EmError } from '../Errors.js'
import { jsonBounds, show } from '../Validate.js'
import { EmException, invalidModel } from '../Errors.js'
import { validateParams } from './Model.js'
import type { ComponentFamily } from '../Family.js'
import type { MixtureFit } from './Fit.js'
import type { Fit } from '../Em.js'
import type { FixedSummary } from './Fixed.js'
import type { Params } from './Types.js'

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
  /** E-steps (passes over the data) the fit used, rejected accelerated steps included. @since 0.2.0 */
  readonly evaluations?: number
  /** Standard errors shaped like the parameters (`Mixture.withStandardErrors`). @since 0.2.0 */
  readonly standardErrors?: { readonly weights: readonly number[]; readonly components: ReadonlyArray<Record<string, unknown>> }
  /** How `standardErrors` were computed: `observed` | `bootstrap`. @since 0.2.0 */
  readonly standardErrorMethod?: 'observed' | 'bootstrap'
}

/**
 * A model in the `emkit.mixture/v1` JSON format (see docs/architecture.md, "Model JSON"): `format`, `family`, the
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
  /** What the fit held fixed (written only when it held something; see `Mixture.fit`'s `fixed`). @since 0.2.0 */
  readonly fixed?: FixedSummary
  readonly [variant: string]: unknown
}

/** The format tag of model files. @category JSON @since 0.1.0 */
export const FORMAT = 'emkit.mixture/v1'

/**
 * Serialises parameters (and, for a fitted model, its fit summary) as `emkit.mixture/v1` JSON.
 * Numbers are written exactly (shortest round-trip form), so reading back gives the same doubles.
 *
 * @throws {@link EmException} (`InvalidParameters`) when `params` are not valid parameters of
 *   `family` — serialising what no fit or `fromJSON` produced is a programming error, not bad input.
 *
 * @category JSON
 * @since 0.1.0
 */
export const toJSON = <C, S>(family: ComponentFamily<C, S>, params: Params<C>, fitted?: MixtureFit<C>): ModelJson => {
  const valid = validateParams(family, Number.MAX_SAFE_INTEGER, undefined, params, false)
  if (E.isLeft(valid)) throw new EmException(valid.left)
  const out: Record<string, unknown> = { format: FORMAT, family: family.name }
  for (const [key, value] of Object.entries(family.variant)) out[key] = value
  for (const [key, value] of Object.entries(family.header ?? {})) out[key] = value
  out['dimension'] = family.dimension(params.components[0]!)
  out['weights'] = Array.from(params.weights)
  out['components'] = family.toJSON(params.components)
  if (fitted !== undefined) {
    out['fit'] = fitSummary(fitted)
    if (fitted.fixed !== undefined) out['fixed'] = fitted.fixed
  }
  return out as unknown as ModelJson
}

/**
 * The `fit` block of a model file from any fit with information criteria (the mixture layer's and
 * the mixture of regressions').
 *
 * @category JSON
 * @since 0.2.0
 */
export const fitSummary = (fitted: Fit<unknown> & { readonly bic: number; readonly aic: number }): FitSummary => ({
  n: fitted.observations,
  logLikelihood: fitted.logLikelihood,
  iterations: fitted.iterations,
  converged: fitted.converged,
  stopReason: fitted.stopReason,
  trace: [...fitted.trace],
  bic: fitted.bic,
  aic: fitted.aic,
  evaluations: fitted.evaluations,
})

/** A JSON value as a string with object keys sorted, for comparison up to key order. */
const canonical = (x: unknown): string =>
  JSON.stringify(x, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  )

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
export const fromJSON = <C, S>(
  family: ComponentFamily<C, S>,
  json: unknown,
): E.Either<EmError, { params: Params<C>; fit?: Record<string, unknown> }> => {
  const bounded = jsonBounds(json)
  if (E.isLeft(bounded)) return bounded
  if (!isRecord(json)) return E.left(invalidModel('the model is not a JSON object'))
  if (json['format'] !== FORMAT) return E.left(invalidModel(`"format" is ${show(json['format'])}, expected "${FORMAT}"`, 'format'))
  if (json['family'] !== family.name) {
    return E.left(invalidModel(`"family" is ${show(json['family'])}, expected "${family.name}"`, 'family'))
  }
  for (const [key, value] of Object.entries(family.variant)) {
    if (json[key] !== value) return E.left(invalidModel(`"${key}" is ${show(json[key])}, expected "${value}"`, key))
  }
  for (const [key, value] of Object.entries(family.header ?? {})) {
    if (canonical(json[key]) !== canonical(value))
      return E.left(invalidModel(`"${key}" is ${show(json[key])}, expected ${show(value)} (the family this model is read with)`, key))
  }
  const d = json['dimension']
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1)
    return E.left(invalidModel(`"dimension" must be a positive integer, got ${show(d)}`, 'dimension'))
  const w = json['weights']
  const comps = json['components']
  if (!Array.isArray(w) || w.length === 0) return E.left(invalidModel('"weights" must be a non-empty array of numbers', 'weights'))
  if (!Array.isArray(comps)) return E.left(invalidModel('"components" must be an array', 'components'))
  if (comps.length !== w.length) return E.left(invalidModel(`${w.length} weights but ${comps.length} components`, 'components'))
  const weights = new Float64Array(w.length)
  let s = 0
  for (let j = 0; j < w.length; j++) {
    const x: unknown = w[j]
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0)
      return E.left(invalidModel(`weights[${j}] is ${show(x)}; weights must be finite numbers ≥ 0`, `weights/${j}`))
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
