import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import { fromRowsOrThrow } from '../Dataset.js'
import { kmeansPlusPlus } from '../internal/kmeans.js'
import { seeded } from '../Rng.js'
import { gaussian, poisson } from './Families.js'
import { fit, partition, priorProba, sample } from './Fit.js'
import { fromJSON, toJSON } from './Json.js'
import type { RegressionData, RegressionParams } from './Model.js'
import { design } from './Model.js'
import { npreg, reference, relative, startOf } from './test/npreg.js'

const right = <A>(r: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
}

/** log N(y; μ, σ²), written out here independently of the family. */
const logNormal = (y: number, mu: number, s2: number): number => -0.5 * Math.log(2 * Math.PI * s2) - ((y - mu) * (y - mu)) / (2 * s2)

/** ℓ of a grouped Gaussian regression mixture, computed directly from the rows. */
const directLogLikelihood = (data: RegressionData, params: RegressionParams, groupOf: (i: number) => number, groups: number): number => {
  const k = params.components.length
  const sums = Array.from({ length: groups }, () => new Array<number>(k).fill(0))
  for (let i = 0; i < data.n; i++) {
    for (let j = 0; j < k; j++) {
      const c = params.components[j]!
      let mu = 0
      for (let t = 0; t < data.p; t++) mu += c.coefficients[t]! * data.x[i * data.p + t]!
      const row = sums[groupOf(i)]!
      row[j] = row[j]! + logNormal(data.y[i]!, mu, c.variance!)
    }
  }
  let total = 0
  for (const s of sums) {
    const a = s.map((v, j) => Math.log(params.weights[j]!) + v)
    const m = Math.max(...a)
    total += m + Math.log(a.reduce((acc, v) => acc + Math.exp(v - m), 0))
  }
  return total
}

describe('grouped posteriors', () => {
  const base = npreg()
  const c = reference().cases['gaussian-ml']!
  it('with every group one row, the fit equals the ungrouped one exactly', () => {
    const cols = [...base.columns!, 'row']
    const values = Array.from({ length: base.n }, (_, i) => [...Array.from(base.values.subarray(i * base.d, (i + 1) * base.d)), i])
    const withRow = fromRowsOrThrow(values, { columns: cols })
    const plain = right(
      fit(gaussian(), right(design(withRow, { formula: c.formula })), 2, { init: startOf(c), tolerance: 0, maxIterations: 30 }),
    )
    const grouped = right(
      fit(gaussian(), right(design(withRow, { formula: c.formula, group: 'row' })), 2, {
        init: startOf(c),
        tolerance: 0,
        maxIterations: 30,
      }),
    )
    expect(grouped.trace).toEqual(plain.trace)
    expect(Array.from(grouped.params.components[1]!.coefficients)).toEqual(Array.from(plain.params.components[1]!.coefficients))
  })
  it('with NPreg’s id2 (50 groups of 4 rows), ℓ and the posterior match a direct computation, and differ from the ungrouped fit', () => {
    const grouped = right(design(base, { formula: c.formula, group: 'id2' }))
    const id2 = base.columns!.indexOf('id2')
    const ids = new Map<number, number>()
    const groupOf = (i: number): number => {
      const v = base.values[i * base.d + id2]!
      if (!ids.has(v)) ids.set(v, ids.size)
      return ids.get(v)!
    }
    for (let i = 0; i < base.n; i++) groupOf(i)
    expect(ids.size).toBe(50)
    let params = startOf(c)
    for (let t = 0; t < 5; t++) {
      const step = right(fit(gaussian(), grouped, 2, { init: params, tolerance: 0, maxIterations: 1 }))
      expect(relative(step.trace[0]!, directLogLikelihood(grouped, params, groupOf, 50))).toBeLessThan(1e-13)
      expect(relative(step.trace[1]!, directLogLikelihood(grouped, step.params, groupOf, 50))).toBeLessThan(1e-13)
      // The weights are the mean group posterior at the previous parameters, computed here directly.
      let w0 = 0
      for (let g = 0; g < 50; g++) {
        const rows = [...Array(base.n).keys()].filter((i) => groupOf(i) === g)
        const a = params.components.map((comp, j) =>
          rows.reduce(
            (s, i) =>
              s +
              logNormal(
                grouped.y[i]!,
                comp.coefficients[0]! + comp.coefficients[1]! * grouped.x[i * 3 + 1]! + comp.coefficients[2]! * grouped.x[i * 3 + 2]!,
                comp.variance!,
              ),
            Math.log(params.weights[j]!),
          ),
        )
        w0 += 1 / (1 + Math.exp(a[1]! - a[0]!))
      }
      expect(relative(step.params.weights[0]!, w0 / 50)).toBeLessThan(1e-12)
      params = step.params
    }
    const groupedFit = right(fit(gaussian(), grouped, 2, { init: startOf(c), tolerance: 0, maxIterations: 50 }))
    const ungrouped = right(
      fit(gaussian(), right(design(base, { formula: c.formula })), 2, { init: startOf(c), tolerance: 0, maxIterations: 50 }),
    )
    expect(Math.abs(groupedFit.logLikelihood - ungrouped.logLikelihood)).toBeGreaterThan(1)
    // Rows of one group share one posterior.
    const n = base.n
    for (let i = 1; i < n; i++)
      if (groupOf(i) === groupOf(i - 1)) expect(groupedFit.posterior.rows[i]).toBe(groupedFit.posterior.rows[i - 1])
  })
})

describe('concomitant weights', () => {
  /** n rows: x ~ U(0, 10), z ~ N(0, 1), class 2 with probability logistic(α₀ + α₁ z), y from that class's line. */
  const simulate = (n: number, alpha: readonly [number, number], seed: number) => {
    const rng = seeded(seed)
    const rows: number[][] = []
    for (let i = 0; i < n; i++) {
      const x = 10 * rng.uniform()
      const z = rng.normal()
      const p2 = 1 / (1 + Math.exp(-(alpha[0] + alpha[1] * z)))
      const y = rng.uniform() < p2 ? 12 - x + 1.5 * rng.normal() : 2 + 1.5 * x + rng.normal()
      rows.push([x, y, z])
    }
    return fromRowsOrThrow(rows, { columns: ['x', 'y', 'z'] })
  }
  it('recover simulated multinomial-logit coefficients within sampling error, and BIC counts them', () => {
    const alpha = [-0.5, 1.5] as const
    const data = right(design(simulate(3000, alpha, 7), { formula: 'y ~ x', concomitant: ['z'] }))
    const f = right(fit(gaussian(), data, 2, { seed: 1 }))
    // Label the component with the negative slope as class 2.
    const second = f.params.components[0]!.coefficients[1]! < 0 ? 0 : 1
    const a = f.params.concomitant!
    const sign = second === 1 ? 1 : -1
    const estimate = [sign * a[2]!, sign * a[3]!]
    // Standard errors from the information of the logit at the estimate (posterior-weighted).
    let i00 = 0
    let i01 = 0
    let i11 = 0
    const z = data.concomitant!.z
    for (let i = 0; i < data.n; i++) {
      const eta = a[2]! + a[3]! * z[i * 2 + 1]!
      const p = 1 / (1 + Math.exp(-eta))
      const v = p * (1 - p)
      i00 += v
      i01 += v * z[i * 2 + 1]!
      i11 += v * z[i * 2 + 1]! ** 2
    }
    const det = i00 * i11 - i01 * i01
    const se = [Math.sqrt(i11 / det), Math.sqrt(i00 / det)]
    console.log(
      `concomitant α: estimate ${estimate.map((v) => v.toFixed(3)).join(', ')} vs truth ${alpha.join(', ')} (SE ${se.map((v) => v.toFixed(3)).join(', ')})`,
    )
    for (let c = 0; c < 2; c++)
      expect(Math.abs(estimate[c]! - alpha[c]!), `α${c}: ${estimate[c]} vs ${alpha[c]} (SE ${se[c]})`).toBeLessThan(4 * se[c]!)
    expect(f.freeParameters).toBe(2 * 3 + 2)
    expect(relative(f.bic, -2 * f.logLikelihood + 8 * Math.log(3000))).toBeLessThan(1e-15)
    const constant = right(fit(gaussian(), right(design(simulate(3000, alpha, 7), { formula: 'y ~ x' })), 2, { seed: 1 }))
    expect(constant.freeParameters).toBe(2 * 3 + 1)
    expect(f.logLikelihood).toBeGreaterThan(constant.logLikelihood)
    // Saved in JSON and read back; predicted for new rows from z alone.
    const json = toJSON(gaussian(), data, f.params, f) as { concomitant: { coefficients: number[][] } }
    expect(json.concomitant.coefficients[0]).toEqual([0, 0])
    const back = right(fromJSON(JSON.parse(JSON.stringify(json))))
    expect(Array.from(back.params.concomitant!)).toEqual(Array.from(a))
    const fresh = right(
      design(
        fromRowsOrThrow(
          [
            [5, 0, -3],
            [5, 0, 3],
          ],
          { columns: ['x', 'y', 'z'] },
        ),
        { formula: 'y ~ x', concomitant: ['z'] },
      ),
    )
    const prior = right(priorProba(gaussian(), f.params, fresh))
    expect(prior[1 * 2 + second]!).toBeGreaterThan(0.9)
    expect(prior[0 * 2 + second]!).toBeLessThan(0.1)
  })
})

describe('starts', () => {
  const c = reference().cases['gaussian-ml']!
  const data = right(design(npreg(), { formula: c.formula }))
  it('from a hard partition: θ₀ is the per-class least-squares fit (the residuals are orthogonal to the design)', () => {
    const cls = npreg().columns!.indexOf('class')
    const labels = Array.from({ length: data.n }, (_, i) => npreg().values[i * npreg().d + cls]! - 1)
    const f = right(fit(gaussian(), data, 2, { init: { posterior: right(partition(labels, 2)) }, maxIterations: 0 }))
    for (let j = 0; j < 2; j++) {
      const beta = f.params.components[j]!.coefficients
      for (let t = 0; t < 3; t++) {
        let g = 0
        let scale = 0
        for (let i = 0; i < data.n; i++) {
          if (labels[i] !== j) continue
          const r = data.y[i]! - (beta[0]! + beta[1]! * data.x[i * 3 + 1]! + beta[2]! * data.x[i * 3 + 2]!)
          g += r * data.x[i * 3 + t]!
          scale += Math.abs(r * data.x[i * 3 + t]!)
        }
        expect(Math.abs(g) / scale).toBeLessThan(1e-12)
      }
      expect(f.params.weights[j]).toBe(labels.filter((l) => l === j).length / data.n)
    }
  })
  it('random hard assignments (the default) reach the optimum from most single starts, and always with restarts', () => {
    const best = right(fit(gaussian(), data, 2, { init: startOf(c), tolerance: 1e-12 })).logLikelihood
    let hits = 0
    for (let seed = 0; seed < 20; seed++) {
      const f = right(fit(gaussian(), data, 2, { seed, restarts: 1, tolerance: 1e-12 }))
      if (Math.abs(f.logLikelihood - best) < 1e-6) hits++
    }
    // The mixture layer's default, k-means++ on the raw columns (x, yn), as a hard-partition start.
    const raw = fromRowsOrThrow(Array.from({ length: data.n }, (_, i) => [data.x[i * 3 + 1]!, data.y[i]!]))
    let kmeansHits = 0
    for (let seed = 0; seed < 20; seed++) {
      const resp = kmeansPlusPlus(raw, 2, seeded(seed)) // k × n, component-major
      const posterior = Float64Array.from({ length: data.n * 2 }, (_, t) => resp[(t % 2) * data.n + Math.floor(t / 2)]!)
      const f = right(fit(gaussian(), data, 2, { init: { posterior }, tolerance: 1e-12 }))
      if (Math.abs(f.logLikelihood - best) < 1e-6) kmeansHits++
    }
    console.log(
      `one start each: random hard assignments reach ℓ = ${best} from ${hits} of 20 seeds, k-means++ on (x, yn) from ${kmeansHits} of 20`,
    )
    expect(hits).toBeGreaterThanOrEqual(15)
    expect(hits).toBeGreaterThan(kmeansHits)
    for (let seed = 0; seed < 5; seed++)
      expect(Math.abs(right(fit(gaussian(), data, 2, { seed, tolerance: 1e-12 })).logLikelihood - best)).toBeLessThan(1e-6)
  })
  it('refuses bad starts and data with typed errors', () => {
    const r = fit(gaussian(), data, 2, { init: { posterior: new Float64Array(3) } })
    expect(E.isLeft(r) && r.left._tag === 'InvalidOptions').toBe(true)
    const bad = fit(poisson(), data, 2)
    expect(E.isLeft(bad) && bad.left._tag === 'InvalidData' && bad.left.message).toMatch(/column "yn" \(the response\), row 0/)
    const many = fit(gaussian(), data, 201)
    expect(E.isLeft(many) && many.left._tag).toBe('InvalidOptions')
  })
})

describe('sampling given covariates', () => {
  it('draws y from the class line at each row’s x: the sample refits to the parameters within sampling error', () => {
    const rows = Array.from({ length: 4000 }, (_, i) => [(i % 100) / 10, 0])
    const data = right(design(fromRowsOrThrow(rows, { columns: ['x', 'y'] }), { formula: 'y ~ x' }))
    const truth: RegressionParams = {
      weights: Float64Array.of(0.3, 0.7),
      components: [
        { coefficients: Float64Array.of(1, 2), variance: 1 },
        { coefficients: Float64Array.of(20, -1.5), variance: 2 },
      ],
    }
    const drawn = right(sample(gaussian(), truth, data, seeded(3)))
    const refit = right(fit(gaussian(), { ...data, y: drawn.response }, 2, { init: truth }))
    expect(Math.abs(refit.params.weights[0]! - 0.3)).toBeLessThan(4 * Math.sqrt(0.21 / 4000))
    expect(Math.abs(refit.params.components[1]!.coefficients[1]! + 1.5)).toBeLessThan(0.05)
    expect(drawn.labels.filter((l) => l === 0).length / 4000).toBeCloseTo(0.3, 1)
  })
})

describe('hostile input', () => {
  const c = reference().cases['gaussian-ml']!
  const data = right(design(npreg(), { formula: c.formula }))
  it('bad starts and column roles are typed errors, never throws', () => {
    const starts: unknown[] = [
      { components: [null, null], weights: Float64Array.of(0.5, 0.5) },
      { components: [{ coefficients: 'abc' }, { coefficients: [1, 2, 3], variance: 1 }], weights: Float64Array.of(0.5, 0.5) },
      { components: [{}, {}] },
      { posterior: null },
      42,
    ]
    for (const init of starts) {
      const r = fit(gaussian(), data, 2, { init: init as RegressionParams })
      expect(E.isLeft(r), JSON.stringify(init)).toBe(true)
    }
    const table = npreg()
    const weighted = fromRowsOrThrow(
      [
        [1, 2],
        [2, 3],
      ],
      { columns: ['x', 'y'], sampleWeights: [1, 2] },
    )
    const w = design(weighted, { formula: 'y ~ x' })
    expect(E.isLeft(w) && w.left._tag === 'InvalidOptions' && w.left.message).toMatch(/sample weights/)
    for (const roles of [{ formula: 42 }, { formula: 'yn ~ x', concomitant: 'x' }, { formula: 'yn ~ x', group: 7 }, null]) {
      const r = design(table, roles as never)
      expect(E.isLeft(r), JSON.stringify(roles)).toBe(true)
    }
  })
})
