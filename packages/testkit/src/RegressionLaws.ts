/**
 * The model laws for mixtures of regressions (conditional families, concomitant weights, groups):
 * generated cases whose responses are drawn given the covariates, the posterior check, the
 * perturbation of regression parameters, and the laws themselves.
 *
 * @module
 */
import type { Dataset as DatasetNs } from '@emkit/core'
import { Dataset, Regression, Rng } from '@emkit/core'
import { either as E } from 'fp-ts'
import * as fc from 'fast-check'
import type { ModelLawsConfig, PosteriorCheck } from './ModelLaws.js'
import { checkModelLaws } from './ModelLaws.js'
import type { Perturbation } from './Perturb.js'
import { onSimplex } from './Perturb.js'
import type { LawReport } from './Report.js'
import { assertReport } from './Report.js'

/**
 * Checks that a regression mixture's posterior is a distribution per group (non-negative, summing
 * to 1 within 1e-12·k) and that every row carries its group's posterior.
 *
 * @category Laws
 * @since 0.2.0
 */
export const regressionPosterior: PosteriorCheck<Regression.RegressionData, Regression.RegressionPosterior> = (data, q) => {
  const { k, groups: G, byGroup, rows } = q
  for (let g = 0; g < G; g++) {
    let s = 0
    for (let j = 0; j < k; j++) {
      const v = byGroup[j * G + g]!
      if (!(v >= 0) || !Number.isFinite(v)) return { size: Math.abs(v), allowed: 0, message: `γ of group ${g}, component ${j} is ${v}` }
      s += v
    }
    if (Math.abs(s - 1) > 1e-12 * k)
      return { size: Math.abs(s - 1), allowed: 1e-12 * k, message: `the posterior of group ${g} sums to ${s}, not 1` }
  }
  for (let i = 0; i < data.n; i++) {
    const g = data.groups === undefined ? i : data.groups.of[i]!
    for (let j = 0; j < k; j++) {
      if (rows[j * data.n + i] !== byGroup[j * G + g])
        return { size: 1, allowed: 0, message: `row ${i} does not carry its group's posterior` }
    }
  }
  return undefined
}

/**
 * Moves regression parameters: weights on the simplex (or the concomitant rows 1 … k − 1 by
 * scale·N(0, 1)), coefficients by scale·(1 + |β|)·N(0, 1), variances by exp(scale·N(0, 1)).
 *
 * @category Laws
 * @since 0.2.0
 */
export const regressionPerturbation: Perturbation<Regression.RegressionParams> = (params, rng, scale) => {
  const components = params.components.map((c) => ({
    coefficients: c.coefficients.map((b) => b + scale * (1 + Math.abs(b)) * rng.normal()),
    ...(c.variance === undefined ? {} : { variance: c.variance * Math.exp(scale * rng.normal()) }),
  }))
  if (params.concomitant === undefined) return { components, weights: onSimplex(params.weights, rng, scale) }
  const q = params.concomitant.length / params.components.length
  const concomitant = params.concomitant.map((a, t) => (t < q ? 0 : a + scale * rng.normal()))
  return { components, weights: params.weights, concomitant }
}

/**
 * Options of {@link regressionCases}.
 *
 * @category Data
 * @since 0.2.0
 */
export interface RegressionCaseOptions {
  /** Rows per case. Default 60. */
  readonly n?: number
  /** Draw a concomitant variable z ~ N(0, 1) and multinomial-logit weights on it. Default false. */
  readonly concomitant?: boolean
  /** Rows per group (groups of consecutive rows sharing a class). Default none. */
  readonly groupSize?: number
}

/**
 * Generated cases for the laws: x ~ U(0, 10) (design `y ~ x`), true parameters drawn at random,
 * responses drawn from the mixture *given the covariates* (`Regression.sample`, so every column is
 * consistent with the design), and θ₀ a perturbation of the truth.
 *
 * @category Data
 * @since 0.2.0
 */
export const regressionCases = (
  family: Regression.ConditionalFamily,
  k: number,
  options: RegressionCaseOptions = {},
): fc.Arbitrary<{ readonly data: Regression.RegressionData; readonly init: Regression.RegressionParams }> =>
  fc.integer({ min: 1, max: 2 ** 31 - 1 }).map((seed) => {
    const rng = Rng.seeded(seed)
    const n = options.n ?? 60
    const size = options.groupSize ?? 1
    const rows: number[][] = []
    for (let i = 0; i < n; i++) {
      const group = Math.floor(i / size)
      const z = options.concomitant === true ? (i % size === 0 ? rng.normal() : rows[i - 1]![2]!) : 0
      rows.push([10 * rng.uniform(), 0, z, group])
    }
    const data = (ys: ArrayLike<number>): Regression.RegressionData => {
      const table: DatasetNs.Dataset = Dataset.fromRowsOrThrow(
        rows.map((r, i) => [r[0]!, ys[i]!, r[2]!, r[3]!]),
        { columns: ['x', 'y', 'z', 'g'] },
      )
      return Regression.designOrThrow(table, {
        formula: 'y ~ x',
        ...(options.concomitant === true ? { concomitant: ['z'] } : {}),
        ...(options.groupSize === undefined ? {} : { group: 'g' }),
      })
    }
    const scale = family.name === 'regression' ? 3 : family.name === 'poisson-glm' ? 0.15 : 0.5
    const components = Array.from({ length: k }, (_, j) => ({
      coefficients: Float64Array.of(
        (family.name === 'poisson-glm' ? 1 : 0) + j + rng.normal(),
        (j % 2 === 0 ? 1 : -1) * scale * (0.5 + rng.uniform()),
      ),
      ...(family.name === 'regression' ? { variance: 0.5 + rng.uniform() } : {}),
    }))
    const weights = onSimplex(new Float64Array(k).fill(1 / k), rng, 0.3)
    const truth: Regression.RegressionParams =
      options.concomitant === true
        ? { components, weights, concomitant: Float64Array.from({ length: 2 * k }, (_, t) => (t < 2 ? 0 : rng.normal())) }
        : { components, weights }
    const draft = data(new Float64Array(n))
    const drawn = Regression.sample(family, truth, draft, rng)
    if (E.isLeft(drawn)) throw new Error(drawn.left.message)
    const init = regressionPerturbation(truth, rng, 0.2) ?? truth
    return { data: data(drawn.right.response), init }
  })

/**
 * Options of {@link checkRegressionLaws}: the model laws' options without what the mixture of
 * regressions provides.
 *
 * @category Laws
 * @since 0.2.0
 */
export type RegressionLawsConfig = Omit<
  ModelLawsConfig<Regression.RegressionData, Regression.RegressionParams, Regression.RegressionPosterior, Int32Array>,
  'model' | 'perturb' | 'checkPosterior' | 'initializer'
>

/**
 * The model laws for a mixture of k regressions of `family`: log-likelihood and Q never decrease
 * (for the GLMs' IRLS steps, the generalised-EM guarantee), the posterior is a distribution per
 * group, log p = Q + H, the M-step maximises (against {@link regressionPerturbation}), fixed point
 * and determinism (random hard assignments under a seed).
 *
 * @example
 * ```ts
 * RegressionLaws.assertRegressionLaws(Regression.poisson(), 2, { cases: RegressionLaws.regressionCases(Regression.poisson(), 2) })
 * ```
 * @category Laws
 * @since 0.2.0
 */
export const checkRegressionLaws = (family: Regression.ConditionalFamily, k: number, config: RegressionLawsConfig): LawReport =>
  checkModelLaws({
    ...config,
    model: Regression.model(family),
    perturb: regressionPerturbation,
    checkPosterior: regressionPosterior,
    initializer: Regression.randomStart(family, k),
  })

/**
 * Throwing twin of {@link checkRegressionLaws}.
 *
 * @category Laws
 * @since 0.2.0
 */
export const assertRegressionLaws = (family: Regression.ConditionalFamily, k: number, config: RegressionLawsConfig): LawReport =>
  assertReport(checkRegressionLaws(family, k, config))
