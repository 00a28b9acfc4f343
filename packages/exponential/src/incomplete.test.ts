/**
 * An exponential mixture with missing cells (issue 15): imputation fills a missing cell with
 * Σⱼ γᵢⱼ / λⱼc (the trace against scripts/incomplete-data-reference.py, on every engine, is checked
 * with the other template families in packages/families/src/missing.test.ts); a family without the
 * fixed capability holds whole components and weights.
 */
import { readFileSync } from 'node:fs'
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import { Dataset, Mixture } from '@emkit/core'
import * as Exponential from './index.js'

const read = (path: string): string => readFileSync(new URL(`../fixtures/incomplete/${path}`, import.meta.url), 'utf8')
const rows = read('data.csv')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(',').map((cell) => (cell === '' ? Number.NaN : Number(cell))))
const right = <A>(r: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
}
const data = right(Dataset.fromRows(rows, { allowMissing: true }))
const family = Exponential.family()
const start = right(Mixture.fromJSON(family, JSON.parse(read('start.json')))).params

describe('exponential mixture with missing cells: imputation (the reference trace is checked in packages/families/src/missing.test.ts)', () => {
  it('imputation fills a missing cell with Σⱼ γᵢⱼ/λⱼc, the posterior from the observed cell', () => {
    const params = start
    const i = rows.findIndex((r) => r.some(Number.isNaN))
    const c = rows[i]!.findIndex(Number.isNaN)
    const o = 1 - c
    const rates = (Mixture.toJSON(family, params).components as Array<{ rate: number[] }>).map((comp) => comp.rate)
    const joint = [0, 1].map((j) => params.weights[j]! * rates[j]![o]! * Math.exp(-rates[j]![o]! * rows[i]![o]!))
    const g = joint.map((v) => v / (joint[0]! + joint[1]!))
    const filled = right(Mixture.impute(family, params, data))
    const expected = g[0]! / rates[0]![c]! + g[1]! / rates[1]![c]!
    expect(Math.abs(filled.values[i * 2 + c]! - expected)).toBeLessThan(1e-12 * expected)
    expect(filled.values[i * 2 + o]).toBe(rows[i]![o])
  })
})

describe('fixed parameters with a family that has no fixed capability', () => {
  it('a held component and its weight stay; the free one is estimated from its own statistics; named parameters are refused', () => {
    const start = Exponential.univariate([0.5, 0.5], [1, 5])
    const rows = Array.from({ length: 200 }, (_, i) => ((i * 7919) % 997) / 300 + (i % 2 === 0 ? 0 : 0.01 * (i % 13)))
    const ds = right(Dataset.fromColumn(rows))
    const fit = right(
      Mixture.fit(family, ds, { k: 2, init: start, fixed: { components: [0], weights: [0] }, tolerance: 0, maxIterations: 20 }),
    )
    for (let t = 1; t < fit.trace.length; t++) expect(fit.trace[t]! - fit.trace[t - 1]!).toBeGreaterThan(-1e-9 * Math.abs(fit.trace[t]!))
    expect(fit.params.components[0]).toBe(start.components[0])
    expect(Array.from(fit.params.weights)).toEqual([0.5, 0.5])
    expect(fit.parameters).toBe(1)
    // One iteration: the free rate is Σ γᵢ₁ / Σ γᵢ₁ xᵢ, its own statistics' estimate.
    const one = right(
      Mixture.fit(family, ds, { k: 2, init: start, fixed: { components: [0], weights: [0] }, tolerance: 0, maxIterations: 1 }),
    )
    const q = right(Mixture.responsibilities(family, ds, start))
    let g = 0
    let gx = 0
    for (let i = 0; i < ds.n; i++) {
      g += q.values[ds.n + i]!
      gx += q.values[ds.n + i]! * rows[i]!
    }
    const rate = (Mixture.toJSON(family, one.params).components as Array<{ rate: number[] }>)[1]!.rate[0]!
    expect(Math.abs(rate - g / gx)).toBeLessThan(1e-12 * rate)
    const r = Mixture.fit(family, ds, { k: 2, init: start, fixed: { parameters: ['rate'] } })
    expect(E.isLeft(r) && /the exponential family cannot hold named parameters/.test(r.left.message)).toBe(true)
  })
})
