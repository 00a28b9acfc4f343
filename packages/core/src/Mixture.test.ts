import fc from 'fast-check'
import { either as E } from 'fp-ts'
import { describe, expect, test } from 'vitest'
import type { Dataset } from './Dataset.js'
import { fromColumn, fromColumnOrThrow } from './Dataset.js'
import { decreaseSlack, fit as emFit } from './Em.js'
import * as Mixture from './Mixture.js'
import type { Model } from './Model.js'
import { seeded } from './Rng.js'
import type { Normal } from './test/normalFamily.js'
import { normalFamily } from './test/normalFamily.js'
import { right, start, twoClusters } from './test/helpers.js'

const expectClose = (actual: number, expected: number, rtol: number, atol: number, what: string): void => {
  const err = Math.abs(actual - expected)
  if (!(err <= atol + rtol * Math.abs(expected))) throw new Error(`${what}: ${actual} vs ${expected} (|Δ| = ${err.toExponential(3)})`)
}

/** Textbook EM for a two-component univariate normal mixture, written independently of the library. */
const textbookEm = (xs: number[], iterations: number): number[] => {
  let w = [0.5, 0.5]
  let mu = [-1, 1]
  let v = [1, 1]
  const ll = (): number =>
    xs.reduce(
      (s, x) =>
        s +
        Math.log(
          (w[0]! * Math.exp(-((x - mu[0]!) ** 2) / (2 * v[0]!))) / Math.sqrt(2 * Math.PI * v[0]!) +
            (w[1]! * Math.exp(-((x - mu[1]!) ** 2) / (2 * v[1]!))) / Math.sqrt(2 * Math.PI * v[1]!),
        ),
      0,
    )
  const trace = [ll()]
  for (let t = 0; t < iterations; t++) {
    const g = xs.map((x) => {
      const a = (w[0]! * Math.exp(-((x - mu[0]!) ** 2) / (2 * v[0]!))) / Math.sqrt(v[0]!)
      const b = (w[1]! * Math.exp(-((x - mu[1]!) ** 2) / (2 * v[1]!))) / Math.sqrt(v[1]!)
      return a / (a + b)
    })
    const n0 = g.reduce((s, x) => s + x, 0)
    const n1 = xs.length - n0
    const m0 = xs.reduce((s, x, i) => s + g[i]! * x, 0) / n0
    const m1 = xs.reduce((s, x, i) => s + (1 - g[i]!) * x, 0) / n1
    v = [xs.reduce((s, x, i) => s + g[i]! * (x - m0) ** 2, 0) / n0, xs.reduce((s, x, i) => s + (1 - g[i]!) * (x - m1) ** 2, 0) / n1]
    mu = [m0, m1]
    w = [n0 / xs.length, n1 / xs.length]
    trace.push(ll())
  }
  return trace
}

describe('the EM loop on a mixture', () => {
  const xs = twoClusters(400, 7)
  const data = fromColumnOrThrow(xs)

  test('reproduces a textbook EM trace, with the trace contract (iterations + 1 entries, tolerance 0 runs exactly maxIterations)', () => {
    const f = right(Mixture.fit(normalFamily, data, { k: 2, init: start, tolerance: 0, maxIterations: 60 }))
    const ref = textbookEm(xs, 60)
    expect(f.iterations).toBe(60)
    expect(f.trace.length).toBe(61)
    expect(f.stopReason).toBe('maxIterations')
    expect(f.converged).toBe(false)
    expect(f.logLikelihood).toBe(f.trace[60])
    f.trace.forEach((v, t) => expectClose(v, ref[t]!, 1e-12, 1e-12, `trace[${t}]`))
    expect(f.warnings).toEqual([])
  })

  test('stops by tolerance on the mean per-row change, and reports it', () => {
    const f = right(Mixture.fit(normalFamily, data, { k: 2, init: start, tolerance: 1e-6 }))
    expect(f.converged).toBe(true)
    expect(f.stopReason).toBe('tolerance')
    const last = f.trace[f.iterations]! - f.trace[f.iterations - 1]!
    expect(Math.abs(last) / data.n).toBeLessThan(1e-6)
    for (let t = 1; t < f.iterations; t++) expect(Math.abs(f.trace[t]! - f.trace[t - 1]!) / data.n).toBeGreaterThanOrEqual(1e-6)
  })

  test('k = 1 is the plain weighted maximum-likelihood estimate', () => {
    const weights = xs.map((_, i) => 1 + (i % 3))
    const wd = right(fromColumn(xs, { sampleWeights: weights }))
    const f = right(
      Mixture.fit(normalFamily, wd, {
        k: 1,
        init: { weights: Float64Array.of(1), components: [{ mean: 0, variance: 1 }] },
        tolerance: 0,
        maxIterations: 1,
      }),
    )
    const W = weights.reduce((s, w) => s + w, 0)
    const mean = xs.reduce((s, x, i) => s + weights[i]! * x, 0) / W
    const variance = xs.reduce((s, x, i) => s + weights[i]! * (x - mean) ** 2, 0) / W
    expectClose(f.params.components[0]!.mean, mean, 1e-12, 1e-12, 'mean')
    expectClose(f.params.components[0]!.variance, variance, 1e-12, 1e-12, 'variance')
    const ll = xs.reduce((s, x, i) => s + weights[i]! * (-0.5 * Math.log(2 * Math.PI * variance) - (x - mean) ** 2 / (2 * variance)), 0)
    expectClose(f.logLikelihood, ll, 1e-12, 1e-12, 'log-likelihood')
    expect(f.observations).toBe(W)
  })

  test('integer sample weights equal replicated rows', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 60, maxLength: 60 }), (counts) => {
        fc.pre(counts.some((c) => c > 0))
        const ys = twoClusters(60, 3)
        const weighted = right(fromColumn(ys, { sampleWeights: counts }))
        const replicated = right(fromColumn(ys.flatMap((y, i) => Array<number>(counts[i]!).fill(y))))
        const a = Mixture.fit(normalFamily, weighted, { k: 2, init: start, tolerance: 0, maxIterations: 15 })
        const b = Mixture.fit(normalFamily, replicated, { k: 2, init: start, tolerance: 0, maxIterations: 15 })
        if (E.isLeft(a) || E.isLeft(b)) return E.isLeft(a) && E.isLeft(b) && a.left._tag === b.left._tag
        a.right.trace.forEach((v, t) => expectClose(v, b.right.trace[t]!, 1e-10, 1e-10, `trace[${t}]`))
        a.right.params.components.forEach((c, j) => {
          expectClose(c.mean, b.right.params.components[j]!.mean, 1e-9, 1e-9, `mean ${j}`)
          expectClose(c.variance, b.right.params.components[j]!.variance, 1e-9, 1e-9, `variance ${j}`)
        })
        expectClose(a.right.bic, b.right.bic, 1e-10, 1e-10, 'bic')
        return true
      }),
      { numRuns: 30 },
    )
  })

  test('the log-likelihood never decreases beyond rounding, from random starts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 4 }), (seed, k) => {
        const ys = twoClusters(120, seed)
        const f = Mixture.fit(normalFamily, fromColumnOrThrow(ys), {
          k,
          seed,
          tolerance: 0,
          maxIterations: 40,
          init: 'random',
          collapse: 'error',
        })
        if (E.isLeft(f)) return f.left._tag === 'CollapsedComponent'
        for (let t = 1; t < f.right.trace.length; t++) {
          const step = f.right.trace[t]! - f.right.trace[t - 1]!
          if (step < -decreaseSlack(f.right.trace[t - 1]!)) throw new Error(`decrease ${step} at iteration ${t}`)
        }
        return f.right.warnings.length === 0
      }),
      { numRuns: 40 },
    )
  })

  test('log p(X|θ) = Q(θ, θ) + H(q), and Q ascends, at every step', () => {
    const m = Mixture.model(normalFamily, 2)
    let params = start
    for (let t = 1; t <= 10; t++) {
      const post = m.posterior(data, params)
      const q = m.expectedCompleteLogLikelihood(data, params, post.posterior)
      const h = m.entropy(data, post.posterior)
      expectClose(q + h, post.logLikelihood, 1e-12, 1e-9, `decomposition at ${t}`)
      const next = right(m.maximize(data, post.posterior, { iteration: t, previous: params, rng: seeded(0), warn: () => undefined }))
      expect(m.expectedCompleteLogLikelihood(data, next, post.posterior)).toBeGreaterThanOrEqual(q - 1e-10 * Math.abs(q))
      params = next
    }
  })

  test('restarts keep the best final log-likelihood, and the same seed gives a bit-identical fit', () => {
    const ys = twoClusters(200, 11).concat(twoClusters(50, 12).map((y) => y + 12))
    const d = fromColumnOrThrow(ys)
    const finals = new Map<number, number>()
    const f = right(
      Mixture.fit(normalFamily, d, {
        k: 3,
        restarts: 6,
        seed: 5,
        init: 'random',
        maxIterations: 200,
        onIteration: (p) => finals.set(p.restart, p.logLikelihood),
      }),
    )
    expect(finals.size).toBe(6)
    const best = Math.max(...finals.values())
    expect(f.logLikelihood).toBe(best)
    expect(finals.get(f.restart)).toBe(best)
    expect(new Set(finals.values()).size).toBeGreaterThan(1)
    const again = right(Mixture.fit(normalFamily, d, { k: 3, restarts: 6, seed: 5, init: 'random', maxIterations: 200 }))
    expect(again.trace).toEqual(f.trace)
    expect(again.params).toEqual(f.params)
  })

  test('an AbortSignal stops the fit after the current iteration with stopReason aborted', () => {
    const controller = new AbortController()
    const f = right(
      Mixture.fit(normalFamily, data, {
        k: 2,
        init: start,
        tolerance: 0,
        maxIterations: 100,
        signal: controller.signal,
        onIteration: (p) => {
          if (p.iteration === 3) controller.abort()
        },
      }),
    )
    expect(f.stopReason).toBe('aborted')
    expect(f.iterations).toBe(3)
    expect(f.trace.length).toBe(4)
    expect(f.converged).toBe(false)
  })

  test('invalid options and starting parameters are typed errors', () => {
    expect(Mixture.fit(normalFamily, data, { k: 2, init: start, maxIterations: -1 })).toMatchObject({
      left: { _tag: 'InvalidOptions', option: 'maxIterations' },
    })
    expect(Mixture.fit(normalFamily, data, { k: 2, init: start, tolerance: NaN })).toMatchObject({
      left: { _tag: 'InvalidOptions', option: 'tolerance' },
    })
    expect(Mixture.fit(normalFamily, data, { k: 2, restarts: 0 })).toMatchObject({ left: { _tag: 'InvalidOptions', option: 'restarts' } })
    expect(Mixture.fit(normalFamily, data, { k: 2, init: { ...start, weights: Float64Array.of(0.7, 0.7) } })).toMatchObject({
      left: { _tag: 'InvalidParameters' },
    })
    expect(Mixture.fit(normalFamily, data, { k: 3, init: start })).toMatchObject({ left: { _tag: 'InvalidParameters' } })
    expect(
      Mixture.fit(normalFamily, data, {
        k: 2,
        init: {
          ...start,
          components: [
            { mean: 0, variance: -1 },
            { mean: 0, variance: 1 },
          ],
        },
      }),
    ).toMatchObject({ left: { _tag: 'InvalidParameters', component: 0 } })
    expect(() => Mixture.fitOrThrow(normalFamily, data, { k: 2, restarts: 0 })).toThrowError(/restarts/)
  })
})

describe('collapsed components', () => {
  const xs = twoClusters(300, 21)
  const data = fromColumnOrThrow(xs)
  // The second component starts a million units from every observation: its responsibilities are exactly 0.
  const far: Mixture.Params<Normal> = {
    weights: Float64Array.of(0.5, 0.5),
    components: [
      { mean: 0, variance: 4 },
      { mean: 1e6, variance: 1 },
    ],
  }

  test("policy 'error' returns CollapsedComponent naming the component and iteration", () => {
    const r = Mixture.fit(normalFamily, data, { k: 2, init: far, collapse: 'error' })
    expect(r).toMatchObject({ left: { _tag: 'CollapsedComponent', component: 1, iteration: 1 } })
  })

  test("policy 'drop' removes it, warns, and the fit continues with k − 1 finite components", () => {
    const f = right(Mixture.fit(normalFamily, data, { k: 2, init: far, collapse: 'drop' }))
    expect(f.params.components.length).toBe(1)
    expect(f.warnings.map((w) => w.kind)).toContain('componentDropped')
    expect(Array.from(f.params.weights)).toEqual([1])
    expect(f.trace.every(Number.isFinite)).toBe(true)
  })

  test("policy 'reseed' (the default) re-seeds it, warns, and reaches a finite two-component fit", () => {
    const f = right(Mixture.fit(normalFamily, data, { k: 2, init: far }))
    expect(f.params.components.length).toBe(2)
    const w = f.warnings.find((x) => x.kind === 'componentReseeded')
    expect(w).toMatchObject({ component: 1, iteration: 1 })
    expect(f.warnings.some((x) => x.kind === 'logLikelihoodDecreased')).toBe(false)
    for (const c of f.params.components) expect(Number.isFinite(c.mean) && c.variance > 0).toBe(true)
    // It reaches the same optimum as a fit from a sensible start.
    const good = right(Mixture.fit(normalFamily, data, { k: 2, init: start }))
    const means = f.params.components.map((c) => c.mean).sort((a, b) => a - b)
    const goodMeans = good.params.components.map((c) => c.mean).sort((a, b) => a - b)
    expectClose(means[0]!, goodMeans[0]!, 0, 1e-3, 'mean 0')
    expectClose(means[1]!, goodMeans[1]!, 0, 1e-3, 'mean 1')
    expectClose(f.logLikelihood, good.logLikelihood, 1e-8, 0, 'log-likelihood')
  })

  test('a row that no component can produce gives a typed error naming the row, never NaN', () => {
    const zeroVar = fromColumnOrThrow([0, 1, 2])
    const tiny: Mixture.Params<Normal> = { weights: Float64Array.of(1), components: [{ mean: 1e200, variance: 1e-300 }] }
    const r = Mixture.fit(normalFamily, zeroVar, { k: 1, init: tiny })
    expect(r).toMatchObject({ left: { _tag: 'InvalidParameters' } })
    expect(E.isLeft(r) && r.left.message).toMatch(/^row 0 has zero density under every starting component/)
    // The generic loop, which knows nothing of rows, reports it as NonFinite at iteration 0.
    expect(emFit(Mixture.model(normalFamily, 1), zeroVar, { init: tiny })).toMatchObject({ left: { _tag: 'NonFinite', iteration: 0 } })
  })
})

describe('the loop reports what it must not hide', () => {
  const xs = twoClusters(200, 5)
  const data = fromColumnOrThrow(xs)
  const base = Mixture.model(normalFamily, 2)

  test('a decreasing log-likelihood is a warning with iteration and size, never convergence', () => {
    // An M-step that returns the EM update but with variances inflated ×3 after iteration 5: not EM.
    const broken: Model<Dataset, Mixture.Params<Normal>, Mixture.Responsibilities, Int32Array> = {
      ...base,
      maximize: (d, q, ctx) => {
        const r = base.maximize(d, q, ctx)
        if (E.isLeft(r) || ctx.iteration !== 6) return r
        return E.right({ ...r.right, components: r.right.components.map((c) => ({ ...c, variance: c.variance * 3 })) })
      },
    }
    const f = right(emFit(broken, data, { init: start, tolerance: 1e-8, maxIterations: 200 }))
    const w = f.warnings.find((x) => x.kind === 'logLikelihoodDecreased')
    expect(w?.iteration).toBe(6)
    expectClose(w!.size!, f.trace[5]! - f.trace[6]!, 1e-12, 0, 'size')
    expect(f.iterations).toBeGreaterThan(6)
  })

  test('non-finite parameters are never returned', () => {
    const broken: Model<Dataset, Mixture.Params<Normal>, Mixture.Responsibilities, Int32Array> = {
      ...base,
      maximize: (d, q, ctx) =>
        ctx.iteration === 3
          ? E.right({ ...ctx.previous, components: [{ mean: NaN, variance: 1 }, ctx.previous.components[1]!] })
          : base.maximize(d, q, ctx),
    }
    expect(emFit(broken, data, { init: start, tolerance: 0, maxIterations: 10 })).toMatchObject({
      left: { _tag: 'NonFinite', iteration: 3 },
    })
  })
})

describe('prediction, sampling and information criteria', () => {
  const xs = twoClusters(300, 9)
  const data = fromColumnOrThrow(xs)
  const f = right(Mixture.fit(normalFamily, data, { k: 2, init: start }))

  test('predictProba rows sum to 1, predict is their argmax, score is the mean of scoreSamples', () => {
    const p = Mixture.predictProbaOrThrow(normalFamily, f.params, data)
    const labels = Mixture.predictOrThrow(normalFamily, f.params, data)
    for (let i = 0; i < data.n; i++) {
      expectClose(p[2 * i]! + p[2 * i + 1]!, 1, 1e-15, 1e-15, `row ${i}`)
      expect(labels[i]).toBe(p[2 * i + 1]! > p[2 * i]! ? 1 : 0)
    }
    const s = Mixture.scoreSamplesOrThrow(normalFamily, f.params, data)
    expectClose(
      Mixture.scoreOrThrow(normalFamily, f.params, data) * data.n,
      s.reduce((a, b) => a + b, 0),
      1e-13,
      0,
      'score',
    )
    expectClose(Mixture.logLikelihoodOrThrow(normalFamily, f.params, data), f.logLikelihood, 1e-13, 0, 'logLikelihood')
  })

  test('BIC, AIC and ICL follow their formulas with p = (k − 1) + 2k', () => {
    expect(f.parameters).toBe(5)
    expectClose(f.bic, -2 * f.logLikelihood + 5 * Math.log(300), 1e-14, 0, 'bic')
    expectClose(f.aic, -2 * f.logLikelihood + 10, 1e-14, 0, 'aic')
    const c = Mixture.criteriaOrThrow(normalFamily, data, f.params)
    expectClose(c.bic, f.bic, 1e-13, 0, 'criteria.bic')
    expect(c.icl).toBeGreaterThanOrEqual(c.bic)
  })

  test('sampling is reproducible under a seed and follows the mixing weights', () => {
    const a = Mixture.sampleOrThrow(normalFamily, f.params, 20000, 3)
    const b = Mixture.sampleOrThrow(normalFamily, f.params, 20000, 3)
    expect(a.values).toEqual(b.values)
    const share = a.labels.reduce((s, l) => s + (l === 0 ? 1 : 0), 0) / 20000
    expectClose(share, f.params.weights[0]!, 0, 0.015, 'share of component 0')
  })
})

describe('emkit.mixture/v1 JSON', () => {
  const data = fromColumnOrThrow(twoClusters(100, 1))
  const f = right(Mixture.fit(normalFamily, data, { k: 2, init: start }))

  test('round-trips parameters exactly and carries the fit block', () => {
    const json = JSON.parse(JSON.stringify(Mixture.toJSON(normalFamily, f.params, f)))
    expect(json.format).toBe('emkit.mixture/v1')
    expect(json.fit.trace).toEqual(f.trace)
    expect(json.fit.iterations).toBe(f.iterations)
    expect(json.fit.n).toBe(100)
    const back = right(Mixture.fromJSON(normalFamily, json))
    expect(back.params.weights).toEqual(f.params.weights)
    expect(back.params.components).toEqual(f.params.components)
  })

  test('rejects malformed files with typed errors', () => {
    const good = Mixture.toJSON(normalFamily, f.params) as unknown as Record<string, unknown>
    expect(Mixture.fromJSON(normalFamily, 3)).toMatchObject({ left: { _tag: 'InvalidModel' } })
    expect(Mixture.fromJSON(normalFamily, { ...good, format: 'other' })).toMatchObject({ left: { _tag: 'InvalidModel', path: 'format' } })
    expect(Mixture.fromJSON(normalFamily, { ...good, family: 'gaussian' })).toMatchObject({
      left: { _tag: 'InvalidModel', path: 'family' },
    })
    expect(Mixture.fromJSON(normalFamily, { ...good, weights: [0.5, 0.6] })).toMatchObject({
      left: { _tag: 'InvalidModel', path: 'weights' },
    })
    expect(Mixture.fromJSON(normalFamily, { ...good, weights: [1] })).toMatchObject({ left: { _tag: 'InvalidModel' } })
    expect(Mixture.fromJSON(normalFamily, { ...good, dimension: 0 })).toMatchObject({ left: { _tag: 'InvalidModel', path: 'dimension' } })
    expect(Mixture.fromJSON(normalFamily, { ...good, components: [{ mean: 0 }, { mean: 1, variance: 1 }] })).toMatchObject({
      left: { _tag: 'InvalidModel', path: 'components/0' },
    })
  })
})
