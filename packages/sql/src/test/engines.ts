/**
 * Test helpers of the SQL package (not part of the package): clients for DuckDB and PostgreSQL,
 * loading a dataset into a table, and comparing a database fit with the in-memory one.
 */
import { readFileSync } from 'node:fs'
import { DuckDBInstance } from '@duckdb/node-api'
import type { ComponentFamily, EmError, Mixture as MixtureNs } from '@emkit/core'
import { Dataset, Mixture } from '@emkit/core'
import { either as E } from 'fp-ts'
import { expect } from 'vitest'
import type { Dialect } from '../Dialect.js'
import type { Run } from '../Sql.js'
import { Sql } from '../index.js'

/** The Right of an Either, or a test failure showing the Left. */
export const right = <A>(r: E.Either<EmError, A>): A => {
  if (E.isLeft(r)) throw new Error(`expected Right, got Left: ${JSON.stringify(r.left)}`)
  return r.right
}

/** A fresh in-memory DuckDB database and its client. */
export const duckdbClient = async (): Promise<{ run: Run; close: () => void }> => {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  return {
    run: async (q) => (await connection.runAndReadAll(q)).getRowObjectsJS()[0],
    close: () => {
      connection.closeSync()
      instance.closeSync()
    },
  }
}

/** Creates `table` with double columns `columns` (and `weight` when given) and inserts the rows. */
export const load = async (
  run: Run,
  dialect: Dialect,
  table: string,
  columns: readonly string[],
  data: Dataset.Dataset,
  weight?: string,
): Promise<void> => {
  const names = weight === undefined ? columns : [...columns, weight]
  await run(`CREATE TABLE ${dialect.identifier(table)} (${names.map((c) => `${dialect.identifier(c)} ${dialect.double}`).join(', ')})`)
  const { n, d, values } = data
  for (let s = 0; s < n; s += 2000) {
    const rows: string[] = []
    for (let i = s; i < Math.min(n, s + 2000); i++) {
      const cells = Array.from(values.subarray(i * d, (i + 1) * d), (v) => dialect.number(v))
      if (weight !== undefined) cells.push(dialect.number(data.sampleWeights?.[i] ?? 1))
      rows.push(`(${cells.join(', ')})`)
    }
    await run(`INSERT INTO ${dialect.identifier(table)} VALUES ${rows.join(', ')}`)
  }
}

/** Reads a fixture CSV of the Gaussian package (header row, numbers). */
export const fixture = (path: string): { text: string } => ({
  text: readFileSync(new URL(`../../../gaussian/fixtures/${path}`, import.meta.url), 'utf8'),
})

/** Parses a numeric CSV with a header row. */
export const readCsv = (text: string): Dataset.Dataset => {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '')
  const columns = lines[0]!.split(',').map((s) => s.trim())
  return right(
    Dataset.fromRows(
      lines.slice(1).map((l) => l.split(',').map(Number)),
      { columns },
    ),
  )
}

/** The largest |a − b| / max(|b|, tiny) over the entries. */
export const worstRelative = (a: readonly number[], b: readonly number[]): number => {
  expect(a.length).toBe(b.length)
  let worst = 0
  for (let t = 0; t < a.length; t++) {
    const r = Math.abs(a[t]! - b[t]!) / Math.max(Math.abs(b[t]!), 1e-300)
    if (!(r <= worst)) worst = Number.isNaN(r) ? Infinity : r
  }
  return worst
}

/** Fits `data` in memory and through `source` from the same start; returns both fits. */
export const fitBoth = async <C, S>(
  family: ComponentFamily<C, S>,
  data: Dataset.Dataset,
  source: Sql.SqlOptions,
  init: MixtureNs.Params<C>,
  iterations: number,
): Promise<{ memory: MixtureNs.MixtureFit<C>; database: MixtureNs.MixtureFit<C> }> => {
  const options = { k: init.components.length, init, tolerance: 0, maxIterations: iterations }
  const memory = right(Mixture.fit(family, data, options))
  const database = right(await Mixture.fitAsync(family, right(Sql.sql(source)), options))
  return { memory, database }
}
