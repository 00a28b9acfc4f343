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

describe('missing cells (allowMissing)', () => {
  const rows = [
    [1, Number.NaN],
    [3, 4],
    [Number.NaN, 6],
  ]
  test('by default a NaN cell is refused with the message as before', () => {
    const e = left(Dataset.fromRows(rows))
    expect(e.message).toBe('row 0, column 1: value is NaN; every value must be a finite number')
  })
  test('with allowMissing every constructor records the NaN cells in the mask, and check accepts it', () => {
    const built = [
      Dataset.fromRows(rows, { allowMissing: true }),
      Dataset.fromFlat([1, Number.NaN, 3, 4, Number.NaN, 6], 2, { allowMissing: true }),
      Dataset.fromMatrix(new Matrix(rows), { allowMissing: true }),
    ]
    for (const r of built) {
      if (E.isLeft(r)) throw new Error(r.left.message)
      expect(Array.from(r.right.missing!)).toEqual([0, 1, 0, 0, 1, 0])
      expect(E.isRight(Dataset.check(r.right))).toBe(true)
      // A slice carries its rows' part of the mask.
      expect(Array.from(Dataset.slice(r.right, 1, 3).missing!)).toEqual([0, 0, 1, 0])
    }
    const complete = Dataset.fromRows([[1], [2]], { allowMissing: true })
    expect(E.isRight(complete) && complete.right.missing === undefined).toBe(true)
  })
  test('±∞ stays refused, and a row whose every cell is missing is refused by name', () => {
    expect(left(Dataset.fromRows([[1, Infinity]], { allowMissing: true })).message).toMatch(/row 0, column 1: value is Infinity/)
    const e = left(
      Dataset.fromRows(
        [
          [1, 2],
          [Number.NaN, Number.NaN],
        ],
        { allowMissing: true },
      ),
    )
    expect(e.message).toBe('row 1: every cell is missing; the row carries no information: drop it')
    expect(e._tag === 'InvalidData' && e.row).toBe(1)
  })
  test('check validates a hand-built mask: its type, its values, and that it marks exactly the NaN cells', () => {
    const values = Float64Array.of(1, Number.NaN, 3, 4)
    expect(left(Dataset.check({ n: 2, d: 2, values, missing: Uint8Array.of(0, 1, 0) })).message).toMatch(
      /missing mask must be a Uint8Array of length n·d = 4/,
    )
    expect(left(Dataset.check({ n: 2, d: 2, values, missing: Uint8Array.of(0, 2, 0, 0) })).message).toMatch(
      /row 0, column 1: the missing mask holds 2/,
    )
    expect(left(Dataset.check({ n: 2, d: 2, values, missing: Uint8Array.of(0, 0, 0, 0) })).message).toMatch(/row 0, column 1: value is NaN/)
    expect(left(Dataset.check({ n: 2, d: 2, values, missing: Uint8Array.of(1, 1, 0, 0) })).message).toMatch(
      /row 0, column 0: the cell is marked missing but holds 1; a missing cell's value is NaN/,
    )
    expect(E.isRight(Dataset.check({ n: 2, d: 2, values, missing: Uint8Array.of(0, 1, 0, 0) }))).toBe(true)
  })
  test('a family without the incomplete capability refuses such data naming the first missing row and column', () => {
    const data = Dataset.fromRowsOrThrow(
      [
        [1, 2],
        [3, Number.NaN],
        [2, 2],
      ],
      { allowMissing: true },
    )
    const e = left(Mixture.fit(normalFamily, data, { k: 1 }))
    expect(e._tag === 'InvalidData' && [e.row, e.column]).toEqual([1, 1])
    expect(e.message).toMatch(/^row 1, column 1: the value is missing and the .* family cannot fit data with missing cells/)
    expect(left(Mixture.predict(normalFamily, { weights: Float64Array.of(1), components: [] }, data)).message).toMatch(/row 1, column 1/)
  })
})
