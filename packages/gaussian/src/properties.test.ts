/**
 * Properties of the Gaussian family (fast-check, fixed seed from vitest.setup.ts): the structures
 * agree with each other where the mathematics says they must, statistics merge exactly enough to be
 * computed in chunks, sample weights mean replicated rows, the log-density is the textbook formula,
 * and well-separated clusters are recovered.
 */
import fc from 'fast-check'
import { either as E } from 'fp-ts'
import { Matrix, determinant, inverse } from 'ml-matrix'
import { describe, expect, it } from 'vitest'
import { Dataset, Mixture } from '@emkit/core'
import type { Dataset as DatasetNs } from '@emkit/core'
import * as Gaussian from './index.js'
import type { Component, CovarianceType } from './index.js'
import { flatten, right } from './test/helpers.js'

const value = fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true })

/** n × d data (n ≥ minRows) as rows. */
const rowsArb = (minRows: number, maxRows: number, maxD = 4) =>
  fc
    .integer({ min: 1, max: maxD })
    .chain((d) => fc.array(fc.array(value, { minLength: d, maxLength: d }), { minLength: minRows, maxLength: maxRows }))

/** Random k × n responsibilities (component-major, columns summing to 1). */
const respArb = (n: number, k: number) =>
  fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: n * k, maxLength: n * k }).map((raw) => {
    const out = new Float64Array(n * k)
    for (let i = 0; i < n; i++) {
      let s = 0
      for (let j = 0; j < k; j++) s += raw[j * n + i]!
      for (let j = 0; j < k; j++) out[j * n + i] = raw[j * n + i]! / s
    }
    return out
  })

const mStep = (structure: CovarianceType, data: DatasetNs.Dataset, resp: Float64Array, k: number, regularization: number): Component[] => {
  const fam = Gaussian.family({ covariance: structure, regularization })
  const stats = Array.from({ length: k }, (_, j) => fam.summarize(data, resp, j * data.n))
  const est = fam.estimate(stats)
  if (E.isLeft(est)) throw new Error(`${structure} M-step failed: ${est.left.message}`)
  return est.right
}

const close = (a: number, b: number, rtol: number, atol: number): boolean => Math.abs(a - b) <= atol + rtol * Math.abs(b)

describe('structures agree', () => {
  const caseArb = rowsArb(3, 25).chain((rows) =>
    fc
      .tuple(fc.constant(rows), fc.integer({ min: 1, max: 3 }))
      .chain(([r, k]) => fc.tuple(fc.constant(r), fc.constant(k), respArb(r.length, k))),
  )

  it('diag equals the diagonal of full (same means, variances = diagonal of the full covariance); spherical is their mean', () => {
    fc.assert(
      fc.property(caseArb, ([rows, k, resp]) => {
        const data = right(Dataset.fromRows(rows))
        const d = data.d
        const full = mStep('full', data, resp, k, 1e-6)
        const diag = mStep('diag', data, resp, k, 1e-6)
        const sph = mStep('spherical', data, resp, k, 1e-6)
        for (let j = 0; j < k; j++) {
          let trace = 0
          for (let c = 0; c < d; c++) {
            const v = full[j]!.covariance[c * d + c]!
            trace += v / d
            if (!close(diag[j]!.mean[c]!, full[j]!.mean[c]!, 0, 0)) return false
            if (!close(diag[j]!.covariance[c * d + c]!, v, 1e-12, 1e-300)) return false
            for (let r = 0; r < d; r++) if (r !== c && diag[j]!.covariance[r * d + c] !== 0) return false
          }
          if (!close(sph[j]!.covariance[0]!, trace, 1e-12, 0)) return false
        }
        return true
      }),
    )
  })

  it('tied equals the weight-averaged full covariance', () => {
    fc.assert(
      fc.property(caseArb, ([rows, k, resp]) => {
        const data = right(Dataset.fromRows(rows))
        const d = data.d
        const reg = 1e-6
        const full = mStep('full', data, resp, k, reg)
        const tied = mStep('tied', data, resp, k, reg)
        const w = Array.from({ length: k }, (_, j) => resp.subarray(j * data.n, (j + 1) * data.n).reduce((s, g) => s + g, 0))
        const total = w.reduce((s, x) => s + x, 0)
        for (let r = 0; r < d; r++) {
          for (let c = 0; c < d; c++) {
            let avg = r === c ? reg : 0
            for (let j = 0; j < k; j++) avg += (w[j]! / total) * (full[j]!.covariance[r * d + c]! - (r === c ? reg : 0))
            const scale = Math.sqrt(tied[0]!.covariance[r * d + r]! * tied[0]!.covariance[c * d + c]!)
            for (let j = 0; j < k; j++) {
              if (!(Math.abs(tied[j]!.covariance[r * d + c]! - avg) <= 1e-12 * scale)) return false
              if (tied[j]!.mean[r] !== full[j]!.mean[r]) return false
            }
          }
        }
        return true
      }),
    )
  })
})

describe('statistics', () => {
  const shifted = fc.record({
    rows: rowsArb(2, 40),
    shift: fc.constantFrom(0, 1e6, -1e6),
    cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
    weights: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 40, maxLength: 40 }),
    diagonal: fc.boolean(),
  })

  it('chunked statistics merged (Chan) equal the whole-sample statistics to 1e-12 relative, even shifted by 1e6', () => {
    fc.assert(
      fc.property(shifted, ({ rows, shift, cuts, weights, diagonal }) => {
        const data = right(Dataset.fromRows(rows.map((r) => r.map((x) => x + shift))))
        const n = data.n
        const d = data.d
        const w = Float64Array.from(weights.slice(0, n))
        w[0] = 1 // not all zero
        const m = Gaussian.Statistics.monoid(d, diagonal)
        const whole = Gaussian.Statistics.summarize(data, w, 0, diagonal)
        const bounds = [0, ...cuts.map((u) => Math.floor(u * n)).sort((a, b) => a - b), n]
        let merged = m.empty
        for (let t = 0; t + 1 < bounds.length; t++) {
          const chunk = Dataset.slice(data, bounds[t]!, bounds[t + 1]!)
          merged = m.concat(merged, Gaussian.Statistics.summarize(chunk, w, bounds[t]!, diagonal))
        }
        if (!close(merged.weight, whole.weight, 1e-12, 0)) return false
        const ma = Gaussian.Statistics.mean(merged)
        const mb = Gaussian.Statistics.mean(whole)
        // The mean relative to the data's spread (its offset from the origin is exact to an ulp of the shift).
        for (let c = 0; c < d; c++) if (!close(ma[c]!, mb[c]!, 1e-12, 1e-12 * 10)) return false
        const diagOf = (s: Float64Array, r: number): number => (diagonal ? s[r]! : s[r * d + r]!)
        for (let r = 0; r < d; r++) {
          for (let c = 0; c < d; c++) {
            if (diagonal && r !== c) continue
            const idx = diagonal ? r : r * d + c
            const scale = Math.sqrt(diagOf(whole.scatter, r) * diagOf(whole.scatter, c))
            if (!(Math.abs(merged.scatter[idx]! - whole.scatter[idx]!) <= 1e-12 * scale)) return false
          }
        }
        return true
      }),
    )
  })

  it('is a monoid: empty is an identity on both sides, concat is associative (to rounding)', () => {
    fc.assert(
      fc.property(rowsArb(3, 30, 3), fc.boolean(), (rows, diagonal) => {
        const data = right(Dataset.fromRows(rows))
        const n = data.n
        const w = new Float64Array(n).fill(1)
        const m = Gaussian.Statistics.monoid(data.d, diagonal)
        const a = Gaussian.Statistics.summarize(Dataset.slice(data, 0, 1), w, 0, diagonal)
        const b = Gaussian.Statistics.summarize(Dataset.slice(data, 1, 2), w, 1, diagonal)
        const c = Gaussian.Statistics.summarize(Dataset.slice(data, 2, n), w, 2, diagonal)
        if (m.concat(m.empty, a) !== a || m.concat(a, m.empty) !== a) return false
        const left = m.concat(m.concat(a, b), c)
        const rightAssoc = m.concat(a, m.concat(b, c))
        const x = flatten([left.weight, Array.from(Gaussian.Statistics.mean(left)), Array.from(left.scatter)])
        const y = flatten([rightAssoc.weight, Array.from(Gaussian.Statistics.mean(rightAssoc)), Array.from(rightAssoc.scatter)])
        const scale = Math.max(1, ...y.map(Math.abs))
        return x.every((v, t) => Math.abs(v - y[t]!) <= 1e-12 * scale)
      }),
    )
  })
})

describe('sample weights', () => {
  it('integer sample weights give the same fit as replicated rows', () => {
    const arb = fc.record({
      structure: fc.constantFrom<CovarianceType>('full', 'diag', 'spherical', 'tied'),
      rows: rowsArb(4, 15, 3),
      counts: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 15, maxLength: 15 }),
    })
    fc.assert(
      fc.property(arb, ({ structure, rows, counts }) => {
        const n = rows.length
        const d = rows[0]!.length
        const w = counts.slice(0, n)
        w[0] = Math.max(1, w[0]!)
        w[1] = Math.max(1, w[1]!)
        const weighted = right(Dataset.fromRows(rows, { sampleWeights: w }))
        const replicated = right(Dataset.fromRows(rows.flatMap((r, i) => Array.from({ length: w[i]! }, () => r))))
        const fam = Gaussian.family({ covariance: structure })
        const eye = Array.from({ length: d }, (_, r) => Array.from({ length: d }, (_, c) => (r === c ? 25 : 0)))
        const init = right(
          Gaussian.parameters(structure, { weights: [0.5, 0.5], means: [rows[0]!, rows[1]!.map((x) => x + 1)], covariances: [eye, eye] }),
        )
        const options = { k: 2, init, tolerance: 0, maxIterations: 5, collapse: 'error' as const }
        const a = Mixture.fit(fam, weighted, options)
        const b = Mixture.fit(fam, replicated, options)
        if (E.isLeft(a) || E.isLeft(b)) return E.isLeft(a) && E.isLeft(b) && a.left._tag === b.left._tag
        if (a.right.observations !== b.right.observations) return false
        if (!a.right.trace.every((v, t) => close(v, b.right.trace[t]!, 1e-10, 1e-10))) return false
        const pa = flatten([
          Array.from(a.right.params.weights),
          a.right.params.components.map((c) => [Array.from(c.mean), Array.from(c.covariance)]),
        ])
        const pb = flatten([
          Array.from(b.right.params.weights),
          b.right.params.components.map((c) => [Array.from(c.mean), Array.from(c.covariance)]),
        ])
        return pa.every((v, t) => close(v, pb[t]!, 1e-8, 1e-10)) && close(a.right.bic, b.right.bic, 1e-10, 1e-10)
      }),
      { numRuns: 60 },
    )
  })
})

describe('log-density', () => {
  it('matches −(d/2)·log 2π − ½·log det Σ − ½(x − μ)ᵀΣ⁻¹(x − μ) computed with ml-matrix', () => {
    const arb = fc.integer({ min: 1, max: 4 }).chain((d) =>
      fc.record({
        structure: fc.constantFrom<CovarianceType>('full', 'diag', 'spherical', 'tied'),
        a: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: d * d, maxLength: d * d }),
        means: fc.array(fc.array(value, { minLength: d, maxLength: d }), { minLength: 1, maxLength: 3 }),
        points: fc.array(fc.array(value, { minLength: d, maxLength: d }), { minLength: 1, maxLength: 8 }),
      }),
    )
    fc.assert(
      fc.property(arb, ({ structure, a, means, points }) => {
        const d = means[0]!.length
        const A = new Matrix(Array.from({ length: d }, (_, r) => a.slice(r * d, r * d + d)))
        let sigma = A.mmul(A.transpose()).add(Matrix.eye(d, d).mul(0.1))
        if (structure === 'diag') sigma = Matrix.diag(sigma.diag())
        if (structure === 'spherical') sigma = Matrix.eye(d, d).mul(sigma.trace() / d)
        const rows = sigma.to2DArray()
        const comps = means.map((m) => Gaussian.componentOrThrow(m, rows, structure))
        const fam = Gaussian.family({ covariance: structure })
        const data = right(Dataset.fromRows(points))
        const out = new Float64Array(comps.length * data.n)
        fam.logDensityInto(data, comps, out)
        const inv = inverse(sigma)
        const logDet = Math.log(determinant(sigma))
        for (let j = 0; j < comps.length; j++) {
          for (let i = 0; i < data.n; i++) {
            const diff = Matrix.columnVector(points[i]!.map((x, c) => x - means[j]![c]!))
            const q = diff.transpose().mmul(inv).mmul(diff).get(0, 0)
            const expected = -0.5 * d * Math.log(2 * Math.PI) - 0.5 * logDet - 0.5 * q
            if (!close(out[j * data.n + i]!, expected, 1e-9, 1e-9)) return false
            if (!close(Gaussian.logDensity(comps[j]!, points[i]!), expected, 1e-9, 1e-9)) return false
          }
        }
        return true
      }),
    )
  })
})

describe('recovery', () => {
  it('recovers well-separated clusters up to label permutation (every structure)', () => {
    const arb = fc.record({
      structure: fc.constantFrom<CovarianceType>('full', 'diag', 'spherical', 'tied'),
      seed: fc.integer({ min: 0, max: 1_000_000 }),
      weights: fc.tuple(
        fc.double({ min: 0.2, max: 1, noNaN: true }),
        fc.double({ min: 0.2, max: 1, noNaN: true }),
        fc.double({ min: 0.2, max: 1, noNaN: true }),
      ),
      sds: fc.tuple(fc.double({ min: 0.5, max: 1.5, noNaN: true }), fc.double({ min: 0.5, max: 1.5, noNaN: true })),
    })
    fc.assert(
      fc.property(arb, ({ structure, seed, weights, sds }) => {
        const total = weights[0] + weights[1] + weights[2]
        const pi = weights.map((w) => w / total)
        const means = [
          [0, 0],
          [25, 0],
          [0, 25],
        ]
        const base =
          structure === 'spherical'
            ? [
                [sds[0] ** 2, 0],
                [0, sds[0] ** 2],
              ]
            : structure === 'diag'
              ? [
                  [sds[0] ** 2, 0],
                  [0, sds[1] ** 2],
                ]
              : [
                  [sds[0] ** 2, 0.3 * sds[0] * sds[1]],
                  [0.3 * sds[0] * sds[1], sds[1] ** 2],
                ]
        const covs =
          structure === 'tied' ? [base, base, base] : [base, base.map((r) => r.map((x) => 2 * x)), base.map((r) => r.map((x) => 0.5 * x))]
        const truth = right(Gaussian.parameters(structure, { weights: pi, means, covariances: covs }))
        const fam = Gaussian.family({ covariance: structure })
        const drawn = Mixture.sampleOrThrow(fam, truth, 900, seed)
        const data = right(Dataset.fromFlat(drawn.values, 2))
        const fit = right(Mixture.fit(fam, data, { k: 3, restarts: 3, seed }))
        // Match each true component to the fitted component with the nearest mean.
        const used = new Set<number>()
        for (let j = 0; j < 3; j++) {
          let best = -1
          let bestDist = Infinity
          fit.params.components.forEach((c, t) => {
            const dist = Math.hypot(c.mean[0]! - means[j]![0]!, c.mean[1]! - means[j]![1]!)
            if (dist < bestDist) [best, bestDist] = [t, dist]
          })
          if (used.has(best) || bestDist > 0.5) return false
          used.add(best)
          if (Math.abs(fit.params.weights[best]! - pi[j]!) > 0.07) return false
          const c = fit.params.components[best]!.covariance
          const truthCov = flatten(covs[j])
          for (let t = 0; t < 4; t++) if (Math.abs(c[t]! - truthCov[t]!) > 0.35 * Math.max(truthCov[0]!, truthCov[3]!)) return false
        }
        return true
      }),
      { numRuns: 20 },
    )
  })
})

describe('sampling', () => {
  it('draws with the component mean and covariance', () => {
    const c = Gaussian.componentOrThrow(
      [1, -2, 3],
      [
        [2, 0.5, 0.2],
        [0.5, 1, -0.3],
        [0.2, -0.3, 0.5],
      ],
    )
    const params = { weights: Float64Array.of(1), components: [c] }
    const { values } = Mixture.sampleOrThrow(Gaussian.family(), params, 40_000, 7)
    const n = 40_000
    const mean = [0, 0, 0]
    for (let i = 0; i < n; i++) for (let t = 0; t < 3; t++) mean[t]! += values[i * 3 + t]! / n
    const cov = [0, 0, 0, 0, 0, 0, 0, 0, 0]
    for (let i = 0; i < n; i++)
      for (let r = 0; r < 3; r++)
        for (let s = 0; s < 3; s++) cov[r * 3 + s]! += ((values[i * 3 + r]! - mean[r]!) * (values[i * 3 + s]! - mean[s]!)) / n
    // 40 000 draws: standard errors ≈ 0.007 (means) and ≈ 0.015 (covariances); allow 5 of them.
    mean.forEach((m, t) => expect(Math.abs(m - c.mean[t]!), `mean ${t}`).toBeLessThan(0.04))
    cov.forEach((v, t) => expect(Math.abs(v - c.covariance[t]!), `covariance ${t}`).toBeLessThan(0.08))
  })
})
