import { describe, expect, test } from 'vitest'
import { Mixture } from '@emkit/core'
import * as Multinomial from './index.js'
import { topicDocuments } from './test/documents.js'

// Worker threads load the compiled dist/ (the test command builds it first with `tsc -b`).
describe('worker threads', () => {
  test('the parallel E-step (with the per-row multinomial coefficient and a prior) equals the single-thread fit', () => {
    const data = topicDocuments()
    const family = Multinomial.family({ smoothing: 0.5 })
    const one = Mixture.fitOrThrow(family, data, { k: 2, seed: 2, tolerance: 0, maxIterations: 20, workers: 1 })
    const two = Mixture.fitOrThrow(family, data, { k: 2, seed: 2, tolerance: 0, maxIterations: 20, workers: 2 })
    expect(two.trace.length).toBe(21)
    two.trace.forEach((v, t) => expect(Math.abs(v - one.trace[t]!)).toBeLessThanOrEqual(1e-12 * Math.abs(one.trace[t]!)))
  })
})
