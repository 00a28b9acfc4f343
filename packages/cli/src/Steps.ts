/**
 * The steps every sub-command shares: reading the data and model files, checking a table against a
 * model, writing outputs atomically, resolving the family from the flags, and the progress display.
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs'
import type { Dataset as DatasetNs } from '@emkit/core'
type Dataset = DatasetNs.Dataset
import { Mixture } from '@emkit/core'
import { either as E } from 'fp-ts'
import { writeFileAtomic } from './AtomicWrite.js'
import type { Table } from './Csv.js'
import { selectColumns } from './Csv.js'
import { checkSupport, faithfulTable, toDataset } from './Data.js'
import type { CliError } from './Failure.js'
import { CliFailure, dataError, orFail, readFailure, usageError } from './Failure.js'
import type { AnyFamily, FamilySpec, Registry } from './Families.js'
import { label } from './Families.js'
import type { ModuleArgument } from './FamilyArgument.js'
import type { FamilyModule } from './FamilyModule.js'
import { load } from './FamilyModule.js'
import type { LoadedModel } from './ModelFile.js'
import { parseModel } from './ModelFile.js'
import type { Io, ReadFlags } from './Options.js'
import type { DataRead } from './Read.js'
import { readData } from './Read.js'
import type { ProgressSink } from './Progress.js'
import { silent } from './Progress.js'

/** A file's text, or the error naming it (`what`: "data file", "model file"). */
export const readText = (path: string, what: string): E.Either<CliError, string> => {
  try {
    return E.right(readFileSync(path, 'utf8'))
  } catch (e) {
    return E.left(readFailure(path, what, e))
  }
}

/**
 * The data of a command: DATA read by {@link readData} (a file, `.parquet`, or `-`), or the embedded
 * Old Faithful; the reader's notes go to stderr (unless `quiet`).
 */
export const loadData = async (
  io: Io,
  path: string | undefined,
  flags: ReadFlags & { quiet?: boolean },
  command: string,
  columnsFrom?: string,
  progress?: ProgressSink,
): Promise<DataRead> => {
  const say = (note: string): void => {
    if (flags.quiet !== true)
      io.stderr(`emkit ${command}: note: ${note}
`)
  }
  if (path === undefined) {
    if (flags.truth !== undefined) throw new CliFailure(usageError('--truth needs a DATA file with that column'))
    if (flags.labels !== undefined) throw new CliFailure(usageError('--labels needs a DATA file with that column'))
    if (io.stdinPiped === true) say('no DATA given: fitting the embedded Old Faithful data; standard input is read only when DATA is -')
    const table = faithfulTable()
    return { table: flags.columns === undefined ? table : orFail(selectColumns(table, flags.columns)), notes: [] }
  }
  const read = await readData(path, {
    ...(flags.columns === undefined ? {} : { columns: flags.columns }),
    ...(columnsFrom === undefined ? {} : { columnsFrom }),
    ...(flags.truth === undefined ? {} : { truth: flags.truth }),
    ...(flags.labels === undefined ? {} : { labels: flags.labels }),
    ...(flags.missing === undefined ? {} : { missing: flags.missing }),
    ...(flags.delimiter === undefined ? {} : { delimiter: flags.delimiter }),
    ...(flags.decimal === undefined ? {} : { decimal: flags.decimal }),
    ...(flags.header === undefined ? {} : { header: flags.header }),
    ...(io.stdin === undefined ? {} : { stdin: io.stdin }),
    ...(progress?.reading === undefined
      ? {}
      : { onRows: (rows: number) => progress.reading!(path === '-' ? 'standard input' : path, rows) }),
  })
  for (const note of read.notes) say(note)
  return read
}

/** A model file, validated; `modules` supply the families that are not built in (`--family ./module.js`). */
export const loadModel = (
  path: string,
  options: Pick<FamilySpec, 'regularization' | 'smoothing'>,
  registry: Registry,
  modules: readonly FamilyModule[] = [],
): LoadedModel => orFail(parseModel(orFail(readText(path, 'model file')), path, registry, options, modules))

/**
 * The model file of `predict`, `score` and `sample`, with the family module `--family` gives (for a
 * model fitted with a module family); a module whose family the model does not use is an error.
 */
export const loadModelFile = async (path: string, registry: Registry, module: ModuleArgument | undefined): Promise<LoadedModel> => {
  if (module === undefined) return loadModel(path, {}, registry)
  const loaded = orFail(await load(module.path))
  const model = loadModel(path, {}, registry, [loaded])
  const used = model.spec.module !== undefined || (model.spec.parts ?? []).some((p) => p.spec.module !== undefined)
  if (!used)
    throw new CliFailure(
      dataError(
        `${path} is a ${label(model.spec)} model; ${module.path} defines the family ${JSON.stringify(loaded.family.name)}, which it does not use`,
      ),
    )
  return model
}

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

/** The progress display: a live one on a terminal, else none. */
export const progressFor = (io: Io, quiet: boolean | undefined): ProgressSink =>
  quiet === true || io.progress === undefined ? silent : io.progress()

/** The flags of `predict` and `score`. */
export interface ModelFlags extends ReadFlags {
  out?: string
  /** `--family ./module.js`: the module of a family that is not built in. */
  family?: ModuleArgument
}

/**
 * The model JSON of a fit, with the data's column names as the top-level `columns` (after
 * `dimension`) when the data had a header row.
 */
export const modelJson = (
  family: AnyFamily,
  params: Mixture.Params<unknown>,
  fit: Mixture.MixtureFit<unknown>,
  table: Pick<Table, 'columns' | 'header'>,
): Mixture.ModelJson => {
  const json = Mixture.toJSON(family, params, fit)
  if (!table.header) return json
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(json)) {
    out[key] = value
    if (key === 'dimension') out['columns'] = [...table.columns]
  }
  return out as unknown as Mixture.ModelJson
}

/** The data's columns named by a model file, for `predict` and `score`: the model's `columns`, unless `--columns` is given. */
export const modelColumns = (model: LoadedModel, flags: ReadFlags): { flags: ReadFlags; from?: string } =>
  flags.columns !== undefined || model.columns === undefined
    ? { flags }
    : { flags: { ...flags, columns: [...model.columns] }, from: `the columns of ${model.file}` }
