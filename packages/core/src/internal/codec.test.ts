import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { decode, encode } from './codec.js'

/** Bit-level equality: −0 ≠ 0, NaN = NaN, typed arrays by class and bits. */
const same = (a: unknown, b: unknown): boolean => {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b)
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    if (a.constructor !== b.constructor || a.byteLength !== b.byteLength) return false
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
    return x.every((v, i) => v === y[i])
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => same(v, b[i]))
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const ka = Object.keys(a)
    const kb = Object.keys(b)
    return (
      ka.length === kb.length &&
      ka.every((k, i) => k === kb[i] && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    )
  }
  return a === b
}

const leaf = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.float64Array({ maxLength: 20 }),
  fc.int32Array({ maxLength: 10 }),
  fc.uint8Array({ maxLength: 10 }),
)
const plain = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }),
  ),
})).value

describe('the reply codec', () => {
  test.prop([plain])('decode(encode(x)) gives x back, bit for bit', (x) => {
    expect(same(decode(encode(x)), x)).toBe(true)
  })

  test.prop([fc.float64Array({ maxLength: 50 }), fc.integer({ min: 0, max: 7 })])(
    'a typed array that views part of a buffer encodes its own elements only',
    (a, skip) => {
      const view = a.subarray(Math.min(skip, a.length))
      const back = decode(encode({ statistics: [view] })) as { statistics: Float64Array[] }
      expect(same(back.statistics[0], view)).toBe(true)
    },
  )

  test('a key named __proto__ stays a key, and what is not plain data is refused', () => {
    const o = JSON.parse('{"__proto__": 1, "a": [2]}') as object
    const back = decode(encode(o)) as Record<string, unknown>
    expect(Object.keys(back)).toEqual(['__proto__', 'a'])
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype)
    expect(() => encode(new Map())).toThrow(/Map/)
    expect(() => encode(() => 1)).toThrow(/function/)
    expect(() => encode(1n)).toThrow(/bigint/)
  })
})
