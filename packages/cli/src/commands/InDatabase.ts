/**
 * `emkit predict` and `emkit score` inside a database (`--engine duckdb`, `--db URL --table NAME`):
 * the model's prediction or score as one SQL query (`@emkit/sql`), its rows streamed out as CSV in
 * the relation's order — to standard output as they come, or to `--out` through a temporary file
 * renamed when complete (nothing is left at `--out` when the query fails).
 *
 * @packageDocumentation
 */
import { appendFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { Sql } from '@emkit/sql'
import { either as E } from 'fp-ts'
import { temporaryPath } from '../AtomicWrite.js'
import type { Database, DatabaseTarget } from '../Database.js'
import { openDatabase } from '../Database.js'
import { CliFailure, dataError, usageError } from '../Failure.js'
import type { Io } from '../Options.js'
import type { LoadedModel } from '../ModelFile.js'

/** The flags that put `predict` and `score` inside a database. */
export interface DatabaseFlags {
  engine?: 'memory' | 'duckdb'
  db?: string
  table?: string
}

/** Where `predict` or `score` run: in memory (`undefined`), or the database target; usage errors for a half-given `--db`. */
export const databaseTarget = (
  dataPath: string | undefined,
  flags: DatabaseFlags & { readonly columns?: readonly string[] },
  readFlags: readonly string[],
): DatabaseTarget | undefined => {
  if (flags.db !== undefined || flags.table !== undefined) {
    if (flags.db === undefined) throw new CliFailure(usageError('--table names a table of the --db database; give --db URL too'))
    if (flags.table === undefined) throw new CliFailure(usageError('--db needs --table NAME: the table that holds the data'))
    if (dataPath !== undefined)
      throw new CliFailure(usageError(`--db reads the data from table ${JSON.stringify(flags.table)}; leave out DATA (${dataPath})`))
    if (flags.engine !== undefined)
      throw new CliFailure(usageError(`--engine ${flags.engine}: --db runs inside PostgreSQL; leave out --engine`))
    if (readFlags.length > 0) throw new CliFailure(usageError(`${readFlags.join(', ')}: not available with --db, which reads a table`))
    return { kind: 'postgres', url: flags.db, table: flags.table }
  }
  if (dataPath === undefined) throw new CliFailure(usageError('missing DATA (a file, or - for standard input), or --db URL --table NAME'))
  if (flags.engine !== 'duckdb') return undefined
  if (dataPath === '-') throw new CliFailure(usageError('--engine duckdb reads a CSV or Parquet file, not standard input'))
  if (readFlags.length > 0)
    throw new CliFailure(usageError(`${readFlags.join(', ')}: not available with --engine duckdb; use --engine memory`))
  return { kind: 'duckdb', path: dataPath }
}

/** The memory reader's layout flags given (`--missing`, `--delimiter`, `--decimal`, `--header`), which DuckDB's reading here does not take. */
export const readFlagsGiven = (flags: {
  readonly missing?: unknown
  readonly delimiter?: unknown
  readonly decimal?: unknown
  readonly header?: unknown
}): string[] => (['missing', 'delimiter', 'decimal', 'header'] as const).filter((f) => flags[f] !== undefined).map((f) => `--${f}`)

/** Writes CSV lines as they come: to stdout, or to a temporary file renamed onto `out` at the end. */
const csvWriter = (io: Io, out: string | undefined): { write: (text: string) => void; done: () => void; abort: () => void } => {
  if (out === undefined || out === '-') return { write: io.stdout, done: () => undefined, abort: () => undefined }
  const tmp = temporaryPath(out)
  try {
    writeFileSync(tmp, '', { mode: 0o644 })
  } catch (e) {
    throw new CliFailure(dataError(`cannot write ${out}: ${e instanceof Error ? e.message : String(e)}`))
  }
  return {
    write: (text) => appendFileSync(tmp, text),
    done: () => renameSync(tmp, out),
    abort: () => rmSync(tmp, { force: true }),
  }
}

/** Opens the database, checks the rows for the model (NULLs, support) and runs `body`; closes it always. */
const withModelData = async (
  model: LoadedModel,
  target: DatabaseTarget,
  columns: readonly string[] | undefined,
  body: (db: Database) => Promise<void>,
): Promise<void> => {
  const db = await openDatabase(target, columns)
  try {
    if (db.columns.length !== model.dimension)
      throw new CliFailure(
        dataError(
          `${model.file} has dimension ${model.dimension} but ${db.file} has ${db.columns.length} columns (${db.columns.join(', ')}); pick columns with --columns`,
        ),
      )
    const source = Sql.sql(db.options)
    if (E.isLeft(source)) throw new CliFailure(dataError(`${db.file}: ${source.left.message}`))
    const checked = await source.right.open(model.family, model.params.components.length)
    if (E.isLeft(checked)) throw new CliFailure(dataError(`${db.file}: ${checked.left.message}`))
    await checked.right.dispose()
    await body(db)
  } finally {
    await db.close()
  }
}

/** Streams the rows of `query` through `line` into the CSV writer; a failed query leaves no file. */
const streamRows = async (
  io: Io,
  out: string | undefined,
  db: Database,
  header: string,
  query: E.Either<{ message: string }, string>,
  line: (row: ReadonlyArray<unknown>) => string,
  trailer?: () => string,
): Promise<void> => {
  if (E.isLeft(query)) throw new CliFailure(dataError(`${db.file}: ${query.left.message}`))
  const writer = csvWriter(io, out)
  try {
    writer.write(`${header}\n`)
    for await (const batch of db.rows(query.right)) writer.write(batch.map(line).join(''))
    if (trailer !== undefined) writer.write(trailer())
    writer.done()
  } catch (e) {
    writer.abort()
    if (e instanceof CliFailure) throw e
    throw new CliFailure(dataError(`${db.file}: the query failed: ${e instanceof Error ? e.message.split('\n')[0]! : String(e)}`))
  }
}

/** `emkit predict` inside a database: label, then p0 … p{k−1}, one line per row. */
export const predictInDatabase = (
  io: Io,
  model: LoadedModel,
  target: DatabaseTarget,
  columns: readonly string[] | undefined,
  out: string | undefined,
): Promise<void> =>
  withModelData(model, target, columns, (db) => {
    const k = model.params.components.length
    const header = ['label', ...Array.from({ length: k }, (_, j) => `p${j}`)].join(',')
    return streamRows(
      io,
      out,
      db,
      header,
      Sql.predictQuery(model.family, db.options, model.params),
      (r) => `${r.map((x) => String(Number(x))).join(',')}\n`,
    )
  })

/** `emkit score` inside a database: row (1-based), log-likelihood, then the total. */
export const scoreInDatabase = (
  io: Io,
  model: LoadedModel,
  target: DatabaseTarget,
  columns: readonly string[] | undefined,
  out: string | undefined,
): Promise<void> =>
  withModelData(model, target, columns, (db) => {
    let row = 0
    let total = 0
    return streamRows(
      io,
      out,
      db,
      'row,logLikelihood',
      Sql.scoreQuery(model.family, db.options, model.params),
      (r) => {
        const x = Number(r[0])
        total += x
        return `${++row},${String(x)}\n`
      },
      () => `total,${String(total)}\n`,
    )
  })
