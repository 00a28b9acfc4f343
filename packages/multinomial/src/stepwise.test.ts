import { Dataset, Mixture, Source, Stepwise } from '@emkit/core'
import type { EmError } from '@emkit/core'
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import * as Multinomial from './index.js'

const right = <A>(r: E.Either<EmError, A>): A => {
  if (E.isLeft(r)) throw new Error(`expected Right, got ${r.left._tag}: ${r.left.message}`)
  return r.right
}

const params = (weights: number[], probabilities: number[][]): Mixture.Params<Multinomial.Component> => ({
  weights: Float64Array.from(weights),
  components: probabilities.map((p) => Multinomial.component(p)),
})

const topics = [
  [0.4, 0.3, 0.1, 0.1, 0.05, 0.05],
  [0.05, 0.05, 0.1, 0.1, 0.3, 0.4],
]

describe('stepwise EM on multinomial mixtures', () => {
  const n = 20_000
  const s = Mixture.sampleOrThrow(Multinomial.family({ trials: 20 }), params([0.6, 0.4], topics), n, 5)
  const data = right(Dataset.fromFlat(s.values, s.d))
  const start = params(
    [0.5, 0.5],
    [
      [0.3, 0.2, 0.2, 0.1, 0.1, 0.1],
      [0.1, 0.1, 0.1, 0.2, 0.2, 0.3],
    ],
  )

  for (const smoothing of [0, 5]) {
    it(`smoothing ${smoothing}: one pass is within 0.01 per row of batch EM, with the prior weighed against the rows seen`, async () => {
      const family = Multinomial.family({ smoothing })
      const fit = right(await Stepwise.fit(family, right(Source.fromDataset(data, 3000)), { k: 2, init: start, batchSize: 500 }))
      expect(fit.trace.every(Number.isFinite)).toBe(true)
      const batch = right(Mixture.fit(family, data, { k: 2, init: start, tolerance: 1e-9 }))
      const ll = Mixture.logLikelihoodOrThrow(family, fit.params, data) / n
      const optimum = Mixture.logLikelihoodOrThrow(family, batch.params, data) / n
      if (!(optimum - ll <= 0.01)) throw new Error(`gap ${optimum - ll} per row`)
      // The M-step sees the statistics of the rows seen (not of weight 1), so 5 pseudo-counts per
      // category do not flatten the estimate: the probabilities are batch EM's to within 0.01.
      fit.params.components.forEach((c, j) =>
        c.probabilities.forEach((p, v) => expect(Math.abs(p - batch.params.components[j]!.probabilities[v]!)).toBeLessThan(0.01)),
      )
    })
  }
})
