/**
 * Hostile names and bad data: column and table names with quotes, semicolons, `--` and Unicode work
 * as identifiers and never change the SQL's meaning (the fit equals the in-memory one and a sentinel
 * table survives); names no engine can hold are refused with `InvalidOptions`; bad data are
 * `InvalidData` naming the column; a family without the SQL capability is refused.
 */
import type { ComponentFamily } from '@emkit/core'
import { Dataset, Mixture } from '@emkit/core'
import * as Exponential from '@emkit/exponential'
import * as Gaussian from '@emkit/gaussian'
import * as Multinomial from '@emkit/multinomial'
import { either as E } from 'fp-ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Dialect } from './Dialect.js'
import { duckdb, postgres } from './Dialect.js'
import { Sql } from './index.js'
import type { Run } from './Sql.js'
import { duckdbClient, load, readCsv, fixture, right, worstRelative } from './test/engines.js'
import type { Server } from './test/postgres.js'
import { MISSING, schemaClient, startServer } from './test/postgres.js'

const HOSTILE_TABLE = `we"ird'; DROP TABLE "sentinel"; -- tåble ✓`
const HOSTILE_COLUMNS = ['a"b', "c'; DROP TABLE sentinel; --", '-- e', 'ünï ℂ𝔬𝔩', 'x") OR 1=1 --']

const suite = (dialect: Dialect, client: () => Promise<{ run: Run; close: () => Promise<void> | void }>): void => {
  let c: { run: Run; close: () => Promise<void> | void }
  beforeAll(async () => {
    c = await client()
    await c.run('CREATE TABLE "sentinel" ("v" integer)')
  })
  afterAll(async () => {
    await c.close()
  })
  const fails = async (family: ComponentFamily<unknown, unknown>, options: Partial<Sql.SqlOptions>, k = 2) => {
    const source = Sql.sql({ dialect, run: c.run, from: 'nowhere', columns: ['a'], ...options })
    if (E.isLeft(source)) return source.left
    const r = await Mixture.fitAsync(family, source.right, { k })
    expect(E.isLeft(r)).toBe(true)
    return E.isLeft(r) ? r.left : undefined
  }

  it('hostile table and column names are identifiers: the fit equals the in-memory one, the sentinel table survives', async () => {
    const data = readCsv(fixture('iris-k3/data.csv').text)
    const family = Gaussian.family({ covariance: 'full' })
    const renamed = { ...data, columns: HOSTILE_COLUMNS.slice(0, 4) }
    await load(c.run, dialect, HOSTILE_TABLE, HOSTILE_COLUMNS.slice(0, 4), renamed, HOSTILE_COLUMNS[4])
    const init = right(Mixture.fromJSON(family, JSON.parse(fixture('iris-k3/init.full.v1.json').text))).params
    const options = { k: 3, init, tolerance: 0, maxIterations: 5 }
    const source = right(
      Sql.sql({ dialect, run: c.run, from: HOSTILE_TABLE, columns: HOSTILE_COLUMNS.slice(0, 4), weight: HOSTILE_COLUMNS[4]! }),
    )
    expect(source.columns).toEqual(HOSTILE_COLUMNS.slice(0, 4))
    const fit = right(await Mixture.fitAsync(family, source, options))
    const memory = right(Mixture.fit(family, renamed, options))
    expect(worstRelative(fit.trace, memory.trace)).toBeLessThanOrEqual(1e-9)
    expect(await c.run('SELECT count(*) AS "n" FROM "sentinel"')).toBeDefined()
  })

  it('names no identifier can hold are refused with InvalidOptions', () => {
    const refused = (options: Partial<Sql.SqlOptions>) => {
      const r = Sql.sql({ dialect, run: c.run, from: 't', columns: ['a'], ...options })
      return E.isLeft(r) && r.left._tag === 'InvalidOptions' ? r.left.option : undefined
    }
    expect(refused({ columns: ['a\u0000b'] })).toBe('columns')
    expect(refused({ from: 'x\u0000' })).toBe('from')
    expect(refused({ columns: [''] })).toBe('columns')
    expect(refused({ columns: ['a', 'a'] })).toBe('columns')
    expect(refused({ weight: 'a' })).toBe('weight')
    expect(refused({ from: ['a', 'b', 'c', 'd'] })).toBe('from')
    expect(refused({ columns: [] })).toBe('columns')
    expect(refused({ dialect: 'oracle' as 'duckdb' })).toBe('dialect')
    if (dialect.name === 'postgres') expect(refused({ columns: ['é'.repeat(32)] })).toBe('columns')
  })

  it('a family without the SQL capability is refused, naming the family', async () => {
    const family: ComponentFamily<unknown, unknown> = { ...(Gaussian.family() as ComponentFamily<unknown, unknown>) }
    delete (family as { sql?: unknown }).sql
    const e = await fails(family, {})
    expect(e?._tag).toBe('InvalidOptions')
    expect(e?.message).toMatch(/has no SQL capability/)
  })

  it('bad data are InvalidData naming the column', async () => {
    await c.run(`CREATE TABLE "bad" ("x" ${dialect.double}, "y" ${dialect.double}, "w" ${dialect.double})`)
    await c.run(`INSERT INTO "bad" VALUES (1, 2, 1), (2, NULL, 1), (3, -1, 1), (4, 1.5, -2)`)
    const gaussian = Gaussian.family() as ComponentFamily<unknown, unknown>
    const nulls = await fails(gaussian, { from: 'bad', columns: ['x', 'y'] })
    expect(nulls?.message).toMatch(/^column "y": 1 rows hold NULL/)
    await c.run(`DELETE FROM "bad" WHERE "y" IS NULL`)
    const negative = await fails(Exponential.family() as ComponentFamily<unknown, unknown>, { from: 'bad', columns: ['x', 'y'] })
    expect(negative?.message).toMatch(/^column "y": 1 rows are outside the exponential family's support/)
    const fraction = await fails(Multinomial.family() as ComponentFamily<unknown, unknown>, { from: 'bad', columns: ['x', 'y'] })
    expect(fraction?.message).toMatch(/^column "y": 2 rows are outside the multinomial family's support/)
    const weights = await fails(gaussian, { from: 'bad', columns: ['x', 'y'], weight: 'w' })
    expect(weights?.message).toMatch(/weight column holds 1 values that are not finite and ≥ 0/)
    await c.run(`DELETE FROM "bad"`)
    expect((await fails(gaussian, { from: 'bad', columns: ['x', 'y'] }))?.message).toBe('the relation has no rows')
    const missing = await fails(gaussian, { from: 'no_such_table', columns: ['x'] })
    expect(missing?._tag).toBe('EngineFailure')
  })

  it('large counts: the multinomial coefficient by Stirling beyond 22, equal to the in-memory fit', async () => {
    const rows = [
      [40, 2, 0],
      [0, 75, 3],
      [300, 1, 9],
      [5, 0, 120],
      [1, 1, 1],
    ]
    const data = right(Dataset.fromRows(rows, { columns: ['p', 'q', 'r'] }))
    await load(c.run, dialect, 'counts', ['p', 'q', 'r'], data)
    const family = Multinomial.family()
    const init = {
      weights: Float64Array.of(0.5, 0.5),
      components: [Multinomial.component([0.5, 0.3, 0.2]), Multinomial.component([0.2, 0.3, 0.5])],
    }
    const options = { k: 2, init, tolerance: 0, maxIterations: 5 }
    const fit = right(
      await Mixture.fitAsync(family, right(Sql.sql({ dialect, run: c.run, from: 'counts', columns: ['p', 'q', 'r'] })), options),
    )
    expect(worstRelative(fit.trace, right(Mixture.fit(family, data, options)).trace)).toBeLessThanOrEqual(1e-9)
  })

  it('an initialisation method runs on a sample the database draws', async () => {
    const fit = right(
      await Mixture.fitAsync(Gaussian.family(), right(Sql.sql({ dialect, run: c.run, from: 'counts', columns: ['p', 'q'] })), {
        k: 2,
        seed: 3,
      }),
    )
    expect(Number.isFinite(fit.logLikelihood)).toBe(true)
    expect(fit.engine).toBe('database')
  })
}

describe('DuckDB: hostile names and bad data', () => {
  suite(duckdb, duckdbClient)
})

if (MISSING !== undefined) console.warn(MISSING)

describe.skipIf(MISSING !== undefined)('PostgreSQL: hostile names and bad data', () => {
  let server: Server | undefined
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server?.stop())
  suite(postgres, () => schemaClient(server!))
})
