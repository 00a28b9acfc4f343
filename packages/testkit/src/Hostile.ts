/**
 * Hostile and degenerate inputs for fuzzing an API that promises typed errors: values of the
 * wrong type, non-finite and extreme numbers, impossible shapes, ragged and nested rows, datasets
 * that are valid but degenerate (identical rows, huge or tiny scales, vanishing weights), option
 * objects with wrong values, corrupted parameters and model JSON values that are malformed,
 * nested deep or huge. Every arbitrary is small to generate (no case allocates more than a few
 * kilobytes, whatever shape it declares), so a fuzz run measures the API, not the generator.
 *
 * Use them with {@link Fuzz.run} (or plain fast-check) to hold your own family or model to the
 * promise of `docs/errors-and-guarantees.md`.
 *
 * @packageDocumentation
 */
import fc from 'fast-check'
import type { Dataset } from '@emkit/core'

/**
 * Numbers at the edges of double precision: ±0, the smallest subnormal, the largest double, NaN,
 * ±Infinity, 2⁵³ ± 1, and ordinary values.
 *
 * @category Fuzzing
 * @since 0.2.0
 */
export const extremeNumber = (): fc.Arbitrary<number> =>
  fc.oneof(
    fc.constantFrom(
      0,
      -0,
      5e-324,
      -5e-324,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      Number.NaN,
      Infinity,
      -Infinity,
      2 ** 53 + 1,
      1e308,
      1e-308,
    ),
    fc.double({ noNaN: false }),
    fc.integer({ min: -5, max: 5 }),
  )

/**
 * Anything at all where a number, array or object is expected: primitives of every type (bigints,
 * symbols, strings of numbers), `null`, `undefined`, functions, arrays, typed arrays, plain and
 * frozen objects, a `Proxy` that throws on every access, a getter that throws, and very long strings.
 *
 * @category Fuzzing
 * @since 0.2.0
 */
export const anything = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    extremeNumber(),
    fc.constantFrom<unknown>(null, undefined, true, false, '', '1', 'NaN', '1e999', 10n, -1n, Symbol('x'), [], {}, [[]], [null], [1, [2]]),
    fc.string({ maxLength: 8 }),
    fc.constant('x'.repeat(100_000)),
    fc.constant(() => 1),
    fc.constant(new Float64Array([1, Number.NaN])),
    fc.constant(throwingProxy()),
    fc.constant(throwingGetter()),
    fc.array(extremeNumber(), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('length', 'n', 'd', 'rows', 'columns', 'values', 'get'), extremeNumber(), { maxKeys: 3 }),
  )

/** A `Proxy` whose every property read, `in` test and key listing throws (for string keys). */
const throwingProxy = (): object =>
  new Proxy(
    {},
    {
      // Symbol keys answer normally, so that test frameworks can probe the value (fast-check's clone check).
      get: (_, key) => {
        if (typeof key === 'symbol') return undefined
        throw new Error('hostile proxy: get')
      },
      has: (_, key) => {
        if (typeof key === 'symbol') return false
        throw new Error('hostile proxy: has')
      },
      ownKeys: () => {
        throw new Error('hostile proxy: ownKeys')
      },
    },
  )

/** An object whose `length` getter throws. */
const throwingGetter = (): object =>
  Object.defineProperty({}, 'length', {
    get: () => {
      throw new Error('hostile getter')
    },
  })

/**
 * Shapes (row and column counts) as a caller might declare them: negative, fractional, NaN,
 * enormous (up to 10⁹ × 10⁹ — only declared, never allocated by the generator), of the wrong
 * type, or ordinary.
 *
 * @category Fuzzing
 * @since 0.2.0
 */
export const count = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.integer({ min: 0, max: 6 }),
    fc.constantFrom<unknown>(-1, 0.5, Number.NaN, Infinity, 1e9, 2 ** 31, 2 ** 53, null, undefined, '3', 3n),
  )

/** Small counts and invalid ones, never a huge valid one. */
const smallCount = (): fc.Arbitrary<unknown> =>
  fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constantFrom<unknown>(-1, 0.5, Number.NaN, Infinity, 2 ** 53, null, undefined, '3', 3n))

/**
 * Arrays of rows as a caller might pass them: ragged, nested, holding non-numbers, typed arrays,
 * `null` rows, empty, or valid (values from {@link extremeNumber}).
 *
 * @category Fuzzing
 * @since 0.2.0
 */
export const rows = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.array(fc.array(extremeNumber(), { minLength: 0, maxLength: 4 }), { maxLength: 8 }),
    fc.array(fc.array(fc.oneof(extremeNumber(), anything()), { minLength: 1, maxLength: 3 }), { maxLength: 5 }),
    fc.array(anything(), { maxLength: 4 }),
    anything(),
  )

/**
 * Matrix-like objects (`rows`, `columns`, `get`) with hostile shapes and cells; `get` may throw,
 * return non-numbers, or declare 10⁹ rows or columns whose first cell is already invalid (a
 * declared shape that is both huge and valid would be a legitimate request for gigabytes, not a
 * hostile input). `get` never allocates, so a fuzz case costs only what the function under test spends.
 *
 * @category Fuzzing
 * @since 0.2.0
 */
export const matrixLike = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc
      .record({ rows: smallCount(), columns: smallCount(), cell: fc.oneof(extremeNumber(), anything()) })
      .map(({ rows, columns, cell }) => ({
        rows,
        columns,
        get: () => cell,
      })),
    fc
      .record({ rows: count(), columns: count(), cell: fc.constantFrom<unknown>(Number.NaN, Infinity, null, '1', 1n) })
      .map(({ rows, columns, cell }) => ({
        rows,
        columns,
        get: () => cell,
      })),
    fc.record({ rows: count(), columns: count() }).map(({ rows, columns }) => ({
      rows,
      columns,
      get: () => {
        throw new Error('hostile get')
      },
    })),
    anything(),
  )

/**
 * Options of {@link dataset}.
 *
 * @category Fuzzing
 * @since 0.2.0
 */
export interface DatasetOptions {
  /** Columns d, or an arbitrary of them. Default 1 … 3. */
  readonly dimension?: fc.Arbitrary<number>
  /** Largest number of rows. Default 24. */
  readonly maxRows?: number
  /** Non-negative integer counts (for count families). Default false. */
  readonly counts?: boolean
}

/**
 * Valid but degenerate datasets: identical rows, two distinct values, huge (10¹⁵⁰) and tiny
 * (10⁻³⁰⁰) scales, offsets of 10¹², collinear columns, a single row, sample weights that are zero
 * but for one row, that are tiny (5e-324) or near the documented maximum total — alongside
 * ordinary data. With `counts`, values are non-negative integers up to 10¹⁵.
 *
 * @category Fuzzing
 * @since 0.2.0
 */
export const dataset = (options: DatasetOptions = {}): fc.Arbitrary<Dataset.Dataset> => {
  const dims = options.dimension ?? fc.integer({ min: 1, max: 3 })
  const maxRows = options.maxRows ?? 24
  const value = options.counts
    ? fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom(0, 1e6, 1e15))
    : fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), fc.constantFrom(0, 1e150, -1e150, 1e-300, 1e12 + 0.5, 1e12, 5e-324, 1e154))
  const weights = (n: number): fc.Arbitrary<Float64Array | undefined> =>
    fc.oneof(
      fc.constant(undefined),
      fc
        .array(fc.oneof(fc.double({ min: 0, max: 5, noNaN: true }), fc.constantFrom(0, 5e-324, 1e15)), { minLength: n, maxLength: n })
        .map((w) => {
          const out = Float64Array.from(w)
          if (!out.some((x) => x > 0)) out[0] = 1
          return out
        }),
    )
  return fc
    .record({ d: dims, n: fc.integer({ min: 1, max: maxRows }), kind: fc.constantFrom('free', 'identical', 'two', 'collinear') })
    .chain(({ d, n, kind }) =>
      fc
        .record({ cells: fc.array(value, { minLength: n * d, maxLength: n * d }), sampleWeights: weights(n) })
        .map(({ cells, sampleWeights }) => {
          const values = Float64Array.from(cells)
          for (let i = 0; i < n; i++) {
            for (let c = 0; c < d; c++) {
              if (kind === 'identical') values[i * d + c] = values[c]!
              else if (kind === 'two') values[i * d + c] = values[(i % 2) * d + c] ?? values[c]!
              else if (kind === 'collinear' && c > 0) values[i * d + c] = values[i * d]!
            }
          }
          const data: { n: number; d: number; values: Float64Array; sampleWeights?: Float64Array } = { n, d, values }
          if (sampleWeights !== undefined) data.sampleWeights = sampleWeights
          return data
        }),
    )
}

/**
 * An options object for an API: each known option absent (4 in 15; never for `required` ones), a valid value drawn from
 * `valid` (10 in 15) or a hostile value from {@link anything} (1 in 15) — and, in 1 case in 13,
 * an options argument that is not a plain object at all (anything, a throwing `Proxy` included).
 *
 * @param valid - for each option name, an arbitrary of values the API should accept.
 * @param required - option names that are never left out (left out they would only test the
 *   "missing option" error, over and over).
 * @category Fuzzing
 * @since 0.2.0
 */
export const options = (
  valid: Readonly<Record<string, fc.Arbitrary<unknown>>>,
  required: readonly string[] = [],
): fc.Arbitrary<unknown> => {
  const fields = Object.fromEntries(
    Object.entries(valid).map(([key, arb]) => [
      key,
      fc.oneof(
        { weight: required.includes(key) ? 0 : 4, arbitrary: fc.constant(undefined) },
        { weight: 10, arbitrary: arb },
        { weight: 1, arbitrary: anything() },
      ),
    ]),
  )
  return fc.oneof(
    { weight: 12, arbitrary: fc.record(fields).map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))) },
    { weight: 1, arbitrary: anything() },
  )
}

/**
 * Model JSON values derived from a valid one: fields deleted, replaced by hostile values, numbers
 * made non-finite or negative, arrays truncated or extended, a field nested 10 000 deep, and
 * values that are not objects at all.
 *
 * @param valid - a valid model JSON value (e.g. `Mixture.toJSON` of a fitted model, parsed).
 * @category Fuzzing
 * @since 0.2.0
 */
export const modelJson = (valid: unknown): fc.Arbitrary<unknown> => {
  const paths = jsonPaths(valid)
  const deep = (depth: number): unknown => {
    let v: unknown = 1
    for (let i = 0; i < depth; i++) v = [v]
    return v
  }
  return fc.oneof(
    fc.constant(valid),
    fc
      .record({ path: fc.constantFrom(...paths), value: fc.oneof(anything(), fc.constant(deep(10_000))) })
      .map(({ path, value }) => replaceAt(valid, path, value)),
    fc.record({ path: fc.constantFrom(...paths) }).map(({ path }) => replaceAt(valid, path, undefined)),
    anything(),
  )
}

/** Every path (list of keys) in a JSON value, the root included, at most 200. */
const jsonPaths = (value: unknown): Array<readonly string[]> => {
  const out: Array<readonly string[]> = [[]]
  const walk = (v: unknown, path: readonly string[]): void => {
    if (out.length >= 200 || typeof v !== 'object' || v === null) return
    for (const [key, child] of Object.entries(v)) {
      out.push([...path, key])
      walk(child, [...path, key])
    }
  }
  walk(value, [])
  return out
}

/** A deep copy of `value` with the node at `path` replaced by `replacement` (deleted when `undefined`). */
const replaceAt = (value: unknown, path: readonly string[], replacement: unknown): unknown => {
  if (path.length === 0) return replacement
  const copy: unknown = structuredClone(value)
  let node = copy as Record<string, unknown>
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>
  const last = path[path.length - 1]!
  if (replacement === undefined) delete node[last]
  else node[last] = replacement
  return copy
}

/**
 * Mixture parameters corrupted from valid ones: a weight made negative, NaN or above 1, weights
 * that do not sum to 1, a component removed, duplicated or replaced by a hostile value, `null`
 * parameters — and the valid parameters themselves.
 *
 * @category Fuzzing
 * @since 0.2.0
 */
export const params = <P extends { readonly weights: Float64Array; readonly components: readonly unknown[] }>(
  valid: P,
): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(valid) },
    {
      weight: 1,
      arbitrary: fc.record({ j: fc.nat(), x: extremeNumber() }).map(({ j, x }) => {
        const weights = Float64Array.from(valid.weights)
        weights[j % weights.length] = x
        return { ...valid, weights }
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom<(p: P) => unknown>(
          (p) => ({ ...p, components: p.components.slice(1) }),
          (p) => ({ ...p, components: [...p.components, p.components[0]] }),
          (p) => ({ ...p, weights: new Float64Array(0), components: [] }),
          (p) => ({ ...p, weights: Array.from(p.weights) }),
          () => null,
          (p) => ({ weights: p.weights }),
        )
        .map((f) => f(valid)),
    },
    { weight: 1, arbitrary: anything().map((c) => ({ ...valid, components: valid.components.map((x, j) => (j === 0 ? c : x)) })) },
  )
