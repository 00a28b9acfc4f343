/**
 * EM inside the database: a {@link @emkit/core!Engine.StatisticsSource | StatisticsSource} whose
 * every pass is **one SQL aggregate with no GROUP BY**. Per row, the query computes the k
 * log-densities, their log-sum-exp and the responsibilities; then the sums of the weighted,
 * mean-shifted sufficient statistics. The single result row is the family's statistics value, so
 * shards merge with the family's monoid ({@link fanout}) and the M-step runs here unchanged.
 *
 * emkit depends on no database driver: `run` is the caller's own client, a function from SQL text
 * to the first row of its result.
 *
 * @packageDocumentation
 */
import type { ComponentFamily, EmError, Engine, SqlCapability } from '@emkit/core'
import { Dataset, EmException, Engine as EngineNs, Errors, Mixture, Validate } from '@emkit/core'
import { either as E } from 'fp-ts'
import type { Dialect } from './Dialect.js'
import { DIALECTS } from './Dialect.js'
import type { Relation } from './internal/query.js'
import * as Query from './internal/query.js'

/**
 * The caller's client: runs one SQL statement and resolves to the first row of its result as an
 * object keyed by column name (or `undefined` for a statement that returns no rows). Values may be
 * numbers, numeric strings, bigints, or arrays of those (nested for a 2-D array). With
 * `@duckdb/node-api`: `async (q) => (await connection.runAndReadAll(q)).getRowObjectsJS()[0]`; with
 * `pg`: `async (q) => (await client.query(q)).rows[0]` (one `Client`, not a `Pool`: the source's
 * `SET` statements apply to one session).
 *
 * @category SQL
 * @since 0.2.0
 */
export type Run = (sql: string) => Promise<Readonly<Record<string, unknown>> | undefined>

/**
 * Where the rows are: a table name (`'measurements'`), a qualified name (`['lake', 'measurements']`,
 * each part quoted), or a relation written in SQL by the caller (`{ query: "read_parquet('x.parquet')" }`),
 * which is used as given — it is the caller's SQL, not data.
 *
 * @category SQL
 * @since 0.2.0
 */
export type From = string | readonly string[] | { readonly query: string }

/**
 * Options of {@link sql}.
 *
 * @category SQL
 * @since 0.2.0
 */
export interface SqlOptions {
  /** The dialect, or its name. */
  readonly dialect: Dialect | Dialect['name']
  /** The caller's client. */
  readonly run: Run
  /** The rows. */
  readonly from: From
  /** The data columns, by name, in the order of the parameters' coordinates (d ≥ 1). */
  readonly columns: readonly string[]
  /** Optional column of sample weights (finite, ≥ 0). */
  readonly weight?: string
}

const invalid = (option: string, message: string): E.Either<EmError, never> => E.left(Errors.invalidOptions(option, message))

/** Checks a name used as an identifier: a non-empty string without NUL that the engine keeps whole. */
const checkName = (option: string, name: unknown, dialect: Dialect): E.Either<EmError, string> => {
  if (typeof name !== 'string' || name.length === 0)
    return invalid(option, `${option} must be a non-empty string, got ${Validate.show(name)}`)
  if (name.includes('\u0000'))
    return invalid(option, `${option} ${Validate.show(name)} contains a NUL character, which no SQL identifier can hold`)
  const bytes = new TextEncoder().encode(name).length
  if (bytes > dialect.maxIdentifierBytes)
    return invalid(
      option,
      `${option} ${Validate.show(name)} is ${bytes} bytes long; ${dialect.name} truncates identifiers at ${dialect.maxIdentifierBytes} bytes, so it would name another column`,
    )
  return E.right(name)
}

const relationOf = (from: unknown, dialect: Dialect): E.Either<EmError, string> => {
  if (typeof from === 'string') return E.map((name: string) => dialect.identifier(name))(checkName('from', from, dialect))
  if (Array.isArray(from)) {
    if (from.length < 1 || from.length > 3) return invalid('from', `a qualified name has 1 to 3 parts, got ${from.length}`)
    const parts: string[] = []
    for (const part of from as unknown[]) {
      const ok = checkName('from', part, dialect)
      if (E.isLeft(ok)) return ok
      parts.push(dialect.identifier(ok.right))
    }
    return E.right(parts.join('.'))
  }
  if (Validate.isObject(from) && typeof (from as { query?: unknown }).query === 'string' && (from as { query: string }).query.trim() !== '')
    return E.right(`(SELECT * FROM ${(from as { query: string }).query}) AS "source"`)
  return invalid('from', `from must be a table name, a qualified name or { query }, got ${Validate.show(from)}`)
}

/** A checked source: dialect, relation, client. */
interface Spec {
  readonly relation: Relation
  readonly run: Run
  readonly names: readonly string[]
}

const specOf = (options: SqlOptions): E.Either<EmError, Spec> => {
  const given = Validate.record('options', options)
  if (E.isLeft(given)) return given
  const o = given.right
  const dialect = typeof o.dialect === 'string' ? DIALECTS[o.dialect] : o.dialect
  if (dialect === undefined || !Object.values(DIALECTS).includes(dialect))
    return invalid('dialect', `dialect must be 'duckdb', 'postgres' or one of Sql's dialect objects, got ${Validate.show(o.dialect)}`)
  const run = Validate.callback<Run>('run', o.run)
  if (E.isLeft(run)) return run
  const from = relationOf(o.from, dialect)
  if (E.isLeft(from)) return from
  if (!Array.isArray(o.columns) || o.columns.length === 0)
    return invalid('columns', `columns must be a non-empty array of column names, got ${Validate.show(o.columns)}`)
  const names: string[] = []
  for (const c of o.columns as unknown[]) {
    const ok = checkName('columns', c, dialect)
    if (E.isLeft(ok)) return ok
    if (names.includes(ok.right)) return invalid('columns', `column ${Validate.show(ok.right)} is named twice`)
    names.push(ok.right)
  }
  let weight: string | undefined
  if (o.weight !== undefined) {
    const ok = checkName('weight', o.weight, dialect)
    if (E.isLeft(ok)) return ok
    if (names.includes(ok.right)) return invalid('weight', `the weight column ${Validate.show(ok.right)} is also a data column`)
    weight = dialect.identifier(ok.right)
  }
  const relation: Relation = {
    dialect,
    from: from.right,
    columns: names.map((name) => dialect.identifier(name)),
    ...(weight === undefined ? {} : { weight }),
  }
  return E.right({ relation, run: run.right, names })
}

/** Reads a number from a result cell (number, numeric string, bigint; NULL as NaN). */
const toNumber = (v: unknown): number => {
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  if (typeof v === 'string') return Number(v)
  if (v === null || v === undefined) return Number.NaN
  return Number.NaN
}

/** Reads an array cell (JS array or array-like). */
const toArray = (v: unknown): readonly unknown[] | undefined => {
  if (Array.isArray(v)) return v as unknown[]
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>)
  return undefined
}

/** Thrown on the hot path (inside a pass); the engine layer turns it into a `Left`. */
class Failure extends Error {
  constructor(readonly error: EmError) {
    super(error.message)
  }
}

/** The source's client, its failures as typed errors naming the engine. */
const query = async (engine: string, run: Run, sql: string, what: string): Promise<Readonly<Record<string, unknown>>> => {
  let row: Readonly<Record<string, unknown>> | undefined
  try {
    row = await run(sql)
  } catch (e) {
    throw new Failure(Errors.engineFailure(engine, `${what} failed: ${Validate.thrown(e)}`))
  }
  if (!Validate.isObject(row))
    throw new Failure(Errors.engineFailure(engine, `${what} returned no row (run must resolve to the first row of the result)`))
  return row
}

const cell = (row: Readonly<Record<string, unknown>>, name: string): number => toNumber(row[name])

const cells = (engine: string, row: Readonly<Record<string, unknown>>, name: string, length: number): Float64Array => {
  const a = toArray(row[name])
  if (a === undefined || a.length !== length)
    throw new Failure(Errors.engineFailure(engine, `the result column "${name}" is not an array of ${length} numbers`))
  return Float64Array.from(a, toNumber)
}

/** The θ-free facts about the data, checked once when a source is bound. */
interface Facts {
  readonly rows: number
  readonly weight: number
  readonly positive: number
  readonly base: number
}

const describe = async <C, S>(spec: Spec, capability: SqlCapability<C, S>, family: string): Promise<Facts> => {
  const { relation, run, names } = spec
  const engine = relation.dialect.name
  const d = names.length
  const row = await query(engine, run, Query.describe(relation, capability), 'checking the data')
  const rows = cell(row, 'rows')
  if (!(rows > 0)) throw new Failure(Errors.invalidData('the relation has no rows'))
  const nulls = cells(engine, row, 'nulls', d)
  const nonfinite = cells(engine, row, 'nonfinite', d)
  for (let c = 0; c < d; c++) {
    if (nulls[c]! > 0)
      throw new Failure(
        Errors.invalidData(`column ${Validate.show(names[c])}: ${nulls[c]} rows hold NULL; every value must be a number`, undefined, c),
      )
    if (nonfinite[c]! > 0)
      throw new Failure(
        Errors.invalidData(
          `column ${Validate.show(names[c])}: ${nonfinite[c]} rows hold a non-finite value; every value must be a finite number`,
          undefined,
          c,
        ),
      )
  }
  if (cell(row, 'nullweights') > 0)
    throw new Failure(Errors.invalidData(`the weight column holds NULL in ${cell(row, 'nullweights')} rows`))
  if (cell(row, 'badweights') > 0)
    throw new Failure(Errors.invalidData(`the weight column holds ${cell(row, 'badweights')} values that are not finite and ≥ 0`))
  if (capability.support !== undefined) {
    const outside = cells(engine, row, 'outside', d)
    for (let c = 0; c < d; c++) {
      if (outside[c]! > 0)
        throw new Failure(
          Errors.invalidData(
            `column ${Validate.show(names[c])}: ${outside[c]} rows are outside the ${family} family's support (${capability.support.requirement})`,
            undefined,
            c,
          ),
        )
    }
  }
  const weight = cell(row, 'weight')
  if (!(weight > 0)) throw new Failure(Errors.invalidData('every row has weight 0'))
  const baseSql = Query.baseMeasure(relation, capability)
  const base = baseSql === undefined ? 0 : cell(await query(engine, run, baseSql, 'the base measure'), 'base')
  if (!Number.isFinite(base)) throw new Failure(Errors.invalidData(`the data's base measure Σ w·log h(x) is ${base}`))
  return { rows, weight, positive: cell(row, 'positive'), base }
}

const logOf = (weights: Float64Array): Float64Array => Float64Array.from(weights, (w) => Math.log(w))

/** The typed error of a failure thrown while bound. */
const caught = (e: unknown): EmError => {
  if (e instanceof Failure) return e.error
  if (e instanceof EmException) return e.error
  throw e
}

/** Binds a checked spec to a family: the engine of one fit. */
const bind = async <C, S>(spec: Spec, family: ComponentFamily<C, S>): Promise<E.Either<EmError, Engine.PassEngine<C, S>>> => {
  const capability = family.sql
  if (capability === undefined)
    return invalid(
      'family',
      `the ${family.name} family has no SQL capability (ComponentFamily.sql), so it cannot be fitted inside a database; fit it in memory or with a stream`,
    )
  const { relation, run } = spec
  const engine = relation.dialect.name
  const d = spec.names.length
  const monoid = family.statistics(d)
  const width = 1 + capability.featureCount(d)
  let facts: Facts
  try {
    for (const statement of relation.dialect.setup) {
      try {
        await run(statement)
      } catch (e) {
        throw new Failure(Errors.engineFailure(engine, `${statement} failed: ${Validate.thrown(e)}`))
      }
    }
    facts = await describe(spec, capability, family.name)
  } catch (e) {
    return E.left(caught(e))
  }
  const rethrow = (e: unknown): never => {
    throw new EmException(caught(e))
  }
  return E.right({
    pass: async (params) => {
      try {
        const k = params.components.length
        const row = await query(engine, run, Query.pass(relation, capability, logOf(params.weights), params.components), 'the E-step query')
        const sums = cells(engine, row, 's', k * width)
        const statistics: S[] = []
        for (let j = 0; j < k; j++) {
          const s = sums.subarray(j * width, (j + 1) * width)
          statistics.push(s[0]! > 0 ? capability.fromSums(params.components[j]!, s[0]!, s.slice(1)) : monoid.empty)
        }
        const impossible = cell(row, 'impossible') > 0
        return {
          logLikelihood: impossible ? -Infinity : cell(row, 'll') + facts.base,
          statistics,
          hardLogResponsibility: cell(row, 'hard'),
          weight: facts.weight,
          rows: facts.rows,
          positiveRows: facts.positive,
          impossibleRow: -1,
        }
      } catch (e) {
        return rethrow(e)
      }
    },
    worstRows: async (params, m) => {
      try {
        const row = await query(
          engine,
          run,
          Query.worstRows(relation, capability, logOf(params.weights), params.components, m),
          'the worst-rows query',
        )
        const s = cells(engine, row, 's', width)
        return s[0]! > 0 ? capability.fromSums(params.components[0]!, s[0]!, s.slice(1)) : monoid.empty
      } catch (e) {
        return rethrow(e)
      }
    },
    sample: async (size, seed) => {
      try {
        const row = await query(engine, run, Query.sample(relation, size, seed, facts.rows), 'the initialisation sample')
        const w = toArray(row['w'])
        if (w === undefined) throw new Failure(Errors.engineFailure(engine, 'the result column "w" is not an array'))
        const n = w.length
        const values = new Float64Array(n * d)
        const weights = Float64Array.from(w, toNumber)
        for (let c = 0; c < d; c++) {
          const column = toArray(row[`x${c}`])
          if (column === undefined || column.length !== n)
            throw new Failure(Errors.engineFailure(engine, `the result column "x${c}" is not an array of ${n} numbers`))
          for (let i = 0; i < n; i++) values[i * d + c] = toNumber(column[i])
        }
        const data: Dataset.Dataset =
          relation.weight === undefined
            ? { n, d, values, columns: spec.names }
            : { n, d, values, sampleWeights: weights, columns: spec.names }
        return Dataset.check(data)
      } catch (e) {
        return E.left(caught(e))
      }
    },
    dispose: () => Promise.resolve(),
  })
}

/**
 * A source of statistics computed inside a database: each EM pass is one aggregate query over
 * `from`, sent through the caller's `run`. Pass it to `Mixture.fitAsync` in place of a dataset.
 *
 * Binding it to a family (at the start of a fit) checks the family has the SQL capability (else
 * `InvalidOptions` naming `family`), runs the dialect's setup statements, and checks the data once:
 * no rows, NULLs, non-finite values, bad weights, values outside the family's support — each an
 * `InvalidData` naming the column. A query that fails during the fit (the server went away) is an
 * `EngineFailure` naming the dialect; the fit stops.
 *
 * @returns `Left(InvalidOptions)` for a bad dialect, client, relation or column name (empty,
 *   holding NUL, too long for the engine, named twice).
 * @example
 * ```ts
 * import { DuckDBInstance } from '@duckdb/node-api'
 * const connection = await (await DuckDBInstance.create(':memory:')).connect()
 * const run: Sql.Run = async (q) => (await connection.runAndReadAll(q)).getRowObjectsJS()[0]
 * await run('CREATE TABLE measurements AS SELECT random() AS a, random() AS b FROM range(1000)')
 * const source = Sql.sql({ dialect: 'duckdb', run, from: 'measurements', columns: ['a', 'b'] })
 * if (E.isRight(source)) {
 *   const fit = await Mixture.fitAsync(Gaussian.family(), source.right, { k: 3, seed: 1 })
 *   if (E.isRight(fit)) console.log(fit.right.logLikelihood)
 * }
 * ```
 * @category SQL
 * @since 0.2.0
 */
export const sql = (options: SqlOptions): E.Either<EmError, Engine.StatisticsSource> => {
  const spec = specOf(options)
  if (E.isLeft(spec)) return spec
  return E.right({
    _tag: 'StatisticsSource',
    engine: spec.right.relation.dialect.name,
    d: spec.right.names.length,
    columns: spec.right.names,
    open: (family) => bind(spec.right, family),
  })
}

/** The rows of several samples, one after the other (weights kept when any sample has them). */
const joinRows = (parts: readonly Dataset.Dataset[]): E.Either<EmError, Dataset.Dataset> => {
  const d = parts[0]!.d
  const n = parts.reduce((t, p) => t + p.n, 0)
  const values = new Float64Array(n * d)
  const weights = new Float64Array(n)
  let at = 0
  for (const p of parts) {
    values.set(p.values.subarray(0, p.n * d), at * d)
    for (let i = 0; i < p.n; i++) weights[at + i] = p.sampleWeights === undefined ? 1 : p.sampleWeights[i]!
    at += p.n
  }
  const weighted = parts.some((p) => p.sampleWeights !== undefined)
  const columns = parts[0]!.columns
  return Dataset.check({ n, d, values, ...(weighted ? { sampleWeights: weights } : {}), ...(columns === undefined ? {} : { columns }) })
}

const named = (s: number, e: EmError): EmError => ({ ...e, message: `shard ${s}: ${e.message}` })

/** Binds every shard to the family; the merged engine of one fit. */
const openShards = async <C, S>(
  shards: readonly Engine.StatisticsSource[],
  family: ComponentFamily<C, S>,
  k: number,
): Promise<E.Either<EmError, Engine.PassEngine<C, S>>> => {
  const opened = await Promise.all(shards.map((shard) => shard.open(family, k)))
  const engines: Engine.PassEngine<C, S>[] = []
  for (let s = 0; s < opened.length; s++) {
    const o = opened[s]!
    if (E.isLeft(o)) {
      await Promise.all(opened.map((p) => (E.isRight(p) ? p.right.dispose() : Promise.resolve())))
      return E.left(named(s, o.left))
    }
    engines.push(o.right)
  }
  const monoid = family.statistics(shards[0]!.d)
  const all = async <A>(f: (e: Engine.PassEngine<C, S>) => Promise<A>): Promise<A[]> =>
    Promise.all(
      engines.map((e, s) =>
        f(e).catch((err: unknown) => {
          throw err instanceof EmException ? new EmException(named(s, err.error)) : err
        }),
      ),
    )
  return E.right({
    pass: async (params) => {
      const passes = await all((e) => e.pass(params))
      return passes.reduce((a, b) => ({
        logLikelihood: a.logLikelihood + b.logLikelihood,
        statistics: a.statistics.map((s, j) => monoid.concat(s, b.statistics[j]!)),
        hardLogResponsibility: a.hardLogResponsibility + b.hardLogResponsibility,
        weight: a.weight + b.weight,
        rows: a.rows + b.rows,
        positiveRows: a.positiveRows + b.positiveRows,
        impossibleRow: a.impossibleRow >= 0 ? a.impossibleRow : b.impossibleRow,
      }))
    },
    worstRows: async (params, m) => (await all((e) => e.worstRows(params, m))).reduce((a, b) => monoid.concat(a, b), monoid.empty),
    sample: async (size, seed) => {
      const parts: Dataset.Dataset[] = []
      for (let s = 0; s < engines.length; s++) {
        const p = await engines[s]!.sample(Math.max(1, Math.ceil(size / engines.length)), seed)
        if (E.isLeft(p)) return E.left(named(s, p.left))
        parts.push(p.right)
      }
      return joinRows(parts)
    },
    dispose: async () => {
      await Promise.all(engines.map((e) => e.dispose()))
    },
  })
}

/**
 * One source over several shards (several databases, or several tables) that together hold the
 * rows: every pass runs on all shards at once and their results merge through the family's
 * statistics monoid (Chan's update for centred Gaussian moments), so the fit equals the fit of the
 * whole table on one server up to summation order. A shard that fails fails the pass
 * (`EngineFailure` naming the shard), and the fit stops.
 *
 * @returns `Left(InvalidOptions)` for no shards, or shards of different dimensions.
 * @category SQL
 * @since 0.2.0
 */
export const fanout = (shards: readonly Engine.StatisticsSource[]): E.Either<EmError, Engine.StatisticsSource> => {
  const given: unknown = shards
  if (!Array.isArray(given) || given.length === 0) return invalid('shards', 'fanout needs at least one shard')
  const d = shards[0]!.d
  for (let s = 0; s < shards.length; s++) {
    if (!EngineNs.isStatisticsSource(shards[s])) return invalid('shards', `shard ${s} is not a statistics source`)
    if (shards[s]!.d !== d) return invalid('shards', `shard ${s} has ${shards[s]!.d} columns, shard 0 has ${d}`)
  }
  const source: Engine.StatisticsSource = {
    _tag: 'StatisticsSource',
    engine: 'fanout',
    d,
    ...(shards[0]!.columns === undefined ? {} : { columns: shards[0]!.columns }),
    open: (family, k) => openShards(shards, family, k),
  }
  return E.right(source)
}

/**
 * The SQL of a per-row query under fitted parameters (see {@link predictQuery}, {@link scoreQuery}).
 */
const rowQuery = <C, S>(
  family: ComponentFamily<C, S>,
  options: SqlOptions,
  params: { readonly weights: Float64Array; readonly components: readonly C[] },
  build: typeof Query.predict,
): E.Either<EmError, string> => {
  const spec = specOf(options)
  if (E.isLeft(spec)) return spec
  const capability = family.sql
  if (capability === undefined)
    return invalid(
      'family',
      `the ${family.name} family has no SQL capability (ComponentFamily.sql), so it cannot be evaluated inside a database`,
    )
  const ok = Mixture.freeParameters(family, params)
  if (E.isLeft(ok)) return ok
  const d = family.dimension(params.components[0]!)
  if (d !== spec.right.names.length)
    return E.left(Errors.invalidParameters(`the parameters have dimension ${d} but ${spec.right.names.length} columns were given`))
  return E.right(build(spec.right.relation, capability, logOf(params.weights), params.components))
}

/**
 * Prediction as SQL: a query that gives, for every row of `options.from` in the relation's order,
 * the most likely component `label` (0-based; ties to the lower index, as `Mixture.predict`) and the
 * posterior probabilities `p0` … `p{k−1}` (as `Mixture.predictProba`). Run it with a client that
 * streams rows (a cursor), or wrap it in `CREATE TABLE … AS` for a result table. `options.run` is not
 * called. The rows are not checked: run {@link sql}'s checks (a fit) on data you do not trust.
 *
 * @returns `Left(InvalidOptions)` for bad options or a family without the SQL capability,
 *   `Left(InvalidParameters)` for parameters that do not fit the columns.
 * @category SQL
 * @since 0.2.0
 */
export const predictQuery = <C, S>(
  family: ComponentFamily<C, S>,
  options: SqlOptions,
  params: { readonly weights: Float64Array; readonly components: readonly C[] },
): E.Either<EmError, string> => rowQuery(family, options, params, Query.predict)

/**
 * Scoring as SQL: a query that gives, for every row of `options.from` in the relation's order, its
 * log-likelihood log p(x | θ) as `score` (natural log, the family's base measure included, as
 * `Mixture.scoreSamples`). As {@link predictQuery} otherwise.
 *
 * @returns as {@link predictQuery}.
 * @category SQL
 * @since 0.2.0
 */
export const scoreQuery = <C, S>(
  family: ComponentFamily<C, S>,
  options: SqlOptions,
  params: { readonly weights: Float64Array; readonly components: readonly C[] },
): E.Either<EmError, string> => rowQuery(family, options, params, Query.score)
