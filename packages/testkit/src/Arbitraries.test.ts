import fc from 'fast-check'
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import type { Schema as S } from '@emkit/core'
import { Mixture, Product, Rng, Schema } from '@emkit/core'
import * as Arbitraries from './Arbitraries.js'
import { familyComponents, jsonComponents, mixture, schemaComponents } from './Perturb.js'
import * as Fx from './test/fixtures.js'
import * as T from './test/templateFamilies.js'

/** Counts in columns 0–1, a binary column 2, and a normal column 3 (a family without a schema). */
const product = Product.family([
  { family: T.poisson, columns: [0, 1] },
  { family: T.bernoulli, columns: [2] },
  { family: Fx.normalFamily, columns: [3] },
])
const normalPart = Fx.normalComponents(1).map((cs) => cs[0]!)

const validParams = (p: Mixture.Params<T.Poisson>, d: number): boolean =>
  E.isRight(T.poisson.validate(p.components, d)) &&
  p.weights.every((w) => w >= 0) &&
  Math.abs(p.weights.reduce((a, b) => a + b, 0) - 1) < 1e-12

const valid = <F extends S.Fields>(fields: F, cs: readonly S.Infer<F>[], d: number): boolean => E.isRight(Schema.validate(fields, cs, d))

describe('generators typed by the family (from its parameter schema)', () => {
  it('components of every domain, scalar and vector, of length d and fixed, validate against the schema', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((d) => fc.tuple(fc.constant(d), Arbitraries.components(T.everyDomain, d, 3))),
        ([d, cs]) =>
          cs.length === 3 &&
          cs.every((c) => c.location.length === d && c.p.length === d && c.rate.length === 2 && c.levels.length === 4) &&
          cs.every((c) => typeof c.shift === 'number' && typeof c.q === 'number') &&
          valid(T.everyDomain, cs, d),
      ),
      { numRuns: 200 },
    )
  })
  it('with boundary values the domains admit (0 rates, probabilities 0 and 1, a zero in a simplex), still valid, and boundaries do occur', () => {
    const seen = { zeroRate: false, p01: false, simplexZero: false }
    fc.assert(
      fc.property(Arbitraries.components(T.everyDomain, 3, 4, { boundary: true }), (cs) => {
        for (const c of cs) {
          if (c.rate.includes(0) || c.count === 0) seen.zeroRate = true
          if (c.p.some((x) => x === 0 || x === 1) || c.q === 0 || c.q === 1) seen.p01 = true
          if (c.levels.includes(0)) seen.simplexZero = true
        }
        return valid(T.everyDomain, cs, 3)
      }),
      { numRuns: 200 },
    )
    expect(seen).toEqual({ zeroRate: true, p01: true, simplexZero: true })
  })
  it('ranges are honoured', () => {
    fc.assert(
      fc.property(
        Arbitraries.components(T.everyDomain, 2, 2, { spread: 1, positive: { min: 2, max: 3 }, probability: { min: 0.4, max: 0.6 } }),
        (cs) =>
          cs.every(
            (c) =>
              c.location.every((x) => Math.abs(x) <= 1) &&
              c.scale.every((x) => x >= 2 && x <= 3) &&
              c.p.every((x) => x >= 0.4 && x <= 0.6) &&
              c.spread >= 2 &&
              c.spread <= 3,
          ),
      ),
    )
  })
  it('a family or its schema gives the same components, typed by the family', () => {
    const fromFamily: fc.Arbitrary<T.Poisson[]> = Arbitraries.components(T.poisson, 2, 3)
    const fromSchema: fc.Arbitrary<T.Poisson[]> = Arbitraries.components(T.poissonParameters, 2, 3)
    expect(fc.sample(fromFamily, { numRuns: 5, seed: 3 })).toEqual(fc.sample(fromSchema, { numRuns: 5, seed: 3 }))
    // A wrong component shape is a compile error, not a run-time failure:
    // @ts-expect-error — Poisson components have `rate`, not `mean`.
    const wrong: fc.Arbitrary<Array<{ readonly mean: Float64Array }>> = Arbitraries.components(T.poisson, 2, 3)
    // @ts-expect-error — a scalar field is a number, not a Float64Array.
    const scalar: fc.Arbitrary<Array<{ readonly shift: Float64Array }>> = Arbitraries.components(T.everyDomain, 2, 3)
    expect([wrong, scalar]).toHaveLength(2)
  })
  it('mixture parameters and model JSON round-trip through the family', () => {
    fc.assert(
      fc.property(Arbitraries.mixtureParamsOf(T.poisson, 3, 2), (p) => validParams(p, 3)),
      { numRuns: 50 },
    )
    fc.assert(
      fc.property(Arbitraries.mixtureJsonOf(T.poisson, 3, 2), (json) => {
        const back = Mixture.fromJSON(T.poisson, json)
        return json.family === 'poisson' && json.dimension === 3 && E.isRight(back) && back.right.params.components.length === 2
      }),
      { numRuns: 50 },
    )
  })
  it('mixture cases draw counts from the family and start from other valid parameters', () => {
    fc.assert(
      fc.property(
        Arbitraries.mixtureCaseOf(T.poisson, 2, 3, { maxRows: 30 }),
        ({ data, init }) => data.d === 2 && data.values.every((x) => Number.isInteger(x) && x >= 0) && init.components.length === 3,
      ),
      { numRuns: 20 },
    )
  })
})

describe('perturbations stay inside each parameter domain', () => {
  it('1000 perturbed components of every domain all validate against the schema (and the moves are real)', () => {
    const move = schemaComponents(T.everyDomain)
    const rng = Rng.seeded(2026)
    const start = fc.sample(Arbitraries.components(T.everyDomain, 3, 1, { boundary: true }), { numRuns: 1000, seed: 11 })
    let rejected = 0
    let moved = 0
    start.forEach((cs, t) => {
      const out = move(cs, rng, [0.3, 0.03, 3][t % 3]!)
      if (out === undefined) {
        rejected++
        return
      }
      expect(valid(T.everyDomain, out, 3)).toBe(true)
      if (out[0]!.q !== cs[0]!.q || out[0]!.p[0] !== cs[0]!.p[0]) moved++
    })
    expect(rejected).toBe(0)
    expect(moved).toBeGreaterThan(900)
  })
  it('probabilities near 1 stay ≤ 1 and simplices stay on the simplex, even for large moves', () => {
    const fields = { p: Schema.vector('probability'), pi: Schema.vector('simplex', 3), rate: Schema.vector('positive') }
    const move = schemaComponents(fields)
    const rng = Rng.seeded(5)
    const c = { p: Float64Array.of(0.999, 1e-9, 1), pi: Float64Array.of(0.98, 0.02, 0), rate: Float64Array.of(1e-3, 2, 3) }
    for (let t = 0; t < 1000; t++) {
      const out = move([c], rng, 2)!
      expect(valid(fields, out, 3)).toBe(true)
      expect(out[0]!.p[2]).toBe(1) // on the boundary: held there
      expect(out[0]!.pi[2]).toBe(0)
    }
  })
  it('the JSON perturbation pushes probabilities above 1 (rejected: wasted trials); the default for a template family never does', () => {
    const json = jsonComponents(T.bernoulli)
    const typed = familyComponents(T.bernoulli)
    const rng = Rng.seeded(9)
    const cs = [{ p: Float64Array.of(0.95, 0.9) }]
    let jsonRejected = 0
    for (let t = 0; t < 300; t++) {
      if (json(cs, rng, 0.3) === undefined) jsonRejected++
      const out = typed(cs, rng, 0.3)
      expect(out).toBeDefined()
      expect(valid(T.bernoulliParameters, out!, 2)).toBe(true)
    }
    expect(jsonRejected).toBeGreaterThan(100)
  })
  it('the mixture perturbation uses the schema for a template family', () => {
    const perturb = mixture(T.poisson)
    const rng = Rng.seeded(4)
    const params = fc.sample(Arbitraries.mixtureParamsOf(T.poisson, 2, 3, { boundary: true }), { numRuns: 200, seed: 2 })
    for (const p of params) {
      const out = perturb(p, rng, 0.3)
      expect(out).toBeDefined()
      expect(validParams(out!, 2)).toBe(true)
    }
  })
  it('a product family: each part moves by its own default (schemas inside their domains, the normal part through its JSON)', () => {
    const move = familyComponents(product)
    const rng = Rng.seeded(13)
    const starts = fc.sample(Arbitraries.productComponents(product, 2, { parts: [undefined, undefined, normalPart] }), {
      numRuns: 1000,
      seed: 4,
    })
    let moved = 0
    for (const cs of starts) {
      const out = move(cs, rng, 0.5)
      expect(out).toBeDefined()
      expect(E.isRight(product.validate(out!, 4))).toBe(true)
      const [rates, bernoulli, normal] = out![0]!.parts as [T.Poisson, { p: Float64Array }, Fx.Normal]
      expect(rates.rate.every((r) => r >= 0) && bernoulli.p.every((p) => p >= 0 && p <= 1) && normal.variance > 0).toBe(true)
      if (normal.mean !== (cs[0]!.parts[2] as Fx.Normal).mean && bernoulli.p[0] !== (cs[0]!.parts[1] as { p: Float64Array }).p[0]) moved++
    }
    expect(moved).toBeGreaterThan(990)
  })
})

describe('product components', () => {
  it('come from each part’s schema, or from the arbitrary given for a part without one', () => {
    fc.assert(
      fc.property(Arbitraries.productComponents(product, 3, { parts: [undefined, undefined, normalPart] }), (cs) => {
        const [rates, bernoulli] = cs[0]!.parts as [T.Poisson, { p: Float64Array }]
        return cs.length === 3 && rates.rate.length === 2 && bernoulli.p.length === 1 && E.isRight(product.validate(cs, 4))
      }),
      { numRuns: 50 },
    )
    expect(() => Arbitraries.productComponents(product, 2)).toThrow(
      'part 2 (test-normal) carries no schema; give an arbitrary of its components in options.parts[2]',
    )
  })
})
