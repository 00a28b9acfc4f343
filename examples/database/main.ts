/**
 * EM inside a database: the Old Faithful eruptions in a DuckDB table, fitted by one SQL aggregate per
 * iteration (`@emkit/sql`), then the same table cut into two shards merged by `Sql.fanout`.
 *
 * From the same start, the database fit gives the in-memory trace to 1e-9 relative and the shards
 * give the one-table trace to 1e-12: the SQL computes exactly the statistics the in-memory engine
 * folds, and the M-step runs here on them.
 *
 * Run: `npx tsc -b && node scripts/run-examples.mjs database`
 */
import { DuckDBInstance } from '@duckdb/node-api'
import { Datasets, Mixture } from '@emkit/core'
import * as Gaussian from '@emkit/gaussian'
import { Dialect, Sql } from '@emkit/sql'
import { either as E } from 'fp-ts'
import { check, fmt } from '../shared/check.js'

// #region client
const instance = await DuckDBInstance.create(':memory:')
const connection = await instance.connect()
/** The client emkit runs its queries through: SQL text in, the first row out. */
const run: Sql.Run = async (q) => (await connection.runAndReadAll(q)).getRowObjectsJS()[0]
// #endregion client

// Load the data: a table with the data's column names (quoted identifiers, literal doubles).
const data = Datasets.faithful
const columns = data.columns!
const q = Dialect.duckdb
const rows = (from: number, to: number): string =>
  Array.from({ length: to - from }, (_, t) => {
    const i = from + t
    return `(${columns.map((_, c) => q.number(data.values[i * data.d + c]!)).join(', ')})`
  }).join(', ')
for (const [table, from, to] of [
  ['eruptions', 0, data.n],
  ['first half', 0, 136],
  ['second half', 136, data.n],
] as const) {
  await run(`CREATE TABLE ${q.identifier(table)} (${columns.map((c) => `${q.identifier(c)} DOUBLE`).join(', ')})`)
  await run(`INSERT INTO ${q.identifier(table)} VALUES ${rows(from, to)}`)
}

// #region fit
const family = Gaussian.family({ covariance: 'full' })
const start = Mixture.fitOrThrow(family, data, { k: 2, seed: 1, maxIterations: 1 }).params
const options = { k: 2, init: start, tolerance: 0, maxIterations: 30 }
const source = Sql.sql({ dialect: 'duckdb', run, from: 'eruptions', columns })
if (E.isLeft(source)) throw new Error(source.left.message)
const inDatabase = await Mixture.fitAsync(family, source.right, options)
if (E.isLeft(inDatabase)) throw new Error(inDatabase.left.message)
// #endregion fit
const inMemory = Mixture.fitOrThrow(family, data, options)
const worst = (a: readonly number[], b: readonly number[]): number => Math.max(...a.map((x, t) => Math.abs(x - b[t]!) / Math.abs(b[t]!)))
console.log(`inside DuckDB: log-likelihood ${fmt(inDatabase.right.logLikelihood, 10)} after ${inDatabase.right.iterations} iterations`)
console.log(`in memory:     log-likelihood ${fmt(inMemory.logLikelihood, 10)}`)
const memoryGap = worst(inDatabase.right.trace, inMemory.trace)
console.log(`largest relative difference of the traces: ${memoryGap.toExponential(1)}`)
check(memoryGap <= 1e-9, 'the database fit gives the in-memory trace')

// #region shards
const shards = []
for (const table of ['first half', 'second half']) {
  const shard = Sql.sql({ dialect: 'duckdb', run, from: table, columns })
  if (E.isLeft(shard)) throw new Error(shard.left.message)
  shards.push(shard.right)
}
const both = Sql.fanout(shards)
if (E.isLeft(both)) throw new Error(both.left.message)
const sharded = await Mixture.fitAsync(family, both.right, options)
// #endregion shards
if (E.isLeft(sharded)) throw new Error(sharded.left.message)
const shardGap = worst(sharded.right.trace, inDatabase.right.trace)
console.log(`two shards merged by fanout: largest relative difference from one table ${shardGap.toExponential(1)}`)
check(shardGap <= 1e-12, 'the shards give the one-table trace')
connection.closeSync()
instance.closeSync()
