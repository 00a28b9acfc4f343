import { either as E } from 'fp-ts'
import { Matrix } from 'ml-matrix'
import { describe, expect, test } from 'vitest'
import * as Dataset from './Dataset.js'
import type { EmError } from './Errors.js'
import * as Mixture from './Mixture.js'
import { normalFamily } from './test/normalFamily.js'

const left = <A>(r: E.Either<EmError, A>): EmError => {
  if (E.isRight(r)) throw new Error('expected a Left')
  return r.left
}

describe('Dataset constructors', () => {
  test('rows, flat arrays, columns and matrix-like objects give the same row-major values', () => {
    const a = Dataset.fromRows([
      [1, 2],
      [3, 4],
      [5, 6],
    ])
    const b = Dataset.fromFlat([1, 2, 3, 4, 5, 6], 2)
    const c = Dataset.fromMatrix(
      new Matrix([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    )
    for (const r of [a, b, c]) {
      expect(E.isRight(r)).toBe(true)
      if (E.isRight(r)) {
        expect(r.right.n).toBe(3)
        expect(r.right.d).toBe(2)
        expect(Array.from(r.right.values)).toEqual([1, 2, 3, 4, 5, 6])
      }
    }
    const col = Dataset.fromColumn([1, 2, 3])
    expect(E.isRight(col) && col.right.d === 1 && col.right.n === 3).toBe(true)
  })

  test('empty data, ragged rows and non-finite values are typed errors naming row and column', () => {
    expect(left(Dataset.fromRows([]))).toMatchObject({ _tag: 'InvalidData' })
    expect(left(Dataset.fromColumn([]))).toMatchObject({ _tag: 'InvalidData' })
    expect(left(Dataset.fromRows([[1, 2], [3]]))).toMatchObject({ _tag: 'InvalidData', row: 1 })
    expect(
      left(
        Dataset.fromRows([
          [1, 2],
          [3, NaN],
        ]),
      ),
    ).toMatchObject({ _tag: 'InvalidData', row: 1, column: 1 })
    expect(left(Dataset.fromRows([[Infinity, 2]]))).toMatchObject({ _tag: 'InvalidData', row: 0, column: 0 })
    expect(left(Dataset.fromFlat([1, 2, -Infinity, 4], 2))).toMatchObject({ _tag: 'InvalidData', row: 1, column: 0 })
    expect(left(Dataset.fromFlat([1, 2, 3], 2))).toMatchObject({ _tag: 'InvalidData' })
    expect(left(Dataset.fromMatrix(new Matrix([[1, NaN]])))).toMatchObject({ _tag: 'InvalidData', row: 0, column: 1 })
  })

  test('sample weights must be finite, ≥ 0, one per row and not all zero', () => {
    expect(left(Dataset.fromColumn([1, 2], { sampleWeights: [1, -1] }))).toMatchObject({ _tag: 'InvalidData', row: 1 })
    expect(left(Dataset.fromColumn([1, 2], { sampleWeights: [NaN, 1] }))).toMatchObject({ _tag: 'InvalidData', row: 0 })
    expect(left(Dataset.fromColumn([1, 2], { sampleWeights: [1, Infinity] }))).toMatchObject({ _tag: 'InvalidData', row: 1 })
    expect(left(Dataset.fromColumn([1, 2], { sampleWeights: [1] }))).toMatchObject({ _tag: 'InvalidData' })
    expect(left(Dataset.fromColumn([1, 2], { sampleWeights: [0, 0] }))).toMatchObject({ _tag: 'InvalidData' })
    const ok = Dataset.fromColumn([1, 2], { sampleWeights: [0, 3] })
    expect(E.isRight(ok) && Dataset.totalWeight(ok.right) === 3).toBe(true)
  })

  test('k > n and k < 1 are typed errors', () => {
    const data = Dataset.fromColumnOrThrow([1, 2, 3])
    expect(left(Mixture.checkData(normalFamily, data, 4))).toMatchObject({ _tag: 'InvalidData' })
    expect(left(Mixture.checkData(normalFamily, data, 0))).toMatchObject({ _tag: 'InvalidOptions', option: 'k' })
    expect(left(Mixture.fit(normalFamily, data, { k: 5 }))).toMatchObject({ _tag: 'InvalidData' })
  })

  test('the throwing twins throw an EmException carrying the typed error', () => {
    expect(() => Dataset.fromRowsOrThrow([[1], [2, 3]])).toThrowError(/ragged/)
  })
})
