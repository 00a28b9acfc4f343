import fc from 'fast-check'
import { CholeskyDecomposition, Matrix } from 'ml-matrix'
import { describe, expect, test } from 'vitest'
import {
  cholesky,
  invertLower,
  logDetFromCholesky,
  logSumExp,
  multiplyLowerTransposed,
  solveLower,
  solveLowerTransposed,
} from './Linalg.js'

/** A random SPD matrix B·Bᵀ + d·I from a flat list of entries. */
const spd = (d: number) =>
  fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: d * d, maxLength: d * d }).map((b) => {
    const a = new Float64Array(d * d)
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let s = i === j ? d : 0
        for (let m = 0; m < d; m++) s += b[i * d + m]! * b[j * d + m]!
        a[i * d + j] = s
      }
    return a
  })

const toMatrix = (d: number, a: Float64Array): Matrix =>
  new Matrix(Array.from({ length: d }, (_, i) => Array.from(a.subarray(i * d, i * d + d))))

const expectClose = (actual: number, expected: number, rtol: number, atol: number, what: string): void => {
  const err = Math.abs(actual - expected)
  if (!(err <= atol + rtol * Math.abs(expected))) throw new Error(`${what}: ${actual} vs ${expected} (|Δ| = ${err})`)
}

describe('Linalg against ml-matrix', () => {
  test('cholesky, log-det, solves and the triangular inverse agree with ml-matrix', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6 })
          .chain((d) =>
            fc.tuple(fc.constant(d), spd(d), fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: d, maxLength: d })),
          ),
        ([d, a, b]) => {
          const l = new Float64Array(d * d + 3)
          expect(cholesky(d, a, 0, l, 3)).toBe(true)
          const oracle = new CholeskyDecomposition(toMatrix(d, a))
          expect(oracle.isPositiveDefinite()).toBe(true)
          const lo = oracle.lowerTriangularMatrix
          for (let i = 0; i < d; i++)
            for (let j = 0; j < d; j++) expectClose(l[3 + i * d + j]!, lo.get(i, j), 1e-12, 1e-12, `L[${i}][${j}]`)
          // log det
          let det = 0
          for (let i = 0; i < d; i++) det += 2 * Math.log(lo.get(i, i))
          expectClose(logDetFromCholesky(d, l, 3), det, 1e-12, 1e-12, 'logdet')
          // L Lᵀ x = b via two solves equals ml-matrix's solve
          const x = Float64Array.from(b)
          solveLower(d, l, 3, x, 0)
          solveLowerTransposed(d, l, 3, x, 0)
          const xo = oracle.solve(Matrix.columnVector(b))
          for (let i = 0; i < d; i++) expectClose(x[i]!, xo.get(i, 0), 1e-9, 1e-9, `x[${i}]`)
          // L⁻¹ L = I
          const inv = new Float64Array(d * d)
          invertLower(d, l, 3, inv, 0)
          for (let i = 0; i < d; i++)
            for (let j = 0; j < d; j++) {
              let s = 0
              for (let m = 0; m < d; m++) s += inv[i * d + m]! * l[3 + m * d + j]!
              expectClose(s, i === j ? 1 : 0, 0, 1e-10, `(L⁻¹L)[${i}][${j}]`)
            }
          // L Lᵀ rebuilds A
          const back = new Float64Array(d * d)
          multiplyLowerTransposed(d, l, 3, back, 0)
          for (let t = 0; t < d * d; t++) expectClose(back[t]!, a[t]!, 1e-12, 1e-12, `A[${t}]`)
        },
      ),
    )
  })

  test('cholesky refuses matrices that are not positive definite or not finite', () => {
    const l = new Float64Array(4)
    expect(cholesky(2, Float64Array.of(1, 2, 2, 1), 0, l, 0)).toBe(false)
    expect(cholesky(2, Float64Array.of(0, 0, 0, 1), 0, l, 0)).toBe(false)
    expect(cholesky(2, Float64Array.of(NaN, 0, 0, 1), 0, l, 0)).toBe(false)
    expect(cholesky(1, Float64Array.of(Infinity), 0, l, 0)).toBe(false)
  })
})

describe('logSumExp', () => {
  test('all −∞ gives −∞, not NaN; +∞ gives +∞; NaN propagates', () => {
    expect(logSumExp(Float64Array.of(-Infinity, -Infinity), 0, 2, 1)).toBe(-Infinity)
    expect(logSumExp(Float64Array.of(-Infinity, Infinity), 0, 2, 1)).toBe(Infinity)
    expect(logSumExp(Float64Array.of(1, NaN), 0, 2, 1)).toBeNaN()
    expect(logSumExp(Float64Array.of(NaN, 1), 0, 2, 1)).toBeNaN()
  })
  test('is stable far from zero and honours offset and stride', () => {
    expectClose(logSumExp(Float64Array.of(-1000, -1000), 0, 2, 1), -1000 + Math.log(2), 1e-15, 0, 'lse')
    expectClose(logSumExp(Float64Array.of(9, 1000, 9, 1000), 1, 2, 2), 1000 + Math.log(2), 1e-15, 0, 'strided')
  })
  test('matches the naive formula where that is exact enough', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: 1, maxLength: 20 }), (v) => {
        const naive = Math.log(v.reduce((s, x) => s + Math.exp(x), 0))
        expectClose(logSumExp(v, 0, v.length, 1), naive, 1e-13, 1e-13, 'lse')
      }),
    )
  })
})
