import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import { designMatrix, parseFormula } from './Formula.js'

const names = (source: string): string[] => {
  const f = parseFormula(source)
  if (E.isLeft(f)) throw new Error(f.left.message)
  return [f.right.response, ...f.right.terms.map((t) => t.name)]
}

const error = (source: string): string => {
  const f = parseFormula(source)
  if (E.isRight(f)) throw new Error(`"${source}" parsed`)
  expect(f.left._tag).toBe('InvalidOptions')
  return f.left.message
}

describe('the formula subset', () => {
  it('reads the response, the intercept by default, powers and interactions', () => {
    expect(names('yn ~ x + I(x^2)')).toEqual(['yn', '(Intercept)', 'x', 'I(x^2)'])
    expect(names(' y~x:z+w ')).toEqual(['y', '(Intercept)', 'x:z', 'w'])
    expect(names('y ~ I(x^3):z')).toEqual(['y', '(Intercept)', 'I(x^3):z'])
    expect(names('y ~ x + x')).toEqual(['y', '(Intercept)', 'x'])
  })
  it('drops the intercept with - 1 or + 0 and keeps it with + 1', () => {
    expect(names('y ~ x - 1')).toEqual(['y', 'x'])
    expect(names('y ~ 0 + x')).toEqual(['y', 'x'])
    expect(names('y ~ x + 1')).toEqual(['y', '(Intercept)', 'x'])
    expect(names('y ~ 1')).toEqual(['y', '(Intercept)'])
  })
  it('refuses what it does not support, naming the character', () => {
    expect(error('y x')).toMatch(/expected "response ~ terms"/)
    expect(error('y ~ x * z')).toMatch(/character 7: expected "\+" or "-"/)
    expect(error('y ~ log(x)')).toMatch(/function log/)
    expect(error('y ~ I(x + 1)')).toMatch(/only I\(name\^power\)/)
    expect(error('y ~ x - z')).toMatch(/only the intercept can be removed/)
    expect(error('y ~ x +')).toMatch(/a term is missing/)
    expect(error('y ~ 0')).toMatch(/no terms/)
    expect(error('y ~ I(x^11)')).toMatch(/1…10/)
  })
  it('fills the design: intercept, x, x², x·z', () => {
    const f = parseFormula('y ~ x + I(x^2) + x:z')
    if (E.isLeft(f)) throw new Error(f.left.message)
    const cols: Record<string, Float64Array> = { x: Float64Array.of(2, -3), z: Float64Array.of(5, 7) }
    const x = designMatrix(f.right.terms, (n) => cols[n], 2)
    expect(E.isRight(x) && Array.from(x.right)).toEqual([1, 2, 4, 10, 1, -3, 9, -21])
    const missing = designMatrix(f.right.terms, (n) => (n === 'x' ? cols['x'] : undefined), 2)
    expect(E.isLeft(missing) && missing.left.message).toMatch(/no column named "z"/)
  })
})
