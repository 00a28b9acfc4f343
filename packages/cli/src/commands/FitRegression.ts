/**
 * `emkit fit --family regression|poisson-glm|logistic --formula "y ~ x + I(x^2)"`: mixtures of
 * regressions, with `--concomitant z1,z2` (covariate-dependent weights), `--group COL` (one latent
 * class per group), `--variance ml|flexmix` and `--init` a model file or a CSV of posteriors.
 *
 * @module
 */
import type { EmError, Progress } from '@emkit/core'
import { Dataset, Regression, Rng, Validate } from '@emkit/core'
import { either as E } from 'fp-ts'
import type { CliError } from '../Failure.js'
import { CliFailure, dataError, usageError } from '../Failure.js'
import type { Table } from '../Csv.js'
import { writeCsv } from '../Csv.js'
import type { Io, ReadFlags } from '../Options.js'
import { renderPicture } from '../Pictures.js'
import type { VlSpec } from '../Plots.js'
import { traceSpec } from '../Plots.js'
import type { Written } from '../Steps.js'
import { fmt, loadData, progressFor, readText, writeAll } from '../Steps.js'

/**
 * The names `--family` accepts for mixtures of regressions.
 *
 * @category Command line
 * @since 0.2.0
 */
export const REGRESSION_FAMILIES = ['regression', 'poisson-glm', 'logistic'] as const

/** The flags of `emkit fit` a mixture of regressions reads (the shared ones are `fit`'s too). */
export interface RegressionFlags extends ReadFlags {
  family?: string
  /** `--formula` (mixtures of regressions only, like the next three). */
  formula?: string
  concomitant?: string[]
  group?: string
  variance?: 'ml' | 'flexmix'
  k?: number
  init?: string
  restarts?: number
  seed?: number
  maxIter?: number
  tol?: number
  out?: string
  /** `--plot FILE.svg|FILE.html`: the data by most likely class with the fitted regressions, and the trace. */
  plot?: string
  quiet?: boolean
}

/** Whether `emkit fit` with these flags fits a mixture of regressions. */
export const isRegressionFit = (flags: { family?: unknown; formula?: string; concomitant?: string[]; group?: string }): boolean =>
  (typeof flags.family === 'string' && (REGRESSION_FAMILIES as readonly string[]).includes(flags.family)) ||
  flags.formula !== undefined ||
  flags.concomitant !== undefined ||
  flags.group !== undefined

/** Whether `--init` names a model file of a mixture of regressions (so no `--family` is needed). */
export const isRegressionModelFile = (init: string | undefined): boolean => {
  if (init === undefined || !/\.json$/i.test(init)) return false
  const text = readText(init, 'model file')
  if (E.isLeft(text)) return false
  try {
    const json: unknown = JSON.parse(text.right)
    return (
      typeof json === 'object' &&
      json !== null &&
      (REGRESSION_FAMILIES as readonly unknown[]).includes((json as { family?: unknown }).family)
    )
  } catch {
    return false
  }
}

/** Points of the fitted curves per class. */
const CURVE_POINTS = 120

/**
 * The picture of a fitted mixture of regressions: the response against the formula's first
 * covariate, points coloured by most likely class, and each class's fitted mean E[y | x] as a line
 * (drawn when the formula has one covariate; with more, the points only).
 */
const regressionSpec = (
  family: Regression.ConditionalFamily,
  params: Regression.RegressionParams,
  data: Regression.RegressionData,
  title: string,
): VlSpec => {
  const covariates = [...new Set(data.formula.terms.flatMap((t) => t.factors.map((f) => f.column)))]
  const first = covariates[0]
  const factor = data.formula.terms.find((t) => t.factors.length === 1 && t.factors[0]!.column === first && t.factors[0]!.power === 1)
  const at = factor === undefined ? -1 : data.formula.terms.indexOf(factor)
  const labels = Regression.predict(family, params, data)
  const label = (j: number): string => `class ${j + 1}`
  const points = Array.from({ length: data.n }, (_, i) => ({
    x: at < 0 ? i + 1 : data.x[i * data.p + at]!,
    y: data.y[i]!,
    class: label(E.isRight(labels) ? labels.right[i]! : 0),
  }))
  const xTitle = at < 0 ? 'row' : first!
  const layers: VlSpec[] = [
    {
      data: { values: points },
      mark: { type: 'point', filled: true, size: 22, opacity: 0.7 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: xTitle, scale: { zero: false } },
        y: { field: 'y', type: 'quantitative', title: data.formula.response, scale: { zero: false } },
        color: { field: 'class', type: 'nominal', title: 'most likely class' },
      },
    },
  ]
  if (covariates.length === 1 && at >= 0) {
    let lo = Infinity
    let hi = -Infinity
    for (const p of points) {
      lo = Math.min(lo, p.x)
      hi = Math.max(hi, p.x)
    }
    const grid = Float64Array.from({ length: CURVE_POINTS }, (_, t) => lo + ((hi - lo) * t) / (CURVE_POINTS - 1))
    const x = Regression.designMatrix(data.formula.terms, (name) => (name === first ? grid : undefined), CURVE_POINTS)
    if (E.isRight(x)) {
      const curves = params.components.flatMap((c, j) =>
        Array.from(grid, (g, t) => ({ x: g, mean: family.mean(c, x.right, data.p, t), class: label(j) })),
      )
      layers.push({
        data: { values: curves },
        mark: { type: 'line', strokeWidth: 2.5 },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'mean', type: 'quantitative' },
          color: { field: 'class', type: 'nominal' },
        },
      })
    }
  }
  return { title: `${title}: data by most likely class`, width: 420, height: 320, layer: layers }
}

/** A core error on the data as one line naming the file, row (its line) and column. */
const dataFailure = (table: Table, e: EmError): CliError => {
  if (e._tag === 'InvalidOptions') return dataError(`${table.file}: --${e.option}: ${e.message}`)
  if (e._tag === 'InvalidData' && e.row !== undefined) {
    return dataError(`${table.file}: line ${table.lines[e.row] ?? e.row + 1}: ${e.message}`)
  }
  return dataError(`${table.file}: ${e.message}`)
}

const orThrow = <A>(r: E.Either<CliError, A>): A => {
  if (E.isLeft(r)) throw new CliFailure(r.left)
  return r.right
}

/** Reads `--init`: a model file (JSON) or a CSV of posteriors (n rows × k columns). */
const readStart = async (
  io: Io,
  path: string,
  family: Regression.ConditionalFamily | undefined,
  flags: RegressionFlags,
): Promise<{
  readonly model?: Regression.RegressionModel
  readonly posterior?: { readonly values: Float64Array; readonly k: number; readonly table: Table }
}> => {
  if (/\.(csv|tsv|txt)$/i.test(path)) {
    const { table } = await loadData(io, path, { quiet: true }, 'fit')
    return { posterior: { values: table.values, k: table.d, table } }
  }
  const text = orThrow(readText(path, 'model file'))
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new CliFailure(dataError(`${path}: not valid JSON (${Validate.thrown(e)})`))
  }
  const model = Regression.fromJSON(json)
  if (E.isLeft(model)) throw new CliFailure(dataError(`${path}: ${model.left.message}`))
  const m = model.right
  if (family !== undefined && m.family.name !== family.name) {
    throw new CliFailure(dataError(`${path} is a ${m.family.name} model but --family ${family.name} was given`))
  }
  if (
    flags.variance !== undefined &&
    m.family.variant['variance'] !== undefined &&
    m.family.variant['variance'] !== flags.variance &&
    json !== null &&
    typeof json === 'object' &&
    'variance' in json
  ) {
    throw new CliFailure(dataError(`${path} uses the ${m.family.variant['variance']} variance but --variance ${flags.variance} was given`))
  }
  return { model: m }
}

/**
 * Runs `emkit fit` for a mixture of regressions.
 *
 * @category Command line
 * @since 0.2.0
 */
export const fitRegressionCommand = async (io: Io, dataPath: string | undefined, flags: RegressionFlags): Promise<void> => {
  if (dataPath === undefined) throw new CliFailure(usageError("a mixture of regressions needs a DATA file with the formula's columns"))
  const given = flags.family === undefined ? undefined : Regression.byName(flags.family, flags.variance ?? 'ml')
  if (flags.family !== undefined && given === undefined) {
    throw new CliFailure(
      usageError(`--formula, --concomitant and --group need --family ${REGRESSION_FAMILIES.join(', ')}; got --family ${flags.family}`),
    )
  }
  const start = flags.init === undefined ? {} : await readStart(io, flags.init, given, flags)
  const family =
    given ??
    (start.model === undefined
      ? undefined
      : Regression.byName(
          start.model.family.name,
          flags.variance ?? (start.model.family.variant['variance'] as 'ml' | 'flexmix' | undefined) ?? 'ml',
        ))
  if (family === undefined)
    throw new CliFailure(usageError(`--family ${REGRESSION_FAMILIES.join('|')} is required for a mixture of regressions`))
  const formula = flags.formula ?? start.model?.formula
  if (formula === undefined) throw new CliFailure(usageError('--formula "y ~ x + …" is required (or an --init model file that has one)'))
  const parsed = Regression.parseFormula(formula)
  if (E.isLeft(parsed)) throw new CliFailure(usageError(`--formula: ${parsed.left.message}`))
  const { table } = await loadData(io, dataPath, flags, 'fit')
  const dataset = Dataset.fromFlat(table.values, table.d, { columns: table.columns })
  if (E.isLeft(dataset)) throw new CliFailure(dataFailure(table, dataset.left))
  const concomitant = flags.concomitant ?? start.model?.concomitantTerms?.slice(1)
  const group = flags.group ?? start.model?.group
  const data = Regression.design(dataset.right, {
    formula,
    ...(concomitant === undefined ? {} : { concomitant }),
    ...(group === undefined ? {} : { group }),
  })
  if (E.isLeft(data)) throw new CliFailure(dataFailure(table, data.left))
  const d = data.right
  let init: Regression.RegressionStart = 'random'
  let k = flags.k ?? 2
  if (start.model !== undefined) {
    const m = start.model
    if (m.terms.join(',') !== d.terms.join(',')) {
      throw new CliFailure(dataError(`${flags.init} has terms ${m.terms.join(', ')} but --formula gives ${d.terms.join(', ')}`))
    }
    if (flags.k !== undefined && flags.k !== m.params.components.length) {
      throw new CliFailure(dataError(`${flags.init} has ${m.params.components.length} components but --k ${flags.k} was given`))
    }
    k = m.params.components.length
    init = m.params
  } else if (start.posterior !== undefined) {
    const p = start.posterior
    if (flags.k !== undefined && flags.k !== p.k)
      throw new CliFailure(dataError(`${flags.init} has ${p.k} columns (components) but --k ${flags.k} was given`))
    if (p.table.n !== d.n)
      throw new CliFailure(
        dataError(`${flags.init} has ${p.table.n} rows but ${table.file} has ${d.n}; the posterior needs one row per data row`),
      )
    k = p.k
    init = { posterior: p.values }
  }
  const maxIterations = flags.maxIter ?? 1000
  const what = `${family.name}${family.variant['variance'] === 'flexmix' ? ' (flexmix variance)' : ''} ${parsed.right.source}, k = ${k}`
  const progress = progressFor(io, flags.quiet)
  progress.start(what, maxIterations)
  const result = Regression.fit(family, d, k, {
    init,
    maxIterations,
    onIteration: (pr: Progress) => progress.update(pr),
    ...(flags.tol === undefined ? {} : { tolerance: flags.tol }),
    ...(flags.seed === undefined ? {} : { seed: flags.seed }),
    ...(flags.restarts === undefined ? {} : { restarts: flags.restarts }),
  })
  progress.stop()
  if (E.isLeft(result)) {
    const e = result.left
    if (
      e._tag === 'InvalidData' &&
      e.row !== undefined &&
      flags.init !== undefined &&
      start.posterior !== undefined &&
      /posterior/.test(e.message)
    ) {
      throw new CliFailure(dataError(`${flags.init}: line ${start.posterior.table.lines[e.row] ?? e.row + 1}: ${e.message}`))
    }
    throw new CliFailure(
      e._tag === 'InvalidData' ? dataFailure(table, e) : dataError(`${table.file} (${what}): the fit cannot proceed: ${e.message}`),
    )
  }
  const f = result.right
  const json = { ...Regression.toJSON(family, d, f.params, f), columns: [...table.columns] }
  const outputs: Written[] = [{ path: flags.out, contents: JSON.stringify(json, null, 2) + '\n' }]
  if (flags.plot !== undefined) {
    outputs.unshift({
      path: flags.plot,
      contents: await renderPicture(
        flags.plot,
        `emkit fit: ${what}`,
        `${table.file}: ${d.n} rows; log-likelihood ${fmt(f.logLikelihood, 10)}, BIC ${fmt(f.bic)}`,
        [
          { heading: 'Data by most likely class, with the fitted regressions', spec: regressionSpec(family, f.params, d, what) },
          { heading: 'Log-likelihood per iteration', spec: traceSpec(f.trace) },
        ],
        [],
      ),
    })
  }
  writeAll(io, outputs)
  if (flags.quiet !== true) {
    const restarts = init === 'random' ? (flags.restarts ?? Regression.DEFAULT_RESTARTS) : 1
    io.stderr(
      `emkit fit: ${what} on ${table.file} (n = ${d.n}${d.groups === undefined ? '' : `, ${d.groups.count} groups`}): log-likelihood ${fmt(f.logLikelihood, 10)} after ${f.iterations} iterations (${f.converged ? 'converged' : `not converged: ${f.stopReason}`}${restarts > 1 ? `, best of ${restarts} random starts` : ''}), BIC ${fmt(f.bic)}\n`,
    )
  }
}

/** Rows with column names, given the model's column roles; a bad cell is one line naming the file's line. */
const withRoles = (
  table: Table,
  rows: { readonly values: Float64Array; readonly d: number; readonly columns: readonly string[] },
  model: Regression.RegressionModel,
): Regression.RegressionData => {
  const dataset = Dataset.fromFlat(rows.values, rows.d, { columns: rows.columns })
  if (E.isLeft(dataset)) throw new CliFailure(dataFailure(table, dataset.left))
  const data = Regression.design(dataset.right, {
    formula: model.formula,
    ...(model.concomitantTerms === undefined ? {} : { concomitant: model.concomitantTerms.slice(1) }),
    ...(model.group === undefined ? {} : { group: model.group }),
  })
  if (E.isLeft(data)) throw new CliFailure(dataFailure(table, data.left))
  return data.right
}

/**
 * The DATA file `predict` or `score` apply a mixture-of-regressions model to: required, and read in
 * memory (usage errors for `--engine duckdb`, `--db`, `--table`).
 *
 * @category Command line
 * @since 0.2.0
 */
export const regressionData = (
  modelPath: string,
  dataPath: string | undefined,
  flags: { readonly engine?: string; readonly db?: string; readonly table?: string },
): string => {
  if ((flags.engine !== undefined && flags.engine !== 'memory') || flags.db !== undefined || flags.table !== undefined)
    throw new CliFailure(
      usageError(`${modelPath} is a mixture of regressions: it is applied in memory (no --engine duckdb, --db or --table)`),
    )
  if (dataPath === undefined)
    throw new CliFailure(usageError(`${modelPath} is a mixture of regressions: give the DATA file with its columns`))
  return dataPath
}

/** A mixture-of-regressions model file and a data file prepared with the model's column roles. */
const modelAndData = async (
  io: Io,
  command: string,
  modelPath: string,
  dataPath: string,
  flags: ReadFlags,
): Promise<{ readonly model: Regression.RegressionModel; readonly data: Regression.RegressionData; readonly table: Table }> => {
  const { model } = await readStart(io, modelPath, undefined, {})
  const m = model!
  const { table } = await loadData(io, dataPath, flags, command)
  const data = withRoles(table, { values: table.values, d: table.d, columns: table.columns }, m)
  if (data.terms.join(',') !== m.terms.join(',')) {
    throw new CliFailure(dataError(`${modelPath}: "terms" ${m.terms.join(', ')} do not match its formula's ${data.terms.join(', ')}`))
  }
  const support = m.family.checkResponse(data.y)
  if (E.isLeft(support))
    throw new CliFailure(
      dataFailure(table, { ...support.left, message: `column "${data.formula.response}" (the response), ${support.left.message}` }),
    )
  return { model: m, data, table }
}

/**
 * `emkit predict` for a mixture-of-regressions model: every row's most likely class (0-based), then
 * the posterior probability of each class given its covariates and response (a group's rows share
 * their group's).
 *
 * @category Command line
 * @since 0.2.0
 */
export const predictRegressionCommand = async (
  io: Io,
  modelPath: string,
  dataPath: string,
  flags: ReadFlags & { out?: string },
): Promise<void> => {
  const { model, data, table } = await modelAndData(io, 'predict', modelPath, dataPath, flags)
  const k = model.params.components.length
  const proba = Regression.predictProba(model.family, model.params, data)
  if (E.isLeft(proba)) throw new CliFailure(dataError(`${modelPath} on ${table.file}: ${proba.left.message}`))
  const rows: number[][] = []
  for (let i = 0; i < data.n; i++) {
    const p = Array.from(proba.right.subarray(i * k, (i + 1) * k))
    rows.push([p.indexOf(Math.max(...p)), ...p])
  }
  writeAll(io, [{ path: flags.out, contents: writeCsv(['label', ...Array.from({ length: k }, (_, j) => `p${j}`)], rows) }])
}

/**
 * `emkit score` for a mixture-of-regressions model: the log-likelihood of every row (of every group,
 * named by its first row, when the model has groups), then the total.
 *
 * @category Command line
 * @since 0.2.0
 */
export const scoreRegressionCommand = async (
  io: Io,
  modelPath: string,
  dataPath: string,
  flags: ReadFlags & { out?: string },
): Promise<void> => {
  const { model, data, table } = await modelAndData(io, 'score', modelPath, dataPath, flags)
  const ll = Regression.scoreSamples(model.family, model.params, data)
  if (E.isLeft(ll)) throw new CliFailure(dataError(`${modelPath} on ${table.file}: ${ll.left.message}`))
  const rows: Array<Array<number | string>> = []
  let total = 0
  ll.right.forEach((v, g) => {
    rows.push([(data.groups === undefined ? g : data.groups.first[g]!) + 1, v])
    total += v
  })
  rows.push(['total', total])
  writeAll(io, [{ path: flags.out, contents: writeCsv([data.groups === undefined ? 'row' : 'firstRowOfGroup', 'logLikelihood'], rows) }])
}

/**
 * `emkit sample MODEL.json --n N --covariates FILE` for a mixture-of-regressions model: N draws of
 * the response given the covariates of FILE's rows (row i of the output at row i mod m of FILE), each
 * group (or row) drawing its class from the weights or πⱼ(z); the output is FILE's columns with the
 * response drawn (appended when FILE has no such column), then `component` with `--labels`.
 *
 * @category Command line
 * @since 0.2.0
 */
export const sampleRegressionCommand = async (
  io: Io,
  modelPath: string,
  flags: { n: number; covariates?: string; seed?: number; labels?: boolean; out?: string },
): Promise<void> => {
  if (flags.covariates === undefined) {
    throw new CliFailure(usageError(`${modelPath} is a mixture of regressions: it is sampled given covariates; add --covariates FILE.csv`))
  }
  const { model } = await readStart(io, modelPath, undefined, {})
  const m = model!
  const { table } = await loadData(io, flags.covariates, { quiet: true }, 'sample')
  const response = Regression.parseFormula(m.formula)
  if (E.isLeft(response)) throw new CliFailure(dataError(`${modelPath}: ${response.left.message}`))
  const y = response.right.response
  const present = table.columns.indexOf(y)
  const columns = present < 0 ? [...table.columns, y] : [...table.columns]
  const d = columns.length
  const values = new Float64Array(flags.n * d)
  for (let i = 0; i < flags.n; i++) {
    const r = i % table.n
    for (let c = 0; c < table.d; c++) values[i * d + c] = table.values[r * table.d + c]!
    values[i * d + (present < 0 ? d - 1 : present)] = 0
  }
  const data = withRoles(table, { values, d, columns }, m)
  const drawn = Regression.sample(m.family, m.params, data, Rng.seeded(flags.seed ?? 0))
  if (E.isLeft(drawn)) throw new CliFailure(dataError(`${modelPath} on ${table.file}: ${drawn.left.message}`))
  const at = present < 0 ? d - 1 : present
  const rows: number[][] = []
  for (let i = 0; i < flags.n; i++) {
    const row = Array.from(values.subarray(i * d, (i + 1) * d))
    row[at] = drawn.right.response[i]!
    if (flags.labels === true) row.push(drawn.right.labels[i]!)
    rows.push(row)
  }
  writeAll(io, [{ path: flags.out, contents: writeCsv(flags.labels === true ? [...columns, 'component'] : columns, rows) }])
}
