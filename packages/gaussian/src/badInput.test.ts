/**
 * Bad input gives a typed error or a documented, finite result: never NaN, never a throw.
 */
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import type { Dataset as DatasetNs } from '@emkit/core'
import { Dataset, Datasets, EmException, Mixture } from '@emkit/core'
import * as Gaussian from './index.js'
import { flatten, right } from './test/helpers.js'

const allFinite = (fit: Mixture.MixtureFit<Gaussian.Component>): boolean =>
  [
    ...fit.trace,
    fit.bic,
    fit.aic,
    ...flatten(Array.from(fit.params.weights)),
    ...fit.params.components.flatMap((c) => [...c.mean, ...c.covariance, c.logDetPrecisionCholesky]),
  ].every(Number.isFinite)

/** A dataset built by hand (bypassing the validating constructors), as a careless caller might. */
const raw = (values: number[], d: number): DatasetNs.Dataset => ({ n: values.length / d, d, values: Float64Array.from(values) })

describe('bad input', () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    it(`${bad} in the data is InvalidData naming the row and column`, () => {
      expect(
        E.isLeft(
          Dataset.fromRows([
            [1, 2],
            [3, bad],
          ]),
        ),
      ).toBe(true)
      const r = Mixture.fit(Gaussian.family(), raw([1, 2, 3, 4, 5, bad, 7, 8], 2), { k: 2 })
      expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'InvalidData', row: 2, column: 1 })
      expect(E.isLeft(Gaussian.fit1d([1, 2, bad], { k: 1 }))).toBe(true)
    })
  }

  it('k > n is InvalidData', () => {
    const r = Mixture.fit(Gaussian.family(), right(Dataset.fromRows([[1], [2]])), { k: 3 })
    expect(E.isLeft(r) && r.left._tag).toBe('InvalidData')
  })

  it('bad options are InvalidOptions (checkOptions) or an EmException (family)', () => {
    expect(E.isLeft(Gaussian.checkOptions({ regularization: -1 }))).toBe(true)
    expect(E.isLeft(Gaussian.checkOptions({ covariance: 'banana' as Gaussian.CovarianceType }))).toBe(true)
    expect(() => Gaussian.family({ regularization: NaN })).toThrow(EmException)
    const r = Gaussian.fit1d([1, 2, 3], { k: 1, regularization: -1 })
    expect(E.isLeft(r) && r.left._tag).toBe('InvalidOptions')
  })

  describe('a constant column', () => {
    const rows = Array.from({ length: 40 }, (_, i) => [Math.sin(i) * 3 + (i % 2) * 10, 5])
    const data = right(Dataset.fromRows(rows))
    for (const covariance of ['full', 'diag', 'tied'] as const) {
      it(`${covariance}: with the default regularisation the fit is finite and the column's variance is exactly 1e-6`, () => {
        const fit = right(Mixture.fit(Gaussian.family({ covariance }), data, { k: 2, seed: 3 }))
        expect(allFinite(fit)).toBe(true)
        for (const c of fit.params.components) {
          expect(c.mean[1]).toBe(5)
          expect(c.covariance[3]).toBe(1e-6)
        }
      })
      it(`${covariance}: with regularisation 0 it is a CollapsedComponent error that says what to do`, () => {
        const r = Mixture.fit(Gaussian.family({ covariance, regularization: 0 }), data, { k: 2, seed: 3 })
        expect(E.isLeft(r)).toBe(true)
        if (E.isLeft(r)) {
          expect(r.left._tag).toBe('CollapsedComponent')
          expect(r.left.message).toMatch(/regularization|regularisation/)
        }
      })
    }
    it('spherical: a constant column is harmless (one variance per component, averaged over columns), even with regularisation 0', () => {
      const fit = right(Mixture.fit(Gaussian.family({ covariance: 'spherical', regularization: 0 }), data, { k: 2, seed: 3 }))
      expect(allFinite(fit)).toBe(true)
      for (const c of fit.params.components) expect(c.covariance[0]).toBeGreaterThan(0)
    })
  })

  describe('duplicated points that collapse a component', () => {
    // 15 copies of one point plus 30 spread points; the start puts component 1 on the copies.
    const rows = [
      ...Array.from({ length: 15 }, () => [2, 2]),
      ...Array.from({ length: 30 }, (_, i) => [10 + 3 * Math.cos(i), -5 + 3 * Math.sin(1.7 * i)]),
    ]
    const data = right(Dataset.fromRows(rows))
    const start = (covariance: Gaussian.CovarianceType) =>
      right(
        Gaussian.parameters(covariance, {
          weights: [0.5, 0.5],
          means: [
            [10, -5],
            [2, 2],
          ],
          covariances:
            covariance === 'tied'
              ? [
                  [
                    [9, 0],
                    [0, 9],
                  ],
                  [
                    [9, 0],
                    [0, 9],
                  ],
                ]
              : [
                  [
                    [9, 0],
                    [0, 9],
                  ],
                  [
                    [0.5, 0],
                    [0, 0.5],
                  ],
                ],
        }),
      )
    for (const covariance of ['full', 'diag', 'spherical'] as const) {
      it(`${covariance}: default regularisation keeps it finite (a tight component of variance 1e-6 on the copies)`, () => {
        const fit = right(Mixture.fit(Gaussian.family({ covariance }), data, { k: 2, init: start(covariance), maxIterations: 50 }))
        expect(allFinite(fit)).toBe(true)
        expect(fit.params.components[1]!.covariance[0]).toBeCloseTo(1e-6, 12)
      })
      it(`${covariance}: regularisation 0 reports the collapse of component 1 (policy 'error') or re-seeds it (default)`, () => {
        const fam = Gaussian.family({ covariance, regularization: 0 })
        const r = Mixture.fit(fam, data, { k: 2, init: start(covariance), maxIterations: 50, collapse: 'error' })
        expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'CollapsedComponent', component: 1 })
        if (E.isLeft(r)) expect(r.left.message).toMatch(/fewer components/)
        const reseeded = Mixture.fit(fam, data, { k: 2, init: start(covariance), maxIterations: 50 })
        // Either a finite fit with a componentReseeded warning, or a typed error: never NaN, never a throw.
        if (E.isRight(reseeded)) {
          expect(allFinite(reseeded.right)).toBe(true)
          expect(reseeded.right.warnings.some((w) => w.kind === 'componentReseeded')).toBe(true)
        } else expect(reseeded.left._tag).toBe('CollapsedComponent')
      })
    }
  })

  describe('a starting component far from all data', () => {
    const data = Datasets.faithful
    for (const covariance of Gaussian.COVARIANCE_TYPES) {
      const cov =
        covariance === 'spherical'
          ? [
              [30, 0],
              [0, 30],
            ]
          : [
              [1, 0],
              [0, 100],
            ]
      const init = right(
        Gaussian.parameters(covariance, {
          weights: [0.5, 0.5],
          means: [
            [3.5, 70],
            [1e4, -1e4],
          ],
          covariances: [cov, cov],
        }),
      )
      it(`${covariance}: it is re-seeded (finite fit, warning) or, with policy 'error', a CollapsedComponent error`, () => {
        const fit = right(Mixture.fit(Gaussian.family({ covariance }), data, { k: 2, init }))
        expect(allFinite(fit)).toBe(true)
        expect(fit.warnings.some((w) => w.kind === 'componentReseeded' && w.component === 1)).toBe(true)
        const r = Mixture.fit(Gaussian.family({ covariance }), data, { k: 2, init, collapse: 'error' })
        expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'CollapsedComponent', component: 1 })
      })
    }
  })

  describe('bad model JSON and parameters are typed errors', () => {
    const base = { format: 'emkit.mixture/v1', family: 'gaussian', dimension: 2, weights: [0.5, 0.5] }
    const c = (mean: unknown, covariance: unknown) => ({ mean, covariance })
    const good = c(
      [0, 0],
      [
        [1, 0],
        [0, 1],
      ],
    )
    const cases: Array<[string, Gaussian.CovarianceType, unknown[]]> = [
      [
        'not positive definite',
        'full',
        [
          good,
          c(
            [1, 1],
            [
              [1, 2],
              [2, 1],
            ],
          ),
        ],
      ],
      [
        'not symmetric',
        'full',
        [
          good,
          c(
            [1, 1],
            [
              [1, 0.5],
              [0.1, 1],
            ],
          ),
        ],
      ],
      [
        'NaN mean',
        'full',
        [
          good,
          c(
            [null, 1],
            [
              [1, 0],
              [0, 1],
            ],
          ),
        ],
      ],
      [
        'wrong dimension',
        'full',
        [
          good,
          c(
            [1, 1, 1],
            [
              [1, 0],
              [0, 1],
            ],
          ),
        ],
      ],
      [
        'off-diagonal in diag',
        'diag',
        [
          good,
          c(
            [1, 1],
            [
              [1, 0.1],
              [0.1, 1],
            ],
          ),
        ],
      ],
      [
        'unequal variances in spherical',
        'spherical',
        [
          good,
          c(
            [1, 1],
            [
              [1, 0],
              [0, 2],
            ],
          ),
        ],
      ],
      [
        'different covariances in tied',
        'tied',
        [
          good,
          c(
            [1, 1],
            [
              [2, 0],
              [0, 2],
            ],
          ),
        ],
      ],
    ]
    for (const [what, covariance, components] of cases) {
      it(what, () => {
        const r = Mixture.fromJSON(Gaussian.family({ covariance }), { ...base, covariance, components })
        expect(E.isLeft(r) && r.left._tag).toBe('InvalidModel')
        expect(E.isLeft(r) && r.left.message).toMatch(/component 1/)
      })
    }
    it('a wrong structure in the file is InvalidModel', () => {
      const r = Mixture.fromJSON(Gaussian.family({ covariance: 'diag' }), { ...base, covariance: 'full', components: [good, good] })
      expect(E.isLeft(r) && r.left._tag).toBe('InvalidModel')
    })
    it('Gaussian.component rejects a singular covariance', () => {
      expect(
        E.isLeft(
          Gaussian.component(
            [0, 0],
            [
              [1, 1],
              [1, 1],
            ],
          ),
        ),
      ).toBe(true)
      expect(E.isLeft(Gaussian.parameters('tied', { weights: [0.5, 0.5], means: [0, 1], covariances: [1, 2] }))).toBe(true)
    })
  })
})

describe('the embedded Old Faithful data', () => {
  it("is R's datasets::faithful", () => {
    const f = Datasets.faithful
    expect([f.n, f.d, f.values.length]).toEqual([272, 2, 544])
    expect(f.columns).toEqual(['eruptions', 'waiting'])
    let e = 0
    let w = 0
    for (let i = 0; i < f.n; i++) {
      e += f.values[2 * i]! / f.n
      w += f.values[2 * i + 1]! / f.n
    }
    expect(Math.abs(e - 3.487783)).toBeLessThan(5e-7)
    expect(Math.abs(w - 70.89706)).toBeLessThan(5e-6)
    expect(Array.from(f.values.subarray(0, 2))).toEqual([3.6, 79])
    expect(Array.from(f.values.subarray(538))).toEqual([4.417, 90, 1.817, 46, 4.467, 74])
  })
})
