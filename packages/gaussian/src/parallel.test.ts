import { either as E } from 'fp-ts'
import { describe, expect, test } from 'vitest'
import { Dataset, Mixture, Rng } from '@emkit/core'
import * as Gaussian from './index.js'

// The parallel E-step runs the family in worker threads, which load the compiled dist/ (the test
// command builds it first with `tsc -b`).
const blobs = (n: number, seed: number, weights?: boolean): Dataset.Dataset => {
  const rng = Rng.seeded(seed)
  const rows = Array.from({ length: n }, () => {
    const c = rng.uniform() < 0.4 ? 0 : 4
    return [c + rng.normal(), 0.5 * rng.normal(), c + rng.normal()]
  })
  return Dataset.fromRowsOrThrow(rows, weights === true ? { sampleWeights: rows.map((_, i) => 1 + (i % 4)) } : {})
}

const relClose = (a: number, b: number, rtol: number): boolean => Math.abs(a - b) <= rtol * Math.abs(b)

describe('worker threads', () => {
  for (const covariance of Gaussian.COVARIANCE_TYPES) {
    test(`${covariance}: 2 and 3 threads give the single-thread fit up to summation order`, () => {
      const data = blobs(6000, 3, covariance === 'diag')
      const family = Gaussian.family({ covariance })
      const one = Mixture.fitOrThrow(family, data, { k: 3, seed: 1, tolerance: 0, maxIterations: 25, workers: 1 })
      for (const workers of [2, 3]) {
        const many = Mixture.fitOrThrow(family, data, { k: 3, seed: 1, tolerance: 0, maxIterations: 25, workers })
        expect(many.trace.length).toBe(26)
        many.trace.forEach((v, t) => {
          if (!relClose(v, one.trace[t]!, 1e-12)) throw new Error(`${workers} threads, trace[${t}]: ${v} vs ${one.trace[t]}`)
        })
        many.params.components.forEach((c, j) => {
          const o = one.params.components[j]!
          c.mean.forEach((m, r) => expect(Math.abs(m - o.mean[r]!)).toBeLessThan(1e-9))
        })
        expect(relClose(many.bic, one.bic, 1e-12)).toBe(true)
      }
    })
  }

  test('a family without a worker recipe cannot ask for threads', () => {
    const data = blobs(100, 1)
    const { worker: _drop, ...plain } = Gaussian.family()
    expect(Mixture.fit(plain, data, { k: 2, workers: 2 })).toMatchObject({ left: { _tag: 'InvalidOptions', option: 'workers' } })
    expect(E.isRight(Mixture.fit(plain, data, { k: 2, workers: 'auto' }))).toBe(true)
  })
})
