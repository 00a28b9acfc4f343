/**
 * Model files (`emkit.mixture/v1`, docs/architecture.md "Model JSON"): reading one, choosing its family from
 * its `family` and `covariance` fields, and validating it through core's `Mixture.fromJSON`.
 *
 * @packageDocumentation
 */
import { Mixture, Validate } from '@emkit/core'
import { either as E } from 'fp-ts'
import type { CliError } from './Failure.js'
import { dataError } from './Failure.js'
import type { AnyFamily, Covariance, FamilySpec, PartSpec, Registry } from './Families.js'
import { COVARIANCES, FAMILIES, isBuiltin, MAX_LEVELS } from './Families.js'
import type { FamilyModule } from './FamilyModule.js'

/**
 * A model read from a file: its family, parameters, and `fit` block when it has one.
 *
 * @category JSON
 * @since 0.1.0
 */
export interface LoadedModel {
  /** The file name used in messages. */
  readonly file: string
  /** The family's name and options, as the file gives them. */
  readonly spec: FamilySpec
  /** The family. */
  readonly family: AnyFamily
  /** The validated parameters. */
  readonly params: Mixture.Params<unknown>
  /** The dimension d. */
  readonly dimension: number
  /** The data's column names the model was fitted on (the optional top-level `columns`), when recorded. */
  readonly columns?: readonly string[]
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

/** The first component's part `p` (or the component itself), for reading a categorical family's levels. */
const levelsIn = (json: Record<string, unknown>, part: number | undefined): number | undefined => {
  const comps = json['components']
  if (!Array.isArray(comps) || comps.length === 0) return undefined
  let c: unknown = comps[0]
  if (part !== undefined) {
    if (!isRecord(c) || !Array.isArray(c['parts'])) return undefined
    c = (c['parts'] as unknown[])[part]
  }
  if (!isRecord(c) || !Array.isArray(c['probabilities'])) return undefined
  return (c['probabilities'] as unknown[]).length
}

/** The spec of one family named in a model file (the top level, or a part `at`). */
const familyIn = (
  fields: Record<string, unknown>,
  file: string,
  at: string,
  modules: readonly FamilyModule[],
  levels: () => number | undefined,
): E.Either<CliError, FamilySpec> => {
  const family = fields['family']
  const where = at === '' ? '' : ` (at ${at})`
  if (typeof family !== 'string')
    return E.left(dataError(`${file}: invalid model${where}: "family" must be a string, got ${JSON.stringify(family)}`))
  const module = modules.find((m) => m.family.name === family)
  if (module !== undefined) return E.right({ family, module })
  if (!isBuiltin(family)) {
    return E.left(
      dataError(
        `${file}: unknown "family" ${JSON.stringify(family)}${where}; expected one of ${FAMILIES.join(', ')}${at === '' ? ', product' : ''}, or a family from a module: give that module with --family ./module.js`,
      ),
    )
  }
  if (family === 'gaussian') {
    const cov = fields['covariance']
    if (typeof cov !== 'string' || !(COVARIANCES as readonly string[]).includes(cov)) {
      return E.left(
        dataError(
          `${file}: a gaussian model needs "covariance" to be one of ${COVARIANCES.join(', ')}, got ${JSON.stringify(cov)}${where}`,
        ),
      )
    }
    return E.right({ family: 'gaussian', covariance: cov as Covariance })
  }
  if (family === 'categorical') {
    const v = levels()
    if (v === undefined || v < 2 || v > MAX_LEVELS)
      return E.left(
        dataError(
          `${file}: invalid model${where}: a categorical model's components need "probabilities" (2 to ${MAX_LEVELS} levels), which give the number of levels`,
        ),
      )
    return E.right({ family, levels: v })
  }
  return E.right({ family })
}

/**
 * Reads the family name and options from a parsed model file (`family`, `covariance`, a
 * categorical model's number of levels, a product's `parts`); `modules` supply families that are
 * not built in, by name.
 *
 * @category JSON
 * @since 0.1.0
 */
export const specOf = (json: unknown, file: string, modules: readonly FamilyModule[] = []): E.Either<CliError, FamilySpec> => {
  if (!isRecord(json)) return E.left(dataError(`${file}: not an emkit model (the JSON is not an object)`))
  if (json['format'] !== Mixture.FORMAT) {
    return E.left(dataError(`${file}: not an emkit model: "format" is ${JSON.stringify(json['format'])}, expected "${Mixture.FORMAT}"`))
  }
  if (json['family'] !== 'product' || modules.some((m) => m.family.name === 'product'))
    return familyIn(json, file, '', modules, () => levelsIn(json, undefined))
  const parts = json['parts']
  if (!Array.isArray(parts) || parts.length === 0)
    return E.left(
      dataError(`${file}: invalid model (at parts): a product model needs "parts", a non-empty array of { family, columns, … }`),
    )
  const names = json['columns']
  const out: PartSpec[] = []
  for (let p = 0; p < parts.length; p++) {
    const part: unknown = parts[p]
    const at = `parts/${p}`
    if (!isRecord(part)) return E.left(dataError(`${file}: invalid model (at ${at}): a part must be an object { family, columns, … }`))
    if (part['family'] === 'product') return E.left(dataError(`${file}: invalid model (at ${at}): a part cannot itself be a product`))
    const spec = familyIn(part, file, at, modules, () => levelsIn(json, p))
    if (E.isLeft(spec)) return spec
    const cols = part['columns']
    if (!Array.isArray(cols) || cols.length === 0)
      return E.left(
        dataError(`${file}: invalid model (at ${at}/columns): "columns" must be a non-empty array of column names or 0-based indices`),
      )
    const idx: number[] = []
    for (let i = 0; i < cols.length; i++) {
      const c: unknown = cols[i]
      if (typeof c === 'number' && Number.isSafeInteger(c) && c >= 0) idx.push(c)
      else if (typeof c === 'string' && Array.isArray(names) && names.indexOf(c) >= 0) idx.push(names.indexOf(c))
      else
        return E.left(
          dataError(
            `${file}: invalid model (at ${at}/columns/${i}): ${JSON.stringify(c)} is neither a 0-based column index nor one of the model's "columns"${Array.isArray(names) ? ` (${names.join(', ')})` : ' (the model has none)'}`,
          ),
        )
    }
    // Names go back into the family only when the file wrote names: the family's JSON header must
    // equal the file's parts.
    const named = cols.every((c) => typeof c === 'string')
    out.push({ spec: spec.right, columns: idx, ...(named ? { names: cols } : {}) })
  }
  return E.right({ family: 'product', parts: out })
}

/** The options (regularization, smoothing) given to the families they apply to, a product's parts included. */
const withOptions = (spec: FamilySpec, options: Pick<FamilySpec, 'regularization' | 'smoothing'>): FamilySpec => {
  if (spec.parts !== undefined) return { ...spec, parts: spec.parts.map((p) => ({ ...p, spec: withOptions(p.spec, options) })) }
  if (spec.family === 'gaussian' && options.regularization !== undefined) return { ...spec, regularization: options.regularization }
  if (spec.family === 'multinomial' && options.smoothing !== undefined) return { ...spec, smoothing: options.smoothing }
  return spec
}

/**
 * Parses model JSON text and validates it for a family built by `registry` (from the file's own
 * `family` / `covariance`, with `options` such as regularization added).
 *
 * @param text the file's contents.
 * @param file the name used in messages.
 * @param modules families from modules (`--family ./module.js`), used for the names they carry.
 * @category JSON
 * @since 0.1.0
 */
export const parseModel = (
  text: string,
  file: string,
  registry: Registry,
  options: Pick<FamilySpec, 'regularization' | 'smoothing'> = {},
  modules: readonly FamilyModule[] = [],
): E.Either<CliError, LoadedModel> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    return E.left(dataError(`${file}: not valid JSON (${Validate.thrown(e)})`))
  }
  const spec0 = specOf(json, file, modules)
  if (E.isLeft(spec0)) return spec0
  const spec = withOptions(spec0.right, options)
  const family = registry(spec)
  if (E.isLeft(family)) return family
  const r = Mixture.fromJSON(family.right, json)
  if (E.isLeft(r)) {
    const where = 'path' in r.left ? ` (at ${r.left.path})` : ''
    return E.left(dataError(`${file}: invalid model${where}: ${r.left.message}`))
  }
  const dimension = (json as { dimension: number }).dimension
  const columns = (json as { columns?: unknown }).columns
  if (columns === undefined) return E.right({ file, spec, family: family.right, params: r.right.params, dimension })
  if (!Array.isArray(columns) || columns.length !== dimension || !columns.every((c) => typeof c === 'string'))
    return E.left(dataError(`${file}: invalid model (at columns): "columns" must be an array of ${dimension} column names`))
  return E.right({ file, spec, family: family.right, params: r.right.params, dimension, columns })
}
