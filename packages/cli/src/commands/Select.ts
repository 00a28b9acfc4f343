/**
 * `emkit select`: fits a grid over k (and Gaussian covariance structures), prints the criteria of
 * every cell and marks the best.
 *
 * @packageDocumentation
 */
import type { DataScale, EmError, Progress } from '@emkit/core'
import { Mixture } from '@emkit/core'
import type { Command } from 'commander'
import { Option } from 'commander'
import { either as E } from 'fp-ts'
import { writeCsv } from '../Csv.js'
import { checkSupport, toDataset } from '../Data.js'
import { agreement, agreementLines } from '../Agreement.js'
import { dataScale, degenerateComponent, freeParameters, tooManyParameters } from '../Degenerate.js'
import { CliFailure, dataError, orFail, usageError } from '../Failure.js'
import type { AnyFamily, Covariance, FamilySpec, Registry } from '../Families.js'
import { COVARIANCES, label } from '../Families.js'
import { argumentLabel } from '../FamilyArgument.js'
import type { FamilyFlags } from '../FamilyChoice.js'
import { columnsToRead, loadModules, specForTable } from '../FamilyChoice.js'
import type { Io } from '../Options.js'
import { commonFitOptions, covarianceList, familyOption, integer, parseKs, plotPath, readOptions } from '../Options.js'
import { modelTables, renderPicture } from '../Pictures.js'
import type { SelectPoint } from '../Plots.js'
import { dataSpec, PLOT_POINTS, selectSpec, thinRows, traceSpec } from '../Plots.js'
import type { ProgressSink } from '../Progress.js'
import type { Written } from '../Steps.js'
import { fmt, loadData, modelJson, progressFor, writeAll } from '../Steps.js'
import type { FitFlags } from './Fit.js'
import { DATABASE_INIT_SAMPLE } from './Fit.js'
import type { Table } from '../Csv.js'
import type { DatabaseTarget } from '../Database.js'
import { openDatabase } from '../Database.js'
import { databaseTarget, readFlagsGiven } from './InDatabase.js'
import { Sql } from '@emkit/sql'

/** The flags of `select`. */
export interface SelectFlags extends Omit<FitFlags, 'k' | 'covariance' | 'init' | 'engine'> {
  engine?: 'memory' | 'duckdb'
  k?: number[]
  covariance?: Covariance[]
  criterion?: 'bic' | 'aic' | 'icl'
  format?: 'table' | 'csv'
}

/** One cell of the grid: a fit, or why it was excluded (degenerate, too many parameters) or failed. */
interface Cell {
  readonly spec: FamilySpec
  readonly structure: string
  readonly k: number
  readonly family: AnyFamily
  readonly parameters: number
  readonly result: E.Either<string, Mixture.MixtureFit<unknown>>
  /** Why the cell is set aside: a degenerate best fit, or more free parameters than rows. */
  readonly excluded?: string
}

/** The default number of restarts per cell: enough to find mclust's optimum on its own data sets (tests). */
export const SELECT_RESTARTS = 10

/**
 * The best non-degenerate fit of one cell over `restarts` seeded restarts (seeds s, s + 1, …), or,
 * when every restart is degenerate, the best degenerate one with the reason.
 */
const fitCell = async (
  family: AnyFamily,
  fitOne: Fitter,
  scale: DataScale,
  k: number,
  restarts: number,
  flags: SelectFlags,
  progress: ProgressSink,
): Promise<{ result: E.Either<string, Mixture.MixtureFit<unknown>>; degenerate?: string }> => {
  let best: Mixture.MixtureFit<unknown> | undefined
  let bestDegenerate: { fit: Mixture.MixtureFit<unknown>; why: string } | undefined
  let failure: string | undefined
  for (let r = 0; r < restarts; r++) {
    const fit = await fitOne({
      k,
      restarts: 1,
      seed: (flags.seed ?? 0) + r,
      maxIterations: flags.maxIter ?? 1000,
      onIteration: (p: Progress) => progress.update({ ...p, restart: r, restarts }),
      ...(flags.tol === undefined ? {} : { tolerance: flags.tol }),
      ...(flags.initMethod === undefined ? {} : { init: flags.initMethod }),
    })
    if (E.isLeft(fit)) {
      // A lost database is no cell's failure: the command stops.
      if (fit.left._tag === 'EngineFailure') throw new CliFailure(dataError(`the fit cannot proceed: ${fit.left.message}`))
      failure ??= fit.left.message
      continue
    }
    const f = fit.right
    const bad = degenerateComponent(family, f.params, scale)
    if (bad === undefined) {
      if (best === undefined || f.logLikelihood > best.logLikelihood) best = f
    } else if (bestDegenerate === undefined || f.logLikelihood > bestDegenerate.fit.logLikelihood) {
      bestDegenerate = { fit: f, why: `degenerate: component ${bad.component + 1}: ${bad.why}` }
    }
  }
  if (best !== undefined) return { result: E.right(best) }
  if (bestDegenerate !== undefined) return { result: E.right(bestDegenerate.fit), degenerate: bestDegenerate.why }
  return { result: E.left(failure ?? 'no restart could proceed') }
}

/** One restart of one cell: a fit of k components with these options. */
type Fitter = (options: Mixture.MixtureFitOptions<unknown>) => Promise<E.Either<EmError, Mixture.MixtureFit<unknown>>>

/** Where the grid's fits run: the rows in memory, or a database (`--engine duckdb`, `--db`). */
interface Where {
  /** The data as a table of their columns (no rows when they are in a database). */
  readonly table: Table
  /** The fitter of a cell's family, and the data's scale (computed once). */
  cell(family: AnyFamily, k: number): { fitOne: Fitter; scale: DataScale }
  close(): Promise<void>
}

/** The rows in memory: each cell's dataset from the table, the scale from the first. */
const inMemory = (table: Table, flags: SelectFlags): Where => {
  let scale: DataScale | undefined
  return {
    table,
    cell: (family, k) => {
      const data = orFail(toDataset(table, family, k))
      scale ??= dataScale(data)
      const workers = flags.workers === undefined ? {} : { workers: flags.workers }
      return { fitOne: (options) => Promise.resolve(Mixture.fit(family, data, { ...options, ...workers })), scale }
    },
    close: () => Promise.resolve(),
  }
}

/** The grid inside a database: one source for every cell, the scale from one query. */
const inDatabase = async (io: Io, target: DatabaseTarget, columns: readonly string[] | undefined, flags: SelectFlags): Promise<Where> => {
  const db = await openDatabase(target, columns)
  try {
    if (flags.quiet !== true) for (const note of db.notes) io.stderr(`emkit select: note: ${note}\n`)
    const source = Sql.sql(db.options)
    if (E.isLeft(source)) throw new CliFailure(dataError(`${db.file}: ${source.left.message}`))
    const scale = await db.scale()
    const d = db.columns.length
    return {
      table: { file: db.file, columns: db.columns, header: true, n: db.n, d, values: new Float64Array(0), lines: new Int32Array(0) },
      cell: (family) => {
        if (family.sql === undefined)
          throw new CliFailure(
            usageError(`the ${family.name} family cannot run inside a database (it has no SQL capability); use --engine memory`),
          )
        return { fitOne: (options) => Mixture.fitAsync(family, source.right, { ...options, initSample: DATABASE_INIT_SAMPLE }), scale }
      },
      close: () => db.close(),
    }
  } catch (e) {
    await db.close()
    throw e
  }
}

/** Where `select` runs: in memory (`undefined`), or inside a database; usage errors for what needs the rows. */
const selectTarget = (dataPath: string | undefined, flags: SelectFlags): DatabaseTarget | undefined => {
  if (flags.db === undefined && flags.table === undefined && flags.engine !== 'duckdb') return undefined
  const target = databaseTarget(dataPath, flags, readFlagsGiven(flags))
  const needs = (['truth', 'plot'] as const).filter((f) => flags[f] !== undefined).map((f) => `--${f}`)
  if (typeof flags.workers === 'number' && flags.workers > 1) needs.push(`--workers ${flags.workers}`)
  if (needs.length > 0)
    throw new CliFailure(usageError(`${needs.join(', ')}: not available when select runs inside the database; use --engine memory`))
  return target
}

/** `emkit select`: the grid over k and structures, its table, the best model and its picture. */
export const selectCommand = async (io: Io, registry: Registry, dataPath: string | undefined, flags: SelectFlags): Promise<void> => {
  const { covariance: grid0, ...rest } = flags
  const argument = flags.family ?? { kind: 'builtin', name: 'gaussian' }
  // A plain gaussian family is fitted over a grid of structures; any other family is one column of
  // the grid, where --covariance (one structure) is that of a product's gaussian parts.
  const gaussianGrid = argument.kind === 'builtin' && argument.name === 'gaussian' && argument.covariance === undefined
  if (!gaussianGrid && grid0 !== undefined && grid0.length > 1)
    throw new CliFailure(
      usageError(`--covariance takes a list of structures for --family gaussian only; give one for ${argumentLabel(argument)}`),
    )
  const familyFlags: FamilyFlags = gaussianGrid || grid0 === undefined ? rest : { ...rest, covariance: grid0[0]! }
  const modules = await loadModules(flags.family)
  const ks = flags.k ?? [1, 2, 3, 4, 5, 6]
  const criterion = flags.criterion ?? 'bic'
  const restarts = flags.restarts ?? SELECT_RESTARTS
  const progress = progressFor(io, flags.quiet)
  const named = flags.columns === undefined ? columnsToRead(flags.family) : undefined
  const target = selectTarget(dataPath, flags)
  let truth: readonly string[] | undefined
  let where: Where
  if (target === undefined) {
    const read = await loadData(
      io,
      dataPath,
      named === undefined ? flags : { ...flags, columns: named },
      'select',
      named === undefined ? undefined : 'the columns of --family',
      progress,
    )
    truth = read.truth
    where = inMemory(read.table, flags)
  } else where = await inDatabase(io, target, named ?? flags.columns, flags)
  try {
    const { spec: base, table } = orFail(specForTable(familyFlags, modules, where.table))
    if (target === undefined) {
      orFail(checkSupport(table, base.family))
      where = inMemory(table, flags)
    }
    await runGrid(io, registry, flags, { base, table, gaussianGrid, grid0, ks, criterion, restarts, truth, where, progress })
  } finally {
    await where.close()
  }
}

/** What the grid needs, resolved by {@link selectCommand}. */
interface GridRun {
  readonly base: FamilySpec
  readonly table: Table
  readonly gaussianGrid: boolean
  readonly grid0: Covariance[] | undefined
  readonly ks: readonly number[]
  readonly criterion: 'bic' | 'aic' | 'icl'
  readonly restarts: number
  readonly truth: readonly string[] | undefined
  readonly where: Where
  readonly progress: ProgressSink
}

/** The grid, its table, the best model and its picture. */
const runGrid = async (io: Io, registry: Registry, flags: SelectFlags, run: GridRun): Promise<void> => {
  const { base, gaussianGrid, grid0, ks, criterion, restarts, truth, progress } = run
  const table = run.table
  // In 1-D, full, diag and spherical are one model (mclust's V): fit it once, as full.
  const notes: string[] = []
  let structures: Array<Covariance | undefined> = gaussianGrid ? (grid0 ?? [...COVARIANCES]) : [undefined]
  if (table.d === 1 && gaussianGrid) {
    const one = structures.filter((c) => c === 'tied' || !structures.slice(0, structures.indexOf(c)).some((b) => b !== 'tied'))
    if (one.length < structures.length)
      notes.push("in 1-D full, diag and spherical are one model (mclust's V), fitted once as full; tied is mclust's E")
    structures = one
  }
  const maxIterations = flags.maxIter ?? 1000
  const grid = structures.flatMap((cov) => ks.map((k) => ({ cov, k })))
  const cells: Cell[] = []
  for (const [i, { cov, k }] of grid.entries()) {
    const spec: FamilySpec = cov === undefined ? base : { ...base, covariance: cov }
    const family = orFail(registry(spec))
    const structure = cov ?? base.family
    const parameters = freeParameters(family, table.d, k)
    const tooMany = tooManyParameters(family, table.n, table.d, k)
    if (tooMany !== undefined) {
      cells.push({ spec, structure, k, family, parameters, result: E.left(tooMany), excluded: tooMany })
      continue
    }
    const { fitOne, scale } = run.where.cell(family, k)
    progress.start(`fit ${i + 1} of ${grid.length}: ${label(spec)}, k = ${k}`, maxIterations)
    const { result, degenerate } = await fitCell(family, fitOne, scale, k, restarts, flags, progress)
    cells.push({ spec, structure, k, family, parameters, result, ...(degenerate === undefined ? {} : { excluded: degenerate }) })
  }
  progress.stop()
  const usable = (c: Cell): c is Cell & { result: E.Right<Mixture.MixtureFit<unknown>> } => E.isRight(c.result) && c.excluded === undefined
  let best = -1
  cells.forEach((c, i) => {
    if (
      usable(c) &&
      (best < 0 || c.result.right[criterion] < (cells[best]!.result as E.Right<Mixture.MixtureFit<unknown>>).right[criterion])
    )
      best = i
  })
  if (best < 0) {
    const why = cells.map((c) => c.excluded ?? (E.isLeft(c.result) ? c.result.left : undefined)).find((w) => w !== undefined) ?? ''
    throw new CliFailure(
      dataError(`${table.file}: no fit in the grid is usable: every cell is degenerate, excluded or failed (first: ${why})`),
    )
  }
  const header = ['structure', 'k', 'parameters', 'logLikelihood', 'bic', 'aic', 'icl', 'iterations', 'converged', 'best']
  // As mclust shows NA, an excluded cell shows no criteria, only why it was set aside.
  const rows = cells.map((c, i) =>
    usable(c)
      ? [
          c.structure,
          c.k,
          c.parameters,
          c.result.right.logLikelihood,
          c.result.right.bic,
          c.result.right.aic,
          c.result.right.icl,
          c.result.right.iterations,
          String(c.result.right.converged),
          i === best ? '*' : '',
        ]
      : [
          c.structure,
          c.k,
          c.parameters,
          '',
          '',
          '',
          '',
          '',
          '',
          c.excluded !== undefined ? `excluded: ${c.excluded}` : `failed: ${(c.result as E.Left<string>).left}`,
        ],
  )
  const tableText = flags.format === 'csv' ? writeCsv(header, rows) : alignedTable(header, rows)
  const winner = cells[best]!
  const winnerFit = (winner.result as E.Right<Mixture.MixtureFit<unknown>>).right
  const outputs: Written[] = [{ path: undefined, contents: tableText }]
  if (flags.out !== undefined)
    outputs.unshift({
      path: flags.out,
      contents: JSON.stringify(modelJson(winner.family, winnerFit.params, winnerFit, table), null, 2) + '\n',
    })
  if (flags.plot !== undefined) {
    const points: SelectPoint[] = []
    cells.forEach((c, i) => {
      if (usable(c)) points.push({ structure: c.structure, k: c.k, value: c.result.right[criterion], best: i === best })
      else points.push({ structure: c.structure, k: c.k, value: Number.NaN, best: false, excluded: true })
    })
    const data = thinRows(orFail(toDataset(table, winner.family, winner.k)), PLOT_POINTS, flags.seed ?? 0)
    const sample = data.n < table.n ? ` (a uniform sample of ${data.n} of ${table.n} rows)` : ''
    const what = `${label(winner.spec)}, k = ${winner.k}`
    const input = {
      family: winner.family,
      params: winnerFit.params,
      data,
      columns: table.columns,
      trace: winnerFit.trace,
      title: `best: ${what}${sample}`,
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
    const failed = cells.filter((c) => E.isLeft(c.result) && c.excluded === undefined).length
    const excluded = cells.filter((c) => c.excluded !== undefined).length
    for (const note of notes) io.stderr(`emkit select: note: ${note}\n`)
    io.stderr(
      `emkit select: ${cells.length} cells on ${table.file} (${restarts} restart${restarts === 1 ? '' : 's'} each${excluded > 0 ? `, ${excluded} excluded` : ''}${failed > 0 ? `, ${failed} failed` : ''}); best by ${criterion.toUpperCase()}: ${label(winner.spec)}, k = ${winner.k} (${criterion.toUpperCase()} ${fmt(winnerFit[criterion])})\n`,
    )
    if (truth !== undefined) {
      const labels = Mixture.predict(winner.family, winnerFit.params, orFail(toDataset(table, winner.family, winner.k)))
      const lines = E.isLeft(labels)
        ? [`agreement with ${flags.truth}: not computed (${labels.left.message})`]
        : agreementLines(agreement(truth, labels.right, winner.k), flags.truth!)
      for (const line of lines) io.stderr(`emkit select: best model's ${line}\n`)
    }
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

/**
 * Adds `emkit select` to the program.
 */
export const registerSelect = (root: Command, io: Io, registry: Registry): void => {
  commonFitOptions(
    readOptions(root.command('select'), true)
      .description(
        'Fit a grid over k (and gaussian covariance structures) with restarts; print log-likelihood, BIC, AIC and ICL, marking the best.',
      )
      .argument('[data]', 'CSV, TSV, text or Parquet file, or - (standard input) (default: the embedded Old Faithful data)')
      .addOption(familyOption())
      .option('--k <ks>', 'values of k: 3, 1..8 or 1,2,4 (default: 1..6)', parseKs)
      .option('--covariance <types>', 'gaussian structures, comma-separated (default: full,diag,spherical,tied)', covarianceList)
      .addOption(
        new Option('--criterion <c>', 'the criterion that picks the best (smaller is better; default: bic)').choices(['bic', 'aic', 'icl']),
      )
      .option(
        '--restarts <n>',
        `restarts per cell; the best non-degenerate fit is kept (default: ${SELECT_RESTARTS})`,
        integer('--restarts', 1),
      ),
  )
    .addOption(new Option('--format <f>', 'table format on stdout (default: table)').choices(['table', 'csv']))
    .addOption(
      new Option('--engine <engine>', 'memory (default) or duckdb: every fit of the grid runs inside DuckDB').choices(['memory', 'duckdb']),
    )
    .option('--db <url>', 'fit the grid inside this PostgreSQL database, reading --table')
    .option('--table <name>', 'the --db table that holds the data')
    .option('--out <model.json>', 'write the best model here')
    .option('--plot <file>', 'draw the criterion against k and the best model: FILE.svg or FILE.html', plotPath)
    .option('--quiet', 'print nothing on stderr')
    .action(async (data: string | undefined, flags: SelectFlags) => selectCommand(io, registry, data, flags))
}
