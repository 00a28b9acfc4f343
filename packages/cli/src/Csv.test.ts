import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import { parseCell, readCsv, selectColumns, writeCsv } from './Csv.js'

const ok = (text: string) => {
  const r = readCsv(text, 'data.csv')
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
}
const fail = (text: string): string => {
  const r = readCsv(text, 'data.csv')
  if (E.isRight(r)) throw new Error('expected a failure')
  expect(r.left.exitCode).toBe(1)
  return r.left.message
}

describe('readCsv', () => {
  it('detects a header row and reads numbers row-major', () => {
    const t = ok('a,b\n1,2\n3.5,-4e-2\n')
    expect(t.header).toBe(true)
    expect(t.columns).toEqual(['a', 'b'])
    expect([t.n, t.d]).toEqual([2, 2])
    expect(Array.from(t.values)).toEqual([1, 2, 3.5, -0.04])
    expect(Array.from(t.lines)).toEqual([2, 3])
  })
  it('reads a file without header, naming columns x1 … xd', () => {
    const t = ok('1,2,3\n4,5,6')
    expect(t.header).toBe(false)
    expect(t.columns).toEqual(['x1', 'x2', 'x3'])
    expect(t.n).toBe(2)
  })
  it('handles CRLF, a BOM, quoted fields and blank lines', () => {
    const t = ok('\uFEFF"first, name","b"\r\n"1.5",2\r\n\r\n3,"4"\r\n')
    expect(t.columns).toEqual(['first, name', 'b'])
    expect(Array.from(t.values)).toEqual([1.5, 2, 3, 4])
    expect(Array.from(t.lines)).toEqual([2, 4])
  })
  it('names file, row, line and column of a non-numeric cell', () => {
    expect(fail('a,b\n1,2\n3,abc\n')).toBe('data.csv: row 2 (line 3), column 2 ("b"): "abc" is not a number')
  })
  it('rejects NaN, infinities and empty cells', () => {
    expect(fail('a,b\n1,NaN\n')).toMatch(/^data\.csv: row 1 \(line 2\), column 2 \("b"\): "NaN" \(NaN\) is not allowed/)
    expect(fail('1,2\n-inf,2\n')).toMatch(/^data\.csv: row 2 \(line 2\), column 1: "-inf" is infinite/)
    expect(fail('a,b\n1,\n')).toMatch(/column 2 \("b"\): empty cell/)
  })
  it('a first row of NaN is bad data, not a header', () => {
    expect(fail('NaN,1\n2,3\n')).toMatch(/row 1 \(line 1\), column 1: "NaN"/)
  })
  it('rejects ragged rows', () => {
    expect(fail('a,b\n1,2\n3,4,5\n')).toBe('data.csv: row 2 (line 3) has 3 fields but the header has 2 (ragged row)')
    expect(fail('1,2\n3\n')).toBe('data.csv: row 2 (line 2) has 1 fields but row 1 has 2 (ragged row)')
  })
  it('rejects empty files, header-only files and malformed quoting', () => {
    expect(fail('')).toMatch(/no rows/)
    expect(fail('a,b\n')).toMatch(/no data rows after the header/)
    expect(fail('a,b\n"1,2\n')).toMatch(/^data\.csv: not a readable CSV file/)
  })
})

describe('parseCell', () => {
  it('accepts decimal and exponent forms, with surrounding spaces', () => {
    expect(parseCell(' 1e3 ')).toBe(1000)
    expect(parseCell('-.5')).toBe(-0.5)
    expect(parseCell('+2.')).toBe(2)
  })
  it('rejects what Number() would accept but is not a plain decimal', () => {
    expect(typeof parseCell('0x10')).toBe('string')
    expect(typeof parseCell('')).toBe('string')
    expect(typeof parseCell('1e999')).toBe('string')
  })
})

describe('selectColumns', () => {
  it('keeps named columns in the given order', () => {
    const t = ok('a,b,c\n1,2,3\n4,5,6\n')
    const s = selectColumns(t, ['c', 'a'])
    expect(E.isRight(s) && Array.from(s.right.values)).toEqual([3, 1, 6, 4])
    expect(E.isRight(s) && s.right.columns).toEqual(['c', 'a'])
  })
  it('names the missing column', () => {
    const s = selectColumns(ok('a,b\n1,2\n'), ['z'])
    expect(E.isLeft(s) && s.left.message).toBe('data.csv: no column named "z" (columns: a, b)')
  })
})

describe('writeCsv', () => {
  it('writes shortest round-trip numbers and quotes text when needed', () => {
    expect(
      writeCsv(
        ['x', 'y,z'],
        [
          [0.1, 1 / 3],
          ['a"b', 2],
        ],
      ),
    ).toBe('x,"y,z"\n0.1,0.3333333333333333\n"a""b",2\n')
    const back = ok(writeCsv(['u'], [[1 / 3], [1e-300]]))
    expect(Array.from(back.values)).toEqual([1 / 3, 1e-300])
  })
})
