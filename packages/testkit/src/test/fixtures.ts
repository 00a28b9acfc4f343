/**
 * Test fixtures: core's small normal family as a stand-in for a real family, its arbitraries, and
 * deliberately broken models and families that the laws must catch.
 */
import fc from 'fast-check'
import { either as E } from 'fp-ts'
import type { ComponentFamily, Dataset } from '@emkit/core'
import { Mixture } from '@emkit/core'
// The one copy of the test family, in core (test code, outside this package's sources: the test project has no rootDir).
import type { Normal, NormalStats } from '../../../core/src/test/normalFamily.js'
import { normalFamily } from '../../../core/src/test/normalFamily.js'
import * as Arbitraries from '../Arbitraries.js'

export { normalFamily }
export type { Normal, NormalStats }

/** k test-normal components in JSON form. */
export const normalComponents = (k: number): fc.Arbitrary<Array<{ mean: number; variance: number }>> =>
  fc.array(
    fc.record({
      mean: fc.double({ min: -5, max: 5, noNaN: true }),
      variance: fc.double({ min: 0, max: 1, noNaN: true }).map((t) => 0.1 * Math.pow(100, t)),
    }),
    { minLength: k, maxLength: k },
  )

export const normalJson = (k: number): fc.Arbitrary<Mixture.ModelJson> =>
  Arbitraries.mixtureJson({ family: 'test-normal', dimension: 1 }, normalComponents(k))

export const normalCases = (k: number, weighted: boolean | 'maybe' = 'maybe') =>
  Arbitraries.mixtureCase(normalFamily, normalJson(k), { weighted })

type NormalModel = Mixture.MixtureModel<Normal, NormalStats>

const unweighted = (data: Dataset.Dataset): Dataset.Dataset => ({ n: data.n, d: data.d, values: data.values })

/** Broken: the M-step ignores the sample weights (it uses the wrong weights). */
export const mStepIgnoresSampleWeights = (k: number): NormalModel => {
  const m = Mixture.model(normalFamily, k)
  return {
    ...m,
    name: 'broken: M-step ignores sample weights',
    maximize: (data, q, context) => m.estimate(unweighted(data), q.values, context),
  }
}

/** Broken: the M-step gives component j the mixing weight estimated for component k − 1 − j (wrong weights). */
export const mStepReversedMixingWeights = (k: number): NormalModel => {
  const m = Mixture.model(normalFamily, k)
  return {
    ...m,
    name: 'broken: M-step reverses the mixing weights',
    maximize: (data, q, context) => {
      const r = m.estimate(data, q.values, context)
      if (E.isLeft(r)) return r
      const w = r.right.weights
      return E.right({ ...r.right, weights: w.map((_, j) => w[w.length - 1 - j]!) })
    },
  }
}

/** Broken: the E-step forgets the mixing weights (γᵢⱼ ∝ f(xᵢ | θⱼ)); log p(X | θ) is still right. */
export const eStepForgetsMixingWeights = (k: number): NormalModel => {
  const m = Mixture.model(normalFamily, k)
  return {
    ...m,
    name: 'broken: E-step forgets the mixing weights',
    posterior: (data, params) => {
      const right = m.posterior(data, params)
      const uniform = new Float64Array(params.weights.length).fill(1 / params.weights.length)
      return {
        posterior: Mixture.responsibilitiesOrThrow(normalFamily, data, { weights: uniform, components: params.components }),
        logLikelihood: right.logLikelihood,
      }
    },
  }
}

/** Broken: responsibilities are not normalised (πⱼ f(xᵢ | θⱼ) / max instead of / Σ). */
export const eStepUnnormalised = (k: number): NormalModel => {
  const m = Mixture.model(normalFamily, k)
  return {
    ...m,
    name: 'broken: E-step does not normalise',
    posterior: (data, params) => {
      const right = m.posterior(data, params)
      const q = right.posterior
      const values = new Float64Array(q.values)
      for (let i = 0; i < q.n; i++) {
        let mx = 0
        for (let j = 0; j < q.k; j++) mx = Math.max(mx, values[j * q.n + i]!)
        for (let j = 0; j < q.k; j++) values[j * q.n + i] = values[j * q.n + i]! / mx
      }
      return { posterior: { ...q, values }, logLikelihood: right.logLikelihood }
    },
  }
}

/** Broken: the M-step relabels the components cyclically (ℓ converges, θ never settles). */
export const mStepRelabels = (k: number): NormalModel => {
  const m = Mixture.model(normalFamily, k)
  return {
    ...m,
    name: 'broken: M-step relabels components',
    maximize: (data, q, context) => {
      const r = m.estimate(data, q.values, context)
      if (E.isLeft(r)) return r
      const { weights, components } = r.right
      const kk = components.length
      return E.right({
        weights: Float64Array.from({ length: kk }, (_, j) => weights[(j + 1) % kk]!),
        components: components.map((_, j) => components[(j + 1) % kk]!),
      })
    },
  }
}

/** Broken: the M-step jitters the means with Math.random (not reproducible under a seed). */
export const mStepUnseededRandom = (k: number): NormalModel => {
  const m = Mixture.model(normalFamily, k)
  return {
    ...m,
    name: 'broken: M-step uses Math.random',
    maximize: (data, q, context) => {
      const r = m.estimate(data, q.values, context)
      if (E.isLeft(r)) return r
      return E.right({ ...r.right, components: r.right.components.map((c) => ({ ...c, mean: c.mean + 1e-9 * Math.random() })) })
    },
  }
}

/**
 * Broken family: merge averages the two means without weighting them (a classic streaming bug):
 * the identity law still holds, associativity does not.
 */
export const nonAssociativeMerge: ComponentFamily<Normal, NormalStats> = {
  ...normalFamily,
  statistics: () => ({
    empty: { w: 0, sx: 0, sxx: 0 },
    concat: (a, b) => {
      if (a.w === 0) return b
      if (b.w === 0) return a
      const w = a.w + b.w
      return { w, sx: (w * (a.sx / a.w + b.sx / b.w)) / 2, sxx: a.sxx + b.sxx }
    },
  }),
}

/** Broken family: summarize ignores its weight offset. */
export const ignoresOffset: ComponentFamily<Normal, NormalStats> = {
  ...normalFamily,
  summarize: (data, weights, _offset) => normalFamily.summarize(data, weights, 0),
}

/** Broken family: the variance estimate divides by (w + 1), not w (the estimate is not the maximum). */
export const biasedEstimate: ComponentFamily<Normal, NormalStats> = {
  ...normalFamily,
  estimate: (stats) => {
    const r = normalFamily.estimate(stats)
    if (E.isLeft(r)) return r
    return E.right(r.right.map((c, j) => ({ ...c, variance: (c.variance * stats[j]!.w) / (stats[j]!.w + 1) })))
  },
}

/** Broken family: summarize counts rows with positive weight instead of summing weights. */
export const countsRows: ComponentFamily<Normal, NormalStats> = {
  ...normalFamily,
  summarize: (data, weights, offset) => {
    const ones = new Float64Array(data.n)
    for (let i = 0; i < data.n; i++) ones[i] = weights[offset + i]! > 0 ? 1 : 0
    return normalFamily.summarize(data, ones, 0)
  },
}

/** Broken family: the log-density forgets the −½ log 2π of the normaliser. */
export const unnormalisedDensity: ComponentFamily<Normal, NormalStats> = {
  ...normalFamily,
  logDensityInto: (data, components, out) => {
    normalFamily.logDensityInto(data, components, out)
    for (let t = 0; t < out.length; t++) out[t] = out[t]! + 0.5 * Math.log(2 * Math.PI)
  },
}

/** Broken family: checkData accepts everything (d = 2 included) and estimation crashes later. */
export const acceptsAnything: ComponentFamily<Normal, NormalStats> = {
  ...normalFamily,
  checkData: (data) => E.right(data),
}

/**
 * Broken family: scale multiplies the weight and Σ wx but forgets Σ wx², so the scaled statistics
 * give another variance (a classic slip when averaging statistics in stepwise EM).
 */
export const scaleForgetsSquares: ComponentFamily<Normal, NormalStats> = {
  ...normalFamily,
  scale: (s, factor) => ({ w: s.w * factor, sx: s.sx * factor, sxx: s.sxx }),
}

/** Broken family: scale returns its input, so the weight does not scale (the estimate is right). */
export const scaleIgnoresFactor: ComponentFamily<Normal, NormalStats> = {
  ...normalFamily,
  scale: (s) => s,
}
