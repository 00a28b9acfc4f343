/**
 * A binary encoding of plain data — numbers (every double, −0, NaN and ±∞ included), strings,
 * booleans, `null`, `undefined`, arrays, plain objects and typed arrays — for what structured
 * cloning carries elsewhere: a Web Worker's reply written into shared memory, which a thread
 * blocked in `Atomics.wait` reads without a message. Exact: decoding gives back the same bits.
 *
 * @internal
 */

const enum Tag {
  Undefined = 0,
  Null = 1,
  False = 2,
  True = 3,
  Number = 4,
  String = 5,
  Array = 6,
  Object = 7,
  Typed = 8,
}

type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array
const TYPED = [Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array] as const

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()

/** Grows as it is written. */
class Writer {
  bytes = new Uint8Array(256)
  view = new DataView(this.bytes.buffer)
  length = 0
  room(m: number): void {
    if (this.length + m <= this.bytes.length) return
    const bigger = new Uint8Array(Math.max(this.bytes.length * 2, this.length + m))
    bigger.set(this.bytes.subarray(0, this.length))
    this.bytes = bigger
    this.view = new DataView(bigger.buffer)
  }
  byte(b: number): void {
    this.room(1)
    this.bytes[this.length++] = b
  }
  u32(x: number): void {
    this.room(4)
    this.view.setUint32(this.length, x, true)
    this.length += 4
  }
  f64(x: number): void {
    this.room(8)
    this.view.setFloat64(this.length, x, true)
    this.length += 8
  }
  raw(b: Uint8Array): void {
    this.room(b.length)
    this.bytes.set(b, this.length)
    this.length += b.length
  }
  string(s: string): void {
    const b = utf8.encode(s)
    this.u32(b.length)
    this.raw(b)
  }
}

const write = (w: Writer, x: unknown): void => {
  if (x === undefined) w.byte(Tag.Undefined)
  else if (x === null) w.byte(Tag.Null)
  else if (x === false) w.byte(Tag.False)
  else if (x === true) w.byte(Tag.True)
  else if (typeof x === 'number') {
    w.byte(Tag.Number)
    w.f64(x)
  } else if (typeof x === 'string') {
    w.byte(Tag.String)
    w.string(x)
  } else if (Array.isArray(x)) {
    w.byte(Tag.Array)
    w.u32(x.length)
    for (const v of x) write(w, v)
  } else if (ArrayBuffer.isView(x)) {
    const kind = TYPED.findIndex((T) => x instanceof T)
    if (kind < 0) throw new TypeError(`cannot encode a ${x.constructor.name}`)
    const a = x as TypedArray
    w.byte(Tag.Typed)
    w.byte(kind)
    w.u32(a.length)
    w.raw(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
  } else if (typeof x === 'object' && (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null)) {
    const entries = Object.entries(x)
    w.byte(Tag.Object)
    w.u32(entries.length)
    for (const [key, v] of entries) {
      w.string(key)
      write(w, v)
    }
  } else throw new TypeError(`cannot encode a value of type ${typeof x === 'object' ? Object.prototype.toString.call(x) : typeof x}`)
}

/** Encodes `x` (plain data only; throws a `TypeError` on anything else: functions, class instances, bigints, symbols). */
export const encode = (x: unknown): Uint8Array => {
  const w = new Writer()
  write(w, x)
  return w.bytes.subarray(0, w.length)
}

/** Decodes what {@link encode} wrote. Typed arrays come back as fresh (unshared) arrays. */
export const decode = (bytes: Uint8Array): unknown => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let at = 0
  const u32 = (): number => {
    const x = view.getUint32(at, true)
    at += 4
    return x
  }
  const string = (): string => {
    const m = u32()
    const s = fromUtf8.decode(bytes.slice(at, at + m))
    at += m
    return s
  }
  const read = (): unknown => {
    const tag = bytes[at++] as Tag
    switch (tag) {
      case Tag.Undefined:
        return undefined
      case Tag.Null:
        return null
      case Tag.False:
        return false
      case Tag.True:
        return true
      case Tag.Number: {
        const x = view.getFloat64(at, true)
        at += 8
        return x
      }
      case Tag.String:
        return string()
      case Tag.Array:
        return Array.from({ length: u32() }, read)
      case Tag.Object: {
        const m = u32()
        const o: Record<string, unknown> = {}
        for (let e = 0; e < m; e++) {
          const key = string()
          // defineProperty, not assignment: a key "__proto__" stays a key.
          Object.defineProperty(o, key, { value: read(), enumerable: true, writable: true, configurable: true })
        }
        return o
      }
      case Tag.Typed: {
        const T = TYPED[bytes[at++]!]
        if (T === undefined) throw new TypeError('unknown typed array kind')
        const m = u32()
        const size = m * T.BYTES_PER_ELEMENT
        const copy = bytes.slice(at, at + size)
        at += size
        return new T(copy.buffer, 0, m)
      }
      default:
        throw new TypeError(`unknown tag ${String(tag)} at byte ${at - 1}`)
    }
  }
  return read()
}
