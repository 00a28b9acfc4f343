/**
 * The WebAssembly SIMD kernel against the plain TypeScript kernels (the reference), on every
 * covariance structure and d ∈ {1, 2, 3, 5, 10, 50}: log-densities and responsibilities to the last
 * bit, block statistics and the sums of a fused block to 1e-12 relative, whole EM traces to 1e-12
 * relative per entry; and the kernel's exp and log against Math.exp and Math.log.
 */
import { describe, expect, test } from 'vitest'
import type { Dataset as DatasetNs, Mixture as MixtureNs } from '@emkit/core'
import { Dataset, Mixture, Rng } from '@emkit/core'
import { expNonPositive } from '../../core/src/internal/exp.js'
import { normalizeBlock } from '../../core/src/internal/fused.js'
import * as Gaussian from './index.js'
import type { Statistics } from './Statistics.js'
import { kernel, kernelMath, lastResponsibilities, subBlockRows } from './internal/wasm.js'
import { expectClose, right } from './test/helpers.js'

const DIMENSIONS = [1, 2, 3, 5, 10, 50]

/** Random mixture parameters of a structure (correlated covariances for full and tied). */
const randomParams = (
  rng: Rng.Rng,
  d: number,
  k: number,
  structure: Gaussian.CovarianceType,
  shift: number,
): MixtureNs.Params<Gaussian.Component> => {
  const covariance = (): number[][] => {
    const a = Array.from({ length: d * d }, () => rng.normal())
    return Array.from({ length: d }, (_, r) =>
      Array.from({ length: d }, (_, c) => {
        if (structure === 'spherical') return r === c ? 1.5 : 0
        if (structure === 'diag') return r === c ? 0.5 + rng.uniform() : 0
        let v = r === c ? 0.4 : 0
        for (let t = 0; t < d; t++) v += (a[r * d + t]! * a[c * d + t]!) / d
        return v
      }),
    )
  }
  const shared = covariance()
  const weights = Array.from({ length: k }, () => 0.5 + rng.uniform())
  const total = weights.reduce((s, w) => s + w, 0)
  return right(
    Gaussian.parameters(structure, {
      weights: weights.map((w) => w / total),
      means: Array.from({ length: k }, () => Array.from({ length: d }, () => shift + 2 * rng.normal())),
      covariances: Array.from({ length: k }, () => (structure === 'tied' ? shared : covariance())),
    }),
  )
}

/** n rows around the means (overlapping components), optionally with sample weights. */
const randomData = (rng: Rng.Rng, n: number, params: MixtureNs.Params<Gaussian.Component>, weighted: boolean): DatasetNs.Dataset => {
  const k = params.components.length
  const rows = Array.from({ length: n }, () => {
    const c = params.components[Math.floor(rng.uniform() * k)]!
    return Array.from(c.mean, (m) => m + 1.5 * rng.normal())
  })
  return Dataset.fromRowsOrThrow(rows, weighted ? { sampleWeights: rows.map((_, i) => (i % 7 === 3 ? 0 : 0.25 + (i % 5))) } : {})
}

const family = (covariance: Gaussian.CovarianceType, kernel: 'js' | 'wasm'): Gaussian.GaussianFamily =>
  Gaussian.family({ covariance, kernel, regularization: 1e-6 })

const meanOf = (s: Statistics): number[] => Array.from(s.origin, (o, c) => o + s.offset[c]!)

test('the WebAssembly kernel loads in Node (SIMD available) and is the default', () => {
  expect(kernel()).toBeDefined()
  expect(Gaussian.family().kernel).toBe(process.env['EMKIT_KERNEL'] === 'js' ? 'js' : 'wasm')
  expect(Gaussian.family({ kernel: 'js' }).kernel).toBe('js')
  expect(Gaussian.checkOptions({ kernel: 'gpu' as never })._tag).toBe('Left')
})

describe('exp of the kernel', () => {
  const ulps = (a: number, b: number): number => {
    const buf = new Float64Array([a, b])
    const bits = new BigInt64Array(buf.buffer)
    return Number(bits[0]! > bits[1]! ? bits[0]! - bits[1]! : bits[1]! - bits[0]!)
  }
  test('within 2 ulp of Math.exp on [−708, 0], bit-identical to the plain kernels’ exp, 0 (not subnormal) below −708', () => {
    const rng = Rng.seeded(11)
    const xs: number[] = []
    for (let i = 0; i < 100_000; i++) xs.push(-708 * rng.uniform())
    for (let i = 0; i < 20_000; i++) xs.push(-rng.uniform() * 1e-3)
    for (let i = 0; i <= 7080; i++) xs.push(-i / 10)
    xs.push(0, -0, -1e-300, -707.999, -708, -708.0000001, -709, -745, -1e4, -Infinity, NaN)
    const x = Float64Array.from(xs)
    const e = kernelMath('exp', x)
    let worst = 0
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!
      if (Number.isNaN(v)) {
        expect(e[i]).toBeNaN()
        continue
      }
      expect(Object.is(e[i], expNonPositive(v)) || e[i] === expNonPositive(v), `x = ${v}`).toBe(true)
      if (v < -708) {
        expect(e[i], `x = ${v}`).toBe(0)
        continue
      }
      expect(e[i]! >= 2 ** -1022, `x = ${v}: ${e[i]} is subnormal`).toBe(true)
      worst = Math.max(worst, ulps(e[i]!, Math.exp(v)))
    }
    expect(worst).toBeLessThanOrEqual(2)
  })
})

test('log of the kernel (fdlibm’s, as V8’s Math.log) is bit-identical to Math.log', () => {
  const rng = Rng.seeded(12)
  const xs: number[] = []
  for (let i = 0; i < 200_000; i++) xs.push(1 + 63 * rng.uniform())
  for (let i = 0; i < 100_000; i++) xs.push(Math.exp(1400 * (rng.uniform() - 0.5)))
  xs.push(0, -0, -1, 1, 2, 1 + 2 ** -40, 1 - 2 ** -40, 5e-324, 2 ** -1022, Number.MAX_VALUE, Infinity, NaN)
  const x = Float64Array.from(xs)
  const got = kernelMath('log', x)
  let mismatches = 0
  for (let i = 0; i < x.length; i++) if (!Object.is(got[i], Math.log(x[i]!))) mismatches++
  expect(mismatches).toBe(0)
})

describe('one fused block: WebAssembly against the plain kernels', () => {
  for (const structure of Gaussian.COVARIANCE_TYPES) {
    for (const d of DIMENSIONS) {
      test(`${structure}, d = ${d}`, () => {
        const rng = Rng.seeded(1000 * d + structure.length)
        const k = 3
        // One case near the origin with sample weights, one far from it (the recentring path).
        for (const [shift, weighted] of [
          [0, true],
          [1e5, false],
        ] as const) {
          const params = randomParams(rng, d, k, structure, shift)
          const n = Math.min(subBlockRows(d, k), 1023) // one sub-block: the responsibilities stay readable
          const data = randomData(rng, n, params, weighted)
          const js = family(structure, 'js')
          const wasm = family(structure, 'wasm')
          const plain = new Float64Array(k * n)
          const fast = new Float64Array(k * n)
          js.logDensityInto(data, params.components, plain)
          wasm.logDensityInto(data, params.components, fast)
          expect(Array.from(fast), 'log-densities').toEqual(Array.from(plain))

          const logWeights = Float64Array.from(params.weights, Math.log)
          const sums = new Float64Array(5)
          normalizeBlock(plain, k, n, logWeights, data.sampleWeights, undefined, new Float64Array(256), new Float64Array(256), sums)
          const monoid = js.statistics(d)
          const statistics = Array.from({ length: k }, () => monoid.empty)
          const wasmSums = new Float64Array(5)
          const block = wasm.blockKernel!(d)!
          expect(block.fold(data, params.components, logWeights, undefined, wasmSums, statistics)).toBe(true)
          expect(Array.from(lastResponsibilities(k, n)), 'responsibilities').toEqual(Array.from(plain))
          expect(Array.from(wasmSums), 'sums').toEqual(Array.from(sums))

          for (let j = 0; j < k; j++) {
            const weights = new Float64Array(n)
            for (let i = 0; i < n; i++) weights[i] = plain[j * n + i]! * (data.sampleWeights?.[i] ?? 1)
            const reference = js.summarize(data, weights, 0)
            const got = statistics[j]!
            expectClose([got.weight], [reference.weight], 1e-12, 0, `component ${j} weight`)
            const scale = Math.max(...Array.from(reference.scatter, Math.abs))
            expectClose(meanOf(got), meanOf(reference), 1e-12, 1e-12 * Math.sqrt(scale / reference.weight), `component ${j} mean`)
            expectClose(Array.from(got.scatter), Array.from(reference.scatter), 1e-12, 1e-12 * scale, `component ${j} scatter`)
          }
        }
      })
    }
  }
})

describe('whole fits: WebAssembly against the plain kernels', () => {
  for (const structure of Gaussian.COVARIANCE_TYPES) {
    for (const d of DIMENSIONS) {
      test(`${structure}, d = ${d}: every trace entry and the fitted parameters to 1e-12`, () => {
        const rng = Rng.seeded(77 + d)
        const k = 4
        const truth = randomParams(rng, d, k, structure, 3)
        const n = d >= 50 ? 3000 : 9001 // more than one 4096-row block of the fused pass
        const data = randomData(rng, n, truth, d === 3)
        const start = randomParams(rng, d, k, structure, 3)
        const options = { k, init: start, tolerance: 0, maxIterations: d >= 50 ? 8 : 25, workers: 1 }
        const a = right(Mixture.fit(family(structure, 'js'), data, options))
        const b = right(Mixture.fit(family(structure, 'wasm'), data, options))
        expect(b.trace.length).toBe(a.trace.length)
        expectClose(Array.from(b.trace), Array.from(a.trace), 1e-12, 0, 'trace')
        expectClose(Array.from(b.params.weights), Array.from(a.params.weights), 1e-12, 1e-15, 'weights')
        for (let j = 0; j < k; j++) {
          const ca = a.params.components[j]!
          const cb = b.params.components[j]!
          expectClose(Array.from(cb.mean), Array.from(ca.mean), 1e-12, 1e-12, `mean ${j}`)
          const scale = Math.max(...Array.from(ca.covariance, Math.abs))
          expectClose(Array.from(cb.covariance), Array.from(ca.covariance), 1e-12, 1e-12 * scale, `covariance ${j}`)
        }
      })
    }
  }
})
