/**
 * EM inside DuckDB (embedded, `@duckdb/node-api`): the exactness suite against the in-memory engine.
 */
import { DuckDBInstance } from '@duckdb/node-api'
import type { ComponentFamily } from '@emkit/core'
import { Mixture } from '@emkit/core'
import * as Gaussian from '@emkit/gaussian'
import * as Multinomial from '@emkit/multinomial'
import { describe, expect, it } from 'vitest'
import { duckdb } from './Dialect.js'
import { Sql } from './index.js'
import { duckdbClient, fixture, load, readCsv, right, worstRelative } from './test/engines.js'
import { exactnessSuite, multinomialData } from './test/suite.js'

describe('DuckDB: fits from the same start equal the in-memory fit', () => {
  exactnessSuite(duckdb, duckdbClient)
})

describe('DuckDB: prediction and scoring as SQL equal Mixture.predictProba and scoreSamples', () => {
  it('iris (full) and multinomial counts, row by row in the table order', async () => {
    const instance = await DuckDBInstance.create(':memory:')
    const connection = await instance.connect()
    const run: Sql.Run = async (q) => (await connection.runAndReadAll(q)).getRowObjectsJS()[0]
    const all = async (q: string) => (await connection.runAndReadAll(q)).getRowObjectsJS()
    try {
      const cases = [
        {
          family: Gaussian.family({ covariance: 'full' }) as ComponentFamily<unknown, unknown>,
          data: readCsv(fixture('iris-k3/data.csv').text),
        },
        { family: Multinomial.family() as ComponentFamily<unknown, unknown>, data: multinomialData() },
      ]
      for (const [t, { family, data }] of cases.entries()) {
        const columns = data.columns!
        await load(run, duckdb, `t${t}`, columns, data)
        const params = right(Mixture.fit(family, data, { k: 3, seed: 1, maxIterations: 20 })).params
        const options = { dialect: duckdb, run, from: `t${t}`, columns }
        const predicted = await all(right(Sql.predictQuery(family, options, params)))
        const scored = await all(right(Sql.scoreQuery(family, options, params)))
        const proba = right(Mixture.predictProba(family, params, data))
        const labels = right(Mixture.predict(family, params, data))
        const scores = right(Mixture.scoreSamples(family, params, data))
        expect(predicted.length).toBe(data.n)
        expect(predicted.map((r) => Number(r['label']))).toEqual(Array.from(labels))
        // Probabilities to 1e-12 absolute (a probability of 1e-200 carries the rounding of its exponent).
        const sqlProba = predicted.flatMap((r) => [0, 1, 2].map((j) => Number(r[`p${j}`])))
        expect(Math.max(...sqlProba.map((p, t) => Math.abs(p - proba[t]!)))).toBeLessThanOrEqual(1e-12)
        expect(
          worstRelative(
            scored.map((r) => Number(r['score'])),
            Array.from(scores),
          ),
        ).toBeLessThanOrEqual(1e-12)
      }
    } finally {
      connection.closeSync()
      instance.closeSync()
    }
  })
})
