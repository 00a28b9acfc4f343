/**
 * End-to-end tests of fitting, predicting and scoring inside a database: `--engine duckdb` (and a
 * Parquet file by default) and `--db URL --table NAME` on a PostgreSQL server the test starts and
 * always stops. From the same start (`--init`), the database fit gives the in-memory trace to 1e-9;
 * prediction and scoring stream the in-memory output; a server lost mid-fit exits 1 with nothing
 * written.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DuckDBInstance } from '@duckdb/node-api'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresServer } from '../../../scripts/postgres.mjs'
import { MISSING, startServer } from '../../../scripts/postgres.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const bin = join(here, '..', 'bin', 'emkit.js')
const work = mkdtempSync(join(tmpdir(), 'emkit-database-e2e-'))

const emkit = (args: readonly string[]): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', maxBuffer: 64 << 20 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/^emkit: building the command \(tsc -b packages\/cli\)…\n/, '') }
}
const json = (name: string): { fit: { trace: number[]; logLikelihood: number }; columns: string[] } =>
  JSON.parse(readFileSync(join(work, name), 'utf8')) as { fit: { trace: number[]; logLikelihood: number }; columns: string[] }
const worst = (a: readonly number[], b: readonly number[]): number => {
  expect(a.length).toBe(b.length)
  return Math.max(...a.map((x, t) => Math.abs(x - b[t]!) / Math.max(Math.abs(b[t]!), 1e-300)))
}
/** The numbers of a CSV output (header dropped). */
const numbers = (csv: string): number[] =>
  csv
    .trim()
    .split('\n')
    .slice(1)
    .flatMap((l) => l.split(',').map((c) => (c === 'total' ? -0 : Number(c))))

/** Three clusters in 3-D around 100, 1500 rows, with a text column DuckDB must leave out. */
const writeData = (): void => {
  let seed = 7
  const u = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648
  const normal = (): number => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u())
  const lines = ['a,b,c,name']
  for (let i = 0; i < 1500; i++) {
    const m = [100, 104, 97][i % 3]!
    lines.push(`${(m + normal()).toFixed(6)},${(m + 2 * normal()).toFixed(6)},${(m - normal()).toFixed(6)},row${i}`)
  }
  writeFileSync(join(work, 'data.csv'), lines.join('\n') + '\n')
}

beforeAll(async () => {
  writeData()
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  await connection.run(
    `COPY (SELECT a, b, c FROM read_csv('${join(work, 'data.csv')}')) TO '${join(work, 'data.parquet')}' (FORMAT parquet)`,
  )
  connection.closeSync()
  instance.closeSync()
  const start = emkit([
    'fit',
    'data.csv',
    '--columns',
    'a,b,c',
    '--k',
    '3',
    '--max-iter',
    '1',
    '--seed',
    '1',
    '--out',
    'start.json',
    '--quiet',
  ])
  expect(start.status, start.stderr).toBe(0)
})

describe('emkit inside DuckDB', () => {
  it('fit data.csv --engine duckdb gives the in-memory trace to 1e-9 from the same start; text columns are left out', () => {
    const common = ['fit', 'data.csv', '--init', 'start.json', '--tol', '0', '--max-iter', '15']
    const memory = emkit([...common, '--columns', 'a,b,c', '--engine', 'memory', '--out', 'memory.json'])
    expect(memory.status, memory.stderr).toBe(0)
    const duck = emkit([...common, '--engine', 'duckdb', '--out', 'duckdb.json'])
    expect(duck.status, duck.stderr).toBe(0)
    expect(duck.stderr).toMatch(/note: text column "name" not read/)
    expect(duck.stderr).toMatch(/\(n = 1500, d = 3, in DuckDB\)/)
    expect(json('duckdb.json').columns).toEqual(['a', 'b', 'c'])
    expect(worst(json('duckdb.json').fit.trace, json('memory.json').fit.trace)).toBeLessThanOrEqual(1e-9)
  })

  it('a Parquet file is fitted inside DuckDB by default', () => {
    const r = emkit(['fit', 'data.parquet', '--init', 'start.json', '--tol', '0', '--max-iter', '15', '--out', 'parquet.json'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/on data\.parquet \(n = 1500, d = 3, in DuckDB\)/)
    expect(worst(json('parquet.json').fit.trace, json('memory.json').fit.trace)).toBeLessThanOrEqual(1e-9)
  })

  it('predict and score --engine duckdb stream the in-memory output', () => {
    for (const command of ['predict', 'score']) {
      const memory = emkit([command, 'memory.json', 'data.csv'])
      const duck = emkit([command, 'memory.json', 'data.parquet', '--engine', 'duckdb', '--out', `${command}.csv`])
      expect(duck.status, duck.stderr).toBe(0)
      const a = numbers(readFileSync(join(work, `${command}.csv`), 'utf8'))
      const b = numbers(memory.stdout)
      expect(a.length).toBe(b.length)
      expect(Math.max(...a.map((x, t) => Math.abs(x - b[t]!) / Math.max(1, Math.abs(b[t]!))))).toBeLessThanOrEqual(1e-9)
    }
  })

  it('select --engine duckdb: the grid inside DuckDB finds the in-memory best', () => {
    const args = [
      'select',
      'data.csv',
      '--columns',
      'a,b,c',
      '--k',
      '2..3',
      '--covariance',
      'full,diag',
      '--restarts',
      '2',
      '--format',
      'csv',
    ]
    const memory = emkit([...args, '--quiet'])
    const duck = emkit([...args, '--engine', 'duckdb', '--out', 'select.json'])
    expect(duck.status, duck.stderr).toBe(0)
    expect(duck.stderr).toMatch(/4 cells on data\.csv \(2 restarts each\); best by BIC: gaussian\/(full|diag), k = 3/)
    const best = (csv: string): string[] =>
      csv
        .trim()
        .split('\n')
        .find((l) => l.endsWith(',*'))!
        .split(',')
    expect(best(duck.stdout).slice(0, 2)).toEqual(best(memory.stdout).slice(0, 2))
    const gap = Math.abs(Number(best(duck.stdout)[3]) - Number(best(memory.stdout)[3])) / Math.abs(Number(best(memory.stdout)[3]))
    expect(gap).toBeLessThanOrEqual(1e-6)
    expect(json('select.json').columns).toEqual(['a', 'b', 'c'])
  })

  it.each([
    [['select', 'data.csv', '--engine', 'duckdb', '--plot', 'x.svg'], /^emkit: --plot: not available when select runs inside the database/],
    [['fit', '--engine', 'duckdb'], /^emkit: --engine duckdb reads a CSV or Parquet file; the embedded data set is fitted in memory/],
    [['fit', 'data.csv', '--engine', 'duckdb', '--plot', 'x.svg'], /^emkit: --plot: not available with --engine duckdb/],
    [['fit', 'data.csv', '--engine', 'duckdb', '--workers', '2'], /^emkit: --workers 2: DuckDB runs its own threads/],
    [['fit', '--db', 'postgres://x@127.0.0.1:1/x'], /^emkit: --db needs --table NAME/],
    [['fit', '--table', 't'], /^emkit: --table names a table of the --db database/],
    [
      ['fit', 'data.csv', '--db', 'postgres://x@127.0.0.1:1/x', '--table', 't'],
      /^emkit: --db reads the data from table "t"; leave out DATA/,
    ],
    [['predict', 'memory.json'], /^emkit: missing DATA/],
  ])('usage error: %j', (args, pattern) => {
    const r = emkit(args)
    expect(r.status, r.stderr).toBe(2)
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(pattern)
  })
})

if (MISSING !== undefined) console.warn(MISSING)

describe.skipIf(MISSING !== undefined)('emkit inside PostgreSQL (--db URL --table NAME)', () => {
  let server: PostgresServer | undefined
  beforeAll(async () => {
    server = await startServer()
    const client = new pg.Client({ connectionString: server.url })
    await client.connect()
    try {
      await client.query('CREATE TABLE "measures" ("a" float8, "b" float8, "c" float8, "name" text)')
      const rows = readFileSync(join(work, 'data.csv'), 'utf8').trim().split('\n').slice(1)
      await client.query(
        `INSERT INTO "measures" VALUES ${rows
          .map((l) => {
            const [a, b, c, n] = l.split(',')
            return `(${a}, ${b}, ${c}, '${n}')`
          })
          .join(', ')}`,
      )
    } finally {
      await client.end()
    }
  })
  afterAll(() => server?.stop())

  it('fit --db gives the in-memory trace to 1e-9; predict and score --db stream the in-memory output', () => {
    const r = emkit([
      'fit',
      '--db',
      server!.url,
      '--table',
      'measures',
      '--init',
      'start.json',
      '--tol',
      '0',
      '--max-iter',
      '15',
      '--out',
      'pg.json',
    ])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/on table "measures" of postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres \(n = 1500, d = 3, in PostgreSQL\)/)
    expect(worst(json('pg.json').fit.trace, json('memory.json').fit.trace)).toBeLessThanOrEqual(1e-9)
    for (const command of ['predict', 'score']) {
      const memory = emkit([command, 'memory.json', 'data.csv'])
      const db = emkit([command, 'memory.json', '--db', server!.url, '--table', 'measures'])
      expect(db.status, db.stderr).toBe(0)
      const a = numbers(db.stdout)
      const b = numbers(memory.stdout)
      expect(a.length).toBe(b.length)
      expect(Math.max(...a.map((x, t) => Math.abs(x - b[t]!) / Math.max(1, Math.abs(b[t]!))))).toBeLessThanOrEqual(1e-9)
    }
  })

  it('select --db runs the grid inside PostgreSQL', () => {
    const r = emkit([
      'select',
      '--db',
      server!.url,
      '--table',
      'measures',
      '--k',
      '3',
      '--covariance',
      'full',
      '--restarts',
      '1',
      '--format',
      'csv',
    ])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/1 cells on table "measures" of postgres:\/\/.*; best by BIC: gaussian\/full, k = 3/)
    expect(r.stdout.trim().split('\n')).toHaveLength(2)
  })

  it('an unknown table or column is exit 1 naming it; a refused connection is exit 1', () => {
    const table = emkit(['fit', '--db', server!.url, '--table', 'nothing'])
    expect(table.status).toBe(1)
    expect(table.stderr).toMatch(/^emkit: table "nothing" of postgres:\/\/.*: no such table/)
    const column = emkit(['fit', '--db', server!.url, '--table', 'measures', '--columns', 'a,zz'])
    expect(column.status).toBe(1)
    expect(column.stderr).toMatch(/no column named "zz" for --columns/)
    const refused = emkit(['fit', '--db', 'postgres://postgres@127.0.0.1:1/postgres', '--table', 'measures'])
    expect(refused.status).toBe(1)
    expect(refused.stderr).toMatch(/^emkit: postgres:\/\/postgres@127\.0\.0\.1:1\/postgres: cannot connect: /)
  })

  it('a server lost mid-fit: exit 1, one line, no output file', async () => {
    const child = spawn(
      process.execPath,
      [bin, 'fit', '--db', server!.url, '--table', 'measures', '--tol', '0', '--max-iter', '100000', '--out', 'lost.json', '--quiet'],
      {
        cwd: work,
      },
    )
    let stderr = ''
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    const done = new Promise<number | null>((resolve) => child.on('close', resolve))
    await new Promise((r) => setTimeout(r, 4000))
    server!.stop()
    const code = await done
    expect(code, stderr).toBe(1)
    expect(stderr).toMatch(/the fit cannot proceed: the E-step query failed/)
    expect(existsSync(join(work, 'lost.json'))).toBe(false)
    expect(readdirSync(work).filter((f) => f.startsWith('.emkit-tmp-'))).toEqual([])
  })
})
