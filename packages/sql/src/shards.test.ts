/**
 * Two PostgreSQL servers as shards of one table: fitted by `Sql.fanout` (shards merged through the
 * family's monoid here) and by a coordinator that sees the shards as `postgres_fdw` foreign tables
 * under a partitioned table, both equal to the whole table on one server to 1e-12 relative. A shard
 * that fails mid-fit stops the fit with a typed error naming it. Three servers, started by the test
 * and always stopped.
 */
import { Dataset, Mixture, Rng } from '@emkit/core'
import type { Mixture as MixtureNs } from '@emkit/core'
import * as Gaussian from '@emkit/gaussian'
import { either as E } from 'fp-ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgres } from './Dialect.js'
import { Sql } from './index.js'
import type { Run } from './Sql.js'
import { load, right, worstRelative } from './test/engines.js'
import type { Server } from './test/postgres.js'
import { MISSING, startServer } from './test/postgres.js'
import { weightsFor } from './test/suite.js'

if (MISSING !== undefined) console.warn(MISSING)

/** 3-D data around 10⁶ (shifted moments matter), three groups, with sample weights. */
const data = (): Dataset.Dataset => {
  const rng = Rng.seeded(11)
  const centres = [
    [1e6, 1e6, 0],
    [1e6 + 4, 1e6 - 2, 3],
    [1e6 - 3, 1e6 + 5, -2],
  ]
  const rows = Array.from({ length: 3000 }, (_, i) => centres[i % 3]!.map((m) => m + rng.normal()))
  const d = right(Dataset.fromRows(rows, { columns: ['a', 'b', 'c'] }))
  return { ...d, sampleWeights: weightsFor(d.n, 3) }
}

const half = (d: Dataset.Dataset, part: 0 | 1): Dataset.Dataset => {
  const cut = Math.floor(d.n / 2)
  const [s, e] = part === 0 ? [0, cut] : [cut, d.n]
  return { ...Dataset.slice(d, s, e), sampleWeights: d.sampleWeights!.slice(s, e) }
}

describe.skipIf(MISSING !== undefined)('PostgreSQL shards', () => {
  const servers: Server[] = []
  const clients: Array<{ run: Run; close: () => Promise<void> }> = []
  const whole = data()
  const family = Gaussian.family({ covariance: 'full' })
  const start = right(Mixture.fit(family, whole, { k: 3, seed: 2, maxIterations: 1 })).params
  const options = { k: 3, init: start, tolerance: 0, maxIterations: 12 }
  const source = (run: Run, from: string): Sql.SqlOptions => ({ dialect: postgres, run, from, columns: ['a', 'b', 'c'], weight: 'w' })
  let single: MixtureNs.MixtureFit<Gaussian.Component>

  beforeAll(async () => {
    for (let s = 0; s < 3; s++) servers.push(await startServer())
    for (const server of servers) clients.push(await server.client())
    const [one, shard0, shard1] = clients as [(typeof clients)[0], (typeof clients)[0], (typeof clients)[0]]
    await load(one.run, postgres, 'whole', ['a', 'b', 'c'], whole, 'w')
    await load(shard0.run, postgres, 'part', ['a', 'b', 'c'], half(whole, 0), 'w')
    await load(shard1.run, postgres, 'part', ['a', 'b', 'c'], half(whole, 1), 'w')
    single = right(await Mixture.fitAsync(family, right(Sql.sql(source(one.run, 'whole'))), options))
  })
  afterAll(async () => {
    try {
      for (const c of clients) await c.close().catch(() => undefined)
    } finally {
      for (const s of servers) s.stop()
    }
  })

  const vector = (f: MixtureNs.MixtureFit<Gaussian.Component>): number[] => [
    ...f.params.weights,
    ...f.params.components.flatMap((c) => Array.from(family.toVector(c))),
  ]

  it('one server gives the in-memory trace to 1e-9 (data around 10⁶: shifted moments)', () => {
    const memory = right(Mixture.fit(family, whole, options))
    expect(worstRelative(single.trace, memory.trace)).toBeLessThanOrEqual(1e-9)
    expect(worstRelative(vector(single), vector(memory))).toBeLessThanOrEqual(1e-8)
  })

  it('fanout over two servers equals one server to 1e-12', async () => {
    const shards = [clients[1]!, clients[2]!].map((c) => right(Sql.sql(source(c.run, 'part'))))
    const fit = right(await Mixture.fitAsync(family, right(Sql.fanout(shards)), options))
    expect(fit.trace.length).toBe(13)
    const trace = worstRelative(fit.trace, single.trace)
    expect(trace, `trace ${trace}`).toBeLessThanOrEqual(1e-12)
    const params = worstRelative(vector(fit), vector(single))
    expect(params, `parameters ${params}`).toBeLessThanOrEqual(1e-12)
  })

  it('a postgres_fdw coordinator over the two servers (partitions) equals one server to 1e-12', async () => {
    const run = clients[0]!.run
    await run('CREATE EXTENSION IF NOT EXISTS postgres_fdw')
    await run('CREATE TABLE "coordinated" ("a" float8, "b" float8, "c" float8, "w" float8, "shard" int) PARTITION BY LIST ("shard")')
    for (const s of [0, 1]) {
      const port = servers[s + 1]!.port
      await run(`CREATE SERVER "shard${s}" FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '${port}', dbname 'postgres')`)
      await run(`CREATE USER MAPPING FOR CURRENT_USER SERVER "shard${s}" OPTIONS (user 'postgres')`)
      await clients[s + 1]!.run(`CREATE VIEW "part_view" AS SELECT *, ${s} AS "shard" FROM "part"`)
      await run(
        `CREATE FOREIGN TABLE "coordinated_${s}" PARTITION OF "coordinated" FOR VALUES IN (${s}) SERVER "shard${s}" OPTIONS (table_name 'part_view')`,
      )
    }
    await run('SET enable_partitionwise_aggregate = on')
    const fit = right(await Mixture.fitAsync(family, right(Sql.sql(source(run, 'coordinated'))), options))
    const trace = worstRelative(fit.trace, single.trace)
    expect(trace, `trace ${trace}`).toBeLessThanOrEqual(1e-12)
    const params = worstRelative(vector(fit), vector(single))
    expect(params, `parameters ${params}`).toBeLessThanOrEqual(1e-12)
  })

  it('a shard that fails mid-fit stops the fit with EngineFailure naming the shard', async () => {
    let passes = 0
    const dying: Run = async (q) => {
      if (q.startsWith('WITH "b"') && q.includes('"lse"') && ++passes === 4) servers[2]!.stop()
      return clients[2]!.run(q)
    }
    const shards = [right(Sql.sql(source(clients[1]!.run, 'part'))), right(Sql.sql(source(dying, 'part')))]
    const r = await Mixture.fitAsync(family, right(Sql.fanout(shards)), options)
    expect(E.isLeft(r)).toBe(true)
    if (E.isLeft(r)) {
      expect(r.left._tag).toBe('EngineFailure')
      expect(r.left.message).toMatch(/^shard 1: the E-step query failed: /)
    }
    expect(passes).toBe(4)
  })
})
