/**
 * The model file of a mixture of regressions (`emkit.mixture/v1`, families `regression`,
 * `poisson-glm`, `logistic`): top-level `formula` and `terms`, components
 * `{ "coefficients": [β…], "variance": σ² }` (no variance for the GLMs), and either `weights` or
 * `concomitant: { terms, coefficients }` (k rows, the first all zero). `variance` at the top level
 * names the Gaussian variance estimator (`ml` | `flexmix`); `group` the grouping column when the
 * fit had one.
 *
 * @module
 */
import { either as E } from 'fp-ts'
import type { EmError } from '../Errors.js'
import { invalidModel } from '../Errors.js'
import { FORMAT, fitSummary } from '../mixture/Json.js'
import { jsonBounds, show } from '../Validate.js'
import type { ConditionalFamily, VarianceEstimator } from './Families.js'
import { byName, VARIANCE_ESTIMATORS } from './Families.js'
import type { RegressionFit } from './Fit.js'
import type { RegressionData, RegressionParams } from './Model.js'

/**
 * A mixture-of-regressions model read from JSON: the family, the formula, the design and
 * concomitant terms, the grouping column and the parameters.
 *
 * @category JSON
 * @since 0.2.0
 */
export interface RegressionModel {
  /** The conditional family (`regression` with its variance estimator, `poisson-glm`, `logistic`). */
  readonly family: ConditionalFamily
  /** The formula, e.g. `yn ~ x + I(x^2)`. */
  readonly formula: string
  /** Design terms, intercept first when present. */
  readonly terms: readonly string[]
  /** Concomitant terms (intercept first) when the weights depend on covariates. */
  readonly concomitantTerms?: readonly string[]
  /** The grouping column, when the fit had one. */
  readonly group?: string
  /** The parameters. */
  readonly params: RegressionParams
  /** The `fit` block as written, when present. */
  readonly fit?: Record<string, unknown>
}

/**
 * Writes the model file of a mixture of regressions.
 *
 * @param family - the conditional family.
 * @param data - the data it was fitted to (formula, terms, concomitant terms, groups).
 * @param params - the parameters.
 * @param fitted - the fit, for the `fit` block (n, ℓ, iterations, trace, BIC, AIC).
 * @category JSON
 * @since 0.2.0
 */
export const toJSON = (
  family: ConditionalFamily,
  data: RegressionData,
  params: RegressionParams,
  fitted?: RegressionFit,
): Record<string, unknown> => {
  const out: Record<string, unknown> = { format: FORMAT, family: family.name }
  for (const [key, value] of Object.entries(family.variant)) out[key] = value
  out['formula'] = data.formula.source
  out['terms'] = [...data.terms]
  if (data.groups !== undefined) out['group'] = data.groups.column
  const k = params.components.length
  if (params.concomitant !== undefined && data.concomitant !== undefined) {
    const q = data.concomitant.q
    out['concomitant'] = {
      terms: [...data.concomitant.terms],
      coefficients: Array.from({ length: k }, (_, j) => Array.from(params.concomitant!.subarray(j * q, (j + 1) * q))),
    }
  } else out['weights'] = Array.from(params.weights)
  out['components'] = params.components.map((c) => family.toJSON(c))
  if (fitted !== undefined) out['fit'] = { ...fitSummary(fitted), freeParameters: fitted.freeParameters }
  return out
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

const stringArray = (x: unknown): x is string[] => Array.isArray(x) && x.length > 0 && x.every((s) => typeof s === 'string')

/**
 * Reads a mixture-of-regressions model file.
 *
 * @returns the model, or `Left(InvalidModel)` naming the field at fault (`Left(InvalidParameters)`
 *   for a bad component).
 * @category JSON
 * @since 0.2.0
 */
export const fromJSON = (json: unknown): E.Either<EmError, RegressionModel> => {
  const bounded = jsonBounds(json)
  if (E.isLeft(bounded)) return bounded
  if (!isRecord(json)) return E.left(invalidModel('the model is not a JSON object'))
  if (json['format'] !== FORMAT) return E.left(invalidModel(`"format" is ${show(json['format'])}, expected "${FORMAT}"`, 'format'))
  const variance = json['variance'] ?? 'ml'
  if (!VARIANCE_ESTIMATORS.includes(variance as VarianceEstimator))
    return E.left(invalidModel(`"variance" is ${show(variance)}, expected "ml" or "flexmix"`, 'variance'))
  const family = typeof json['family'] === 'string' ? byName(json['family'], variance as VarianceEstimator) : undefined
  if (family === undefined)
    return E.left(invalidModel(`"family" is ${show(json['family'])}, expected "regression", "poisson-glm" or "logistic"`, 'family'))
  const formula = json['formula']
  if (typeof formula !== 'string') return E.left(invalidModel('"formula" must be a string such as "y ~ x"', 'formula'))
  const terms = json['terms']
  if (!stringArray(terms)) return E.left(invalidModel('"terms" must be a non-empty array of term names', 'terms'))
  const p = terms.length
  const comps = json['components']
  if (!Array.isArray(comps) || comps.length === 0) return E.left(invalidModel('"components" must be a non-empty array', 'components'))
  const k = comps.length
  const decoded = family.fromJSON(comps, p)
  if (E.isLeft(decoded)) return decoded
  const components = decoded.right
  const group = json['group']
  if (group !== undefined && typeof group !== 'string') return E.left(invalidModel('"group" must be a column name', 'group'))
  const fitBlock = json['fit']
  if (fitBlock !== undefined && !isRecord(fitBlock)) return E.left(invalidModel('"fit" must be an object when present', 'fit'))
  const base = { family, formula, terms, ...(group === undefined ? {} : { group }), ...(fitBlock === undefined ? {} : { fit: fitBlock }) }
  const con = json['concomitant']
  if (con !== undefined) {
    if (!isRecord(con) || !stringArray(con['terms']))
      return E.left(invalidModel('"concomitant" must be { "terms": [...], "coefficients": [[...] per component] }', 'concomitant'))
    const cterms = con['terms']
    const q = cterms.length
    const rows = con['coefficients']
    if (!Array.isArray(rows) || rows.length !== k)
      return E.left(invalidModel(`"concomitant.coefficients" must have ${k} rows (one per component)`, 'concomitant/coefficients'))
    const a = new Float64Array(k * q)
    for (let j = 0; j < k; j++) {
      const row: unknown = rows[j]
      if (!Array.isArray(row) || row.length !== q || !row.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        return E.left(invalidModel(`"concomitant.coefficients[${j}]" must be ${q} finite numbers`, `concomitant/coefficients/${j}`))
      }
      for (let c = 0; c < q; c++) a[j * q + c] = row[c] as number
    }
    for (let c = 0; c < q; c++)
      if (a[c] !== 0)
        return E.left(invalidModel('"concomitant.coefficients[0]" must be all zero (the reference class)', 'concomitant/coefficients/0'))
    return E.right({ ...base, concomitantTerms: cterms, params: { components, weights: new Float64Array(k).fill(1 / k), concomitant: a } })
  }
  const w = json['weights']
  if (!Array.isArray(w) || w.length !== k) return E.left(invalidModel(`"weights" must be ${k} numbers (one per component)`, 'weights'))
  const weights = new Float64Array(k)
  let s = 0
  for (let j = 0; j < k; j++) {
    const x: unknown = w[j]
    if (typeof x !== 'number' || !Number.isFinite(x) || !(x > 0))
      return E.left(invalidModel(`weights[${j}] is ${show(x)}; weights must be finite numbers > 0`, `weights/${j}`))
    weights[j] = x
    s += x
  }
  if (Math.abs(s - 1) > 1e-9 * k) return E.left(invalidModel(`weights sum to ${s}, not 1`, 'weights'))
  return E.right({ ...base, params: { components, weights } })
}
