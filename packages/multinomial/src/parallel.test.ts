import { describe, expect, test } from 'vitest'
import { Dataset, Mixture, Rng } from '@emkit/core'
import * as Multinomial from './index.js'

// Worker threads load the compiled dist/ (the test command builds it first with `tsc -b`).
describe('worker threads', () => {
  test('the parallel E-step (with the per-row multinomial coefficient and a prior) equals the single-thread fit', () => {
    const rng = Rng.seeded(8)
    const topics = [
      [0.5, 0.3, 0.1, 0.05, 0.05],
      [0.05, 0.05, 0.1, 0.3, 0.5],
    ]
    const rows = Array.from({ length: 3000 }, () => {
      const p = topics[rng.uniform() < 0.5 ? 0 : 1]!
      const counts = [0, 0, 0, 0, 0]
      const trials = 1 + rng.int(20)
      for (let t = 0; t < trials; t++) {
        let u = rng.uniform()
        let v = 0
        while (v < 4 && u >= p[v]!) u -= p[v++]!
        counts[v]!++
      }
      return counts
    })
    const data = Dataset.fromRowsOrThrow(rows, { sampleWeights: rows.map((_, i) => 1 + (i % 3)) })
    const family = Multinomial.family({ smoothing: 0.5 })
    const one = Mixture.fitOrThrow(family, data, { k: 2, seed: 2, tolerance: 0, maxIterations: 20, workers: 1 })
    const two = Mixture.fitOrThrow(family, data, { k: 2, seed: 2, tolerance: 0, maxIterations: 20, workers: 2 })
    expect(two.trace.length).toBe(21)
    two.trace.forEach((v, t) => expect(Math.abs(v - one.trace[t]!)).toBeLessThanOrEqual(1e-12 * Math.abs(one.trace[t]!)))
  })
})
