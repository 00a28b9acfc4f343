/**
 * What a degenerate Gaussian component is (the family's `degenerate` capability): too few rows'
 * worth of weight for its structure, or a conditional variance negligible against the data's.
 */
import { either as E } from 'fp-ts'
import { describe, expect, test } from 'vitest'
import { Datasets, Mixture } from '@emkit/core'
import * as Gaussian from './index.js'

const componentOf = (mean: number[], covariance: number[][], structure: Gaussian.CovarianceType = 'full'): Gaussian.Component => {
  const c = Gaussian.component(mean, covariance, structure)
  if (E.isLeft(c)) throw new Error(c.left.message)
  return c.right
}

const scale = { n: 100, mean: new Float64Array([0, 0]), variance: new Float64Array([4, 9]) }
const ordinary = componentOf(
  [0, 0],
  [
    [1, 0.3],
    [0.3, 2],
  ],
)

describe('Gaussian.degenerate', () => {
  test('an ordinary component holding many rows is not degenerate', () => {
    expect(Gaussian.degenerate(ordinary, 40, scale, 'full')).toBeUndefined()
  })

  test('fewer rows than the structure needs: d + 1 for full, 2 for diag and spherical, 1 for tied', () => {
    expect(Gaussian.degenerate(ordinary, 2.9, scale, 'full')).toMatch(
      /2\.90 rows' worth of weight, fewer than the 3 its full covariance needs/,
    )
    expect(Gaussian.degenerate(ordinary, 3, scale, 'full')).toBeUndefined()
    expect(Gaussian.degenerate(ordinary, 1.5, scale, 'diag')).toMatch(/fewer than the 2/)
    expect(Gaussian.degenerate(ordinary, 1.5, scale, 'tied')).toBeUndefined()
    expect(Gaussian.degenerate(ordinary, 0.5, scale, 'tied')).toMatch(/fewer than the 1/)
  })

  test('a spike: a conditional variance under 10⁻⁶ of the data’s along that coordinate', () => {
    const spike = componentOf(
      [0, 0],
      [
        [1e-6, 0],
        [0, 1e-6],
      ],
    )
    expect(Gaussian.degenerate(spike, 10, scale, 'full')).toMatch(
      /variance along coordinate 1 is 1\.00e-6, under 0\.000001 of the data's \(4\.00\): a spike on duplicated values/,
    )
    // The same variance is no spike when the data vary as little.
    const tiny = { ...scale, variance: new Float64Array([2e-6, 2e-6]) }
    expect(Gaussian.degenerate(spike, 10, tiny, 'full')).toBeUndefined()
    // A constant column makes every component degenerate.
    const constant = { ...scale, variance: new Float64Array([0, 9]) }
    expect(Gaussian.degenerate(ordinary, 40, constant, 'full')).toMatch(/coordinate 1 is constant in the data/)
  })

  test('the family carries the capability with its own structure', () => {
    const fam = Gaussian.family({ covariance: 'diag' })
    expect(fam.degenerate!(ordinary, 1, scale)).toMatch(/fewer than the 2 its diag covariance needs/)
    const fit = Mixture.fitOrThrow(Gaussian.family(), Datasets.faithful, { k: 2, seed: 1 })
    const n = Datasets.faithful.n
    const faithfulScale = { n, mean: new Float64Array([3.49, 70.9]), variance: new Float64Array([1.3, 184]) }
    fit.params.components.forEach((c, j) =>
      expect(Gaussian.degenerate(c, n * fit.params.weights[j]!, faithfulScale, 'full')).toBeUndefined(),
    )
  })
})
