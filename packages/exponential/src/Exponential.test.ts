import { readFileSync } from 'node:fs'
import { Dataset, Errors, Mixture, Rng } from '@emkit/core'
import type { EmError } from '@emkit/core'
import fc from 'fast-check'
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import * as Exponential from './index.js'

interface Reference {
  d: number
  rows: number[][]
  init: { weights: number[]; rates: number[][] }
  iterations: number
  trace: number[]
  final: { weights: number[]; rates: number[][] }
}
// Written by scripts/exponential-multinomial-reference.py (pure-Python EM, independent of emkit).
const reference = JSON.parse(readFileSync(new URL('../fixtures/reference.json', import.meta.url), 'utf8')) as Reference

const family = Exponential.family()

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

const params = (weights: number[], rates: number[][]): Mixture.Params<Exponential.Component> => ({
  weights: Float64Array.from(weights),
  components: rates.map((r) => Exponential.component(r)),
})

/** Draws n rows from a mixture (seeded), d coordinates. */
const draw = (weights: number[], rates: number[][], n: number, seed: number): { data: Dataset.Dataset; labels: Int32Array } => {
  const s = Mixture.sampleOrThrow(family, params(weights, rates), n, seed)
  return { data: right(Dataset.fromFlat(s.values, s.d)), labels: s.labels }
}

describe('log-likelihood trace against the independent Python reference', () => {
  const data = right(Dataset.fromRows(reference.rows))
  const init = params(reference.init.weights, reference.init.rates)

  it('matches every trace entry to 1e-10 relative', () => {
    const fit = right(Mixture.fit(family, data, { k: 2, init, tolerance: 0, maxIterations: reference.iterations }))
    expect(fit.trace.length).toBe(reference.iterations + 1)
    fit.trace.forEach((ll, t) => closeTo(ll, reference.trace[t]!, 1e-10, 0, `trace[${t}]`))
  })

  it('matches the final parameters', () => {
    const fit = right(Mixture.fit(family, data, { k: 2, init, tolerance: 0, maxIterations: reference.iterations }))
    fit.params.weights.forEach((w, j) => closeTo(w, reference.final.weights[j]!, 1e-9, 1e-12, `weight ${j}`))
    fit.params.components.forEach((c, j) => c.rate.forEach((r, t) => closeTo(r, reference.final.rates[j]![t]!, 1e-9, 0, `rate ${j},${t}`)))
  })

  it('the trace is non-decreasing and log p(X|θ) = Q + H', () => {
    const fit = right(Mixture.fit(family, data, { k: 2, init, tolerance: 0, maxIterations: reference.iterations }))
    for (let t = 1; t < fit.trace.length; t++) {
      expect(fit.trace[t]! - fit.trace[t - 1]!).toBeGreaterThanOrEqual(-1e-10 * (1 + Math.abs(fit.trace[t - 1]!)))
    }
    const m = Mixture.model(family, 2)
    const q = m.posterior(data, fit.params)
    closeTo(
      m.expectedCompleteLogLikelihood(data, fit.params, q.posterior) + m.entropy(data, q.posterior),
      q.logLikelihood,
      1e-12,
      1e-9,
      'Q + H',
    )
  })

  it('counts k·d + k − 1 free parameters for BIC/AIC', () => {
    const fit = right(Mixture.fit(family, data, { k: 2, init, tolerance: 0, maxIterations: 3 }))
    expect(family.freeParameters(2, 2)).toBe(4)
    expect(fit.parameters).toBe(2 * 2 + 2 - 1)
    closeTo(fit.bic, -2 * fit.logLikelihood + 5 * Math.log(data.n), 1e-14, 0, 'bic')
    closeTo(fit.aic, -2 * fit.logLikelihood + 10, 1e-14, 0, 'aic')
  })
})

describe('statistics', () => {
  const rowsArb = (d: number) =>
    fc.array(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: d, maxLength: d }), { minLength: 2, maxLength: 30 })

  it('chunked statistics equal whole statistics', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }).chain((d) => fc.tuple(fc.constant(d), rowsArb(d))),
        fc.double({ min: 0, max: 1, noNaN: true }),
        ([, rows], cut) => {
          const data = right(Dataset.fromRows(rows))
          const w = Float64Array.from(rows, (_, i) => 0.25 + ((i * 7) % 5))
          const m = Math.floor(cut * data.n)
          const whole = family.summarize(data, w, 0)
          const a = family.summarize(Dataset.slice(data, 0, m), w, 0)
          const b = family.summarize(Dataset.slice(data, m, data.n), w, m)
          const merged = family.statistics(data.d).concat(a, b)
          closeTo(merged.weight, whole.weight, 1e-12, 1e-12, 'weight')
          merged.sum.forEach((s, c) => closeTo(s, whole.sum[c]!, 1e-12, 1e-9, `sum ${c}`))
          return true
        },
      ),
    )
  })

  it('is a monoid: empty is the identity, concat is associative', () => {
    fc.assert(
      fc.property(rowsArb(2), (rows) => {
        const data = right(Dataset.fromRows(rows))
        const S = family.statistics(2)
        const third = Math.floor(data.n / 3)
        const part = (a: number, b: number) => family.summarize(Dataset.slice(data, a, b), new Float64Array(data.n).fill(1.5), 0)
        const [x, y, z] = [part(0, third), part(third, 2 * third), part(2 * third, data.n)]
        const l = S.concat(S.concat(x, y), z)
        const r = S.concat(x, S.concat(y, z))
        const e = S.concat(S.empty, x)
        expect(e.weight).toBe(x.weight)
        expect(Array.from(e.sum)).toEqual(Array.from(x.sum))
        closeTo(l.weight, r.weight, 1e-12, 0, 'weight')
        l.sum.forEach((s, c) => closeTo(s, r.sum[c]!, 1e-12, 1e-12, `sum ${c}`))
        return true
      }),
    )
  })

  it('the estimate maximises the weighted log-likelihood', () => {
    fc.assert(
      fc.property(rowsArb(1), fc.double({ min: 0.5, max: 1.5, noNaN: true }), (rows, factor) => {
        const data = right(Dataset.fromRows(rows.map((r) => [r[0]! + 0.01])))
        const w = new Float64Array(data.n).fill(1)
        const est = family.estimate([family.summarize(data, w, 0)])
        if (E.isLeft(est)) throw new Error(est.left.message)
        const lam = est.right[0]!.rate[0]!
        const ll = (r: number) => {
          const out = new Float64Array(data.n)
          family.logDensityInto(data, [{ rate: Float64Array.of(r) }], out)
          return out.reduce((a, b) => a + b, 0)
        }
        return ll(lam) >= ll(lam * factor) - 1e-10 * (1 + Math.abs(ll(lam)))
      }),
    )
  })
})

describe('sample weights', () => {
  it('integer weights give the same fit as replicated rows', () => {
    const { data } = draw([0.4, 0.6], [[4], [0.3]], 120, 11)
    const counts = Array.from({ length: data.n }, (_, i) => (i * 13) % 4) // 0, 1, 2 or 3 copies
    const weighted = right(Dataset.fromFlat(data.values, 1, { sampleWeights: counts }))
    const replicated: number[] = []
    counts.forEach((c, i) => {
      for (let t = 0; t < c; t++) replicated.push(data.values[i]!)
    })
    const copies = right(Dataset.fromColumn(replicated))
    const init = params([0.5, 0.5], [[2], [0.5]])
    const a = right(Mixture.fit(family, weighted, { k: 2, init, tolerance: 0, maxIterations: 30 }))
    const b = right(Mixture.fit(family, copies, { k: 2, init, tolerance: 0, maxIterations: 30 }))
    a.trace.forEach((ll, t) => closeTo(ll, b.trace[t]!, 1e-10, 0, `trace[${t}]`))
    a.params.components.forEach((c, j) => closeTo(c.rate[0]!, b.params.components[j]!.rate[0]!, 1e-10, 0, `rate ${j}`))
    closeTo(a.bic, b.bic, 1e-10, 0, 'bic')
  })

  it('scaling all weights leaves the estimate unchanged', () => {
    const { data } = draw([1], [[1.5, 0.2]], 50, 3)
    const w = Float64Array.from({ length: data.n }, (_, i) => 1 + (i % 3))
    const w2 = w.map((x) => x * 7.5)
    const a = family.estimate([family.summarize(data, w, 0)])
    const b = family.estimate([family.summarize(data, w2, 0)])
    if (E.isLeft(a) || E.isLeft(b)) throw new Error('estimate failed')
    a.right[0]!.rate.forEach((r, c) => closeTo(r, b.right[0]!.rate[c]!, 1e-12, 0, `rate ${c}`))
  })
})

describe('parameter recovery', () => {
  it('recovers two well-separated univariate components with the default (quantile) init', () => {
    const { data } = draw([0.3, 0.7], [[5], [0.2]], 5000, 2024)
    const fit = right(Mixture.fit(family, data, { k: 2, restarts: 3, seed: 1 }))
    const order = [0, 1].sort((a, b) => fit.params.components[b]!.rate[0]! - fit.params.components[a]!.rate[0]!)
    closeTo(fit.params.components[order[0]!]!.rate[0]!, 5, 0.1, 0, 'fast rate')
    closeTo(fit.params.components[order[1]!]!.rate[0]!, 0.2, 0.1, 0, 'slow rate')
    closeTo(fit.params.weights[order[0]!]!, 0.3, 0.1, 0, 'fast weight')
    expect(fit.converged).toBe(true)
  })

  it('recovers two components in d = 2', () => {
    const { data, labels } = draw(
      [0.5, 0.5],
      [
        [8, 6],
        [0.25, 0.3],
      ],
      3000,
      7,
    )
    const fit = right(Mixture.fit(family, data, { k: 2, seed: 2 }))
    const fast = fit.params.components[0]!.rate[0]! > fit.params.components[1]!.rate[0]! ? 0 : 1
    closeTo(fit.params.components[fast]!.rate[0]!, 8, 0.1, 0, 'fast rate 0')
    closeTo(fit.params.components[fast]!.rate[1]!, 6, 0.1, 0, 'fast rate 1')
    closeTo(fit.params.components[1 - fast]!.rate[0]!, 0.25, 0.1, 0, 'slow rate 0')
    closeTo(fit.params.components[1 - fast]!.rate[1]!, 0.3, 0.1, 0, 'slow rate 1')
    const predicted = Mixture.predictOrThrow(family, fit.params, data)
    let agree = 0
    for (let i = 0; i < data.n; i++) if ((predicted[i] === fast ? 0 : 1) === labels[i]) agree++
    expect(agree / data.n).toBeGreaterThan(0.95)
  })

  it('BIC picks k = 2 for two components and k = 1 for one', () => {
    const two = draw([0.4, 0.6], [[6], [0.3]], 1500, 5).data
    const one = draw([1], [[0.7]], 1500, 6).data
    const best = (data: Dataset.Dataset) => {
      const bics = [1, 2, 3].map((k) => right(Mixture.fit(family, data, { k, restarts: 3, seed: 3 })).bic)
      return bics.indexOf(Math.min(...bics)) + 1
    }
    expect(best(two)).toBe(2)
    expect(best(one)).toBe(1)
  })
})

describe('quantile seeding', () => {
  it('splits rows by rank into k non-empty groups, deterministically under a seed', () => {
    const { data } = draw([0.5, 0.5], [[3], [0.1]], 200, 9)
    const a = Exponential.initialResponsibilities(data, 3, Rng.seeded(4))
    const b = Exponential.initialResponsibilities(data, 3, Rng.seeded(4))
    expect(Array.from(a)).toEqual(Array.from(b))
    const group = (i: number) => [0, 1, 2].find((j) => a[j * data.n + i] === 1)!
    const max = [-Infinity, -Infinity, -Infinity]
    const min = [Infinity, Infinity, Infinity]
    const size = [0, 0, 0]
    for (let i = 0; i < data.n; i++) {
      const g = group(i)
      size[g]!++
      max[g] = Math.max(max[g]!, data.values[i]!)
      min[g] = Math.min(min[g]!, data.values[i]!)
    }
    expect(size.every((s) => s > 200 / 3 / 2)).toBe(true)
    expect(max[0]!).toBeLessThanOrEqual(min[1]!)
    expect(max[1]!).toBeLessThanOrEqual(min[2]!)
  })

  it('keeps every group non-empty when n = k', () => {
    const data = right(Dataset.fromColumn([3, 1, 2]))
    const r = Exponential.initialResponsibilities(data, 3, Rng.seeded(1))
    for (let j = 0; j < 3; j++) expect(r.subarray(j * 3, j * 3 + 3).reduce((s, x) => s + x, 0)).toBe(1)
  })

  it('honours sample weights in the quantiles', () => {
    const data = right(Dataset.fromColumn([1, 2, 3, 4], { sampleWeights: [3, 0.5, 0.25, 0.25] }))
    const r = Exponential.initialResponsibilities(data, 2, Rng.seeded(0))
    // Row 0 alone holds 3/4 of the weight: the first group is row 0, the second the rest.
    expect(Array.from(r)).toEqual([1, 0, 0, 0, 0, 1, 1, 1])
  })

  it('is the default init and beats raw k-means++ on skewed data (log-likelihood)', () => {
    expect(family.defaultInit).toBe('family')
    const { data } = draw([0.5, 0.5], [[10], [0.1]], 2000, 31)
    const viaFamily = right(Mixture.fit(family, data, { k: 2, seed: 8 }))
    const viaKmeans = right(Mixture.fit(family, data, { k: 2, seed: 8, init: 'kmeans++' }))
    // Both should reach the optimum on this easy problem; the family's start needs no more iterations.
    closeTo(viaFamily.logLikelihood, viaKmeans.logLikelihood, 1e-6, 1e-6, 'same optimum')
    expect(viaFamily.iterations).toBeLessThanOrEqual(viaKmeans.iterations)
  })
})

describe('support and typed errors', () => {
  const bad = (values: number[], d: number): Dataset.Dataset => ({ n: values.length / d, d, values: Float64Array.from(values) })

  it.each([
    ['negative', -0.5],
    ['NaN', NaN],
    ['+Infinity', Infinity],
    ['-Infinity', -Infinity],
  ])('a %s value is InvalidData naming row and column', (_, v) => {
    const data = bad([1, 2, 3, 4, 5, v, 7, 8], 2)
    const r = Mixture.fit(family, data, { k: 1 })
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'InvalidData', row: 2, column: 1 })
  })

  it('accepts zeros', () => {
    const data = right(
      Dataset.fromRows([
        [0, 1],
        [2, 0],
        [0.5, 3],
        [1, 1],
      ]),
    )
    expect(E.isRight(family.checkData(data))).toBe(true)
    expect(E.isRight(Mixture.fit(family, data, { k: 1 }))).toBe(true)
  })

  it('rejects non-positive, non-finite or misshapen rates in parameters and JSON', () => {
    expect(() => Exponential.component(0)).toThrow(Errors.EmException)
    expect(() => Exponential.component([1, Infinity])).toThrow(/rate\[1\]/)
    const v = Exponential.validate([{ rate: Float64Array.of(1, -2) }], 2)
    expect(E.isLeft(v) && v.left).toMatchObject({ _tag: 'InvalidParameters', component: 0, path: 'components/0/rate/1' })
    expect(E.isLeft(Exponential.validate([{ rate: Float64Array.of(1) }], 2))).toBe(true)
    const j = Exponential.fromJSON([{ rate: [1] }, { rate: [0] }], 1)
    expect(E.isLeft(j) && j.left).toMatchObject({ _tag: 'InvalidModel', path: 'components/1/rate/0' })
    expect(E.isLeft(Exponential.fromJSON([{ mean: [1] }], 1))).toBe(true)
    expect(E.isLeft(Exponential.fromJSON([{ rate: [1, 2] }], 1))).toBe(true)
    expect(E.isLeft(Exponential.fromJSON([{ rate: ['1'] }], 1))).toBe(true)
  })
})

describe('collapse', () => {
  // Rows 0–4 are exact zeros; a component with a huge rate takes only them, so its weighted sum is 0.
  const data = right(Dataset.fromColumn([0, 0, 0, 0, 0, 0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9]))
  const init = params([0.5, 0.5], [[2000], [0.3]])

  it('estimate reports a zero weighted sum as a degenerate component, never an infinite rate', () => {
    const r = family.estimate([
      { weight: 1, sum: Float64Array.of(2) },
      { weight: 3, sum: Float64Array.of(0) },
    ])
    expect(E.isLeft(r) && r.left.component).toBe(1)
  })

  it("with collapse 'error' the fit is a CollapsedComponent error", () => {
    const r = Mixture.fit(family, data, { k: 2, init, collapse: 'error' })
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'CollapsedComponent', component: 0 })
  })

  it('with the default policy the component is re-seeded and every rate stays finite', () => {
    const fit = right(Mixture.fit(family, data, { k: 2, init }))
    expect(fit.warnings.some((w) => w.kind === 'componentReseeded')).toBe(true)
    for (const c of fit.params.components) expect(Number.isFinite(c.rate[0]!) && c.rate[0]! > 0).toBe(true)
  })

  it("with collapse 'drop' one component remains", () => {
    const fit = right(Mixture.fit(family, data, { k: 2, init, collapse: 'drop' }))
    expect(fit.params.components.length).toBe(1)
    closeTo(fit.params.components[0]!.rate[0]!, data.n / data.values.reduce((a, b) => a + b, 0), 1e-12, 0, 'pooled rate')
  })
})

describe('JSON and sampling', () => {
  it('writes { rate: [...] } per component and reads it back exactly', () => {
    const { data } = draw(
      [0.3, 0.7],
      [
        [2, 1],
        [0.1, 0.4],
      ],
      400,
      12,
    )
    const fit = right(Mixture.fit(family, data, { k: 2, seed: 1 }))
    const json = JSON.parse(JSON.stringify(Mixture.toJSON(family, fit.params, fit))) as Mixture.ModelJson
    expect(json.family).toBe('exponential')
    expect(json.dimension).toBe(2)
    expect(Object.keys(json.components[0]!)).toEqual(['rate'])
    const back = right(Mixture.fromJSON(family, json))
    back.params.components.forEach((c, j) => expect(Array.from(c.rate)).toEqual(Array.from(fit.params.components[j]!.rate)))
  })

  it('samples with mean 1/λ per coordinate', () => {
    const s = Mixture.sampleOrThrow(family, params([1], [[2, 0.5]]), 40000, 77)
    let m0 = 0
    let m1 = 0
    for (let i = 0; i < 40000; i++) {
      m0 += s.values[2 * i]!
      m1 += s.values[2 * i + 1]!
    }
    closeTo(m0 / 40000, 0.5, 0.03, 0, 'mean 0')
    closeTo(m1 / 40000, 2, 0.03, 0, 'mean 1')
  })

  it('univariate builds d = 1 parameters', () => {
    const p = Exponential.univariate([0.25, 0.75], [4, 0.5])
    expect(p.components.map((c) => c.rate[0])).toEqual([4, 0.5])
    expect(() => Exponential.univariate([1], [1, 2])).toThrow(Errors.EmException)
  })
})
