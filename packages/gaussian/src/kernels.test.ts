/**
 * The fast kernels (register-blocked E-step, one-pass blocked statistics) against the plain
 * reference kernels of test/reference.ts, on random inputs for every covariance structure and
 * small and odd dimensions, including n not a multiple of the block sizes, rows of weight 0 and data
 * far from the origin.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Dataset as DatasetNs } from '@emkit/core'
import * as Gaussian from './index.js'
import type { Component, CovarianceType } from './index.js'
import { mean } from './Statistics.js'
import * as Reference from './test/reference.js'

const DIMENSIONS = [1, 2, 3, 5, 10, 50]
const STRUCTURES: readonly CovarianceType[] = ['full', 'diag', 'spherical', 'tied']

/** A seeded, fast-check-driven random case: data n × d, k components of the structure, weights. */
const caseArb = (structure: CovarianceType, d: number) =>
  fc
    .record({
      n: fc.integer({ min: 1, max: 70 }),
      k: fc.integer({ min: 1, max: 3 }),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      shift: fc.constantFrom(0, 3, 1e6),
      zeroFraction: fc.constantFrom(0, 0.3),
    })
    .map(({ n, k, seed, shift, zeroFraction }) => build(structure, d, n, k, seed, shift, zeroFraction))

/** Deterministic pseudo-random numbers (mulberry32) for bulk values inside one fast-check case. */
const uniforms = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const build = (structure: CovarianceType, d: number, n: number, k: number, seed: number, shift: number, zeroFraction: number) => {
  const u = uniforms(seed)
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u())
  const values = new Float64Array(n * d)
  for (let t = 0; t < n * d; t++) values[t] = shift + 3 * normal()
  const data: DatasetNs.Dataset = { n, d, values }
  const randomCov = (): number[][] => {
    const a = Array.from({ length: d * d }, normal)
    return Array.from({ length: d }, (_, r) =>
      Array.from({ length: d }, (_, c) => {
        if (structure === 'diag' || structure === 'spherical') return r === c ? (structure === 'spherical' ? 1.7 : 0.5 + u()) : 0
        let v = r === c ? 0.5 : 0
        for (let t = 0; t < d; t++) v += (a[r * d + t]! * a[c * d + t]!) / d
        return v
      }),
    )
  }
  const shared = randomCov()
  const components: Component[] = []
  for (let j = 0; j < k; j++) {
    const mu = Array.from({ length: d }, () => shift + 2 * normal())
    const c = Gaussian.component(mu, structure === 'tied' ? shared : randomCov(), structure)
    if (c._tag === 'Left') throw new Error(c.left.message)
    components.push(structure === 'tied' && j > 0 ? { ...components[0]!, mean: c.right.mean } : c.right)
  }
  const weights = new Float64Array(k * n)
  for (let t = 0; t < k * n; t++) weights[t] = u() < zeroFraction ? 0 : u()
  weights[Math.floor(u() * n)] = 1 // component 0 has some weight
  return { structure, data, components, weights, k }
}

const relClose = (a: number, b: number, rtol: number, atol: number): boolean => Math.abs(a - b) <= atol + rtol * Math.abs(b)

describe('fast kernels match the reference kernels', () => {
  for (const structure of STRUCTURES) {
    for (const d of DIMENSIONS) {
      it(`${structure}, d = ${d}: log-densities to 1e-12 relative`, () => {
        const fam = Gaussian.family({ covariance: structure })
        fc.assert(
          fc.property(caseArb(structure, d), ({ data, components, k }) => {
            const fast = new Float64Array(k * data.n)
            const slow = new Float64Array(k * data.n)
            fam.logDensityInto(data, components, fast)
            // The plain full-covariance log-density serves every structure: each component holds its full precision Cholesky.
            Reference.logDensityFullReference(data, components, slow)
            for (let t = 0; t < fast.length; t++) {
              if (!relClose(fast[t]!, slow[t]!, 1e-12, 1e-12)) return false
            }
            return true
          }),
          { numRuns: 30 },
        )
      })

      it(`${structure}, d = ${d}: statistics (weight, mean, scatter) to 1e-12 relative`, () => {
        const fam = Gaussian.family({ covariance: structure })
        const diagonal = structure === 'diag' || structure === 'spherical'
        fc.assert(
          fc.property(caseArb(structure, d), ({ data, weights, k }) => {
            for (let j = 0; j < k; j++) {
              const fast = fam.summarize(data, weights, j * data.n)
              const slow = Reference.summarizeReference(data, weights, j * data.n, diagonal)
              if (!relClose(fast.weight, slow.weight, 1e-12, 0)) return false
              if (!(slow.weight > 0)) continue
              const mf = mean(fast)
              const ms = mean(slow)
              // The mean to 1e-12 of the data's spread (its digits beyond a shift of 1e6 are not data).
              for (let c = 0; c < d; c++) {
                const spread = Math.sqrt((diagonal ? slow.scatter[c]! : slow.scatter[c * d + c]!) / slow.weight)
                if (!relClose(mf[c]!, ms[c]!, 1e-12, 1e-12 * (spread + 1))) return false
              }
              for (let r = 0; r < d; r++) {
                for (let c = 0; c < d; c++) {
                  if (diagonal && r !== c) continue
                  const at = diagonal ? r : r * d + c
                  const sr = diagonal ? slow.scatter[r]! : slow.scatter[r * d + r]!
                  const sc = diagonal ? slow.scatter[c]! : slow.scatter[c * d + c]!
                  if (!(Math.abs(fast.scatter[at]! - slow.scatter[at]!) <= 1e-12 * Math.sqrt(sr * sc))) return false
                }
              }
            }
            return true
          }),
          { numRuns: 30 },
        )
      })
    }
  }

  it('a far origin row (a component whose heaviest row is many deviations from its mean) is re-centred', () => {
    // Rows 0…n−2 near 1e6 + 0, the heaviest row 1e4 deviations away: one-pass cancellation would lose
    // ~8 digits; the second, centred pass keeps the scatter exact to 1e-12.
    const n = 101
    const values = new Float64Array(n)
    for (let i = 0; i < n - 1; i++) values[i] = 1e6 + Math.sin(i)
    values[n - 1] = 1e6 + 1e4
    const w = new Float64Array(n).fill(1e-3)
    w[n - 1] = 1e-3 + 1e-9
    const data: DatasetNs.Dataset = { n, d: 1, values }
    const fast = Gaussian.Statistics.summarize(data, w, 0, false)
    const slow = Reference.summarizeReference(data, w, 0, false)
    expect(Math.abs(fast.scatter[0]! - slow.scatter[0]!)).toBeLessThanOrEqual(1e-12 * slow.scatter[0]!)
  })
})
