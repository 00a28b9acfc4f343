/**
 * A new family written from scratch against the public API only (`poisson.ts`: multivariate
 * independent Poisson counts), then fitted, compared by BIC, used for prediction, sampling and
 * JSON, and held to both testkit suites — all of which it gets for free from `@emkit/core` and
 * `@emkit/testkit`.
 */
import { either as E } from 'fp-ts'
import fc from 'fast-check'
import { Dataset, Mixture, Rng } from '@emkit/core'
import { Arbitraries, FamilyLaws, ModelLaws } from '@emkit/testkit'
import { check, close, fmt } from '../shared/check.js'
import { poisson } from './poisson.js'

// Data: 600 rows of 3 counts from a known two-component mixture.
const truth: Mixture.Params<{ rate: number[] }> = {
  weights: Float64Array.from([0.3, 0.7]),
  components: [{ rate: [2, 9, 0.5] }, { rate: [8, 1, 4] }],
}
const draw = Mixture.sampleOrThrow(poisson, truth, 600, Rng.seeded(7))
const data = Dataset.fromFlat(draw.values, draw.d)
if (E.isLeft(data)) throw new Error(data.left.message)

// Fit with restarts; choose k by BIC.
const fits = [1, 2, 3].map((k) => Mixture.fitOrThrow(poisson, data.right, { k, restarts: 5, seed: 1, init: 'random-rows' }))
for (const f of fits)
  console.log(`k = ${f.params.weights.length}: log-likelihood ${fmt(f.logLikelihood, 8)}, BIC ${fmt(f.bic, 7)}, ${f.iterations} iterations`)
const best = fits.reduce((a, b) => (b.bic < a.bic ? b : a))
check(best.params.weights.length === 2, `BIC chooses k = 2 (got ${best.params.weights.length})`)
const order = best.params.components[0]!.rate[0]! < best.params.components[1]!.rate[0]! ? [0, 1] : [1, 0]
order.forEach((j, t) => {
  close(best.params.weights[j]!, truth.weights[t]!, 0, 0.06, `weight of component ${t}`)
  best.params.components[j]!.rate.forEach((r, c) => close(r, truth.components[t]!.rate[c]!, 0.15, 0.15, `rate ${c} of component ${t}`))
})
console.log('rates:', best.params.components.map((c) => c.rate.map((r) => fmt(r, 3)).join(' ')).join(' | '))

// Prediction, sampling and JSON come from the mixture layer.
const labels = Mixture.predictOrThrow(poisson, best.params, data.right)
const agree = draw.labels.reduce((s, z, i) => s + (order[z] === labels[i] ? 1 : 0), 0) / draw.labels.length
console.log(`labels agree with the truth on ${fmt(100 * agree, 3)} % of rows`)
check(agree > 0.95, 'predicted labels match the generating components')
const json = JSON.parse(JSON.stringify(Mixture.toJSON(poisson, best.params, best))) as unknown
const back = Mixture.fromJSON(poisson, json)
check(
  E.isRight(back) && Mixture.logLikelihoodOrThrow(poisson, back.right.params, data.right) === best.logLikelihood,
  'JSON round trip keeps the log-likelihood exactly',
)
check(
  Mixture.sampleOrThrow(poisson, best.params, 10, 3).values.every((x) => Number.isInteger(x) && x >= 0),
  'samples are counts',
)

// Verification: the family contract and the EM model laws.
const counts = Arbitraries.dataset({
  minRows: 2,
  maxRows: 30,
  dimension: fc.integer({ min: 1, max: 3 }),
  integer: true,
  min: 0,
  max: 12,
  weighted: 'maybe',
})
const components = (d: number, k: number) =>
  fc.array(
    fc.array(fc.double({ min: 0.2, max: 10, noNaN: true }), { minLength: d, maxLength: d }).map((rate) => ({ rate })),
    { minLength: k, maxLength: k },
  )
const family = FamilyLaws.assertFamilyLaws({
  family: poisson,
  data: counts,
  outOfSupport: Arbitraries.dataset({ maxRows: 5, min: 0.1, max: 0.9 }),
  normalization: {
    kind: 'sum',
    components: FamilyLaws.componentsFromJson(poisson, Arbitraries.mixtureJson({ family: 'poisson', dimension: 1 }, components(1, 1))),
    support: () => Dataset.fromColumnOrThrow(Array.from({ length: 80 }, (_, x) => x)),
  },
  parameters: { numRuns: 20, seed: 42 },
})
const model = ModelLaws.assertMixtureLaws(poisson, 2, {
  cases: Arbitraries.mixtureCase(poisson, Arbitraries.mixtureJson({ family: 'poisson', dimension: 3 }, components(3, 2)), {
    weighted: 'maybe',
  }),
  parameters: { numRuns: 15, seed: 42 },
})
console.log(`${family.results.length} family laws and ${model.results.length} model laws held`)
check(family.ok && model.ok && family.results.length === 8 && model.results.length === 7, 'both suites ran in full and held')
