/**
 * Template families with missing cells (issue 15): strict EM with expected statistics (a missing
 * cell contributes its expected features, E[x | λ] = λ for a Poisson count, 1/λ for an exponential
 * lifetime) reproduces scripts/incomplete-data-reference.py to 1e-10 per trace entry for 100
 * iterations, on the memory, threads and stream engines, and stops at a stationary point.
 */
import { readFileSync } from 'node:fs'
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import { Dataset, Mixture } from '@emkit/core'
import { Stationarity } from '@emkit/testkit'
import * as Exponential from '@emkit/exponential'
import type { ComponentFamily } from '@emkit/core'
import { Poisson } from './index.js'

const suite = (title: string, folder: URL, family: ComponentFamily<unknown, unknown>): void => {
  const read = (path: string): string => readFileSync(new URL(path, folder), 'utf8')
  const reference = JSON.parse(read('reference.json')) as {
    missing_cells: number
    iterations: number
    trace: number[]
    final: { weights: number[]; components: Array<{ rate: number[] }> }
  }
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
  const start = right(Mixture.fromJSON(family, JSON.parse(read('start.json')))).params
  const worst = (a: readonly number[], b: readonly number[]): number =>
    a.reduce((w, x, t) => Math.max(w, Math.abs(x - b[t]!) / Math.abs(b[t]!)), 0)

  describe(title, () => {
    it('reads the data the reference used', () => {
      expect(data.missing!.reduce((s, v) => s + v, 0)).toBe(reference.missing_cells)
    })
    it('the trace matches to 1e-10 relative per entry for 100 iterations, and the final rates', () => {
      const fit = right(Mixture.fit(family, data, { k: 2, init: start, tolerance: 0, maxIterations: reference.iterations }))
      expect(fit.trace.length).toBe(reference.iterations + 1)
      expect(worst(fit.trace, reference.trace)).toBeLessThan(1e-10)
      const json = Mixture.toJSON(family, fit.params)
      expect(worst(Array.from(json.weights), reference.final.weights)).toBeLessThan(1e-9)
      const rates = (json.components as Array<{ rate: number[] }>).flatMap((c) => c.rate)
      expect(
        worst(
          rates,
          reference.final.components.flatMap((c) => c.rate),
        ),
      ).toBeLessThan(1e-9)
    })
    it('the converged point is a stationary point of the observed-data log-likelihood (finite differences in the log-weights and log-rates)', () => {
      const fit = right(Mixture.fit(family, data, { k: 2, init: start, stop: 'parameters', tolerance: 1e-12, maxIterations: 20000 }))
      const converged = right(Stationarity.gradient(family, data, fit.params))
      expect(converged.length).toBe(2 + 2 * data.d)
      for (const g of converged) expect(Math.abs(g)).toBeLessThan(1e-4)
      // The same differences at the start are far from 0: the check can fail.
      expect(Math.max(...Array.from(right(Stationarity.gradient(family, data, start)), Math.abs))).toBeGreaterThan(1)
    })
    it('threads (2) and the stream engine (blocks of 16 rows) give the same trace', async () => {
      const options = { k: 2, init: start, tolerance: 0, maxIterations: 30 }
      const threads = right(Mixture.fit(family, data, { ...options, workers: 2 }))
      const streamed = right(await Mixture.fitAsync(family, data, { ...options, engine: 'stream', blockRows: 16 }))
      expect(threads.threads).toBe(2)
      expect(worst(threads.trace, reference.trace.slice(0, 31))).toBeLessThan(1e-10)
      expect(worst(streamed.trace, reference.trace.slice(0, 31))).toBeLessThan(1e-10)
    })
  })
}

suite(
  'Poisson mixture with missing cells (strict EM, E[x] = λ for a missing count)',
  new URL('../fixtures/poisson-missing/', import.meta.url),
  Poisson.family() as ComponentFamily<unknown, unknown>,
)
suite(
  'exponential mixture with missing cells (strict EM, E[x] = 1/λ for a missing cell)',
  new URL('../../exponential/fixtures/incomplete/', import.meta.url),
  Exponential.family() as ComponentFamily<unknown, unknown>,
)
