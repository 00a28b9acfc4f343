/**
 * The `emkit` command (docs/architecture.md, "The `emkit` command"): `fit`, `select`, `predict`, `score` and
 * `sample`, parsed by commander (generated `--help` for every sub-command).
 *
 * Exit codes: 0 success; 2 usage error; 1 bad data, a bad or mismatched model file, or a fit that
 * cannot proceed, always with one readable line on stderr. Outputs are computed in full, then
 * written atomically, so a failed run leaves no partial file and never overwrites a good one.
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs'
import type { Dataset as DatasetNs, EmError, Progress } from '@emkit/core'
type Dataset = DatasetNs.Dataset
import { Mixture, Source } from '@emkit/core'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { either as E } from 'fp-ts'
import { writeFileAtomic } from './AtomicWrite.js'
import type { Table } from './Csv.js'
import { readCsv, selectColumns, writeCsv } from './Csv.js'
import { checkSupport, faithfulTable, toDataset } from './Data.js'
import type { CliError } from './Failure.js'
import { CliFailure, dataError, orFail, readFailure, usageError } from './Failure.js'
import type { EngineName, Workers } from './Engines.js'
import { ENGINES, mib as mibOf, parseWorkers, planEngine, STREAM_THRESHOLD_ENV, streamThreshold } from './Engines.js'
import type { AnyFamily, Covariance, FamilyName, FamilySpec, Registry } from './Families.js'
import { COVARIANCES, FAMILIES, label, registry as defaultRegistry } from './Families.js'
import type { LoadedModel } from './ModelFile.js'
import { parseModel, specOf } from './ModelFile.js'
import type { SelectPoint, VlSpec } from './Plots.js'
import { dataSpec, renderSvg, selectSpec, sideBySide, traceSpec } from './Plots.js'
import type { ProgressSink } from './Progress.js'
import { silent, terminalBar } from './Progress.js'
import type { ReportTable } from './Report.js'
import { htmlReport } from './Report.js'
import { withSpill } from './Spill.js'
import { version } from './Version.js'

/**
 * Where the command reads and writes: injectable for tests.
 *
 * @category Command line
 * @since 0.1.0
 */
export interface Io {
  /** Writes to standard output. */
  readonly stdout: (text: string) => void
  /** Writes to standard error. */
  readonly stderr: (text: string) => void
  /** A live progress display on stderr, or `undefined` when stderr is not a terminal. */
  readonly progress?: () => ProgressSink
}

/**
 * The process's standard streams (a progress bar when stderr is a terminal).
 *
 * @category Command line
 * @since 0.1.0
 */
export const processIo = (): Io => {
  const io: { stdout: (t: string) => void; stderr: (t: string) => void; progress?: () => ProgressSink } = {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
  }
  if (process.stderr.isTTY === true) io.progress = () => terminalBar(process.stderr)
  return io
}

// ---------------------------------------------------------------------------------------------
// Option parsers (commander turns an InvalidArgumentError into a usage error).

const integer =
  (what: string, min: number) =>
  (s: string): number => {
    if (!/^\s*[+-]?\d+\s*$/.test(s)) throw new InvalidArgumentError(`${what} must be an integer ≥ ${min}.`)
    const x = Number(s)
    if (!Number.isSafeInteger(x) || x < min) throw new InvalidArgumentError(`${what} must be an integer ≥ ${min}.`)
    return x
  }

const nonNegative =
  (what: string) =>
  (s: string): number => {
    const x = Number(s)
    if (s.trim() === '' || !Number.isFinite(x) || x < 0) throw new InvalidArgumentError(`${what} must be a finite number ≥ 0.`)
    return x
  }

/**
 * Parses a list of k values: `3`, `1..8`, `1,2,4` or `2..4,6`.
 *
 * @category Command line
 * @since 0.1.0
 */
export const parseKs = (s: string): number[] => {
  const out = new Set<number>()
  for (const part of s.split(',')) {
    const m = /^\s*(\d+)\s*(?:\.\.\s*(\d+)\s*)?$/.exec(part)
    if (m === null) throw new InvalidArgumentError('k must be an integer, a range such as 1..8, or a list such as 1,2,4.')
    const a = Number(m[1])
    const b = m[2] === undefined ? a : Number(m[2])
    if (a < 1 || b < a || b > 1000) throw new InvalidArgumentError(`bad k range ${JSON.stringify(part.trim())}: need 1 ≤ from ≤ to ≤ 1000.`)
    for (let k = a; k <= b; k++) out.add(k)
  }
  return [...out].sort((x, y) => x - y)
}

const covarianceList = (s: string): Covariance[] => {
  const out: Covariance[] = []
  for (const part of s.split(',')) {
    const c = part.trim()
    if (!(COVARIANCES as readonly string[]).includes(c))
      throw new InvalidArgumentError(`unknown covariance ${JSON.stringify(c)}; choose from ${COVARIANCES.join(', ')}.`)
    if (!out.includes(c as Covariance)) out.push(c as Covariance)
  }
  return out
}

const columnList = (s: string): string[] => {
  const out = s.split(',').map((c) => c.trim())
  if (out.some((c) => c === '')) throw new InvalidArgumentError('columns must be a comma-separated list of names, e.g. eruptions,waiting.')
  return out
}

const plotPath = (s: string): string => {
  if (!/\.(svg|html?)$/i.test(s)) throw new InvalidArgumentError('the picture must be a .svg or .html file.')
  return s
}

// ---------------------------------------------------------------------------------------------
// Shared steps.

const readText = (path: string, what: string): E.Either<CliError, string> => {
  try {
    return E.right(readFileSync(path, 'utf8'))
  } catch (e) {
    return E.left(readFailure(path, what, e))
  }
}

const loadTable = (path: string | undefined, columns: readonly string[] | undefined): Table => {
  const table = path === undefined ? faithfulTable() : orFail(readCsv(orFail(readText(path, 'data file')), path))
  return columns === undefined ? table : orFail(selectColumns(table, columns))
}

const loadModel = (path: string, options: Pick<FamilySpec, 'regularization' | 'smoothing'>, registry: Registry): LoadedModel =>
  orFail(parseModel(orFail(readText(path, 'model file')), path, registry, options))

/** The data of a table for a model read from a file: dimensions must agree. */
const dataForModel = (table: Table, model: LoadedModel): Dataset => {
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

interface Written {
  readonly path: string | undefined
  readonly contents: string
}

/** Writes every output atomically (all contents are computed before the first write). */
const writeAll = (io: Io, outputs: readonly Written[]): void => {
  for (const o of outputs) {
    if (o.path === undefined || o.path === '-') io.stdout(o.contents)
    else orFail(writeFileAtomic(o.path, o.contents))
  }
}

const fitFailure = (what: string, e: { message: string }): CliError => dataError(`${what}: the fit cannot proceed: ${e.message}`)

const fmt = (x: number, digits = 6): string => (Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : String(x))

// ---------------------------------------------------------------------------------------------
// Pictures.

const modelTables = (family: AnyFamily, params: Mixture.Params<unknown>, summary: Record<string, unknown> | undefined): ReportTable[] => {
  const json = family.toJSON(params.components)
  const fields = [...new Set(json.flatMap((c) => Object.keys(c)))]
  const tables: ReportTable[] = [
    {
      caption: 'Parameters',
      columns: ['component', 'weight', ...fields],
      rows: json.map((c, j) => [j, params.weights[j]!, ...fields.map((f) => c[f])]),
    },
  ]
  if (summary !== undefined) {
    tables.push({
      caption: 'Fit',
      columns: ['n', 'log-likelihood', 'iterations', 'converged', 'stop reason', 'parameters', 'BIC', 'AIC', 'ICL'],
      rows: [
        [
          summary['n'],
          summary['logLikelihood'],
          summary['iterations'],
          summary['converged'],
          summary['stopReason'],
          summary['parameters'],
          summary['bic'],
          summary['aic'],
          summary['icl'],
        ],
      ],
    })
  }
  return tables
}

const renderPicture = async (
  path: string,
  title: string,
  subtitle: string,
  charts: ReadonlyArray<{ heading: string; spec: VlSpec }>,
  tables: readonly ReportTable[],
): Promise<string> => {
  // An SVG holds the first two pictures side by side (the data and the trace, or the criterion and
  // the best model); the HTML report holds them all.
  if (/\.svg$/i.test(path)) return renderSvg(charts.length === 1 ? charts[0]!.spec : sideBySide(charts.slice(0, 2).map((c) => c.spec)))
  const figures: Array<{ heading: string; svg: string }> = []
  for (const c of charts) figures.push({ heading: c.heading, svg: await renderSvg(c.spec) })
  return htmlReport({ title, subtitle, figures, tables })
}

// ---------------------------------------------------------------------------------------------
// Sub-commands.

interface FitFlags {
  family?: FamilyName
  k?: number
  covariance?: Covariance
  init?: string
  initMethod?: 'kmeans++' | 'random' | 'random-rows' | 'family'
  restarts?: number
  seed?: number
  maxIter?: number
  tol?: number
  regCovar?: number
  smoothing?: number
  out?: string
  plot?: string
  quiet?: boolean
  columns?: string[]
  engine?: EngineName
  workers?: Workers
}

const familySpec = (flags: Pick<FitFlags, 'family' | 'covariance' | 'regCovar' | 'smoothing'>, covariance?: Covariance): FamilySpec => {
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

const progressFor = (io: Io, quiet: boolean | undefined): ProgressSink =>
  quiet === true || io.progress === undefined ? silent : io.progress()

/** The family, the starting parameters (from `--init`) and k of a fit, flags and model file reconciled. */
interface Start {
  readonly spec: FamilySpec
  readonly init: Mixture.Params<unknown> | undefined
  readonly k: number
}

const resolveStart = (registry: Registry, flags: FitFlags): Start => {
  let spec = familySpec(flags)
  if (flags.init === undefined) return { spec, init: undefined, k: flags.k ?? 2 }
  // The starting model names its family; flags given explicitly must agree with it.
  const text = orFail(readText(flags.init, 'model file'))
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new CliFailure(dataError(`${flags.init}: not valid JSON (${e instanceof Error ? e.message : String(e)})`))
  }
  const fileSpec = orFail(specOf(json, flags.init))
  if (flags.family !== undefined && flags.family !== fileSpec.family) {
    throw new CliFailure(dataError(`${flags.init} is a ${label(fileSpec)} model but --family ${flags.family} was given`))
  }
  if (flags.covariance !== undefined && fileSpec.covariance !== undefined && flags.covariance !== fileSpec.covariance) {
    throw new CliFailure(dataError(`${flags.init} is a ${label(fileSpec)} model but --covariance ${flags.covariance} was given`))
  }
  spec = familySpec({ ...flags, family: fileSpec.family }, fileSpec.covariance)
  const loaded = loadModel(
    flags.init,
    {
      ...(spec.regularization === undefined ? {} : { regularization: spec.regularization }),
      ...(spec.smoothing === undefined ? {} : { smoothing: spec.smoothing }),
    },
    registry,
  )
  const kk = loaded.params.components.length
  if (flags.k !== undefined && flags.k !== kk)
    throw new CliFailure(dataError(`${flags.init} has ${kk} components but --k ${flags.k} was given`))
  return { spec, init: loaded.params, k: kk }
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
  /** The data's name, size and columns. */
  readonly shape: { readonly file: string; readonly n: number; readonly d: number; readonly columns: readonly string[] }
  /** The rows the data picture draws: all of them, or a uniform sample of a streamed file. */
  readonly plotData: Dataset
}

/** Loop options shared by both engines. */
const loopOptions = (flags: FitFlags, start: Start, maxIterations: number, progress: ProgressSink): Mixture.MixtureFitOptions<unknown> => ({
  k: start.k,
  maxIterations,
  onIteration: (p: Progress) => progress.update(p),
  ...(flags.tol === undefined ? {} : { tolerance: flags.tol }),
  ...(flags.restarts === undefined ? {} : { restarts: flags.restarts }),
  ...(flags.seed === undefined ? {} : { seed: flags.seed }),
  ...(start.init !== undefined ? { init: start.init } : flags.initMethod !== undefined ? { init: flags.initMethod } : {}),
})

/** The memory engine: the CSV read into memory, passes on `workers` threads. */
const fitInMemory = (
  dataPath: string | undefined,
  flags: FitFlags,
  start: Start,
  family: AnyFamily,
  what: string,
  workers: Workers,
  progress: ProgressSink,
): Fitted => {
  const table = loadTable(dataPath, flags.columns)
  orFail(checkSupport(table, start.spec.family))
  checkInitDimension(flags, family, start, table)
  const data = orFail(toDataset(table, family, start.k))
  const maxIterations = flags.maxIter ?? 1000
  progress.start(what, maxIterations)
  const result = Mixture.fit(family, data, { ...loopOptions(flags, start, maxIterations, progress), workers })
  progress.stop()
  if (E.isLeft(result)) throw new CliFailure(fitFailure(`${table.file} (${what})`, result.left))
  return { fit: result.right, shape: table, plotData: data }
}

/**
 * The stream engine: the CSV converted once into a spill file, every pass reading it in blocks
 * (the embedded data set, already in memory, is streamed in blocks as it is).
 */
const fitStreamed = async (
  dataPath: string | undefined,
  flags: FitFlags,
  start: Start,
  family: AnyFamily,
  what: string,
  progress: ProgressSink,
): Promise<Fitted> => {
  const maxIterations = flags.maxIter ?? 1000
  const run = async (
    shape: Fitted['shape'] & { readonly header: boolean },
    source: Source.RowSource,
    plotData: Dataset,
  ): Promise<Fitted> => {
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
    return { fit: result.right, shape, plotData }
  }
  if (dataPath === undefined) {
    const table = loadTable(undefined, flags.columns)
    const data = orFail(toDataset(table, family, start.k))
    const source = Source.fromDataset(data)
    if (E.isLeft(source)) throw new CliFailure(fitFailure(`${table.file} (${what})`, source.left))
    return run(table, source.right, data)
  }
  const sampleSize = flags.plot === undefined ? 0 : PLOT_SAMPLE
  const check = (shape: { readonly file: string; readonly d: number }): CliError | undefined =>
    initDimensionError(flags, family, start, shape)
  return withSpill(
    dataPath,
    {
      ...(flags.columns === undefined ? {} : { columns: flags.columns }),
      family: start.spec.family,
      sampleSize,
      seed: flags.seed ?? 0,
      check,
    },
    (spill) => run(spill, spill.source, spill.sample),
  )
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

const fitCommand = async (io: Io, registry: Registry, dataPath: string | undefined, flags: FitFlags): Promise<void> => {
  const start = resolveStart(registry, flags)
  const family = orFail(registry(start.spec))
  const plan = orFail(planEngine(flags, dataPath))
  const what = `${label(start.spec)}, k = ${start.k}`
  const progress = progressFor(io, flags.quiet)
  const { fit, shape, plotData } =
    plan.engine === 'memory'
      ? fitInMemory(dataPath, flags, start, family, what, plan.workers, progress)
      : await fitStreamed(dataPath, flags, start, family, what, progress)
  const json = Mixture.toJSON(family, fit.params, fit)
  const outputs: Written[] = [{ path: flags.out, contents: JSON.stringify(json, null, 2) + '\n' }]
  if (flags.plot !== undefined) {
    const sampled = plotData.n < shape.n ? `a uniform sample of ${plotData.n} of ${shape.n} rows` : undefined
    const input = {
      family,
      params: fit.params,
      data: plotData,
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
              shape.d === 1
                ? 'Data and mixture density'
                : shape.d === 2
                  ? 'Data by most likely component'
                  : 'Data on the first two principal components',
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
    const engine = fit.engine === 'stream' ? ', stream engine' : ''
    io.stderr(
      `emkit fit: ${what} on ${shape.file} (n = ${shape.n}, d = ${shape.d}${engine}): log-likelihood ${fmt(fit.logLikelihood, 10)} after ${fit.iterations} iterations (${fit.converged ? 'converged' : `not converged: ${fit.stopReason}`}${(flags.restarts ?? 1) > 1 ? `, best of ${flags.restarts} restarts` : ''}), BIC ${fmt(fit.bic)}${warnings}\n`,
    )
  }
}

interface SelectFlags extends Omit<FitFlags, 'k' | 'covariance' | 'init'> {
  k?: number[]
  covariance?: Covariance[]
  criterion?: 'bic' | 'aic' | 'icl'
  format?: 'table' | 'csv'
}

interface Cell {
  readonly spec: FamilySpec
  readonly structure: string
  readonly k: number
  readonly family: AnyFamily
  readonly result: E.Either<string, Mixture.MixtureFit<unknown>>
}

const selectCommand = async (io: Io, registry: Registry, dataPath: string | undefined, flags: SelectFlags): Promise<void> => {
  const { covariance: _structures, ...rest } = flags
  const base = familySpec(rest)
  const family0 = flags.family ?? 'gaussian'
  if (family0 !== 'gaussian' && flags.covariance !== undefined)
    throw new CliFailure(usageError(`--covariance applies to --family gaussian only, not ${family0}`))
  const structures: Array<Covariance | undefined> = family0 === 'gaussian' ? (flags.covariance ?? [...COVARIANCES]) : [undefined]
  const ks = flags.k ?? [1, 2, 3, 4, 5, 6]
  const criterion = flags.criterion ?? 'bic'
  const restarts = flags.restarts ?? 3
  const table = loadTable(dataPath, flags.columns)
  orFail(checkSupport(table, base.family))
  const progress = progressFor(io, flags.quiet)
  const maxIterations = flags.maxIter ?? 1000
  const cells: Cell[] = []
  for (const cov of structures) {
    const spec: FamilySpec = cov === undefined ? base : { ...base, covariance: cov }
    const family = orFail(registry(spec))
    for (const k of ks) {
      const structure = cov ?? base.family
      const data = toDataset(table, family, k)
      if (E.isLeft(data)) {
        if (k > table.n) {
          cells.push({ spec, structure, k, family, result: E.left(data.left.message) })
          continue
        }
        throw new CliFailure(data.left)
      }
      progress.start(`${label(spec)} k = ${k}`, maxIterations)
      const r = Mixture.fit(family, data.right, {
        k,
        restarts,
        maxIterations,
        onIteration: (p: Progress) => progress.update(p),
        ...(flags.tol === undefined ? {} : { tolerance: flags.tol }),
        ...(flags.seed === undefined ? {} : { seed: flags.seed }),
        ...(flags.initMethod === undefined ? {} : { init: flags.initMethod }),
        ...(flags.workers === undefined ? {} : { workers: flags.workers }),
      })
      cells.push({ spec, structure, k, family, result: E.isLeft(r) ? E.left(r.left.message) : E.right(r.right) })
    }
  }
  progress.stop()
  let best = -1
  cells.forEach((c, i) => {
    if (
      E.isRight(c.result) &&
      (best < 0 || c.result.right[criterion] < (cells[best]!.result as E.Right<Mixture.MixtureFit<unknown>>).right[criterion])
    )
      best = i
  })
  if (best < 0)
    throw new CliFailure(
      dataError(`${table.file}: no fit in the grid could proceed (${E.isLeft(cells[0]!.result) ? cells[0]!.result.left : ''})`),
    )
  const header = ['structure', 'k', 'parameters', 'logLikelihood', 'bic', 'aic', 'icl', 'iterations', 'converged', 'best']
  const rows = cells.map((c, i) =>
    E.isRight(c.result)
      ? [
          c.structure,
          c.k,
          c.result.right.parameters,
          c.result.right.logLikelihood,
          c.result.right.bic,
          c.result.right.aic,
          c.result.right.icl,
          c.result.right.iterations,
          String(c.result.right.converged),
          i === best ? '*' : '',
        ]
      : [c.structure, c.k, '', '', '', '', '', '', '', `failed: ${c.result.left}`],
  )
  const tableText = flags.format === 'csv' ? writeCsv(header, rows) : alignedTable(header, rows)
  const winner = cells[best]!
  const winnerFit = (winner.result as E.Right<Mixture.MixtureFit<unknown>>).right
  const outputs: Written[] = [{ path: undefined, contents: tableText }]
  if (flags.out !== undefined)
    outputs.unshift({
      path: flags.out,
      contents: JSON.stringify(Mixture.toJSON(winner.family, winnerFit.params, winnerFit), null, 2) + '\n',
    })
  if (flags.plot !== undefined) {
    const points: SelectPoint[] = []
    cells.forEach((c, i) => {
      if (E.isRight(c.result)) points.push({ structure: c.structure, k: c.k, value: c.result.right[criterion], best: i === best })
    })
    const data = orFail(toDataset(table, winner.family, winner.k))
    const what = `${label(winner.spec)}, k = ${winner.k}`
    const input = {
      family: winner.family,
      params: winnerFit.params,
      data,
      columns: table.columns,
      trace: winnerFit.trace,
      title: `best: ${what}`,
    }
    outputs.unshift({
      path: flags.plot,
      contents: await renderPicture(
        flags.plot,
        `emkit select: ${criterion.toUpperCase()} over k`,
        `${table.file}: ${table.n} rows × ${table.d} columns; best by ${criterion.toUpperCase()}: ${what}`,
        [
          { heading: `${criterion.toUpperCase()} against k`, spec: selectSpec(points, criterion) },
          { heading: `Best model (${what})`, spec: dataSpec(input) },
          { heading: 'Log-likelihood per iteration (best model)', spec: traceSpec(winnerFit.trace) },
        ],
        [
          { caption: 'Grid', columns: header, rows, highlight: best },
          ...modelTables(winner.family, winnerFit.params, {
            ...Mixture.toJSON(winner.family, winnerFit.params, winnerFit).fit,
            parameters: winnerFit.parameters,
            icl: winnerFit.icl,
          }),
        ],
      ),
    })
  }
  writeAll(io, outputs)
  if (flags.quiet !== true) {
    const failed = cells.filter((c) => E.isLeft(c.result)).length
    io.stderr(
      `emkit select: ${cells.length} fits on ${table.file} (${restarts} restart${restarts === 1 ? '' : 's'} each${failed > 0 ? `, ${failed} failed` : ''}); best by ${criterion.toUpperCase()}: ${label(winner.spec)}, k = ${winner.k} (${criterion.toUpperCase()} ${fmt(winnerFit[criterion])})\n`,
    )
  }
}

const alignedTable = (header: readonly string[], rows: ReadonlyArray<ReadonlyArray<number | string>>): string => {
  const cells = [header, ...rows.map((r) => r.map((x) => (typeof x === 'number' ? (Number.isInteger(x) ? String(x) : x.toFixed(3)) : x)))]
  const widths = header.map((_, c) => Math.max(...cells.map((r) => String(r[c] ?? '').length)))
  return (
    cells
      .map((r) =>
        r
          .map((x, c) => (c < 2 || c === r.length - 1 ? String(x).padEnd(widths[c]!) : String(x).padStart(widths[c]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  )
}

interface ModelFlags {
  columns?: string[]
  out?: string
}

const predictCommand = (io: Io, registry: Registry, modelPath: string, dataPath: string, flags: ModelFlags): void => {
  const model = loadModel(modelPath, {}, registry)
  const data = dataForModel(loadTable(dataPath, flags.columns), model)
  const k = model.params.components.length
  const proba = Mixture.predictProba(model.family, model.params, data)
  const labels = Mixture.predict(model.family, model.params, data)
  const rows: number[][] = []
  for (let i = 0; i < data.n; i++) rows.push([labels[i]!, ...Array.from(proba.subarray(i * k, (i + 1) * k))])
  writeAll(io, [{ path: flags.out, contents: writeCsv(['label', ...Array.from({ length: k }, (_, j) => `p${j}`)], rows) }])
}

const scoreCommand = (io: Io, registry: Registry, modelPath: string, dataPath: string, flags: ModelFlags): void => {
  const model = loadModel(modelPath, {}, registry)
  const data = dataForModel(loadTable(dataPath, flags.columns), model)
  const ll = Mixture.scoreSamples(model.family, model.params, data)
  const rows: Array<Array<number | string>> = []
  let total = 0
  for (let i = 0; i < data.n; i++) {
    rows.push([i + 1, ll[i]!])
    total += ll[i]!
  }
  rows.push(['total', total])
  writeAll(io, [{ path: flags.out, contents: writeCsv(['row', 'logLikelihood'], rows) }])
}

interface SampleFlags {
  n: number
  trials?: number
  seed?: number
  labels?: boolean
  out?: string
}

const sampleCommand = (io: Io, registry: Registry, modelPath: string, flags: SampleFlags): void => {
  const model = loadModel(modelPath, {}, registry)
  if (flags.trials !== undefined && model.spec.family !== 'multinomial') {
    throw new CliFailure(usageError(`--trials applies to multinomial models only; ${modelPath} is a ${label(model.spec)} model`))
  }
  const family = flags.trials === undefined ? model.family : orFail(registry({ ...model.spec, trials: flags.trials }))
  const s = Mixture.sample(family, model.params, flags.n, flags.seed ?? 0)
  const rows: number[][] = []
  for (let i = 0; i < flags.n; i++) {
    const r = Array.from(s.values.subarray(i * s.d, (i + 1) * s.d))
    if (flags.labels === true) r.push(s.labels[i]!)
    rows.push(r)
  }
  const header = Array.from({ length: s.d }, (_, c) => `x${c + 1}`)
  if (flags.labels === true) header.push('component')
  writeAll(io, [{ path: flags.out, contents: writeCsv(header, rows) }])
}

// ---------------------------------------------------------------------------------------------
// The program.

const familyOption = (): Option => new Option('--family <family>', 'component family (default: gaussian)').choices(FAMILIES)
const commonFitOptions = (c: Command): Command =>
  c
    .addOption(
      new Option('--init-method <method>', "initialisation (default: the family's; kmeans++ for gaussian)").choices([
        'kmeans++',
        'random',
        'random-rows',
        'family',
      ]),
    )
    .option('--max-iter <n>', 'maximum EM iterations per fit (default: 1000)', integer('--max-iter', 0))
    .option('--tol <x>', 'stop when |Δ log-likelihood| / n < x; 0 runs exactly --max-iter iterations (default: 1e-8)', nonNegative('--tol'))
    .option(
      '--reg-covar <x>',
      'added to every covariance diagonal, gaussian only (default: 1e-6; 0 is exact ML)',
      nonNegative('--reg-covar'),
    )
    .option('--smoothing <x>', "additive smoothing of multinomial probabilities (default: the family's)", nonNegative('--smoothing'))
    .option('--seed <s>', 'seed of the random stream (default: 0)', integer('--seed', 0))
    .option('--columns <names>', 'use these columns, by header name, comma-separated', columnList)
    .option(
      '--workers <n>',
      'threads for the passes over in-memory data: an integer ≥ 1 or auto (default: auto, every core when the work is large enough)',
      parseWorkers,
    )

/**
 * Builds the commander program; actions run against `io` and `registry`.
 *
 * @category Command line
 * @since 0.1.0
 */
export const program = (io: Io, registry: Registry = defaultRegistry): Command => {
  const root = new Command('emkit')
    .description('Fit, select, apply and sample mixture models (Gaussian, exponential, multinomial) by EM, from CSV files.')
    .version(version)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showSuggestionAfterError(true)
    .helpCommand(false)

  commonFitOptions(
    root
      .command('fit')
      .description('Fit a k-component mixture to DATA.csv (default: the embedded Old Faithful data, 272 × 2) and write the model JSON.')
      .argument('[data]', 'CSV file: one row per observation, optional header row')
      .addOption(familyOption())
      .option('--k <k>', "number of components (default: 2, or the --init model's)", integer('--k', 1))
      .addOption(new Option('--covariance <type>', 'gaussian covariance structure (default: full)').choices(COVARIANCES))
      .option('--init <model.json>', 'start from these parameters (emkit.mixture/v1 without "fit")')
      .option('--restarts <n>', 'fits from independent initialisations; the best is kept (default: 1)', integer('--restarts', 1)),
  )
    .option('--out <model.json>', 'write the model here (default: standard output)')
    .option('--plot <file>', 'draw the fit: FILE.svg (pictures) or FILE.html (self-contained report)', plotPath)
    .addOption(
      new Option(
        '--engine <engine>',
        'where the passes over the data run: memory or stream (default: stream for a DATA file larger than the stream threshold, else memory)',
      ).choices(ENGINES),
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
  Without --engine, DATA streams when the file is larger than the stream threshold:
  1/32 of the JavaScript heap limit (${mibOf(orFail(streamThreshold({})))} here; --max-old-space-size raises it),
  at most 512 MiB. ${STREAM_THRESHOLD_ENV}=BYTES overrides it (the tests use it).
`,
    )
    .action(async (data: string | undefined, flags: FitFlags) => fitCommand(io, registry, data, flags))

  commonFitOptions(
    root
      .command('select')
      .description(
        'Fit a grid over k (and gaussian covariance structures) with restarts; print log-likelihood, BIC, AIC and ICL, marking the best.',
      )
      .argument('[data]', 'CSV file (default: the embedded Old Faithful data)')
      .addOption(familyOption())
      .option('--k <ks>', 'values of k: 3, 1..8 or 1,2,4 (default: 1..6)', parseKs)
      .option('--covariance <types>', 'gaussian structures, comma-separated (default: full,diag,spherical,tied)', covarianceList)
      .addOption(
        new Option('--criterion <c>', 'the criterion that picks the best (smaller is better; default: bic)').choices(['bic', 'aic', 'icl']),
      )
      .option('--restarts <n>', 'restarts per fit (default: 3)', integer('--restarts', 1)),
  )
    .addOption(new Option('--format <f>', 'table format on stdout (default: table)').choices(['table', 'csv']))
    .option('--out <model.json>', 'write the best model here')
    .option('--plot <file>', 'draw the criterion against k and the best model: FILE.svg or FILE.html', plotPath)
    .option('--quiet', 'print nothing on stderr')
    .action(async (data: string | undefined, flags: SelectFlags) => selectCommand(io, registry, data, flags))

  root
    .command('predict')
    .description('For every row of DATA.csv: the most likely component (0-based), then the probability of each component.')
    .argument('<model>', 'model file (emkit.mixture/v1)')
    .argument('<data>', "CSV file with the model's number of columns")
    .option('--columns <names>', 'use these columns, by header name, comma-separated', columnList)
    .option('--out <file.csv>', 'write here instead of standard output')
    .action((model: string, data: string, flags: ModelFlags) => predictCommand(io, registry, model, data, flags))

  root
    .command('score')
    .description('Per-row log-likelihood log p(xᵢ | θ) of DATA.csv under the model, then the total.')
    .argument('<model>', 'model file (emkit.mixture/v1)')
    .argument('<data>', "CSV file with the model's number of columns")
    .option('--columns <names>', 'use these columns, by header name, comma-separated', columnList)
    .option('--out <file.csv>', 'write here instead of standard output')
    .action((model: string, data: string, flags: ModelFlags) => scoreCommand(io, registry, model, data, flags))

  root
    .command('sample')
    .description('Draw N rows from the model, as CSV.')
    .argument('<model>', 'model file (emkit.mixture/v1)')
    .requiredOption('--n <n>', 'number of rows to draw', integer('--n', 1))
    .option('--seed <s>', 'seed of the random stream (default: 0)', integer('--seed', 0))
    .option('--trials <n>', 'multinomial models: the row total (number of trials) of each draw (default: 1)', integer('--trials', 1))
    .option('--labels', 'add a last column with the component of each draw')
    .option('--out <file.csv>', 'write here instead of standard output')
    .action((model: string, flags: SampleFlags) => sampleCommand(io, registry, model, flags))

  return root
}

/**
 * Runs the command on `argv` (the arguments after `emkit`) and returns the exit code. Never throws
 * for a user mistake: usage errors (exit 2) and bad data, models or fits (exit 1) are one line on
 * `io.stderr`.
 *
 * @example
 * ```ts
 * process.exitCode = await run(process.argv.slice(2))
 * ```
 * @category Command line
 * @since 0.1.0
 */
export const run = async (argv: readonly string[], io: Io = processIo(), registry: Registry = defaultRegistry): Promise<number> => {
  const cmd = program(io, registry)
  try {
    await cmd.parseAsync([...argv], { from: 'user' })
    return 0
  } catch (e) {
    if (e instanceof CliFailure) {
      io.stderr(`emkit: ${e.error.message}\n`)
      return e.error.exitCode
    }
    if (e instanceof CommanderError) {
      // commander has already printed its message (help, version, or the usage error).
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0
      if (e.code === 'commander.help') return argv.length === 0 ? 2 : e.exitCode === 0 ? 0 : 2
      return 2
    }
    const message = e instanceof Error ? e.message : String(e)
    io.stderr(`emkit: internal error: ${message} (please report it; set EMKIT_DEBUG=1 for details)\n`)
    if (process.env['EMKIT_DEBUG'] === '1' && e instanceof Error && e.stack !== undefined) io.stderr(e.stack + '\n')
    return 1
  }
}
