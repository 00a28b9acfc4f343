/**
 * A small, documented subset of R's model formulas, parsed into design columns.
 *
 * Grammar (whitespace is free):
 * ```
 * formula  = response "~" rhs
 * rhs      = term { ("+" | "-") term }
 * term     = "1" | "0" | factor { ":" factor }
 * factor   = name | "I(" name "^" integer ")"
 * ```
 * The intercept is in by default; `- 1` or `+ 0` drops it (`+ 1` keeps it). `a:b` is the product of
 * the two columns, `I(x^2)` the power of one column (integer powers 1…10). Names are column names
 * of the data (letters, digits, `_` and `.`, not starting with a digit). Anything else — `*`,
 * factors, functions other than `I(…)`, `.` — is refused with the position at fault.
 *
 * @module
 */
import { either as E } from 'fp-ts'
import type { EmError } from '../Errors.js'
import { invalidOptions } from '../Errors.js'

/**
 * One design column: the product of powers of data columns (empty for the intercept).
 *
 * @category Data
 * @since 0.2.0
 */
export interface Term {
  /** The column's name as R writes it: `(Intercept)`, `x`, `I(x^2)`, `x:z`. */
  readonly name: string
  /** The factors: data column names with their integer powers (empty for the intercept). */
  readonly factors: ReadonlyArray<{ readonly column: string; readonly power: number }>
}

/**
 * A parsed formula: the response column and the design terms, intercept first when present.
 *
 * @category Data
 * @since 0.2.0
 */
export interface Formula {
  /** The formula as given, trimmed. */
  readonly source: string
  /** The response's column name. */
  readonly response: string
  /** The design terms in order, `(Intercept)` first when the formula keeps it. */
  readonly terms: readonly Term[]
}

/** The intercept's name, as R writes it. @category Data @since 0.2.0 */
export const INTERCEPT = '(Intercept)'

const NAME = /^[A-Za-z_.][A-Za-z0-9_.]*/

const fail = (source: string, at: number, why: string): E.Either<EmError, never> =>
  E.left(invalidOptions('formula', `formula "${source}" at character ${at + 1}: ${why}`))

/**
 * Parses a formula such as `yn ~ x + I(x^2)` (see the module's grammar).
 *
 * @param source - the formula text.
 * @returns the response and the terms, or `Left(InvalidOptions)` (option `formula`) naming the
 *   character at fault.
 * @example
 * ```ts
 * import { either as E } from 'fp-ts'
 * const f = Regression.parseFormula('yn ~ x + I(x^2)')
 * if (E.isRight(f)) f.right.terms.map((t) => t.name) // ['(Intercept)', 'x', 'I(x^2)']
 * ```
 * @category Data
 * @since 0.2.0
 */
export const parseFormula = (source: string): E.Either<EmError, Formula> => {
  if (typeof source !== 'string') return E.left(invalidOptions('formula', `the formula must be a string, got ${typeof source}`))
  const text = source.trim()
  const tilde = text.indexOf('~')
  if (tilde < 0) return fail(text, 0, 'expected "response ~ terms"')
  const response = text.slice(0, tilde).trim()
  if (!NAME.test(response) || NAME.exec(response)![0] !== response)
    return fail(text, 0, `the response must be one column name, got "${response}"`)
  let pos = tilde + 1
  const skip = (): void => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++
  }
  let intercept = true
  const terms: Term[] = []
  let sign = 1
  let expectTerm = true
  while (true) {
    skip()
    if (pos >= text.length) break
    if (!expectTerm) {
      const c = text[pos]!
      if (c !== '+' && c !== '-') return fail(text, pos, `expected "+" or "-", got "${c}"`)
      sign = c === '+' ? 1 : -1
      pos++
      expectTerm = true
      continue
    }
    if (text[pos] === '0' || text[pos] === '1') {
      const digit = text[pos]!
      pos++
      if (pos < text.length && /[0-9A-Za-z_.]/.test(text[pos]!)) return fail(text, pos - 1, 'only 0 and 1 may stand alone as terms')
      intercept = (digit === '1') === (sign === 1)
      expectTerm = false
      continue
    }
    if (sign < 0) return fail(text, pos, 'only the intercept can be removed ("- 1")')
    const factors: Array<{ column: string; power: number }> = []
    const names: string[] = []
    while (true) {
      skip()
      const rest = text.slice(pos)
      if (rest.startsWith('I(')) {
        pos += 2
        skip()
        const m = NAME.exec(text.slice(pos))
        if (m === null) return fail(text, pos, 'expected a column name inside I(…)')
        pos += m[0].length
        skip()
        if (text[pos] !== '^') return fail(text, pos, 'only I(name^power) is supported inside I(…)')
        pos++
        skip()
        const p = /^[0-9]+/.exec(text.slice(pos))
        if (p === null) return fail(text, pos, 'expected an integer power')
        const power = Number(p[0])
        if (power < 1 || power > 10) return fail(text, pos, `the power must be 1…10, got ${power}`)
        pos += p[0].length
        skip()
        if (text[pos] !== ')') return fail(text, pos, 'expected ")"')
        pos++
        factors.push({ column: m[0], power })
        names.push(power === 1 ? m[0] : `I(${m[0]}^${power})`)
      } else {
        const m = NAME.exec(rest)
        if (m === null) return fail(text, pos, `expected a column name, I(name^power), 0 or 1, got "${rest.slice(0, 10)}"`)
        if (text[pos + m[0].length] === '(') return fail(text, pos, `function ${m[0]}(…) is not supported; only I(name^power)`)
        pos += m[0].length
        factors.push({ column: m[0], power: 1 })
        names.push(m[0])
      }
      skip()
      if (text[pos] === ':') {
        pos++
        continue
      }
      break
    }
    const name = names.join(':')
    if (!terms.some((t) => t.name === name)) terms.push({ name, factors })
    expectTerm = false
  }
  if (expectTerm && terms.length === 0 && !intercept) return fail(text, pos, 'no terms')
  if (expectTerm && pos >= text.length && text.trimEnd().length > tilde + 1 && /[+-]$/.test(text.trimEnd()))
    return fail(text, text.length - 1, 'a term is missing after the last operator')
  const all = intercept ? [{ name: INTERCEPT, factors: [] }, ...terms] : terms
  if (all.length === 0) return fail(text, pos, 'the formula has no terms (not even the intercept)')
  return E.right({ source: text, response, terms: all })
}

/**
 * Fills the design matrix of `terms` from named columns: row i, term t at `out[i * p + t]`.
 *
 * @param terms - the design terms (from {@link parseFormula}).
 * @param column - the values of a data column by name (length n), or `undefined` when absent.
 * @param n - the number of rows.
 * @returns the row-major n × p design, or `Left(InvalidOptions)` naming the missing column.
 * @category Data
 * @since 0.2.0
 */
export const designMatrix = (
  terms: readonly Term[],
  column: (name: string) => Float64Array | undefined,
  n: number,
): E.Either<EmError, Float64Array> => {
  const p = terms.length
  const out = new Float64Array(n * p)
  for (let t = 0; t < p; t++) {
    const term = terms[t]!
    for (let i = 0; i < n; i++) out[i * p + t] = 1
    for (const f of term.factors) {
      const values = column(f.column)
      if (values === undefined) return E.left(invalidOptions('formula', `term ${term.name}: no column named "${f.column}" in the data`))
      for (let i = 0; i < n; i++) {
        let v = values[i]!
        for (let e = 1; e < f.power; e++) v *= values[i]!
        out[i * p + t] = out[i * p + t]! * v
      }
    }
  }
  return E.right(out)
}
