import { readFileSync } from 'node:fs'
import { Dataset, Errors, Mixture, Rng } from '@emkit/core'
import type { EmError } from '@emkit/core'
import fc from 'fast-check'
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import * as Multinomial from './index.js'

interface Run {
  smoothing: number
  trace: number[]
  final: { weights: number[]; probabilities: number[][] }
}
interface Reference {
  V: number
  rows: number[][]
  logBaseMeasure: number[]
  init: { weights: number[]; probabilities: number[][] }
  iterations: number
  runs: Record<string, Run>
}
// Written by scripts/exponential-multinomial-reference.py (pure-Python EM with math.lgamma, independent of emkit).
const reference = JSON.parse(readFileSync(new URL('../fixtures/reference.json', import.meta.url), 'utf8')) as Reference

const closeTo = (actual: number, expected: number, rtol: number, atol: number, label = ''): void => {
  const err = Math.abs(actual - expected)
  if (!(err <= atol + rtol * Math.abs(expected))) {
    throw new Error(`${label}: ${actual} vs ${expected} (|Δ| = ${err.toExponential(3)} > ${atol} + ${rtol}·|expected|)`)
  }
}

const right = <A>(r: E.Either<EmError, A>): A => {
  if (E.isLeft(r)) throw new Error(`expected Right, got ${r.left._tag}: ${r.left.message}`)
  return r.right
}

const params = (weights: number[], probabilities: number[][]): Mixture.Params<Multinomial.Component> => ({
  weights: Float64Array.from(weights),
  components: probabilities.map((p) => Multinomial.component(p)),
})

/** n documents from a mixture of topics, each of `length` words (seeded). */
const documents = (
  weights: number[],
  topics: number[][],
  n: number,
  length: number,
  seed: number,
): { data: Dataset.Dataset; labels: Int32Array } => {
  const f = Multinomial.family({ trials: length })
  const s = Mixture.sampleOrThrow(f, params(weights, topics), n, seed)
  return { data: right(Dataset.fromFlat(s.values, s.d)), labels: s.labels }
}

describe('log-likelihood trace against the independent Python reference', () => {
  const data = right(Dataset.fromRows(reference.rows))
  const init = params(reference.init.weights, reference.init.probabilities)

  it('computes the multinomial coefficient of every row', () => {
    const base = Multinomial.logCoefficients(data)
    base.forEach((b, i) => closeTo(b, reference.logBaseMeasure[i]!, 1e-14, 1e-13, `row ${i}`))
    expect(base[5]).toBe(0) // the row of zero total
  })

  for (const key of Object.keys(reference.runs)) {
    const run = reference.runs[key]!
    it(`smoothing ${run.smoothing}: every trace entry to 1e-10 relative, and the final parameters`, () => {
      const family = Multinomial.family({ smoothing: run.smoothing })
      const fit = right(Mixture.fit(family, data, { k: 2, init, tolerance: 0, maxIterations: reference.iterations }))
      expect(fit.trace.length).toBe(reference.iterations + 1)
      fit.trace.forEach((ll, t) => closeTo(ll, run.trace[t]!, 1e-10, 0, `trace[${t}]`))
      fit.params.weights.forEach((w, j) => closeTo(w, run.final.weights[j]!, 1e-9, 1e-12, `weight ${j}`))
      fit.params.components.forEach((c, j) =>
        c.probabilities.forEach((p, v) => closeTo(p, run.final.probabilities[j]![v]!, 1e-9, 1e-12, `p ${j},${v}`)),
      )
    })
  }

  it('without smoothing an unseen category gets probability 0 and the log-likelihood stays finite (0·log 0 = 0)', () => {
    const fit = right(Mixture.fit(Multinomial.family(), data, { k: 2, init, tolerance: 0, maxIterations: 5 }))
    for (const c of fit.params.components) expect(c.probabilities[5]).toBe(0)
    expect(Number.isFinite(fit.logLikelihood)).toBe(true)
    const scores = Mixture.scoreSamplesOrThrow(Multinomial.family(), fit.params, data)
    expect(scores.every((s) => Number.isFinite(s))).toBe(true)
  })

  it('log p(X|θ) (+ log p(θ)) = Q + H, and responsibilities sum to one', () => {
    for (const smoothing of [0, 0.5]) {
      const family = Multinomial.family({ smoothing })
      const m = Mixture.model(family, 2)
      const q = m.posterior(data, init)
      closeTo(
        m.expectedCompleteLogLikelihood(data, init, q.posterior) + m.entropy(data, q.posterior),
        q.logLikelihood,
        1e-12,
        1e-9,
        `α = ${smoothing}: Q + H`,
      )
      for (let i = 0; i < data.n; i++) closeTo(q.posterior.values[i]! + q.posterior.values[data.n + i]!, 1, 0, 1e-15, `row ${i}`)
    }
  })

  it('counts k·(V − 1) + k − 1 free parameters and reports true BIC/AIC', () => {
    const family = Multinomial.family()
    expect(family.freeParameters(6, 3)).toBe(15)
    const fit = right(Mixture.fit(family, data, { k: 2, init, tolerance: 0, maxIterations: 4 }))
    expect(fit.parameters).toBe(2 * 5 + 1)
    closeTo(fit.logLikelihood, Mixture.logLikelihoodOrThrow(family, fit.params, data), 1e-14, 0, 'logLikelihood is the plain log p(X|θ)')
    closeTo(fit.bic, -2 * fit.logLikelihood + 11 * Math.log(data.n), 1e-14, 0, 'bic')
  })
})

describe('smoothing: EM on log p(X|θ) + log p(θ)', () => {
  it('keeps the MAP objective non-decreasing from random starts, and reports it', () => {
    const topics = [
      [0.5, 0.3, 0.1, 0.05, 0.05],
      [0.05, 0.05, 0.1, 0.3, 0.5],
      [0.1, 0.1, 0.6, 0.1, 0.1],
    ]
    for (const smoothing of [0.01, 0.5, 3]) {
      const family = Multinomial.family({ smoothing })
      for (let seed = 0; seed < 4; seed++) {
        const { data } = documents([0.3, 0.3, 0.4], topics, 60, 8, 100 + seed)
        const fit = right(Mixture.fit(family, data, { k: 3, init: 'random', seed, tolerance: 0, maxIterations: 40 }))
        for (let t = 1; t < fit.trace.length; t++) {
          const slack = 1e-10 * (1 + Math.abs(fit.trace[t - 1]!))
          expect(fit.trace[t]! - fit.trace[t - 1]!, `α = ${smoothing}, seed ${seed}, step ${t}`).toBeGreaterThanOrEqual(-slack)
        }
        const objective =
          Mixture.logLikelihoodOrThrow(family, fit.params, data) + Multinomial.logDirichlet(fit.params.components, smoothing)
        closeTo(fit.logLikelihood, objective, 1e-13, 0, 'trace = log p(X|θ) + log p(θ)')
        expect(fit.warnings.filter((w) => w.kind === 'logLikelihoodDecreased')).toEqual([])
      }
    }
  })

  it('the MAP M-step is additive smoothing: (Cᵥ + α) / (Σ C + Vα)', () => {
    const stats = [{ weight: 2, sum: Float64Array.of(3, 1, 0) }]
    const mle = Multinomial.estimate(stats, 0)
    const map = Multinomial.estimate(stats, 1)
    if (E.isLeft(mle) || E.isLeft(map)) throw new Error('estimate failed')
    expect(Array.from(mle.right[0]!.probabilities)).toEqual([0.75, 0.25, 0])
    expect(Array.from(map.right[0]!.probabilities)).toEqual([4 / 7, 2 / 7, 1 / 7])
  })

  it('the Dirichlet(α + 1) log-density is normalised: it integrates to 1 on the 2-simplex', () => {
    // V = 3: ∫∫ exp(logDirichlet) dp₁ dp₂ over p₁ + p₂ ≤ 1, midpoint rule.
    const alpha = 1.5
    const m = 400
    let integral = 0
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m - a; b++) {
        const p1 = (a + 0.5) / m
        const p2 = (b + 0.5) / m
        const p3 = 1 - p1 - p2
        if (p3 <= 0) continue
        integral += Math.exp(Multinomial.logDirichlet([Multinomial.unsafeComponent(Float64Array.of(p1, p2, p3))], alpha)) / (m * m)
      }
    }
    closeTo(integral, 1, 0.01, 0, 'integral')
  })
})

describe('statistics', () => {
  const countsArb = (d: number) =>
    fc.array(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: d, maxLength: d }), { minLength: 2, maxLength: 30 })
  const family = Multinomial.family()

  it('chunked statistics equal whole statistics', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((d) => countsArb(d)),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (rows, cut) => {
          const data = right(Dataset.fromRows(rows))
          const w = Float64Array.from(rows, (_, i) => 0.5 + ((i * 5) % 3))
          const m = Math.floor(cut * data.n)
          const whole = family.summarize(data, w, 0)
          const merged = family
            .statistics(data.d)
            .concat(family.summarize(Dataset.slice(data, 0, m), w, 0), family.summarize(Dataset.slice(data, m, data.n), w, m))
          closeTo(merged.weight, whole.weight, 1e-12, 1e-12, 'weight')
          merged.sum.forEach((c, v) => closeTo(c, whole.sum[v]!, 1e-12, 1e-12, `count ${v}`))
          return true
        },
      ),
    )
  })

  it('is a monoid: empty is the identity', () => {
    fc.assert(
      fc.property(countsArb(4), (rows) => {
        const data = right(Dataset.fromRows(rows))
        const x = family.summarize(data, new Float64Array(data.n).fill(1), 0)
        const e = family.statistics(4).concat(family.statistics(4).empty, x)
        return e.weight === x.weight && e.sum.every((c, v) => c === x.sum[v])
      }),
    )
  })

  it('the estimate maximises the weighted log-likelihood over the simplex', () => {
    fc.assert(
      fc.property(countsArb(3), fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }), (rows, raw) => {
        const data = right(Dataset.fromRows(rows.map((r) => [r[0]! + 1, r[1]!, r[2]!])))
        const w = Float64Array.from({ length: data.n }, (_, i) => 1 + (i % 2))
        const est = family.estimate([family.summarize(data, w, 0)])
        if (E.isLeft(est)) throw new Error(est.left.message)
        const s = raw.reduce((a, b) => a + b, 0)
        const other = Multinomial.unsafeComponent(Float64Array.from(raw, (x) => x / s))
        const ll = (c: Multinomial.Component) => {
          const out = new Float64Array(data.n)
          family.logDensityInto(data, [c], out)
          return out.reduce((a, b, i) => a + w[i]! * b, 0)
        }
        const best = ll(est.right[0]!)
        return best >= ll(other) - 1e-10 * (1 + Math.abs(best))
      }),
    )
  })
})

describe('sample weights', () => {
  it('integer weights give the same fit as replicated rows (with and without smoothing)', () => {
    const { data } = documents(
      [0.5, 0.5],
      [
        [0.6, 0.3, 0.1, 0],
        [0.1, 0.1, 0.4, 0.4],
      ],
      50,
      12,
      21,
    )
    const counts = Array.from({ length: data.n }, (_, i) => (i * 7) % 4)
    const weighted = right(Dataset.fromFlat(data.values, data.d, { sampleWeights: counts }))
    const replicated: number[] = []
    counts.forEach((c, i) => {
      for (let t = 0; t < c; t++) for (let v = 0; v < data.d; v++) replicated.push(data.values[i * data.d + v]!)
    })
    const copies = right(Dataset.fromFlat(replicated, data.d))
    const init = params(
      [0.5, 0.5],
      [
        [0.3, 0.3, 0.2, 0.2],
        [0.2, 0.2, 0.3, 0.3],
      ],
    )
    for (const smoothing of [0, 0.25]) {
      const family = Multinomial.family({ smoothing })
      const a = right(Mixture.fit(family, weighted, { k: 2, init, tolerance: 0, maxIterations: 25 }))
      const b = right(Mixture.fit(family, copies, { k: 2, init, tolerance: 0, maxIterations: 25 }))
      a.trace.forEach((ll, t) => closeTo(ll, b.trace[t]!, 1e-10, 0, `α = ${smoothing}, trace[${t}]`))
      a.params.components.forEach((c, j) =>
        c.probabilities.forEach((p, v) => closeTo(p, b.params.components[j]!.probabilities[v]!, 1e-10, 1e-14, `p ${j},${v}`)),
      )
    }
  })
})

describe('parameter recovery', () => {
  it('recovers three well-separated topics', () => {
    const topics = [
      [0.4, 0.4, 0.1, 0.05, 0.05, 0, 0, 0],
      [0, 0.05, 0.05, 0.4, 0.4, 0.1, 0, 0],
      [0.05, 0, 0, 0, 0.05, 0.1, 0.4, 0.4],
    ]
    const { data, labels } = documents([0.3, 0.3, 0.4], topics, 900, 30, 5)
    const family = Multinomial.family()
    const fit = right(Mixture.fit(family, data, { k: 3, restarts: 5, seed: 1 }))
    // Match each true topic to the fitted component with the smallest L1 distance.
    const used = new Set<number>()
    topics.forEach((t, a) => {
      const dist = fit.params.components.map((c) => c.probabilities.reduce((s, p, v) => s + Math.abs(p - t[v]!), 0))
      const j = dist.indexOf(Math.min(...dist))
      used.add(j)
      expect(dist[j]!, `topic ${a}`).toBeLessThan(0.06)
    })
    expect(used.size).toBe(3)
    const predicted = Mixture.predictOrThrow(family, fit.params, data)
    const mapping = new Map<number, number>()
    for (let i = 0; i < data.n; i++) mapping.set(labels[i]!, predicted[i]!)
    let agree = 0
    for (let i = 0; i < data.n; i++) if (mapping.get(labels[i]!) === predicted[i]) agree++
    expect(agree / data.n).toBeGreaterThan(0.97)
  })
})

describe('support and typed errors', () => {
  const raw = (values: number[], d: number): Dataset.Dataset => ({ n: values.length / d, d, values: Float64Array.from(values) })
  const family = Multinomial.family()

  it.each([
    ['negative', -1],
    ['fractional', 2.5],
    ['NaN', NaN],
    ['Infinity', Infinity],
  ])('a %s count is InvalidData naming row and column', (_, x) => {
    const r = Mixture.fit(family, raw([1, 2, 0, 3, 1, 1, 0, x, 4], 3), { k: 1 })
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'InvalidData', row: 2, column: 1 })
  })

  it('rows with zero total are valid and contribute 0', () => {
    const data = right(
      Dataset.fromRows([
        [0, 0, 0],
        [2, 1, 0],
        [0, 0, 0],
        [1, 3, 2],
      ]),
    )
    const p = params([1], [[0.3, 0.5, 0.2]])
    const scores = Mixture.scoreSamplesOrThrow(family, p, data)
    expect(scores[0]).toBe(0)
    expect(scores[2]).toBe(0)
    expect(E.isRight(Mixture.fit(family, data, { k: 2 }))).toBe(true)
  })

  it('a row that no component can produce is a typed error, not NaN', () => {
    const data = right(
      Dataset.fromRows([
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 2],
      ]),
    )
    const p = params(
      [0.5, 0.5],
      [
        [0.5, 0.5, 0],
        [1, 0, 0],
      ],
    )
    const out = new Float64Array(6)
    family.logDensityInto(data, p.components, out)
    expect(out.some((x) => Number.isNaN(x))).toBe(false)
    expect(out[2]).toBe(-Infinity)
    const check = Multinomial.checkSupport(p, data)
    expect(E.isLeft(check) && check.left).toMatchObject({ _tag: 'InvalidData', row: 2, column: 2 })
    const r = Mixture.fit(family, data, { k: 2, init: p })
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'InvalidParameters' })
    expect(E.isLeft(r) && r.left.message).toMatch(/^row 2 has zero density under every starting component/)
    expect(E.isRight(Multinomial.checkSupport(params([1], [[0.2, 0.3, 0.5]]), data))).toBe(true)
  })

  it('validates the smoothing and trials options', () => {
    for (const smoothing of [-0.1, NaN, Infinity]) {
      const r = Multinomial.fromOptions({ smoothing })
      expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'InvalidOptions', option: 'smoothing' })
      expect(() => Multinomial.family({ smoothing })).toThrow(Errors.EmException)
    }
    expect(E.isLeft(Multinomial.fromOptions({ trials: 0 }))).toBe(true)
    expect(Multinomial.family().smoothing).toBe(0)
    expect(Multinomial.family().defaultInit).toBe('random')
    expect(Multinomial.family().logPrior).toBeUndefined()
    expect(Multinomial.family({ smoothing: 0.5 }).logPrior).toBeDefined()
  })

  it('rejects probabilities off the simplex in parameters and JSON', () => {
    expect(() => Multinomial.component([0.5, 0.6])).toThrow(/sum to/)
    expect(() => Multinomial.component([1.5, -0.5])).toThrow(Errors.EmException)
    const v = Multinomial.validate([Multinomial.unsafeComponent(Float64Array.of(0.5, 0.5, 0))], 3, 1)
    expect(E.isLeft(v) && v.left).toMatchObject({ _tag: 'InvalidParameters', path: 'components/0/probabilities/2' })
    expect(E.isRight(Multinomial.validate([Multinomial.unsafeComponent(Float64Array.of(0.5, 0.5, 0))], 3, 0))).toBe(true)
    const j = Multinomial.fromJSON([{ probabilities: [0.5, 0.5] }, { probabilities: [0.5, NaN] }], 2)
    expect(E.isLeft(j) && j.left).toMatchObject({ _tag: 'InvalidModel', path: 'components/1/probabilities/1' })
    expect(E.isLeft(Multinomial.fromJSON([{ probabilities: [0.5, 0.5] }], 3))).toBe(true)
    expect(E.isLeft(Multinomial.fromJSON([{ rate: [1] }], 1))).toBe(true)
  })
})

describe('collapse', () => {
  it('a component holding only empty rows cannot be estimated without smoothing', () => {
    const r = Multinomial.estimate(
      [
        { weight: 2, sum: Float64Array.of(1, 1) },
        { weight: 3, sum: Float64Array.of(0, 0) },
      ],
      0,
    )
    expect(E.isLeft(r) && r.left.component).toBe(1)
    const s = Multinomial.estimate([{ weight: 3, sum: Float64Array.of(0, 0) }], 0.5)
    expect(E.isRight(s) && Array.from(s.right[0]!.probabilities)).toEqual([0.5, 0.5])
  })

  it("the mixture's collapse policy applies (error / reseed), never NaN", () => {
    // Component 1 gives category 0 probability 0 and category 2 almost everything, so it takes only the empty rows.
    const data = right(
      Dataset.fromRows([
        [0, 0, 0],
        [0, 0, 0],
        [3, 1, 0],
        [2, 2, 0],
        [4, 0, 0],
        [1, 3, 0],
      ]),
    )
    const init = params(
      [0.5, 0.5],
      [
        [0.5, 0.5, 0],
        [0, 1e-300, 1 - 1e-300],
      ],
    )
    const family = Multinomial.family()
    const e = Mixture.fit(family, data, { k: 2, init, collapse: 'error' })
    expect(E.isLeft(e) && e.left).toMatchObject({ _tag: 'CollapsedComponent', component: 1 })
    const fit = right(Mixture.fit(family, data, { k: 2, init }))
    expect(fit.warnings.some((w) => w.kind === 'componentReseeded')).toBe(true)
    for (const c of fit.params.components) expect(c.probabilities.every((p) => Number.isFinite(p))).toBe(true)
  })
})

describe('JSON and sampling', () => {
  it('writes { probabilities: [...] } per component and reads it back exactly', () => {
    const { data } = documents(
      [0.5, 0.5],
      [
        [0.7, 0.2, 0.1],
        [0.1, 0.2, 0.7],
      ],
      100,
      10,
      3,
    )
    const family = Multinomial.family({ smoothing: 0.1 })
    const fit = right(Mixture.fit(family, data, { k: 2, seed: 1 }))
    const json = JSON.parse(JSON.stringify(Mixture.toJSON(family, fit.params, fit))) as Mixture.ModelJson
    expect(json.family).toBe('multinomial')
    expect(Object.keys(json.components[0]!)).toEqual(['probabilities'])
    const back = right(Mixture.fromJSON(family, json))
    back.params.components.forEach((c, j) =>
      expect(Array.from(c.probabilities)).toEqual(Array.from(fit.params.components[j]!.probabilities)),
    )
  })

  it('samples rows of `trials` counts with frequencies p', () => {
    const c = Multinomial.component([0.2, 0, 0.5, 0.3])
    const out = new Float64Array(4)
    Multinomial.sample(c, Rng.seeded(4), out, 0, 50000)
    expect(out.reduce((a, b) => a + b, 0)).toBe(50000)
    expect(out[1]).toBe(0)
    closeTo(out[0]! / 50000, 0.2, 0.03, 0, 'p0')
    closeTo(out[2]! / 50000, 0.5, 0.03, 0, 'p2')
  })
})
