/**
 * Named regression tests for what the fuzz suite (`fuzz/`) found in the Gaussian package: cells
 * that are not numbers (a null-prototype object, a symbol) made `Float64Array` conversion throw, and
 * a start or option that is a throwing Proxy escaped from `fit1d`.
 */
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import { component, parameters } from './Component.js'
import { fit1d } from './Univariate.js'

const hostileProxy = (): object =>
  new Proxy(
    {},
    {
      get: (_, key) => {
        if (typeof key === 'symbol') return undefined
        throw new Error('hostile proxy: get')
      },
    },
  )

const tag = (r: E.Either<{ _tag: string }, unknown>): string => (E.isLeft(r) ? r.left._tag : 'Right')

describe('fuzz findings: Gaussian components and the 1-D fit', () => {
  it('component() with cells that cannot be converted to numbers is Left(InvalidParameters)', () => {
    const odd = Object.create(null) as object
    expect(
      tag(
        component(
          [odd as unknown as number, 1],
          [
            [1, 0],
            [0, 1],
          ],
        ),
      ),
    ).toBe('InvalidParameters')
    expect(
      tag(
        component(
          [0, 0],
          [
            [Symbol('x') as unknown as number, 0],
            [0, 1],
          ],
        ),
      ),
    ).toBe('InvalidParameters')
    expect(tag(component([0, 0], [odd as unknown as number, 0, 0, 1]))).toBe('InvalidParameters')
    expect(tag(component(hostileProxy() as number[], [[1]]))).toBe('InvalidParameters')
  })

  it('parameters() with a throwing Proxy is Left(InvalidParameters)', () => {
    expect(tag(parameters('full', hostileProxy() as never))).toBe('InvalidParameters')
  })

  it('fit1d with a start or options that are a throwing Proxy is a typed Left', () => {
    const xs = [-1.2, -0.8, -1.1, 0.9, 1.3, 1.0, 1.2]
    expect(tag(fit1d(xs, { k: 2, init: hostileProxy() as never }))).toBe('InvalidOptions')
    expect(tag(fit1d(xs, hostileProxy() as never))).toBe('InvalidOptions')
  })
})
