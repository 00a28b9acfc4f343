/**
 * `emkit select`: fits a grid over k (and Gaussian covariance structures), prints the criteria of
 * every cell and marks the best.
 *
 * @packageDocumentation
 */
import type { Progress } from '@emkit/core'
import { Mixture } from '@emkit/core'
import type { Command } from 'commander'
import { Option } from 'commander'
import { either as E } from 'fp-ts'
import { writeCsv } from '../Csv.js'
import { checkSupport, toDataset } from '../Data.js'
import { CliFailure, dataError, orFail, usageError } from '../Failure.js'
import type { AnyFamily, Covariance, FamilySpec, Registry } from '../Families.js'
import { COVARIANCES, label } from '../Families.js'
import type { Io } from '../Options.js'
import { commonFitOptions, covarianceList, familyOption, integer, parseKs, plotPath } from '../Options.js'
import { modelTables, renderPicture } from '../Pictures.js'
import type { SelectPoint } from '../Plots.js'
import { dataSpec, selectSpec, traceSpec } from '../Plots.js'
import type { Written } from '../Steps.js'
import { familySpec, fmt, loadTable, progressFor, writeAll } from '../Steps.js'
import type { FitFlags } from './Fit.js'

/** The flags of `select`. */
export interface SelectFlags extends Omit<FitFlags, 'k' | 'covariance' | 'init'> {
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

/** `emkit select`: the grid over k and structures, its table, the best model and its picture. */
export const selectCommand = async (io: Io, registry: Registry, dataPath: string | undefined, flags: SelectFlags): Promise<void> => {
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

/**
 * Adds `emkit select` to the program.
 */
export const registerSelect = (root: Command, io: Io, registry: Registry): void => {
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
}
