/**
 * Every engine (memory, threads ×2 and ×3, stream in blocks of 1, 7, 4096 and 10⁵ rows) gives the
 * trace of classic EM to 1e-12 relative per entry — with the per-row multinomial coefficient (the
 * base measure, computed per block when streaming), sample weights and the smoothing prior.
 * Worker threads load the compiled dist/ (the test command builds it first with `tsc -b`).
 */
import { readFileSync } from 'node:fs'
import type { Mixture } from '@emkit/core'
import { Dataset } from '@emkit/core'
import { EngineLaws } from '@emkit/testkit'
import { describe, expect, test } from 'vitest'
import * as Multinomial from './index.js'
import { topicDocuments } from './test/documents.js'

interface Reference {
  rows: number[][]
  init: { weights: number[]; probabilities: number[][] }
  iterations: number
}
const reference = JSON.parse(readFileSync(new URL('../fixtures/reference.json', import.meta.url), 'utf8')) as Reference
const params = (weights: number[], probabilities: number[][]): Mixture.Params<Multinomial.Component> => ({
  weights: Float64Array.from(weights),
  components: probabilities.map((p) => Multinomial.component(p)),
})

describe('engines', () => {
  for (const smoothing of [0, 0.5]) {
    test(`the reference case, smoothing ${smoothing}`, async () => {
      const report = await EngineLaws.checkEngines({
        family: Multinomial.family({ smoothing }),
        data: Dataset.fromRowsOrThrow(reference.rows),
        init: params(reference.init.weights, reference.init.probabilities),
        iterations: reference.iterations,
      })
      expect(report.ok, report.message).toBe(true)
    })
  }

  test('weighted documents with the smoothing prior', async () => {
    const data = topicDocuments()
    const report = await EngineLaws.checkEngines({
      family: Multinomial.family({ smoothing: 0.5 }),
      data,
      init: params(
        [0.5, 0.5],
        [
          [0.3, 0.2, 0.2, 0.2, 0.1],
          [0.1, 0.2, 0.2, 0.2, 0.3],
        ],
      ),
      iterations: 20,
    })
    expect(report.ok, report.message).toBe(true)
  })
})
