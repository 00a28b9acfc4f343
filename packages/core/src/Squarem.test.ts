/**
 * SQUAREM and the stopping rules: the arithmetic (Aitken Δ² on sequences with a known limit, the
 * S3 step on a linear iteration, where it is exact), option checks, the E-step count, and the loop
 * with `accelerate: 'squarem'` on a two-component normal mixture under all three faces.
 */
import { either as E } from 'fp-ts'
import { describe, expect, test } from 'vitest'
import type { Dataset } from './Dataset.js'
import { fromColumnOrThrow } from './Dataset.js'
import type { AsyncFitOptions, Fit, FitOptions } from './Em.js'
import { decreaseSlack, fit, fitAsync, iterate } from './Em.js'
import type { EmError } from './Errors.js'
import * as Mixture from './Mixture.js'
import type { Model, Unconstrained } from './Model.js'
import { aitken, extrapolate, relativeChange } from './Squarem.js'
import type { Normal } from './test/normalFamily.js'
import { normalFamily } from './test/normalFamily.js'
import { right, start, twoClusters } from './test/helpers.js'

type P = Mixture.Params<Normal>

describe('Aitken Δ²', () => {
  test('on ℓₜ = L − c·rᵗ the rate is r and the limit L (exact for a linear sequence)', () => {
    for (const [limit, c, r] of [
      [-10, 5, 0.6],
      [-1130.5, 40, 0.97],
      [3, 1e-2, 0.1],
    ] as const) {
      // Five entries, so that the last increments are far above the rounding of ℓ (the rate loses digits with them).
      const trace = Array.from({ length: 5 }, (_, t) => limit - c * r ** t)
      const a = aitken(trace)
      expect(Math.abs(a.rate! - r)).toBeLessThanOrEqual(1e-6 * r)
      expect(Math.abs(a.limit! - limit)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(limit)))
    }
  })
  test('no estimate from fewer than three entries, a flat end is its own limit, no limit for a rate ≥ 1 or < 0', () => {
    expect(aitken([1, 2])).toEqual({})
    expect(aitken([1, 2, 2])).toEqual({ rate: 0, limit: 2 })
    expect(aitken([0, 1, 3])).toEqual({ rate: 2 })
    expect(aitken([0, 1, 0.5])).toEqual({ rate: -0.5 })
    expect(aitken([1, 1, 2])).toEqual({})
  })
})

describe('relative parameter change', () => {
  test('maxᵢ |Δθᵢ| / (|θᵢ| + 1e-10); vectors of different lengths or with NaN are infinitely apart', () => {
    expect(relativeChange(Float64Array.of(10, 0.5), Float64Array.of(10, 0.5))).toBe(0)
    expect(Math.abs(relativeChange(Float64Array.of(10, 0.5), Float64Array.of(10.001, 0.5)) - 0.001 / (10.001 + 1e-10))).toBeLessThan(1e-15)
    expect(Math.abs(relativeChange(Float64Array.of(1, 0.01), Float64Array.of(1, 0.0101)) - 1e-4 / (0.0101 + 1e-10))).toBeLessThan(1e-15)
    expect(relativeChange(Float64Array.of(0, 0), Float64Array.of(0, 0))).toBe(0)
    expect(relativeChange(Float64Array.of(1), Float64Array.of(1, 2))).toBe(Infinity)
    expect(relativeChange(Float64Array.of(1), Float64Array.of(Number.NaN))).toBe(Infinity)
  })
})

describe('the S3 step', () => {
  test('on a linear contraction uₜ₊₁ = 2 + (uₜ − 2)/2 the unbounded step lands on the fixed point', () => {
    const u = [0, 1, 1.5].map((x) => Float64Array.of(x, -x))
    const free = extrapolate(u[0]!, u[1]!, u[2]!, 1, 100)!
    expect(free.alpha).toBe(2)
    expect(Array.from(free.point)).toEqual([2, -2])
    // Bounded to α ≤ 1 it is the second EM step.
    const bounded = extrapolate(u[0]!, u[1]!, u[2]!, 1, 1)!
    expect(bounded.alpha).toBe(1)
    expect(Array.from(bounded.point)).toEqual([1.5, -1.5])
  })
  test('no step when the two EM steps are equal (v = 0) or a difference is not finite', () => {
    const a = Float64Array.of(1, 2)
    expect(extrapolate(a, Float64Array.of(2, 3), Float64Array.of(3, 4), 1, 4)).toBeUndefined()
    expect(extrapolate(a, Float64Array.of(2, Infinity), Float64Array.of(3, 4), 1, 4)).toBeUndefined()
  })
})

const data = fromColumnOrThrow(twoClusters(400, 5))
const plain = Mixture.model(normalFamily, 2)

/** Weights as a log-ratio, means as they are, log variances. */
const normalUnconstrained: Unconstrained<P> = {
  toVector: (p) => Float64Array.of(Math.log(p.weights[0]! / p.weights[1]!), ...p.components.flatMap((c) => [c.mean, Math.log(c.variance)])),
  fromVector: (u) => {
    const w0 = 1 / (1 + Math.exp(-u[0]!))
    const components = [0, 1].map((j) => ({ mean: u[1 + 2 * j]!, variance: Math.exp(u[2 + 2 * j]!) }))
    const ok = Number.isFinite(w0) && components.every((c) => Number.isFinite(c.mean) && c.variance > 0 && Number.isFinite(c.variance))
    return ok
      ? E.right({ weights: Float64Array.of(w0, 1 - w0), components })
      : E.left({ _tag: 'InvalidParameters', message: 'not admissible' })
  },
}
const model: Model<Dataset, P, Mixture.Responsibilities, Int32Array> = { ...plain, unconstrained: normalUnconstrained }

describe('options', () => {
  test('an unknown rule or scheme, or SQUAREM on a model without a parametrisation, is Left(InvalidOptions) naming the option', () => {
    const left = (r: E.Either<EmError, Fit<P>>): EmError => {
      if (E.isRight(r)) throw new Error('expected a Left')
      return r.left
    }
    expect(left(fit(model, data, { init: start, stop: 'likelihood' as never }))).toMatchObject({ _tag: 'InvalidOptions', option: 'stop' })
    expect(left(fit(model, data, { init: start, accelerate: 'anderson' as never }))).toMatchObject({
      _tag: 'InvalidOptions',
      option: 'accelerate',
    })
    expect(left(fit(plain, data, { init: start, accelerate: 'squarem' }))).toMatchObject({ _tag: 'InvalidOptions', option: 'accelerate' })
  })
})

describe('E-steps counted', () => {
  test('plain EM uses iterations + 1 E-steps; with restarts, the sum over them', () => {
    const one = right(fit(model, data, { init: start, tolerance: 0, maxIterations: 17 }))
    expect(one.evaluations).toBe(18)
    const many = right(fit(model, data, { init: Mixture.initializer(plain), restarts: 3, seed: 2, tolerance: 0, maxIterations: 5 }))
    expect(many.evaluations).toBe(18)
  })
})

const faces: ReadonlyArray<{ name: string; run: (o: FitOptions<Dataset, P>) => Promise<E.Either<EmError, Fit<P>>> }> = [
  { name: 'fit', run: async (o) => fit(model, data, o) },
  { name: 'fitAsync', run: (o) => fitAsync(model, data, o as AsyncFitOptions<Dataset, P>) },
  {
    name: 'iterate',
    run: async (o) => {
      const run = iterate(model, data, o as AsyncFitOptions<Dataset, P>)
      for await (const step of run) void step
      return run.result
    },
  },
]

describe.each(faces)('SQUAREM under $name', (face) => {
  const reference = right(fit(model, data, { init: start, stop: 'parameters', tolerance: 1e-13, maxIterations: 10_000 }))
  const slow = right(fit(model, data, { init: start, stop: 'parameters', tolerance: 1e-8, maxIterations: 10_000 }))

  test('never lowers the log-likelihood, reaches plain EM’s optimum, and uses fewer E-steps', async () => {
    const f = right(await face.run({ init: start, stop: 'parameters', tolerance: 1e-8, maxIterations: 10_000, accelerate: 'squarem' }))
    expect(f.converged).toBe(true)
    expect(f.warnings).toEqual([])
    expect(f.trace.length).toBe(f.iterations + 1)
    for (let t = 1; t < f.trace.length; t++) expect(f.trace[t]! - f.trace[t - 1]!).toBeGreaterThanOrEqual(-decreaseSlack(f.trace[t - 1]!))
    expect(Math.abs(f.logLikelihood - reference.logLikelihood)).toBeLessThanOrEqual(1e-10 * Math.abs(reference.logLikelihood))
    expect(relativeChange(model.toVector(reference.params), model.toVector(f.params))).toBeLessThanOrEqual(1e-6)
    expect(f.evaluations).toBeLessThan(slow.evaluations)
    // Each accepted step takes two EM steps at least, and at most four E-steps.
    expect(f.evaluations).toBeGreaterThanOrEqual(2 * f.iterations + 1)
    expect(f.evaluations).toBeLessThanOrEqual(4 * f.iterations + 1)
  })
})

describe('stopping rules', () => {
  const steps = async (o: FitOptions<Dataset, P>): Promise<{ fit: Fit<P>; vectors: Float64Array[] }> => {
    const vectors = [model.toVector(start)]
    const run = iterate(model, data, o as AsyncFitOptions<Dataset, P>)
    for await (const s of run) vectors.push(model.toVector(s.params))
    return { fit: right(await run.result), vectors }
  }
  test("'parameters' stops at the first step whose relative parameter change is under the tolerance", async () => {
    const { fit: f, vectors } = await steps({ init: start, stop: 'parameters', tolerance: 1e-6 })
    const changes = vectors.slice(1).map((v, t) => relativeChange(vectors[t]!, v))
    expect(f.stopReason).toBe('tolerance')
    expect(changes.at(-1)!).toBeLessThan(1e-6)
    expect(changes.slice(0, -1).every((c) => c >= 1e-6)).toBe(true)
  })
  test("'aitken' stops at the first step whose estimated per-row distance to ℓ∞ is under the tolerance, and reports ℓ∞ and the rate", async () => {
    const { fit: f } = await steps({ init: start, stop: 'aitken', tolerance: 1e-9 })
    const n = data.n
    const gap = (t: number): number | undefined => {
      const a = aitken(f.trace.slice(t - 2, t + 1))
      return a.limit === undefined ? undefined : (a.limit - f.trace[t]!) / n
    }
    expect(f.stopReason).toBe('tolerance')
    expect(gap(f.iterations)!).toBeLessThan(1e-9)
    for (let t = 2; t < f.iterations; t++) expect(gap(t) === undefined || gap(t)! >= 1e-9).toBe(true)
    expect(f.convergenceRate).toBeGreaterThan(0)
    expect(f.convergenceRate).toBeLessThan(1)
    expect(f.logLikelihoodLimit).toBeGreaterThanOrEqual(f.logLikelihood)
  })
})
