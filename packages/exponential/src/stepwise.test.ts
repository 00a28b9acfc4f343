import { Dataset, Mixture, Source, Stepwise } from '@emkit/core'
import type { EmError } from '@emkit/core'
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import * as Exponential from './index.js'

const right = <A>(r: E.Either<EmError, A>): A => {
  if (E.isLeft(r)) throw new Error(`expected Right, got ${r.left._tag}: ${r.left.message}`)
  return r.right
}

const params = (weights: number[], rates: number[][]): Mixture.Params<Exponential.Component> => ({
  weights: Float64Array.from(weights),
  components: rates.map((r) => Exponential.component(r)),
})

describe('stepwise EM on exponential mixtures', () => {
  it('one pass over 10⁵ lifetimes is within 0.01 per row of batch EM; the family initialisation runs on the first rows', async () => {
    const family = Exponential.family()
    const n = 100_000
    const s = Mixture.sampleOrThrow(family, params([0.7, 0.3], [[1], [12]]), n, 9)
    const data = right(Dataset.fromFlat(s.values, s.d))
    const source = right(Source.fromDataset(data, 4096))
    const start = params([0.5, 0.5], [[0.5], [5]])
    const fit = right(await Stepwise.fit(family, source, { k: 2, init: start }))
    const batch = right(Mixture.fit(family, data, { k: 2, init: start, tolerance: 1e-9 }))
    const gap = batch.logLikelihood / n - Mixture.logLikelihoodOrThrow(family, fit.params, data) / n
    if (!(gap <= 0.01)) throw new Error(`gap ${gap} per row`)
    const own = right(await Stepwise.fit(family, source, { k: 2, seed: 1 }))
    expect(own.trace.every(Number.isFinite)).toBe(true)
    expect(batch.logLikelihood / n - Mixture.logLikelihoodOrThrow(family, own.params, data) / n).toBeLessThan(0.01)
  })
})
