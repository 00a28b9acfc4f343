/**
 * `emkit fit`: one k-component mixture, on the memory or the stream engine, written as model JSON,
 * with an optional picture.
 *
 * @packageDocumentation
 */
import type { Dataset as DatasetNs, EmError, Progress } from '@emkit/core'
type Dataset = DatasetNs.Dataset
import { Mixture, Source, Validate } from '@emkit/core'
import type { Command } from 'commander'
import { Option } from 'commander'
import { either as E } from 'fp-ts'
import type { CsvShape, Table } from '../Csv.js'
import { writeCsv } from '../Csv.js'
import { checkSupport, toDataset } from '../Data.js'
import type { CliError } from '../Failure.js'
import { agreement, agreementLines } from '../Agreement.js'
import { dataScale, degenerateComponent, tooManyParameters } from '../Degenerate.js'
import { CliFailure, dataError, orFail, usageError } from '../Failure.js'
import type { EngineName, EnginePlan, Workers } from '../Engines.js'
import { ENGINES, mib as mibOf, planEngine, STREAM_THRESHOLD_ENV, streamThreshold } from '../Engines.js'
import type { AnyFamily, FamilySpec, Registry } from '../Families.js'
import { COVARIANCES, label } from '../Families.js'
import { argumentLabel } from '../FamilyArgument.js'
import type { FamilyFlags } from '../FamilyChoice.js'
import { checkFamilyFlags, columnsToRead, loadModules, specForTable, streamProblem } from '../FamilyChoice.js'
import type { FamilyModule } from '../FamilyModule.js'
import type { LoadedModel } from '../ModelFile.js'
import { specOf } from '../ModelFile.js'
import type { Io } from '../Options.js'
import { columnList, commonFitOptions, familyOption, integer, plotPath, readOptions } from '../Options.js'
import type { RegressionFlags } from './FitRegression.js'
import { fitRegressionCommand, isRegressionModelFile, isRegressionFit, REGRESSION_FAMILIES } from './FitRegression.js'
import { modelTables, renderPicture } from '../Pictures.js'
import { dataSpec, PLOT_POINTS, thinRows, traceSpec } from '../Plots.js'
import type { ProgressSink } from '../Progress.js'
import { withSpill } from '../Spill.js'
import type { Written } from '../Steps.js'
import { fitFailure, fmt, loadData, loadModel, modelJson, progressFor, readText, writeAll } from '../Steps.js'
import type { DatabaseTarget } from '../Database.js'
import { openDatabase } from '../Database.js'
import { Sql } from '@emkit/sql'

/** The flags of `fit`. */
export interface FitFlags extends FamilyFlags, Omit<RegressionFlags, 'family'> {
  initMethod?: 'kmeans++' | 'random' | 'random-rows' | 'family'
  engine?: EngineName
  db?: string
  table?: string
  workers?: Workers
  accelerate?: 'none' | 'squarem'
  stop?: 'loglik' | 'parameters' | 'aitken'
  se?: 'observed' | 'bootstrap'
  impute?: string
}

/** The family modules, the starting model (from `--init`) and k of a fit, flags and model file reconciled. */
interface Start {
  /** The family modules `--family` names, loaded. */
  readonly modules: ReadonlyMap<string, FamilyModule>
  /** The starting model, whose family the fit uses. */
  readonly model?: LoadedModel
  readonly init: Mixture.Params<unknown> | undefined
  readonly k: number
}

const resolveStart = async (registry: Registry, flags: FitFlags): Promise<Start> => {
  const modules = await loadModules(flags.family)
  if (flags.init === undefined) return { modules, init: undefined, k: flags.k ?? 2 }
  // The starting model names its family; flags given explicitly must agree with it.
  const text = orFail(readText(flags.init, 'model file'))
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new CliFailure(dataError(`${flags.init}: not valid JSON (${Validate.thrown(e)})`))
  }
  const fileSpec = orFail(specOf(json, flags.init, [...modules.values()]))
  const given = flags.family
  if (given !== undefined) {
    const model = `${flags.init} is a ${label(fileSpec)} model`
    if (given.kind === 'product')
      throw new CliFailure(
        fileSpec.parts === undefined
          ? dataError(`${model} but --family ${argumentLabel(given)} was given`)
          : usageError(`${flags.init} names the product's parts and their columns; leave out --family`),
      )
    if (given.kind === 'module' && fileSpec.module === undefined) {
      const name = modules.get(given.path)?.family.name
      throw new CliFailure(dataError(`${model} but ${given.path} defines the family ${JSON.stringify(name)}`))
    }
    if (given.kind === 'builtin' && (given.name !== fileSpec.family || fileSpec.module !== undefined))
      throw new CliFailure(dataError(`${model} but --family ${argumentLabel(given)} was given`))
    if (given.kind === 'builtin' && given.covariance !== undefined && given.covariance !== fileSpec.covariance)
      throw new CliFailure(dataError(`${model} but --family ${argumentLabel(given)} was given`))
  }
  if (flags.covariance !== undefined && fileSpec.covariance !== undefined && flags.covariance !== fileSpec.covariance) {
    throw new CliFailure(dataError(`${flags.init} is a ${label(fileSpec)} model but --covariance ${flags.covariance} was given`))
  }
  checkFamilyFlags(flags, fileSpec)
  const loaded = loadModel(
    flags.init,
    {
      ...(flags.regCovar === undefined ? {} : { regularization: flags.regCovar }),
      ...(flags.smoothing === undefined ? {} : { smoothing: flags.smoothing }),
    },
    registry,
    [...modules.values()],
  )
  const kk = loaded.params.components.length
  if (flags.k !== undefined && flags.k !== kk)
    throw new CliFailure(dataError(`${flags.init} has ${kk} components but --k ${flags.k} was given`))
  return { modules, model: loaded, init: loaded.params, k: kk }
}

/**
 * The columns a fit reads when `--columns` is not given: a product's named columns (`--family`), or
 * the columns of a product starting model (`--init`); `undefined`: every numeric column.
 */
const columnsToFit = (flags: FitFlags, start: Start): { columns?: string[]; from?: string } => {
  if (flags.columns !== undefined) return {}
  if (start.model?.spec.parts !== undefined && start.model.columns !== undefined)
    return { columns: [...start.model.columns], from: `the columns of ${start.model.file}` }
  const named = columnsToRead(flags.family)
  return named === undefined ? {} : { columns: named, from: 'the columns of --family' }
}

/** The family of a fit on a table (the starting model's, or the flags' resolved against the data), and the table in its columns' order. */
const familyFor = (
  registry: Registry,
  flags: FitFlags,
  start: Start,
  table: Table,
): { readonly spec: FamilySpec; readonly family: AnyFamily; readonly table: Table } => {
  const chosen = start.model !== undefined ? { spec: start.model.spec, table } : orFail(specForTable(flags, start.modules, table))
  return { ...chosen, family: start.model?.family ?? orFail(registry(chosen.spec)) }
}

/** The starting model's dimension must be the data's. */
const initDimensionError = (
  flags: FitFlags,
  family: AnyFamily,
  start: Start,
  data: { readonly file: string; readonly d: number },
): CliError | undefined =>
  start.init !== undefined && family.dimension(start.init.components[0]) !== data.d
    ? dataError(`${flags.init} has dimension ${family.dimension(start.init.components[0])} but ${data.file} has ${data.d} columns`)
    : undefined

const checkInitDimension = (
  flags: FitFlags,
  family: AnyFamily,
  start: Start,
  data: { readonly file: string; readonly d: number },
): void => {
  const error = initDimensionError(flags, family, start, data)
  if (error !== undefined) throw new CliFailure(error)
}

/** Rows drawn (uniformly, seeded) for the pictures of a streamed fit. */
const PLOT_SAMPLE = 10_000

/** A finished fit and what its outputs say about the data. */
interface Fitted {
  readonly fit: Mixture.MixtureFit<unknown>
  /** The family fitted, and what names it. */
  readonly family: AnyFamily
  readonly spec: FamilySpec
  /** The data's name, size and columns. */
  readonly shape: {
    readonly file: string
    readonly n: number
    readonly d: number
    readonly columns: readonly string[]
    readonly header: boolean
  }
  /** The rows the data picture draws: all of them, or a uniform sample of a streamed file. */
  readonly plotData: Dataset
  /** The known class of every row (`--truth`). */
  readonly truth?: readonly string[]
}

/** The reading flags only the memory engine's reader has (and what needs every row in memory). */
const MEMORY_FLAGS = ['truth', 'labels', 'missing', 'delimiter', 'decimal', 'header'] as const

/**
 * The stream engine reads plain CSV files with its own reader; standard input, Parquet and the
 * reading flags of the memory engine's reader (`--truth`, `--labels`, `--missing`, `--delimiter`, `--decimal`,
 * `--header`) need the memory engine: a usage error with `--engine stream`, the memory engine (with
 * a note) when the size alone chose the stream. In a database (`--engine duckdb`, a Parquet file,
 * `--db`), `--truth`, `--labels`, `--missing`, `--plot` and `--se` need the rows in memory: a usage error when
 * the database was asked for, the memory engine (with a note) for a Parquet file.
 */
const memoryWhenNeeded = (io: Io, flags: FitFlags, dataPath: string | undefined, plan: EnginePlan, start: Start): EnginePlan => {
  if (plan.engine === 'memory') return plan
  if (plan.engine === 'duckdb' || plan.engine === 'postgres') {
    const needs = [
      ...(['truth', 'missing', 'plot', 'se'] as const).filter((f) => flags[f] !== undefined).map((f) => `--${f}`),
      ...(plan.engine === 'duckdb'
        ? []
        : (['delimiter', 'decimal', 'header'] as const).filter((f) => flags[f] !== undefined).map((f) => `--${f}`)),
    ]
    if (needs.length === 0) return plan
    const where = plan.engine === 'postgres' ? '--db' : '--engine duckdb'
    if (plan.engine === 'postgres' || plan.reason.by === 'flag')
      throw new CliFailure(
        usageError(`${needs.join(', ')}: not available with ${where}, which fits inside the database; use --engine memory`),
      )
    if (flags.quiet !== true) io.stderr(`emkit fit: note: ${needs.join(', ')} need the memory engine: reading ${dataPath} into memory\n`)
    return { engine: 'memory', workers: flags.workers ?? 'auto' }
  }
  const family = start.model === undefined ? streamProblem(flags.family) : undefined
  if (family !== undefined) {
    if (plan.reason.by === 'flag')
      throw new CliFailure(usageError(`the stream engine cannot fit this family: ${family}; use --engine memory`))
    if (flags.quiet !== true) io.stderr(`emkit fit: note: ${family}: reading ${dataPath} into memory\n`)
    return { engine: 'memory', workers: flags.workers ?? 'auto' }
  }
  const needs = [
    ...(dataPath === '-' ? ['standard input'] : []),
    ...(dataPath !== undefined && /\.parquet$/i.test(dataPath) ? ['Parquet'] : []),
    ...MEMORY_FLAGS.filter((f) => flags[f] !== undefined).map((f) => `--${f}`),
  ]
  if (needs.length === 0) return plan
  if (plan.reason.by === 'flag') throw new CliFailure(usageError(`${needs.join(', ')}: not read by the stream engine; use --engine memory`))
  if (flags.quiet !== true) io.stderr(`emkit fit: note: ${needs.join(', ')} need the memory engine: reading ${dataPath} into memory\n`)
  return { engine: 'memory', workers: flags.workers ?? 'auto' }
}

/** The agreement of the fit's clusters with the known classes, as lines for stderr. */
const truthReport = (
  family: AnyFamily,
  params: Mixture.Params<unknown>,
  data: Dataset,
  truth: readonly string[],
  column: string,
): string[] => {
  const labels = Mixture.predict(family, params, data)
  if (E.isLeft(labels)) return [`agreement with ${column}: not computed (${labels.left.message})`]
  return agreementLines(agreement(truth, labels.right, params.components.length), column)
}

/** Why the fit is degenerate (its first degenerate component), judged on all the rows; `undefined` otherwise or for a streamed file. */
const degenerateWarning = (family: AnyFamily, fitted: Fitted): string | undefined => {
  if (fitted.plotData.n !== fitted.shape.n) return undefined
  const bad = degenerateComponent(family, fitted.fit.params, dataScale(fitted.plotData))
  return bad === undefined ? undefined : `component ${bad.component + 1} is degenerate: ${bad.why}`
}

/** Loop options shared by both engines. */
const loopOptions = (flags: FitFlags, start: Start, maxIterations: number, progress: ProgressSink): Mixture.MixtureFitOptions<unknown> => ({
  k: start.k,
  maxIterations,
  onIteration: (p: Progress) => progress.update(p),
  ...(flags.tol === undefined ? {} : { tolerance: flags.tol }),
  ...(flags.accelerate === undefined ? {} : { accelerate: flags.accelerate }),
  ...(flags.stop === undefined ? {} : { stop: flags.stop }),
  ...(flags.restarts === undefined ? {} : { restarts: flags.restarts }),
  ...(flags.seed === undefined ? {} : { seed: flags.seed }),
  ...(start.init !== undefined ? { init: start.init } : flags.initMethod !== undefined ? { init: flags.initMethod } : {}),
})

/** The memory engine: the data read into memory, passes on `workers` threads. */
const fitInMemory = async (
  io: Io,
  dataPath: string | undefined,
  flags: FitFlags,
  start: Start,
  registry: Registry,
  workers: Workers,
  progress: ProgressSink,
): Promise<Fitted> => {
  const picked = columnsToFit(flags, start)
  const {
    table: read,
    truth,
    labels,
  } = await loadData(
    io,
    dataPath,
    picked.columns === undefined ? flags : { ...flags, columns: picked.columns },
    'fit',
    picked.from,
    progress,
  )
  const { spec, family, table } = familyFor(registry, flags, start, read)
  const what = `${label(spec)}, k = ${start.k}`
  orFail(checkSupport(table, spec.family))
  if (labels !== undefined) {
    const bad = labels.findIndex((z) => z >= start.k)
    if (bad >= 0)
      throw new CliFailure(
        dataError(
          `${table.file}: row ${bad + 1} (line ${table.lines[bad]}), --labels column ${JSON.stringify(flags.labels)}: label ${labels[bad]} but k = ${start.k}; labels are 0-based components 0 … ${start.k - 1}`,
        ),
      )
  }
  checkInitDimension(flags, family, start, table)
  const data = orFail(toDataset(table, family, start.k))
  const tooMany = tooManyParameters(family, table.n, table.d, start.k)
  if (tooMany !== undefined)
    throw new CliFailure(dataError(`${table.file}: cannot fit ${what}: ${tooMany}; lower --k or choose a structure with fewer parameters`))
  const maxIterations = flags.maxIter ?? 1000
  progress.start(what, maxIterations)
  const result = Mixture.fit(family, data, {
    ...loopOptions(flags, start, maxIterations, progress),
    workers,
    ...(labels === undefined ? {} : { labels }),
  })
  progress.stop()
  if (E.isLeft(result)) throw new CliFailure(fitFailure(`${table.file} (${what})`, result.left))
  return { fit: result.right, family, spec, shape: table, plotData: data, ...(truth === undefined ? {} : { truth }) }
}

/**
 * The stream engine: the CSV converted once into a spill file, every pass reading it in blocks
 * (the embedded data set, already in memory, is streamed in blocks as it is).
 */
const fitStreamed = async (
  io: Io,
  dataPath: string | undefined,
  flags: FitFlags,
  start: Start,
  registry: Registry,
  progress: ProgressSink,
): Promise<Fitted> => {
  const maxIterations = flags.maxIter ?? 1000
  const run = async (
    shape: Fitted['shape'] & { readonly header: boolean },
    source: Source.RowSource,
    plotData: Dataset,
  ): Promise<Fitted> => {
    const { spec, family } = familyFor(registry, flags, start, shapeTable(shape))
    const what = `${label(spec)}, k = ${start.k}`
    checkInitDimension(flags, family, start, shape)
    if (start.k > shape.n)
      throw new CliFailure(
        dataError(`${shape.file}: k = ${start.k} components but only ${shape.n} rows; k must not exceed the number of observations`),
      )
    progress.start(what, maxIterations, shape.n)
    let result: E.Either<EmError, Mixture.MixtureFit<unknown>>
    try {
      result = await Mixture.fitAsync(family, source, {
        ...loopOptions(flags, start, maxIterations, progress),
        engine: 'stream',
        onBlock: (rows, pass) => progress.rowsRead(rows, pass),
      })
    } finally {
      progress.stop()
    }
    if (E.isLeft(result)) throw new CliFailure(streamFailure(shape, what, result.left))
    return { fit: result.right, family, spec, shape, plotData }
  }
  const picked = columnsToFit(flags, start)
  const columns = picked.columns ?? flags.columns
  if (dataPath === undefined) {
    const { table: read } = await loadData(io, undefined, columns === undefined ? flags : { ...flags, columns }, 'fit')
    const { family, spec, table } = familyFor(registry, flags, start, read)
    const data = orFail(toDataset(table, family, start.k))
    const source = Source.fromDataset(data)
    if (E.isLeft(source)) throw new CliFailure(fitFailure(`${table.file} (${label(spec)}, k = ${start.k})`, source.left))
    return run(table, source.right, data)
  }
  const sampleSize = flags.plot === undefined ? 0 : PLOT_SAMPLE
  const check = (shape: CsvShape): CliError | undefined => {
    try {
      return initDimensionError(flags, familyFor(registry, flags, start, shapeTable(shape)).family, start, shape)
    } catch (e) {
      if (e instanceof CliFailure) return e.error
      throw e
    }
  }
  return withSpill(
    dataPath,
    {
      ...(columns === undefined ? {} : { columns }),
      family: start.model?.spec.family ?? (flags.family?.kind === 'builtin' ? flags.family.name : 'gaussian'),
      sampleSize,
      seed: flags.seed ?? 0,
      check,
    },
    (spill) => run(spill, spill.source, spill.sample),
  )
}

/** A table of no rows with a shape's columns: what the family's choice needs of a streamed file. */
const shapeTable = (shape: {
  readonly file: string
  readonly columns: readonly string[]
  readonly header: boolean
  readonly d: number
}): Table => ({
  file: shape.file,
  columns: shape.columns,
  header: shape.header,
  n: 0,
  d: shape.d,
  values: new Float64Array(0),
  lines: new Int32Array(0),
})

/**
 * The rows an initialisation method runs on when the data are in a database: a sample the database
 * draws once. Smaller than the stream engine's 100 000: measured on a 10⁷ × 4 Parquet file, the
 * 100 000-row sample took the command's peak memory from about 190 MB to 236 MB (DuckDB collects and
 * orders it, then it crosses into JavaScript), for a start that k-means++ finds as well on 20 000.
 */
export const DATABASE_INIT_SAMPLE = 20_000

/**
 * Inside a database: DuckDB reading the file out of core, or a PostgreSQL table; every pass is one
 * aggregate query there (`@emkit/sql`), nothing but the statistics reaches this process. A query that
 * fails (a lost connection) stops the fit with exit 1 and nothing written.
 */
const fitInDatabase = async (
  io: Io,
  target: DatabaseTarget,
  flags: FitFlags,
  start: Start,
  registry: Registry,
  progress: ProgressSink,
  asked: boolean,
): Promise<Fitted | undefined> => {
  const picked = columnsToFit(flags, start)
  const db = await openDatabase(target, picked.columns ?? flags.columns)
  try {
    if (flags.quiet !== true) for (const note of db.notes) io.stderr(`emkit fit: note: ${note}\n`)
    const shape = { file: db.file, n: db.n, d: db.columns.length, columns: db.columns, header: true }
    const { spec, family } = familyFor(registry, flags, start, shapeTable(shape))
    const what = `${label(spec)}, k = ${start.k}`
    if (family.sql === undefined) {
      const why = `the ${label(spec)} family cannot run inside a database (it has no SQL capability)`
      if (asked) throw new CliFailure(usageError(`${why}; use --engine memory`))
      if (flags.quiet !== true) io.stderr(`emkit fit: note: ${why}: reading ${db.file} into memory\n`)
      return undefined
    }
    checkInitDimension(flags, family, start, shape)
    const source = Sql.sql(db.options)
    if (E.isLeft(source)) throw new CliFailure(dataError(`${db.file}: ${source.left.message}`))
    const maxIterations = flags.maxIter ?? 1000
    progress.start(what, maxIterations)
    let result: E.Either<EmError, Mixture.MixtureFit<unknown>>
    try {
      result = await Mixture.fitAsync(family, source.right, {
        ...loopOptions(flags, start, maxIterations, progress),
        initSample: DATABASE_INIT_SAMPLE,
      })
    } finally {
      progress.stop()
    }
    if (E.isLeft(result)) throw new CliFailure(fitFailure(`${db.file} (${what})`, result.left))
    return { fit: result.right, family, spec, shape, plotData: { n: 0, d: shape.d, values: new Float64Array(0) } }
  } finally {
    await db.close()
  }
}

/**
 * A streamed fit's failure. The family's checks run on every block in core and name the global
 * row (0-based) and column: say them as the in-memory reader does (1-based, with the column's name);
 * the line is not known once the data are in the spill file.
 */
const streamFailure = (
  shape: { readonly file: string; readonly columns: readonly string[]; readonly header: boolean },
  what: string,
  e: EmError,
): CliError => {
  if (e._tag === 'InvalidData' && e.row !== undefined) {
    const column =
      e.column === undefined ? '' : `, column ${e.column + 1}${shape.header ? ` (${JSON.stringify(shape.columns[e.column])})` : ''}`
    return dataError(`${shape.file}: row ${e.row + 1}${column}: ${e.message}`)
  }
  return fitFailure(`${shape.file} (${what})`, e)
}

/**
 * `--se`: the model JSON with `fit.standardErrors` from the observed information or from 999
 * nonparametric bootstrap refits (seeded by `--seed`), on the data in memory.
 */
const withStandardErrors = (
  family: AnyFamily,
  fitted: Fitted,
  json: Mixture.ModelJson,
  flags: FitFlags,
  what: string,
): Mixture.ModelJson => {
  if (flags.se === undefined) return json
  const { fit, shape, plotData } = fitted
  if (plotData.n !== shape.n)
    throw new CliFailure(usageError(`--se needs every row in memory: add --engine memory (${shape.file} was streamed)`))
  const se =
    flags.se === 'observed'
      ? Mixture.standardErrors(family, plotData, fit.params)
      : Mixture.bootstrap(family, plotData, fit.params, {
          seed: flags.seed ?? 0,
          ...(flags.accelerate === undefined ? {} : { accelerate: flags.accelerate }),
        })
  if (E.isLeft(se)) throw new CliFailure(fitFailure(`${shape.file} (${what}, --se ${flags.se})`, se.left))
  return Mixture.withStandardErrors(family, json, fit.params, se.right)
}

/** Flags of component mixtures that a mixture of regressions does not take (refused, not ignored). */
const MIXTURE_ONLY: ReadonlyArray<readonly [keyof FitCommandFlags, string]> = [
  ['initMethod', '--init-method'],
  ['engine', '--engine'],
  ['db', '--db'],
  ['table', '--table'],
  ['workers', '--workers'],
  ['accelerate', '--accelerate'],
  ['stop', '--stop'],
  ['se', '--se'],
  ['covariance', '--covariance'],
  ['regCovar', '--reg-covar'],
  ['smoothing', '--smoothing'],
  ['truth', '--truth'],
  ['missing', '--missing'],
  ['impute', '--impute'],
  ['labels', '--labels'],
]

/** The flags `emkit fit` receives: `--family` parsed, or the name of a family of regressions. */
export type FitCommandFlags = Omit<FitFlags, 'family'> & { family?: FitFlags['family'] | (typeof REGRESSION_FAMILIES)[number] }

/**
 * `--impute FILE.csv`: the data with every missing cell replaced by its conditional mean under the
 * fitted mixture (`Mixture.impute`), as CSV with the data's column names; the data in memory.
 */
const imputed = (family: AnyFamily, fitted: Fitted, what: string): string => {
  const { fit, shape, plotData } = fitted
  if (plotData.n !== shape.n)
    throw new CliFailure(usageError(`--impute needs every row in memory: add --engine memory (${shape.file} was streamed)`))
  const done = Mixture.impute(family, fit.params, plotData)
  if (E.isLeft(done)) throw new CliFailure(fitFailure(`${shape.file} (${what}, --impute)`, done.left))
  const { n, d, values } = done.right
  const rows: number[][] = []
  for (let i = 0; i < n; i++) rows.push(Array.from(values.subarray(i * d, (i + 1) * d)))
  return writeCsv([...shape.columns], rows)
}

/** `emkit fit`: fits one model, writes its JSON (and picture), prints one summary line. */
export const fitCommand = async (io: Io, registry: Registry, dataPath: string | undefined, given: FitCommandFlags): Promise<void> => {
  const { family: chosen, ...rest } = given
  if (typeof chosen === 'string' || isRegressionFit(given) || isRegressionModelFile(given.init)) {
    const unused = MIXTURE_ONLY.filter(([key]) => given[key] !== undefined).map(([, flag]) => flag)
    if (unused.length > 0) throw new CliFailure(usageError(`${unused.join(', ')}: not available for mixtures of regressions`))
    const named = chosen === undefined ? {} : { family: typeof chosen === 'string' ? chosen : argumentLabel(chosen) }
    return fitRegressionCommand(io, dataPath, { ...rest, ...named })
  }
  const flags: FitFlags = { ...rest, ...(chosen === undefined ? {} : { family: chosen }) }
  const start = await resolveStart(registry, flags)
  const plan = memoryWhenNeeded(io, flags, dataPath, orFail(planEngine(flags, dataPath)), start)
  const progress = progressFor(io, flags.quiet)
  const fitted =
    plan.engine === 'memory'
      ? await fitInMemory(io, dataPath, flags, start, registry, plan.workers, progress)
      : plan.engine === 'stream'
        ? await fitStreamed(io, dataPath, flags, start, registry, progress)
        : ((await fitInDatabase(
            io,
            plan.engine === 'duckdb' ? { kind: 'duckdb', path: dataPath! } : { kind: 'postgres', url: plan.url, table: plan.table },
            flags,
            start,
            registry,
            progress,
            plan.engine === 'postgres' || plan.reason.by === 'flag',
          )) ?? (await fitInMemory(io, dataPath, flags, start, registry, flags.workers ?? 'auto', progress)))
  const { fit, shape, plotData, family } = fitted
  const what = `${label(fitted.spec)}, k = ${start.k}`
  const degenerate = degenerateWarning(family, fitted)
  const json = withStandardErrors(family, fitted, modelJson(family, fit.params, fit, shape), flags, what)
  const outputs: Written[] = [{ path: flags.out, contents: JSON.stringify(json, null, 2) + '\n' }]
  if (flags.impute !== undefined) outputs.push({ path: flags.impute, contents: imputed(family, fitted, what) })
  if (flags.plot !== undefined) {
    const drawn = thinRows(plotData, PLOT_POINTS, flags.seed ?? 0)
    const sampled = drawn.n < shape.n ? `a uniform sample of ${drawn.n} of ${shape.n} rows` : undefined
    const input = {
      family,
      params: fit.params,
      data: drawn,
      columns: shape.columns,
      trace: fit.trace,
      title: sampled === undefined ? what : `${what} (${sampled})`,
    }
    const summary = { ...json.fit, parameters: fit.parameters, icl: fit.icl }
    outputs.unshift({
      path: flags.plot,
      contents: await renderPicture(
        flags.plot,
        `emkit fit: ${what}`,
        `${shape.file}: ${shape.n} rows × ${shape.d} columns (${shape.columns.join(', ')})${sampled === undefined ? '' : `; the data picture shows ${sampled}`}`,
        [
          {
            heading:
              family.name === 'multinomial'
                ? 'Category probabilities by component'
                : shape.d === 1
                  ? 'Data and mixture density'
                  : shape.d === 2
                    ? 'Data by most likely component'
                    : shape.d <= 6
                      ? 'Data: every pair of columns'
                      : 'Data on the first two principal components (standardised)',
            spec: dataSpec(input),
          },
          { heading: 'Log-likelihood per iteration', spec: traceSpec(fit.trace) },
        ],
        modelTables(family, fit.params, summary),
      ),
    })
  }
  writeAll(io, outputs)
  if (flags.quiet !== true) {
    const warnings =
      fit.warnings.length === 0
        ? ''
        : `; ${fit.warnings.length} warning${fit.warnings.length === 1 ? '' : 's'}: ${fit.warnings[0]!.message}`
    const engine =
      fit.engine === 'stream'
        ? ', stream engine'
        : plan.engine === 'duckdb'
          ? ', in DuckDB'
          : plan.engine === 'postgres'
            ? ', in PostgreSQL'
            : ''
    if (degenerate !== undefined)
      io.stderr(
        `emkit fit: warning: a degenerate fit (${degenerate}); its likelihood comes from a spike, not the data: lower --k, add --restarts or use emkit select, which sets such fits aside\n`,
      )
    const agreed = fitted.truth === undefined ? [] : truthReport(family, fit.params, plotData, fitted.truth, flags.truth!)
    io.stderr(
      `emkit fit: ${what} on ${shape.file} (n = ${shape.n}, d = ${shape.d}${engine}): log-likelihood ${fmt(fit.logLikelihood, 10)} after ${fit.iterations} iterations (${fit.converged ? 'converged' : `not converged: ${fit.stopReason}`}${(flags.restarts ?? 1) > 1 ? `, best of ${flags.restarts} restarts` : ''}), BIC ${fmt(fit.bic)}${warnings}\n`,
    )
    for (const line of agreed) io.stderr(`emkit fit: ${line}\n`)
  }
}

/**
 * Adds `emkit fit` to the program.
 */
export const registerFit = (root: Command, io: Io, registry: Registry): void => {
  commonFitOptions(
    readOptions(root.command('fit'), true)
      .description('Fit a k-component mixture to DATA.csv (default: the embedded Old Faithful data, 272 × 2) and write the model JSON.')
      .argument('[data]', 'CSV, TSV, text or Parquet file, or - (standard input); one row per observation')
      .addOption(familyOption(REGRESSION_FAMILIES))
      .option(
        '--formula <formula>',
        'mixture of regressions: an R-style formula such as "yn ~ x + I(x^2)" (terms: names, I(x^p), a:b; - 1 drops the intercept)',
      )
      .option(
        '--concomitant <columns>',
        'mixture of regressions: weights πⱼ(z) by a multinomial logit on these columns (comma-separated)',
        columnList,
      )
      .option('--group <column>', 'mixture of regressions: rows with equal values in this column share one latent class')
      .addOption(
        new Option('--variance <estimator>', 'regression: ml (Σγr²/Σγ, default) or flexmix ((Σγr²/mean γ)/(n − p))').choices([
          'ml',
          'flexmix',
        ]),
      )
      .option('--k <k>', "number of components (default: 2, or the --init model's)", integer('--k', 1))
      .addOption(new Option('--covariance <type>', 'gaussian covariance structure (default: full)').choices(COVARIANCES))
      .option(
        '--init <model.json>',
        'start from these parameters (emkit.mixture/v1 without "fit"); for a mixture of regressions also a CSV of posteriors (n rows × k columns)',
      )
      .option('--restarts <n>', 'fits from independent initialisations; the best is kept (default: 1)', integer('--restarts', 1))

      .option(
        '--labels <column>',
        'a column of partly known components for semi-supervised EM: 0-based integers, empty (or NA) when unknown; the log-likelihood then counts log πz f(x | θz) for the labelled rows',
      ),
  )
    .option('--out <model.json>', 'write the model here (default: standard output)')
    .option('--plot <file>', 'draw the fit: FILE.svg (pictures) or FILE.html (self-contained report)', plotPath)
    .addOption(
      new Option(
        '--engine <engine>',
        'where the passes over the data run: memory, stream or duckdb (default: duckdb for a Parquet file, stream for a DATA file larger than the stream threshold, else memory)',
      ).choices(ENGINES),
    )
    .option('--db <url>', 'fit inside this PostgreSQL database (postgres://user@host:port/db), reading --table')
    .option('--table <name>', 'the --db table that holds the data (its numeric columns, or --columns)')
    .addOption(new Option('--accelerate <scheme>', 'none (plain EM) or squarem (SQUAREM, S3; default: none)').choices(['none', 'squarem']))
    .addOption(
      new Option(
        '--stop <rule>',
        'what --tol bounds: loglik (|Δ log-likelihood| / n), parameters (largest relative parameter change) or aitken (estimated distance to the limit, per row) (default: loglik)',
      ).choices(['loglik', 'parameters', 'aitken']),
    )
    .addOption(
      new Option('--se <method>', 'standard errors in the model JSON: observed (observed information) or bootstrap (999 refits)').choices([
        'observed',
        'bootstrap',
      ]),
    )
    .option(
      '--impute <file.csv>',
      'also write DATA with every missing cell (--missing em) replaced by its conditional mean under the fitted mixture',
    )
    .option('--quiet', 'print nothing on stderr')
    .addHelpText(
      'after',
      `
Engines:
  memory  DATA is read into memory; the passes run on --workers threads.
  stream  DATA is converted once into a binary spill file in the temporary directory
          (TMPDIR; 8 bytes per value, removed afterwards, also on error or Ctrl-C) and
          every pass reads it in blocks of 65536 rows, on one thread: exact EM on files
          larger than memory. An initialisation method runs on a uniform sample of
          100000 rows; --plot draws a uniform sample of ${PLOT_SAMPLE} rows.
  duckdb  DATA (CSV or Parquet) is read by DuckDB out of core: every EM iteration is
          one aggregate query inside DuckDB and only the statistics reach emkit. A
          Parquet file is fitted this way by default. An initialisation method runs on
          a sample of 20000 rows the database draws.
  --db URL --table NAME fits inside PostgreSQL the same way.
  Without --engine, DATA streams when the file is larger than the stream threshold:
  1/32 of the JavaScript heap limit (${mibOf(orFail(streamThreshold({})))} here; --max-old-space-size raises it),
  at most 512 MiB. ${STREAM_THRESHOLD_ENV}=BYTES overrides it (the tests use it).
`,
    )
    .action(async (data: string | undefined, flags: FitCommandFlags) => fitCommand(io, registry, data, flags))
}
