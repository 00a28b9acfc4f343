/**
 * The exactness suite every dialect runs: from the same start, a fit inside the database gives the
 * in-memory trace to ≤ 1e-9 relative per entry — the shared reference cases (four Gaussian
 * structures), exponential and multinomial data, each without and with a column of sample weights.
 */
import type { ComponentFamily, Mixture as MixtureNs } from '@emkit/core'
import { Dataset, Mixture, Rng } from '@emkit/core'
import * as Exponential from '@emkit/exponential'
import * as Gaussian from '@emkit/gaussian'
import * as Multinomial from '@emkit/multinomial'
import { readFileSync } from 'node:fs'
import { Bernoulli, Categorical, Gamma, Poisson } from '@emkit/families'
import { expect, it } from 'vitest'
import type { Dialect } from '../Dialect.js'
import type { Run } from '../Sql.js'
import { fitBoth, fixture, load, readCsv, right, worstRelative } from './engines.js'

/** Positive, non-integer sample weights, seeded. */
export const weightsFor = (n: number, seed: number): Float64Array => {
  const rng = Rng.seeded(seed)
  return Float64Array.from({ length: n }, () => 0.25 + 2 * rng.uniform())
}

/** One comparison: loads the rows, fits both ways, checks trace and parameters. */
const compare = async <C, S>(
  run: Run,
  dialect: Dialect,
  table: string,
  family: ComponentFamily<C, S>,
  data: Dataset.Dataset,
  init: MixtureNs.Params<C>,
  weighted: boolean,
): Promise<void> => {
  const columns = data.columns ?? Array.from({ length: data.d }, (_, c) => `c${c}`)
  const rows: Dataset.Dataset = weighted ? { ...data, sampleWeights: weightsFor(data.n, 7) } : data
  await load(run, dialect, table, columns, rows, weighted ? 'weight' : undefined)
  const { memory, database } = await fitBoth(
    family,
    rows,
    { dialect, run, from: table, columns, ...(weighted ? { weight: 'weight' } : {}) },
    init,
    10,
  )
  expect(database.engine).toBe('database')
  expect(database.trace.length).toBe(11)
  const trace = worstRelative(database.trace, memory.trace)
  expect(trace, `${table}: worst relative trace difference ${trace}`).toBeLessThanOrEqual(1e-9)
  const vector = (fit: MixtureNs.MixtureFit<C>): number[] => [
    ...fit.params.weights,
    ...fit.params.components.flatMap((c) => Array.from(family.toVector(c))),
  ]
  const params = worstRelative(vector(database), vector(memory))
  expect(params, `${table}: worst relative parameter difference ${params}`).toBeLessThanOrEqual(1e-8)
}

/** Exponential rows: two scales, d = 2. */
export const exponentialData = (): Dataset.Dataset => {
  const rng = Rng.seeded(3)
  const rows = Array.from({ length: 600 }, (_, i) => {
    const s = i % 3 === 0 ? 8 : 0.5
    return [-s * Math.log(1 - rng.uniform()), -s * 2 * Math.log(1 - rng.uniform())]
  })
  return right(Dataset.fromRows(rows, { columns: ['life', 'wait'] }))
}

/** Multinomial counts: V = 4, two topics, some zero counts. */
export const multinomialData = (): Dataset.Dataset => {
  const rng = Rng.seeded(5)
  const topics = [
    [0.6, 0.3, 0.1, 0],
    [0.05, 0.15, 0.3, 0.5],
  ]
  const rows = Array.from({ length: 400 }, (_, i) => {
    const p = topics[i % 2]!
    const x = [0, 0, 0, 0]
    const trials = 3 + Math.floor(rng.uniform() * 30)
    for (let t = 0; t < trials; t++) {
      let u = rng.uniform()
      let v = 0
      while (v < 3 && u > p[v]!) u -= p[v++]!
      x[v]!++
    }
    return x
  })
  return right(Dataset.fromRows(rows, { columns: ['a', 'b', 'c', 'd'] }))
}

/** Registers the suite's tests for one dialect; `client` gives a fresh database per test. */
export const exactnessSuite = (dialect: Dialect, client: () => Promise<{ run: Run; close: () => Promise<void> | void }>): void => {
  const withClient = async (f: (run: Run) => Promise<void>): Promise<void> => {
    const c = await client()
    try {
      await f(c.run)
    } finally {
      await c.close()
    }
  }
  const cases: Array<[string, string, string]> = [
    ['lecture-1d', 'full', 'init.full.v1.json'],
    ['iris-k3', 'full', 'init.full.v1.json'],
    ['iris-k3', 'diag', 'init.diag.v1.json'],
    ['iris-k3', 'spherical', 'init.spherical.v1.json'],
    ['iris-k3', 'tied', 'init.tied.v1.json'],
  ]
  for (const weighted of [false, true]) {
    const how = weighted ? 'with a weight column' : 'unweighted'
    for (const [name, structure, init] of cases) {
      it(`${name} ${structure}, ${how}: the in-memory trace to 1e-9`, async () => {
        const family = Gaussian.family({ covariance: structure as Gaussian.CovarianceType })
        const data = readCsv(fixture(`${name}/data.csv`).text)
        const start = right(Mixture.fromJSON(family, JSON.parse(fixture(`${name}/${init}`).text))).params
        await withClient((run) => compare(run, dialect, `ref ${name} ${structure}`, family, data, start, weighted))
      })
    }
    it(`exponential, ${how}: the in-memory trace to 1e-9`, async () => {
      const family = Exponential.family()
      const start = { weights: Float64Array.of(0.5, 0.5), components: [Exponential.component([2, 1]), Exponential.component([0.2, 0.1])] }
      await withClient((run) => compare(run, dialect, 'lifetimes', family, exponentialData(), start, weighted))
    })
    // The template families: their SQL comes from their features (Family.define's `sql`).
    const templates: Array<[string, ComponentFamily<unknown, unknown>]> = [
      ['poisson', Poisson.family() as ComponentFamily<unknown, unknown>],
      ['bernoulli', Bernoulli.family() as ComponentFamily<unknown, unknown>],
      ['gamma-2d', Gamma.family() as ComponentFamily<unknown, unknown>],
      ['categorical', Categorical.family({ levels: 4 }) as ComponentFamily<unknown, unknown>],
    ]
    for (const [name, family] of templates) {
      it(`${name} (family template), ${how}: the in-memory trace to 1e-9`, async () => {
        const read = (file: string): string => readFileSync(new URL(`../../../families/fixtures/${name}/${file}`, import.meta.url), 'utf8')
        const start = right(Mixture.fromJSON(family, JSON.parse(read('start.json')))).params
        await withClient((run) => compare(run, dialect, `template ${name}`, family, readCsv(read('data.csv')), start, weighted))
      })
    }
    it(`multinomial, ${how}: the in-memory trace to 1e-9 (coefficient included)`, async () => {
      const family = Multinomial.family()
      const start = {
        weights: Float64Array.of(0.4, 0.6),
        components: [Multinomial.component([0.4, 0.3, 0.2, 0.1]), Multinomial.component([0.1, 0.2, 0.3, 0.4])],
      }
      await withClient((run) => compare(run, dialect, 'counts', family, multinomialData(), start, weighted))
    })
  }
}
