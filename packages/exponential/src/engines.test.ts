/**
 * Every engine (memory, threads ×2 and ×3, stream in blocks of 1, 7, 4096 and 10⁵ rows) gives the
 * trace of classic EM to 1e-12 relative per entry: on the reference case and on weighted data.
 * Worker threads load the compiled dist/ (the test command builds it first with `tsc -b`).
 */
import { readFileSync } from 'node:fs'
import { Dataset, Mixture } from '@emkit/core'
import { EngineLaws } from '@emkit/testkit'
import { describe, expect, test } from 'vitest'
import * as Exponential from './index.js'

interface Reference {
  rows: number[][]
  init: { weights: number[]; rates: number[][] }
  iterations: number
}
const reference = JSON.parse(readFileSync(new URL('../fixtures/reference.json', import.meta.url), 'utf8')) as Reference
const family = Exponential.family()
const params = (weights: number[], rates: number[][]): Mixture.Params<Exponential.Component> => ({
  weights: Float64Array.from(weights),
  components: rates.map((r) => Exponential.component(r)),
})

describe('engines', () => {
  test('the reference case', async () => {
    const report = await EngineLaws.checkEngines({
      family,
      data: Dataset.fromRowsOrThrow(reference.rows),
      init: params(reference.init.weights, reference.init.rates),
      iterations: reference.iterations,
    })
    expect(report.ok, report.message).toBe(true)
    expect(report.outcomes.length).toBe(8)
  })

  test('weighted rows, d = 3, k = 3', async () => {
    const truth = params(
      [0.3, 0.5, 0.2],
      [
        [1, 0.2, 5],
        [0.05, 1, 0.5],
        [3, 3, 0.1],
      ],
    )
    const s = Mixture.sampleOrThrow(family, truth, 8000, 5)
    const data = Dataset.fromRowsOrThrow(
      Array.from({ length: 8000 }, (_, i) => Array.from(s.values.subarray(i * 3, i * 3 + 3))),
      { sampleWeights: Array.from({ length: 8000 }, (_, i) => (i % 7 === 0 ? 0 : 0.25 + (i % 4))) },
    )
    const report = await EngineLaws.checkEngines({
      family,
      data,
      init: params(
        [1 / 3, 1 / 3, 1 / 3],
        [
          [0.5, 0.5, 1],
          [0.1, 0.8, 0.8],
          [2, 1, 0.3],
        ],
      ),
      iterations: 30,
    })
    expect(report.ok, report.message).toBe(true)
  })
})
