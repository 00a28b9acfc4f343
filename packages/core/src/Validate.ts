/**
 * Validation at the public boundary, as one kind: every option, shape and untrusted JSON value an
 * emkit entry point receives goes through these checks once, and a failure is a typed `Left`
 * naming the option, row, column or field — never an exception, and never a message that
 * serialises unbounded input (values are described with {@link show}, which is bounded and total).
 *
 * Families and user code use the same checks, so a new option, shape or field gets the same
 * treatment without a special case of its own.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { EmError, InvalidData, InvalidModel, InvalidOptions } from './Errors.js'
import { EmException, invalidData, invalidModel, invalidOptions } from './Errors.js'

/**
 * The most values (n·d) an in-memory dataset may hold: 2³⁰ ≈ 1.07·10⁹ doubles, 8 GiB.
 * Larger data are read in blocks through a `RowSource` and fitted on the stream engine.
 *
 * @category Validation
 * @since 0.2.0
 */
export const MAX_VALUES = 2 ** 30

/**
 * The largest total sample weight Σ wᵢ a dataset or stream may carry: 2⁵³ ≈ 9·10¹⁵ (the
 * largest integer a double counts exactly). Above it, weighted sums of statistics and −2ℓ in the
 * criteria leave the range where they are finite and meaningful; rescale the weights (EM's
 * estimates do not change when every weight is multiplied by the same factor).
 *
 * @category Validation
 * @since 0.2.0
 */
export const MAX_TOTAL_WEIGHT = 2 ** 53

/**
 * The deepest nesting of arrays and objects a model JSON value may have (the format needs 4).
 *
 * @category Validation
 * @since 0.2.0
 */
export const MAX_JSON_DEPTH = 32

/**
 * The most array elements and object fields, all levels together, a model JSON value may have:
 * 2²⁴ ≈ 1.7·10⁷ (a 4096-dimensional full-covariance component has 1.7·10⁷ entries).
 *
 * @category Validation
 * @since 0.2.0
 */
export const MAX_JSON_NODES = 2 ** 24

const MAX_SHOWN = 40

const clip = (s: string): string => (s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s)

/**
 * A short description of any value for an error message: numbers, booleans, `null` and
 * `undefined` as themselves, strings quoted and cut at 40 characters, bigints with their `n`,
 * arrays and typed arrays by their kind and length, other objects as `an object`. Bounded (never
 * more than ~60 characters) and total: it never throws, not even for a `Proxy` that throws on
 * every access, a deeply nested array or a bigint (where `JSON.stringify` throws).
 *
 * @example
 * ```ts
 * Validate.show('x'.repeat(1000)) // '"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"'
 * Validate.show([[[1]]])           // 'an array of length 1'
 * ```
 * @category Validation
 * @since 0.2.0
 */
export const show = (value: unknown): string => {
  try {
    switch (typeof value) {
      case 'number':
        return Object.is(value, -0) ? '-0' : String(value)
      case 'boolean':
      case 'undefined':
        return String(value)
      case 'bigint':
        return clip(`${value.toString()}n`)
      case 'string':
        return JSON.stringify(clip(value))
      case 'symbol':
        return clip(value.toString())
      case 'function':
        return 'a function'
      default:
        if (value === null) return 'null'
        if (Array.isArray(value)) return `an array of length ${value.length}`
        if (ArrayBuffer.isView(value)) {
          const name = Object.prototype.toString.call(value).slice(8, -1)
          return 'length' in value ? `a ${name} of length ${String(value.length)}` : `a ${name}`
        }
        return 'an object'
    }
  } catch {
    return 'a value that cannot be read'
  }
}

/**
 * Bounds on a number option; all optional. `min`/`max` are inclusive, `above`/`below` exclusive.
 *
 * @category Validation
 * @since 0.2.0
 */
export interface NumberBounds {
  readonly min?: number
  readonly max?: number
  readonly above?: number
  readonly below?: number
}

const rangeText = (b: NumberBounds): string => {
  const parts: string[] = []
  if (b.min !== undefined) parts.push(`≥ ${b.min}`)
  if (b.above !== undefined) parts.push(`> ${b.above}`)
  if (b.max !== undefined) parts.push(`≤ ${b.max}`)
  if (b.below !== undefined) parts.push(`< ${b.below}`)
  return parts.length === 0 ? '' : ` ${parts.join(' and ')}`
}

const inBounds = (x: number, b: NumberBounds): boolean =>
  (b.min === undefined || x >= b.min) &&
  (b.max === undefined || x <= b.max) &&
  (b.above === undefined || x > b.above) &&
  (b.below === undefined || x < b.below)

/**
 * A finite number option within `bounds` (a JavaScript `number`: strings, bigints, `NaN` and
 * ±Infinity are refused).
 *
 * @returns `Right(value)`, or `Left(InvalidOptions)` naming `option`, the expected range and what was given.
 * @example
 * ```ts
 * Validate.number('tolerance', 1e-6, { min: 0 }) // Right(1e-6)
 * Validate.number('tolerance', -1, { min: 0 })   // Left: "tolerance must be a finite number ≥ 0, got -1"
 * ```
 * @category Validation
 * @since 0.2.0
 */
export const number = (option: string, value: unknown, bounds: NumberBounds = {}): E.Either<InvalidOptions, number> =>
  typeof value === 'number' && Number.isFinite(value) && inBounds(value, bounds)
    ? E.right(value)
    : E.left(invalidOptions(option, `${option} must be a finite number${rangeText(bounds)}, got ${show(value)}`))

/**
 * An integer option within `bounds` (a safe integer of type `number`).
 *
 * @returns `Right(value)`, or `Left(InvalidOptions)` naming `option`.
 * @example
 * ```ts
 * Validate.integer('k', 3, { min: 1 })   // Right(3)
 * Validate.integer('k', 2.5, { min: 1 }) // Left: "k must be an integer ≥ 1, got 2.5"
 * ```
 * @category Validation
 * @since 0.2.0
 */
export const integer = (option: string, value: unknown, bounds: NumberBounds = {}): E.Either<InvalidOptions, number> =>
  typeof value === 'number' && Number.isSafeInteger(value) && inBounds(value, bounds)
    ? E.right(value)
    : E.left(invalidOptions(option, `${option} must be an integer${rangeText(bounds)}, got ${show(value)}`))

/**
 * One of an enumeration of strings.
 *
 * @returns `Right(value)`, or `Left(InvalidOptions)` listing the allowed values.
 * @example
 * ```ts
 * Validate.oneOf('collapse', 'drop', ['reseed', 'drop', 'error']) // Right('drop')
 * ```
 * @category Validation
 * @since 0.2.0
 */
export const oneOf = <T extends string>(option: string, value: unknown, values: readonly T[]): E.Either<InvalidOptions, T> =>
  typeof value === 'string' && (values as readonly string[]).includes(value)
    ? E.right(value as T)
    : E.left(invalidOptions(option, `${option} must be one of ${values.map((v) => `'${v}'`).join(', ')}, got ${show(value)}`))

/**
 * An optional option: `undefined` gives `fallback`, anything else goes through `check`.
 *
 * @example
 * ```ts
 * const given: { restarts?: unknown } = {}
 * const restarts = Validate.optional(given.restarts, 1, (v) => Validate.integer('restarts', v, { min: 1 }))
 * ```
 * @category Validation
 * @since 0.2.0
 */
export const optional = <T, L>(value: unknown, fallback: T, check: (value: unknown) => E.Either<L, T>): E.Either<L, T> =>
  value === undefined ? E.right(fallback) : check(value)

/**
 * Whether a value is a non-null object (arrays included) — the first check on any input that the
 * types say is an object but a JavaScript caller may pass as anything.
 *
 * @category Validation
 * @since 0.2.0
 */
export const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null

/**
 * An object option that must provide the named methods (an `Rng`, an `AbortSignal`, …).
 *
 * @returns `Right(value)`, or `Left(InvalidOptions)` naming the first missing method.
 * @category Validation
 * @since 0.2.0
 */
export const methods = <T>(option: string, value: unknown, names: readonly string[]): E.Either<InvalidOptions, T> => {
  try {
    if (!isObject(value)) return E.left(invalidOptions(option, `${option} must be an object with ${names.join(', ')}, got ${show(value)}`))
    for (const name of names) {
      if (typeof (value as Record<string, unknown>)[name] !== 'function')
        return E.left(invalidOptions(option, `${option} must have a method ${name}, got ${show(value)} without one`))
    }
    return E.right(value as T)
  } catch (e) {
    return E.left(invalidOptions(option, `${option} could not be read: ${thrown(e)}`))
  }
}

/**
 * A callback option: a function.
 *
 * @returns `Right(value)`, or `Left(InvalidOptions)`.
 * @category Validation
 * @since 0.2.0
 */
export const callback = <T>(option: string, value: unknown): E.Either<InvalidOptions, T> =>
  typeof value === 'function' ? E.right(value as T) : E.left(invalidOptions(option, `${option} must be a function, got ${show(value)}`))

/**
 * An options argument: `undefined` (then `{}`) or a plain object.
 *
 * @returns `Right(options)`, or `Left(InvalidOptions)` (option `'options'`).
 * @category Validation
 * @since 0.2.0
 */
export const record = <T extends object>(option: string, value: T | undefined): E.Either<InvalidOptions, Partial<T>> => {
  if (value === undefined) return E.right({})
  if (!isObject(value) || Array.isArray(value)) return E.left(invalidOptions(option, `${option} must be an object, got ${show(value)}`))
  try {
    // A snapshot of the own fields, read once: later reads cannot throw or change (getters, proxies).
    return E.right({ ...value })
  } catch (e) {
    return E.left(invalidOptions(option, `${option} could not be read: ${thrown(e)}`))
  }
}

/**
 * Runs `f`, which reads a caller's input, turning anything it throws into a typed error: an
 * {@link EmException}'s own error, or `onThrow` of the exception's (bounded) message — a getter or
 * `Proxy` that throws, a value that cannot be converted to a number. Wrap input reading only, never
 * the computation, so that emkit's own bugs are not disguised as bad input.
 *
 * @category Validation
 * @since 0.2.0
 */
export const guard = <A>(f: () => E.Either<EmError, A>, onThrow: (message: string) => EmError): E.Either<EmError, A> => {
  try {
    return f()
  } catch (e) {
    if (e instanceof EmException) return E.left(e.error)
    return E.left(onThrow(thrown(e)))
  }
}

/**
 * A count of something (rows, columns, draws) given as the shape of an input: a safe integer ≥ 0.
 * `what` names it in the message, e.g. `'rows'`.
 *
 * @returns `Right(count)`, or `Left(InvalidData)`.
 * @category Validation
 * @since 0.2.0
 */
export const count = (what: string, value: unknown): E.Either<InvalidData, number> =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
    ? E.right(value)
    : E.left(invalidData(`${what} must be an integer ≥ 0, got ${show(value)}`))

/**
 * An in-memory shape `n × d`, checked before anything is allocated: both counts, and n·d at most
 * {@link MAX_VALUES}.
 *
 * @returns `Right([n, d])`, or `Left(InvalidData)` naming the count at fault or the size.
 * @category Validation
 * @since 0.2.0
 */
export const shape = (n: unknown, d: unknown): E.Either<InvalidData, readonly [number, number]> => {
  const rows = count('the number of rows', n)
  if (E.isLeft(rows)) return rows
  const columns = count('the number of columns', d)
  if (E.isLeft(columns)) return columns
  if (rows.right * columns.right > MAX_VALUES) {
    return E.left(
      invalidData(
        `${rows.right} × ${columns.right} values exceed the in-memory maximum of 2^30 (${MAX_VALUES}); read larger data in blocks through a RowSource (the stream engine)`,
      ),
    )
  }
  return E.right([rows.right, columns.right])
}

/**
 * A read-only array-like input (an array or typed array, or an object with a `length` that is a
 * safe integer ≥ 0).
 *
 * @returns `Right(value)` with its length, or `Left(InvalidData)` naming `what`.
 * @category Validation
 * @since 0.2.0
 */
export const arrayLike = (
  what: string,
  value: unknown,
): E.Either<InvalidData, { readonly value: ArrayLike<unknown>; readonly length: number }> => {
  try {
    if (typeof value !== 'object' || value === null) return E.left(invalidData(`${what} must be an array, got ${show(value)}`))
    const length: unknown = (value as { length?: unknown }).length
    if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0)
      return E.left(invalidData(`${what} must be an array (a length that is an integer ≥ 0), got ${show(value)}`))
    return E.right({ value: value as ArrayLike<unknown>, length })
  } catch (e) {
    return E.left(invalidData(`${what} could not be read: ${thrown(e)}`))
  }
}

/**
 * The message of something thrown by a caller's callback, a getter or a library we call, on one
 * line and bounded (200 characters) for an error message.
 *
 * @category Validation
 * @since 0.2.0
 */
export const thrown = (e: unknown): string => {
  try {
    if (!(e instanceof Error)) return show(e)
    const line = String(e.message).replace(/\s+/g, ' ')
    return line.length > 200 ? `${line.slice(0, 200)}…` : line
  } catch {
    return 'an exception that cannot be read'
  }
}

/**
 * Checks that an untrusted JSON value is within {@link MAX_JSON_DEPTH} levels of nesting and
 * {@link MAX_JSON_NODES} array elements and object fields, without recursion (so a value nested
 * 10 000 deep is refused, not a stack overflow) and in time linear in its size up to the limit.
 *
 * @returns `Right(undefined)`, or `Left(InvalidModel)` naming the path where the limit was crossed.
 * @category Validation
 * @since 0.2.0
 */
export const jsonBounds = (value: unknown): E.Either<InvalidModel, void> => {
  const stack: { readonly node: unknown; readonly depth: number; readonly path: string }[] = [{ node: value, depth: 0, path: '' }]
  let nodes = 0
  try {
    while (stack.length > 0) {
      const { node, depth, path } = stack.pop()!
      if (typeof node !== 'object' || node === null) continue
      if (depth >= MAX_JSON_DEPTH)
        return E.left(invalidModel(`the model is nested more than ${MAX_JSON_DEPTH} levels deep at ${path || '/'}`, path.slice(1)))
      const entries: [string, unknown][] = Array.isArray(node)
        ? node.map((v, i): [string, unknown] => [String(i), v])
        : Object.entries(node as Record<string, unknown>)
      nodes += entries.length
      if (nodes > MAX_JSON_NODES)
        return E.left(invalidModel(`the model has more than ${MAX_JSON_NODES} array elements and fields`, path.slice(1)))
      for (const [key, v] of entries)
        if (typeof v === 'object' && v !== null) stack.push({ node: v, depth: depth + 1, path: `${path}/${clip(key)}` })
    }
  } catch (e) {
    return E.left(invalidModel(`the model could not be read: ${thrown(e)}`))
  }
  return E.right(undefined)
}

/**
 * Runs `f`, turning an {@link EmException} it throws into a `Left` — the adapter between
 * throwing internals (or a caller's `…OrThrow` code) and the `Either` promise of the API.
 *
 * @category Validation
 * @since 0.2.0
 */
export const attempt = <A>(f: () => E.Either<EmError, A>): E.Either<EmError, A> => {
  try {
    return f()
  } catch (e) {
    if (e instanceof EmException) return E.left(e.error)
    throw e
  }
}
