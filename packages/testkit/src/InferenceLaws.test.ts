/**
 * The acceleration and information laws hold for a correct model and family (the core test-normal
 * family, given here an unconstrained parametrisation and derivatives) and fail, with a readable
 * report, for broken ones: a family whose Hessian is 1 % off, a model whose log-likelihood is noisy.
 */
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import type { ComponentFamily, Dataset, Derivatives, Unconstrained } from '@emkit/core'
import { Mixture } from '@emkit/core'
import { checkAcceleration } from './AccelerationLaws.js'
import { checkInformation } from './InformationLaws.js'
import * as Fx from './test/fixtures.js'

type Family = ComponentFamily<Fx.Normal, Fx.NormalStats>

/** ∇ and ∇² of log N(x | μ, σ²) in (μ, σ²), with the (μ, μ) curvature multiplied by `skew`. */
const withDerivatives = (skew: number): Family => ({
  ...Fx.normalFamily,
  derivatives: (components): Derivatives => ({
    size: 2 * components.length,
    indices: (j) => Int32Array.of(2 * j, 2 * j + 1),
    jacobian: Float64Array.from({ length: 4 * components.length * components.length }, (_, t) =>
      Math.floor(t / (2 * components.length)) === t % (2 * components.length) ? 1 : 0,
    ),
    rowInto: (j, data: Dataset.Dataset, i, g, h) => {
      const { mean, variance: s } = components[j]!
      const r = data.values[i]! - mean
      g[0] = r / s
      g[1] = -0.5 / s + (0.5 * r * r) / (s * s)
      h[0] = (-1 / s) * skew
      h[1] = h[2] = -r / (s * s)
      h[3] = 0.5 / (s * s) - (r * r) / (s * s * s)
    },
  }),
})

/** Log weights, means, log variances. */
const unconstrained: Unconstrained<Mixture.Params<Fx.Normal>> = {
  toVector: (p) => Float64Array.from([...Array.from(p.weights, Math.log), ...p.components.flatMap((c) => [c.mean, Math.log(c.variance)])]),
  fromVector: (u, like) => {
    const k = like.weights.length
    const e = Array.from(u.subarray(0, k), Math.exp)
    const z = e.reduce((a, b) => a + b, 0)
    const components = like.components.map((_, j) => ({ mean: u[k + 2 * j]!, variance: Math.exp(u[k + 2 * j + 1]!) }))
    const ok = e.every((w) => w > 0 && Number.isFinite(w / z)) && components.every((c) => Number.isFinite(c.mean) && c.variance > 0)
    return ok
      ? E.right({ weights: Float64Array.from(e, (w) => w / z), components })
      : E.left({ _tag: 'InvalidParameters', message: 'not admissible' })
  },
}

describe('information law', () => {
  it('holds for exact derivatives', () => {
    const report = checkInformation({ family: withDerivatives(1), cases: Fx.normalCases(2, 'maybe'), parameters: { numRuns: 8 } })
    expect(report.ok).toBe(true)
    expect(report.results[0]!.runs).toBeGreaterThan(0)
  })
  it('fails, naming the entry and the size, for a Hessian 1 % off', () => {
    const report = checkInformation({ family: withDerivatives(1.01), cases: Fx.normalCases(2, 'maybe'), parameters: { numRuns: 8 } })
    expect(report.ok).toBe(false)
    expect(report.results[0]!.message).toContain('information[')
    expect(report.results[0]!.violation!.size).toBeGreaterThan(report.results[0]!.violation!.allowed)
  })
})

describe('acceleration laws', () => {
  const model = { ...Mixture.model(Fx.normalFamily, 2), unconstrained }
  it('hold for a correct model', () => {
    const report = checkAcceleration({ model, cases: Fx.normalCases(2, 'maybe'), parameters: { numRuns: 8 } })
    expect(report.results.map((r) => [r.law, r.status])).toEqual([
      ['acceleratedNonDecreasing', 'passed'],
      ['acceleratedFixedPoint', 'passed'],
      ['acceleratedSameOptimum', 'passed'],
    ])
  })
  it('acceleratedNonDecreasing fails for a model whose log-likelihood is noisy', () => {
    let calls = 0
    const noisy = {
      ...model,
      posterior: (data: Dataset.Dataset, params: Mixture.Params<Fx.Normal>) => {
        const q = model.posterior(data, params)
        return { ...q, logLikelihood: q.logLikelihood + 1e-3 * Math.sin(++calls) * (1 + Math.abs(q.logLikelihood)) }
      },
    }
    const report = checkAcceleration({
      model: noisy,
      cases: Fx.normalCases(2, 'maybe'),
      laws: ['acceleratedNonDecreasing'],
      parameters: { numRuns: 8 },
    })
    expect(report.ok).toBe(false)
    expect(report.results[0]!.message).toContain('fell from')
  })
})
