/** Product families of mixed types: recovery, laws, JSON, errors and threads. */
import fc from 'fast-check'
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import type { ComponentFamily } from '@emkit/core'
import { Dataset, Mixture, Product, Rng } from '@emkit/core'
import * as Gaussian from '@emkit/gaussian'
import { Arbitraries, FamilyLaws, ModelLaws } from '@emkit/testkit'
import { Bernoulli, Categorical, Poisson } from './index.js'

const parts = [
  { family: Gaussian.family({ covariance: 'full' }), columns: [0, 1] },
  { family: Poisson.family(), columns: [2] },
  { family: Bernoulli.family(), columns: [3] },
]
const family = Product.family(parts)

const truth = Mixture.fromJSON(family, {
  format: Mixture.FORMAT,
  family: 'product',
  parts: family.header.parts,
  dimension: 4,
  weights: [0.35, 0.65],
  components: [
    {
      parts: [
        {
          mean: [0, 0],
          covariance: [
            [1, 0.5],
            [0.5, 1.5],
          ],
        },
        { rate: [2] },
        { probabilities: [0.25] },
      ],
    },
    {
      parts: [
        {
          mean: [2.5, 1],
          covariance: [
            [1.5, -0.4],
            [-0.4, 0.8],
          ],
        },
        { rate: [7] },
        { probabilities: [0.8] },
      ],
    },
  ],
})
if (E.isLeft(truth)) throw new Error(truth.left.message)
const theta = truth.right.params

describe('a product of Gaussian, Poisson and Bernoulli columns', () => {
  it('recovers the parameters of data sampled from it (label-matched, within sampling error)', () => {
    const n = 4000
    const draw = Mixture.sampleOrThrow(family, theta, n, Rng.seeded(11))
    const data = Dataset.fromFlat(draw.values, draw.d)
    if (E.isLeft(data)) throw new Error(data.left.message)
    const fit = Mixture.fitOrThrow(family, data.right, { k: 2, restarts: 5, seed: 3 })
    const json = Mixture.toJSON(family, fit.params)
    const want = Mixture.toJSON(family, theta)
    // Match by the Poisson rate (2 against 7).
    const rate = (c: Record<string, unknown>): number => (c['parts'] as Array<Record<string, number[]>>)[1]!['rate']![0]!
    const order = rate(json.components[0]!) < rate(json.components[1]!) ? [0, 1] : [1, 0]
    order.forEach((j, t) => {
      // Sampling error: weights ±3 s.e. (√(π(1−π)/n) ≈ 0.0075), parameters by their own scale.
      expect(Math.abs(json.weights[j]! - want.weights[t]!)).toBeLessThan(0.03)
      const got = (json.components[j]!['parts'] as Array<Record<string, unknown>>).map((p) => Object.values(p).flat(2) as number[])
      const exp = (want.components[t]!['parts'] as Array<Record<string, unknown>>).map((p) => Object.values(p).flat(2) as number[])
      got.forEach((values, p) =>
        values.forEach((x, e) =>
          expect(Math.abs(x - exp[p]![e]!), `part ${p} entry ${e}: ${x} against ${exp[p]![e]}`).toBeLessThan(
            0.15 * Math.max(1, Math.abs(exp[p]![e]!)),
          ),
        ),
      )
    })
    // Free parameters: Gaussian full (2 + 3) + Poisson 1 + Bernoulli 1 per component, + 1 weight.
    expect(Mixture.freeParameters(family, fit.params)).toEqual(E.right(2 * 7 + 1))
  })

  it('passes the family contract and the EM model laws', () => {
    const component = fc
      .tuple(
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.double({ min: 0.5, max: 2, noNaN: true }),
        fc.double({ min: -0.4, max: 0.4, noNaN: true }),
        fc.double({ min: 0.5, max: 8, noNaN: true }),
        fc.double({ min: 0.1, max: 0.9, noNaN: true }),
      )
      .map(([m0, m1, v, c, rate, p]) => ({
        parts: [
          {
            mean: [m0, m1],
            covariance: [
              [v, c],
              [c, v],
            ],
          },
          { rate: [rate] },
          { probabilities: [p] },
        ],
      }))
    const json = (k: number) =>
      fc.tuple(fc.array(component, { minLength: k, maxLength: k }), Arbitraries.simplex(k)).map(([components, w]) => ({
        format: Mixture.FORMAT,
        family: 'product',
        parts: family.header.parts,
        dimension: 4,
        weights: Array.from(w),
        components,
      })) as fc.Arbitrary<Mixture.ModelJson>
    const rows = fc
      .integer({ min: 8, max: 30 })
      .chain((n) =>
        fc
          .array(
            fc.tuple(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), fc.nat(12), fc.nat(1)),
            { minLength: n, maxLength: n },
          )
          .map((r) => Dataset.fromRowsOrThrow(r)),
      )
    const opaque = family as unknown as ComponentFamily<unknown, unknown>
    FamilyLaws.assertFamilyLaws({
      family: opaque,
      data: rows,
      laws: ['monoid', 'chunkedEqualsWhole', 'integerWeightsReplicate', 'weightScaleInvariance', 'scaleStatistics', 'supportErrors'],
      // A Bernoulli cell of 2.
      outOfSupport: rows.map((d) => Dataset.fromRowsOrThrow(Array.from({ length: d.n }, (_, i) => [0, 0, 1, i === 0 ? 2 : 1]))),
      minWeight: 0.2,
      parameters: { numRuns: 20 },
    })
    ModelLaws.assertMixtureLaws(opaque, 2, {
      cases: Arbitraries.mixtureCase(opaque, json(2), { minRows: 30, maxRows: 60 }),
      parameters: { numRuns: 10 },
    })
  })
})

describe('product families: building, JSON and threads', () => {
  it('refuses parts that do not read the columns 0 … D − 1 once each, with a typed error', () => {
    const poisson = Poisson.family()
    const cases: Array<[Parameters<typeof Product.fromParts>[0], RegExp]> = [
      [[], /at least one part/],
      [
        [
          { family: poisson, columns: [0] },
          { family: poisson, columns: [0] },
        ],
        /column 0 is read by two parts/,
      ],
      [
        [
          { family: poisson, columns: [0] },
          { family: poisson, columns: [2] },
        ],
        /no part reads column 1/,
      ],
      [[{ family: poisson, columns: [] }], /reads no columns/],
      [[{ family: poisson, columns: [1.5] }], /not a 0-based index/],
      [[{ family: family, columns: [0] }], /cannot nest/],
      [[{ family: { name: 'x' } as unknown as typeof poisson, columns: [0] }], /not a component family/],
    ]
    for (const [given, message] of cases) {
      const r = Product.fromParts(given)
      expect(E.isLeft(r) && r.left._tag === 'InvalidOptions' && message.test(r.left.message), `${message}`).toBe(true)
    }
  })

  it('reads model JSON whose parts match, and names the field at fault otherwise', () => {
    const json = JSON.parse(JSON.stringify(Mixture.toJSON(family, theta))) as Record<string, unknown>
    const back = Mixture.fromJSON(family, json)
    expect(E.isRight(back) && Mixture.toJSON(family, back.right.params)).toEqual(Mixture.toJSON(family, theta))
    // Parts in another key order are the same parts.
    const reordered = { ...json, parts: family.header.parts.map((p) => Object.fromEntries(Object.entries(p).reverse())) }
    expect(E.isRight(Mixture.fromJSON(family, reordered))).toBe(true)
    const other = Mixture.fromJSON(family, { ...json, parts: [{ family: 'poisson', columns: [0, 1, 2, 3] }] })
    expect(E.isLeft(other) && other.left._tag === 'InvalidModel' && other.left.path).toBe('parts')
    const components = json['components'] as Array<{ parts: Array<Record<string, unknown>> }>
    const bad = structuredClone(components)
    bad[1]!.parts[2]!['probabilities'] = [1.5]
    const r = Mixture.fromJSON(family, { ...json, components: bad })
    expect(E.isLeft(r) && r.left._tag === 'InvalidModel' && r.left.path).toBe('components/1/parts/2/probabilities/0')
    const missing = Mixture.fromJSON(family, { ...json, components: [{}, components[1]] })
    expect(E.isLeft(missing) && missing.left._tag === 'InvalidModel' && missing.left.path).toBe('components/0/parts')
  })

  it('names the data column at fault, in the data’s numbering', () => {
    const data = Dataset.fromRowsOrThrow([
      [0, 0, 3, 1],
      [1, 1, 2, 7],
    ])
    const r = family.checkData(data)
    expect(E.isLeft(r) && r.left._tag === 'InvalidData' && r.left.row === 1 && r.left.column === 3).toBe(true)
    expect(E.isLeft(r) && r.left.message).toMatch(/^row 1, column 3: value is 7; the bernoulli family needs values 0 or 1/)
  })

  it('fits on worker threads to the same trace as on one thread (parts rebuilt from their recipes)', async () => {
    const draw = Mixture.sampleOrThrow(family, theta, 3000, Rng.seeded(5))
    const data = Dataset.fromFlat(draw.values, draw.d)
    if (E.isLeft(data)) throw new Error(data.left.message)
    const options = { k: 2, init: theta, maxIterations: 20, tolerance: 0 }
    const one = Mixture.fitOrThrow(family, data.right, { ...options, workers: 1 })
    const two = await Mixture.fitAsync(family, data.right, { ...options, workers: 2 })
    if (E.isLeft(two)) throw new Error(two.left.message)
    expect(two.right.warnings.filter((w) => w.kind === 'threadsUnavailable')).toEqual([])
    two.right.trace.forEach((ll, t) => expect(Math.abs(ll - one.trace[t]!)).toBeLessThan(1e-12 * Math.abs(one.trace[t]!)))
  })

  it('takes a categorical part over a column of levels', () => {
    const mixed = Product.family([
      { family: Categorical.family({ levels: 3 }), columns: [0] },
      { family: Poisson.family(), columns: [1] },
    ])
    const data = Dataset.fromRowsOrThrow([
      [0, 1],
      [0, 2],
      [2, 9],
      [1, 8],
      [0, 0],
      [2, 11],
    ])
    const fit = Mixture.fitOrThrow(mixed, data, { k: 2, restarts: 3, seed: 1 })
    expect(Number.isFinite(fit.logLikelihood)).toBe(true)
    expect(Mixture.freeParameters(mixed, fit.params)).toEqual(E.right(2 * (2 + 1) + 1))
  })
})
