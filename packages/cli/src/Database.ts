/**
 * The data of a command inside a database: a CSV or Parquet file read by DuckDB out of core
 * (`--engine duckdb`, and Parquet files by default), or a PostgreSQL table (`--db URL --table NAME`).
 * Each gives `@emkit/sql` its client and relation, so a fit runs one aggregate query per iteration
 * where the data live, and prediction and scoring run as SQL whose rows stream out as CSV.
 *
 * The drivers (`@duckdb/node-api`, `pg`) are loaded only when a command uses them.
 *
 * @packageDocumentation
 */
import type { DataScale } from '@emkit/core'
import type { Sql } from '@emkit/sql'
import { Dialect } from '@emkit/sql'
import { CliFailure, dataError } from './Failure.js'
import { duckdbRelation } from './Read.js'

/**
 * Where the rows are: a file for DuckDB, or a PostgreSQL table.
 *
 * @category Data
 * @since 0.2.0
 */
export type DatabaseTarget =
  { readonly kind: 'duckdb'; readonly path: string } | { readonly kind: 'postgres'; readonly url: string; readonly table: string }

/**
 * An open database holding the data of one command.
 *
 * @category Data
 * @since 0.2.0
 */
export interface Database {
  /** The data's name in messages: the file, or `table "T" of postgres://host/db`. */
  readonly file: string
  /** The source's options for `@emkit/sql` (dialect, client, relation, the columns as the database names them). */
  readonly options: Sql.SqlOptions
  /** The columns as the user names them (the model JSON's `columns`). */
  readonly columns: readonly string[]
  /** Rows of the relation. */
  readonly n: number
  /** Notes of the reader (a skipped text or row-name column). */
  readonly notes: readonly string[]
  /** The data's per-column mean and variance (divided by n), by one query: what judges a fitted component degenerate. */
  scale(): Promise<DataScale>
  /** Runs a query and yields its rows in batches (each row an array of values, in the select list's order). */
  rows(sql: string): AsyncIterable<ReadonlyArray<ReadonlyArray<unknown>>>
  /** Closes the connection (idempotent). */
  close(): Promise<void>
}

/** A connection URL without its password, for messages. */
const redact = (url: string): string => {
  try {
    const u = new URL(url)
    if (u.password !== '') u.password = '***'
    return u.toString()
  } catch {
    return 'the --db URL'
  }
}

/** The per-column mean and population variance of a relation, by one query through `run`. */
const scaleOf = async (
  run: Sql.Run,
  dialect: Dialect.Dialect,
  from: string,
  columns: readonly string[],
  n: number,
  file: string,
): Promise<DataScale> => {
  const x = columns.map((c) => `CAST(${dialect.identifier(c)} AS ${dialect.double})`)
  const row = await run(
    `SELECT ${dialect.array(x.map((e) => `avg(${e})`))} AS "mean", ${dialect.array(x.map((e) => `var_pop(${e})`))} AS "variance" FROM ${from}`,
  ).catch((e: unknown) => {
    throw new CliFailure(dataError(`${file}: the columns' scale could not be computed: ${message(e)}`))
  })
  const read = (name: string): Float64Array => Float64Array.from((row?.[name] as ArrayLike<unknown> | undefined) ?? [], (v) => Number(v))
  return { n, mean: read('mean'), variance: read('variance') }
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!

/** Opens a file in an in-memory DuckDB. */
const openDuckDb = async (path: string, columns: readonly string[] | undefined): Promise<Database> => {
  const { DuckDBInstance } = await import('@duckdb/node-api')
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  let closed = false
  const close = (): Promise<void> => {
    if (!closed) {
      closed = true
      connection.closeSync()
      instance.closeSync()
    }
    return Promise.resolve()
  }
  try {
    const relation = await duckdbRelation(connection, path, columns === undefined ? {} : { columns })
    const run: Sql.Run = async (q) => (await connection.runAndReadAll(q)).getRowObjectsJS()[0]
    const counted = await run(`SELECT CAST(count(*) AS DOUBLE) AS "n" FROM ${relation.from}`).catch((e: unknown) => {
      throw new CliFailure(dataError(`${path}: cannot be read: ${message(e)}`))
    })
    const n = Number(counted?.['n'])
    return {
      file: path,
      options: { dialect: Dialect.duckdb, run, from: { query: relation.from }, columns: relation.columns },
      columns: relation.shown,
      n,
      notes: relation.notes,
      scale: () => scaleOf(run, Dialect.duckdb, relation.from, relation.columns, n, path),
      rows: async function* (q) {
        const result = await connection.stream(q)
        for await (const batch of result.yieldRowsJs()) yield batch
      },
      close,
    }
  } catch (e) {
    await close()
    throw e
  }
}

/** Connects to PostgreSQL and describes the table. */
const openPostgres = async (url: string, table: string, columns: readonly string[] | undefined): Promise<Database> => {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: url })
  // A connection lost mid-command rejects the query in flight; the client's own event is not a crash.
  client.on('error', () => undefined)
  const where = `table ${JSON.stringify(table)} of ${redact(url)}`
  try {
    await client.connect()
  } catch (e) {
    throw new CliFailure(dataError(`${redact(url)}: cannot connect: ${message(e)}`))
  }
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await client.end().catch(() => undefined)
  }
  try {
    const d = Dialect.postgres
    const run: Sql.Run = async (q) => (await client.query<Record<string, unknown>>(q)).rows[0]
    const numeric = `('double precision', 'real', 'integer', 'bigint', 'smallint', 'numeric')`
    const described = await run(
      `SELECT array_agg(column_name::text ORDER BY ordinal_position) AS "all", ` +
        `array_agg(column_name::text ORDER BY ordinal_position) FILTER (WHERE data_type IN ${numeric}) AS "numeric" ` +
        `FROM information_schema.columns WHERE table_name = ${d.string(table)} AND table_schema = ANY (current_schemas(false))`,
    ).catch((e: unknown) => {
      throw new CliFailure(dataError(`${where}: cannot be described: ${message(e)}`))
    })
    const all = (described?.['all'] as string[] | null) ?? []
    if (all.length === 0) throw new CliFailure(dataError(`${where}: no such table (or no columns)`))
    let picked: readonly string[]
    if (columns !== undefined) {
      const unknown = columns.find((c) => !all.includes(c))
      if (unknown !== undefined)
        throw new CliFailure(dataError(`${where}: no column named ${JSON.stringify(unknown)} for --columns (columns: ${all.join(', ')})`))
      picked = columns
    } else {
      picked = (described?.['numeric'] as string[] | null) ?? []
      if (picked.length === 0) throw new CliFailure(dataError(`${where}: no numeric column to read (columns: ${all.join(', ')})`))
    }
    const counted = await run(`SELECT CAST(count(*) AS double precision) AS "n" FROM ${d.identifier(table)}`)
    const skipped = columns === undefined ? all.filter((c) => !picked.includes(c)) : []
    const n = Number(counted?.['n'])
    return {
      file: where,
      options: { dialect: d, run, from: table, columns: picked },
      columns: picked,
      n,
      scale: () => scaleOf(run, d, d.identifier(table), picked, n, where),
      notes:
        skipped.length === 0
          ? []
          : [`non-numeric column${skipped.length === 1 ? '' : 's'} ${skipped.map((s) => JSON.stringify(s)).join(', ')} not read`],
      rows: async function* (q) {
        await client.query('BEGIN')
        try {
          await client.query(`DECLARE "emkit_rows" NO SCROLL CURSOR FOR ${q}`)
          for (;;) {
            const r = await client.query<unknown[]>({ text: 'FETCH FORWARD 8192 FROM "emkit_rows"', rowMode: 'array' })
            if (r.rows.length === 0) break
            yield r.rows
          }
        } finally {
          await client.query('COMMIT').catch(() => undefined)
        }
      },
      close,
    }
  } catch (e) {
    await close()
    throw e
  }
}

/**
 * Opens the database of a command. Connection and description failures are {@link CliFailure}s
 * (exit 1, one line naming the file or table).
 *
 * @param columns `--columns` (default: every numeric column).
 * @category Data
 * @since 0.2.0
 */
export const openDatabase = async (target: DatabaseTarget, columns?: readonly string[]): Promise<Database> =>
  target.kind === 'duckdb' ? openDuckDb(target.path, columns) : openPostgres(target.url, target.table, columns)
