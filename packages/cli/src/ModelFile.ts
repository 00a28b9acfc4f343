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
import type { AnyFamily, Covariance, FamilySpec, Registry } from './Families.js'
import { COVARIANCES, FAMILIES } from './Families.js'

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

/**
 * Reads the family name and options from a parsed model file (`family`, `covariance`).
 *
 * @category JSON
 * @since 0.1.0
 */
export const specOf = (json: unknown, file: string): E.Either<CliError, FamilySpec> => {
  if (!isRecord(json)) return E.left(dataError(`${file}: not an emkit model (the JSON is not an object)`))
  if (json['format'] !== Mixture.FORMAT) {
    return E.left(dataError(`${file}: not an emkit model: "format" is ${JSON.stringify(json['format'])}, expected "${Mixture.FORMAT}"`))
  }
  const family = json['family']
  if (typeof family !== 'string' || !(FAMILIES as readonly string[]).includes(family)) {
    return E.left(dataError(`${file}: unknown "family" ${JSON.stringify(family)}; expected one of ${FAMILIES.join(', ')}`))
  }
  if (family === 'gaussian') {
    const cov = json['covariance']
    if (typeof cov !== 'string' || !(COVARIANCES as readonly string[]).includes(cov)) {
      return E.left(
        dataError(`${file}: a gaussian model needs "covariance" to be one of ${COVARIANCES.join(', ')}, got ${JSON.stringify(cov)}`),
      )
    }
    return E.right({ family: 'gaussian', covariance: cov as Covariance })
  }
  return E.right({ family: family as FamilySpec['family'] })
}

/**
 * Parses model JSON text and validates it for a family built by `registry` (from the file's own
 * `family` / `covariance`, with `options` such as regularization added).
 *
 * @param text the file's contents.
 * @param file the name used in messages.
 * @category JSON
 * @since 0.1.0
 */
export const parseModel = (
  text: string,
  file: string,
  registry: Registry,
  options: Pick<FamilySpec, 'regularization' | 'smoothing'> = {},
): E.Either<CliError, LoadedModel> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    return E.left(dataError(`${file}: not valid JSON (${Validate.thrown(e)})`))
  }
  const spec0 = specOf(json, file)
  if (E.isLeft(spec0)) return spec0
  const spec: FamilySpec = { ...spec0.right, ...options }
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
