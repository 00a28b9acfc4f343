import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import type { ProductArgument } from './FamilyArgument.js'
import { parseFamily, productNames, resolveColumns } from './FamilyArgument.js'

const left = (text: string): string => {
  const r = parseFamily(text)
  if (E.isRight(r)) throw new Error(`${text} parsed`)
  return r.left
}
const product = (text: string): ProductArgument => {
  const r = parseFamily(text)
  if (E.isLeft(r) || r.right.kind !== 'product') throw new Error(`${text} is not a product`)
  return r.right
}

describe('parseFamily', () => {
  it('reads built-in names, gaussian structures and module paths', () => {
    expect(parseFamily('poisson')).toEqual(E.right({ kind: 'builtin', name: 'poisson' }))
    expect(parseFamily('gaussian/diag')).toEqual(E.right({ kind: 'builtin', name: 'gaussian', covariance: 'diag' }))
    expect(parseFamily('./my-family.js')).toEqual(E.right({ kind: 'module', path: './my-family.js' }))
    expect(parseFamily('/abs/f.mjs')).toEqual(E.right({ kind: 'module', path: '/abs/f.mjs' }))
  })

  it('reads a product over columns by name and by 0-based index', () => {
    const p = product('gaussian/diag:x,y+poisson:2+bernoulli:b+./my.js:c')
    expect(p.parts.map((q) => q.family)).toEqual([
      { kind: 'builtin', name: 'gaussian', covariance: 'diag' },
      { kind: 'builtin', name: 'poisson' },
      { kind: 'builtin', name: 'bernoulli' },
      { kind: 'module', path: './my.js' },
    ])
    expect(p.parts.map((q) => q.columns)).toEqual([['x', 'y'], [2], ['b'], ['c']])
    expect(productNames(p)).toBeUndefined()
    expect(productNames(product('gaussian:x,y+poisson:n'))).toEqual(['x', 'y', 'n'])
  })

  it('refuses unknown families, empty parts, parts without columns and a column used twice, in one line', () => {
    expect(left('poison')).toMatch(/^unknown family "poison"; choose gaussian, .* or a path to a family module/)
    expect(left('gaussian/wide')).toMatch(/unknown covariance structure "wide"/)
    expect(left('poisson/diag')).toMatch(/only gaussian takes a structure/)
    expect(left('gaussian:x,y++poisson:n')).toMatch(/the 2nd part of the product .* is empty/)
    expect(left('gaussian:x,y+poisson')).toMatch(/the part "poisson" has no columns: write FAMILY:COLUMNS/)
    expect(left('gaussian:x,y+poisson:')).toMatch(/the part "poisson:" has no columns after ":"/)
    expect(left('gaussian:x,,y')).toMatch(/empty column name/)
    expect(left('gaussian:x,y+poisson:y')).toMatch(/column y is used by two parts \(the 1st and the 2nd\)/)
    expect(left('gaussian:x,x')).toMatch(/names column x twice/)
    expect(left('poison:n+gaussian:x')).toMatch(/the part "poison:n": unknown family "poison"/)
    expect(left(':n')).toMatch(/a part has no family/)
    expect(left('product')).toMatch(/written as its parts/)
    for (const t of ['poison', 'gaussian:x,y+poisson', 'a:b+a:b']) expect(left(t)).not.toMatch(/\n/)
  })
})

describe('resolveColumns', () => {
  const columns = ['x', 'y', 'n', 'b']
  it('gives the 0-based indices of every part', () => {
    expect(resolveColumns(product('poisson:n+gaussian:0,y'), 'd.csv', columns)).toEqual(E.right([[2], [0, 1]]))
  })
  it('names an unknown column, an index out of range, and a column reached by name and by index', () => {
    const msg = (text: string): string => {
      const r = resolveColumns(product(text), 'd.csv', columns)
      if (E.isRight(r)) throw new Error('resolved')
      return `${r.left.exitCode} ${r.left.message}`
    }
    expect(msg('poisson:m')).toBe('1 --family part "poisson:m": d.csv has no column named "m" (columns: x, y, n, b)')
    expect(msg('poisson:7')).toMatch(/^1 --family part "poisson:7": column index 7 is out of range; d.csv has 4 columns \(0 … 3/)
    expect(msg('gaussian:x,y+poisson:0')).toMatch(/^2 --family: column "x" is used twice \(by the 1st part and by the 2nd\)/)
  })
})
