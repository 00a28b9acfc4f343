/**
 * SQL dialects: how identifiers, strings and numbers are written, and the few functions whose
 * spelling or behaviour differs between engines. Two are shipped, each tested against a real engine
 * here: {@link duckdb} (embedded, `@duckdb/node-api`) and {@link postgres} (PostgreSQL 15).
 *
 * @packageDocumentation
 */
import type { SqlExpressions } from '@emkit/core'

/**
 * A SQL dialect. Every string it returns is SQL text in which user input appears only as a quoted
 * identifier ({@link Dialect.identifier}) or a quoted string literal ({@link Dialect.string}).
 *
 * @category SQL
 * @since 0.2.0
 */
export interface Dialect extends SqlExpressions {
  /** `'duckdb'` or `'postgres'`. */
  readonly name: 'duckdb' | 'postgres'
  /** The longest identifier in UTF-8 bytes the engine keeps whole (PostgreSQL truncates at 63), or `Infinity`. */
  readonly maxIdentifierBytes: number
  /** The double-precision type name. */
  readonly double: string
  /**
   * Appended to every common table expression's query: PostgreSQL's `OFFSET 0`, which keeps the
   * planner from inlining a chain of CTEs into every aggregate argument (measured 100× slower
   * without it); empty for DuckDB, which computes each CTE once.
   */
  readonly fence: string
  /** Statements run once when a source is bound (PostgreSQL: `SET jit = off`, whose compilation of a wide query can take minutes). */
  readonly setup: readonly string[]
  /**
   * A responsibility exp(e) for e ≤ 0, written as exactly 0 below the dialect's floor: PostgreSQL
   * raises an error when a product of non-zero doubles underflows to 0, so responsibilities below
   * e^−230 ≈ 1e-100 (which change no sum by a representable amount next to any that counts) are 0
   * there; DuckDB keeps everything down to exp's own underflow (e^−745).
   */
  responsibility(e: string): string
  /** An identifier, double-quoted with embedded quotes doubled (the caller has refused NUL). */
  identifier(name: string): string
  /** A string literal, single-quoted with embedded quotes doubled. */
  string(text: string): string
  /** An array (list) of expressions: one column of the single result row. */
  array(items: readonly string[]): string
  /** The greatest of one or more expressions. */
  greatest(items: readonly string[]): string
  /** An aggregate collecting `item` over the rows into an array, in the order of `orderBy`. */
  collect(item: string, orderBy: string): string
  /** A pseudo-random key in [0, 2³²) for a sample, determined by the row's values and `seed` (an integer expression). */
  sampleKey(columns: readonly string[], seed: number): string
}

/** A finite double with 17 significant digits in exponent form: it reads back to the same double. */
const exponent = (x: number): string => {
  if (Number.isNaN(x)) throw new RangeError('NaN has no SQL literal')
  return x.toExponential(16)
}

/** Stirling's series for log Γ(y), y ≥ 24, with the Bernoulli terms of the multinomial package's log-gamma. */
const stirling = (y: string, num: (x: number) => string, ln: (e: string) => string): string => {
  const r = `(${num(1)} / ${y})`
  const r2 = `(${r} * ${r})`
  const coefficients = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156]
  let series = num(coefficients[coefficients.length - 1]!)
  for (let t = coefficients.length - 2; t >= 0; t--) series = `(${num(coefficients[t]!)} + ${r2} * ${series})`
  return `((${y} - ${num(0.5)}) * ${ln(y)} - ${y} + ${num(0.5 * Math.log(2 * Math.PI))} + ${r} * ${series})`
}

/** log(e!): exact below 23 (the factorial of an integer ≤ 22 is an exact double), Stirling's series above. */
const logFactorialOf = (e: string, double: string, integer: string, num: (x: number) => string, ln: (e: string) => string): string =>
  `(CASE WHEN ${e} < ${num(23)} THEN ${ln(`CAST(factorial(CAST(${e} AS ${integer})) AS ${double})`)} ELSE ${stirling(`(${e} + ${num(1)})`, num, ln)} END)`

const quoteWith = (q: string) => (text: string) => `${q}${text.split(q).join(q + q)}${q}`

/** The lower clamp of exp's argument: exp(−700) ≈ 1e-304 is still a normal double. */
const EXP_FLOOR = -700

/**
 * DuckDB (the embedded default: no server; reads CSV and Parquet out of core with `read_csv` and
 * `read_parquet`). Quirks it handles: `0.5` is a DECIMAL literal while `5e-1` is a DOUBLE (every
 * constant is written in exponent form); `ln(0)` is an error (never written); CTEs are computed once
 * (no fence needed).
 *
 * @category SQL
 * @since 0.2.0
 */
export const duckdb: Dialect = (() => {
  const number = (x: number): string =>
    Number.isFinite(x) ? `(${exponent(x)})` : x > 0 ? `CAST('inf' AS DOUBLE)` : x < 0 ? `CAST('-inf' AS DOUBLE)` : `(${exponent(x)})`
  const ln = (e: string): string => `ln(${e})`
  return {
    name: 'duckdb',
    maxIdentifierBytes: Infinity,
    double: 'DOUBLE',
    fence: '',
    setup: [],
    identifier: quoteWith('"'),
    string: quoteWith("'"),
    number,
    ln,
    // DuckDB's exp underflows to 0 without an error: no clamp (measured: the clamps cost a quarter of a pass).
    exp: (e) => `exp(${e})`,
    responsibility: (e) => `exp(${e})`,
    logFactorial: (e) => logFactorialOf(e, 'DOUBLE', 'INTEGER', number, ln),
    array: (items) => `[${items.join(', ')}]`,
    greatest: (items) => (items.length === 1 ? items[0]! : `greatest(${items.join(', ')})`),
    collect: (item, orderBy) => `list(${item} ORDER BY ${orderBy})`,
    sampleKey: (columns, seed) => `(hash(${[...columns, number(seed)].join(', ')}) % 4294967296)`,
  }
})()

/**
 * PostgreSQL (tested on 15, Debian's package). Quirks it handles: `exp()` raises an error on
 * underflow (its argument is clamped at −700), and so does a product of non-zero doubles that
 * underflows to 0 (responsibilities below e^−230 are written as 0; data whose squares underflow,
 * |x| < 1e-154, fail with `EngineFailure`); `ln(0)` is an error (never written), a select list
 * holds at most 1 664 entries (the statistics come back in one array column), the planner inlines a
 * chain of CTEs into every aggregate argument unless each is fenced (`OFFSET 0`), JIT compilation of
 * a wide query can take minutes (`SET jit = off` when a source is bound), identifiers longer than 63
 * bytes are truncated (refused here), and numeric constants are NUMERIC unless cast (`::float8`).
 *
 * @category SQL
 * @since 0.2.0
 */
export const postgres: Dialect = (() => {
  const number = (x: number): string =>
    Number.isFinite(x) ? `(${exponent(x)}::float8)` : x > 0 ? `('Infinity'::float8)` : x < 0 ? `('-Infinity'::float8)` : `(${exponent(x)})`
  const ln = (e: string): string => `ln(${e})`
  return {
    name: 'postgres',
    maxIdentifierBytes: 63,
    double: 'double precision',
    fence: ' OFFSET 0',
    setup: ['SET jit = off'],
    identifier: quoteWith('"'),
    string: quoteWith("'"),
    number,
    ln,
    exp: (e) => `exp(greatest(${e}, ${number(EXP_FLOOR)}))`,
    responsibility: (e) => `(CASE WHEN ${e} < ${number(-230)} THEN ${number(0)} ELSE exp(${e}) END)`,
    logFactorial: (e) => logFactorialOf(e, 'double precision', 'bigint', number, ln),
    array: (items) => `ARRAY[${items.join(', ')}]::float8[]`,
    greatest: (items) => (items.length === 1 ? items[0]! : `greatest(${items.join(', ')})`),
    collect: (item, orderBy) => `array_agg(${item} ORDER BY ${orderBy})`,
    sampleKey: (columns, seed) =>
      `CAST(CAST(('x' || substr(md5(CAST(ROW(${columns.join(', ')}) AS text) || ${quoteWith("'")(String(seed))}), 1, 8)) AS bit(32)) AS bigint) & 4294967295`,
  }
})()

/**
 * The dialects by name.
 *
 * @category SQL
 * @since 0.2.0
 */
export const DIALECTS: Readonly<Record<Dialect['name'], Dialect>> = { duckdb, postgres }
