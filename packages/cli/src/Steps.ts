/**
 * The steps every sub-command shares: reading the data and model files, checking a table against a
 * model, writing outputs atomically, resolving the family from the flags, and the progress display.
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs'
import type { Dataset as DatasetNs } from '@emkit/core'
type Dataset = DatasetNs.Dataset
import { either as E } from 'fp-ts'
import { writeFileAtomic } from './AtomicWrite.js'
import type { Table } from './Csv.js'
import { readCsv, selectColumns } from './Csv.js'
import { checkSupport, faithfulTable, toDataset } from './Data.js'
import type { CliError } from './Failure.js'
import { CliFailure, dataError, orFail, readFailure, usageError } from './Failure.js'
import type { Covariance, FamilyName, FamilySpec, Registry } from './Families.js'
import type { LoadedModel } from './ModelFile.js'
import { parseModel } from './ModelFile.js'
import type { Io } from './Options.js'
import type { ProgressSink } from './Progress.js'
import { silent } from './Progress.js'

/** The flags that choose a family. */
export interface FamilyFlags {
  family?: FamilyName
  covariance?: Covariance
  regCovar?: number
  smoothing?: number
}

/** A file's text, or the error naming it (`what`: "data file", "model file"). */
export const readText = (path: string, what: string): E.Either<CliError, string> => {
  try {
    return E.right(readFileSync(path, 'utf8'))
  } catch (e) {
    return E.left(readFailure(path, what, e))
  }
}

/** The data (a file, or the embedded Old Faithful), with `--columns` applied. */
export const loadTable = (path: string | undefined, columns: readonly string[] | undefined): Table => {
  const table = path === undefined ? faithfulTable() : orFail(readCsv(orFail(readText(path, 'data file')), path))
  return columns === undefined ? table : orFail(selectColumns(table, columns))
}

/** A model file, validated. */
export const loadModel = (path: string, options: Pick<FamilySpec, 'regularization' | 'smoothing'>, registry: Registry): LoadedModel =>
  orFail(parseModel(orFail(readText(path, 'model file')), path, registry, options))

/** The data of a table for a model read from a file: dimensions must agree. */
export const dataForModel = (table: Table, model: LoadedModel): Dataset => {
  if (table.d !== model.dimension) {
    throw new CliFailure(
      dataError(
        `${model.file} has dimension ${model.dimension} but ${table.file} has ${table.d} column${table.d === 1 ? '' : 's'}${table.header ? ` (${table.columns.join(', ')})` : ''}; pick columns with --columns`,
      ),
    )
  }
  orFail(checkSupport(table, model.spec.family))
  return orFail(toDataset(table, model.family, undefined))
}

/** One output: a file (written atomically) or standard output (`undefined` or `-`). */
export interface Written {
  readonly path: string | undefined
  readonly contents: string
}

/** Writes every output atomically (all contents are computed before the first write). */
export const writeAll = (io: Io, outputs: readonly Written[]): void => {
  for (const o of outputs) {
    if (o.path === undefined || o.path === '-') io.stdout(o.contents)
    else orFail(writeFileAtomic(o.path, o.contents))
  }
}

/** The message of a fit that cannot proceed. */
export const fitFailure = (what: string, e: { message: string }): CliError => dataError(`${what}: the fit cannot proceed: ${e.message}`)

/** A number in `digits` significant digits, shortest form. */
export const fmt = (x: number, digits = 6): string => (Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : String(x))

/** The family of the flags (`covariance` overrides the flag's, for select's grid); flags for another family are usage errors. */
export const familySpec = (flags: FamilyFlags, covariance?: Covariance): FamilySpec => {
  const family = flags.family ?? 'gaussian'
  if (family !== 'gaussian' && flags.covariance !== undefined)
    throw new CliFailure(usageError(`--covariance applies to --family gaussian only, not ${family}`))
  if (family !== 'gaussian' && flags.regCovar !== undefined)
    throw new CliFailure(usageError(`--reg-covar applies to --family gaussian only, not ${family}`))
  if (family !== 'multinomial' && flags.smoothing !== undefined)
    throw new CliFailure(usageError(`--smoothing applies to --family multinomial only, not ${family}`))
  const spec: { family: FamilyName; covariance?: Covariance; regularization?: number; smoothing?: number } = { family }
  if (family === 'gaussian') spec.covariance = covariance ?? flags.covariance ?? 'full'
  if (flags.regCovar !== undefined) spec.regularization = flags.regCovar
  if (flags.smoothing !== undefined) spec.smoothing = flags.smoothing
  return spec
}

/** The progress display: a live one on a terminal, else none. */
export const progressFor = (io: Io, quiet: boolean | undefined): ProgressSink =>
  quiet === true || io.progress === undefined ? silent : io.progress()

/** The flags of `predict` and `score`. */
export interface ModelFlags {
  columns?: string[]
  out?: string
}
