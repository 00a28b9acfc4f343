/**
 * The value of `--family`, parsed: a built-in family (`poisson`, `gaussian/diag`), the path of a
 * JavaScript module that exports a family (`./my-family.js`), or a product over columns
 * (`gaussian:x,y+poisson:n+bernoulli:b`). Parsing is syntax only; the columns are resolved against
 * the data's ({@link resolveColumns}) and modules are loaded ({@link FamilyModule}) later.
 *
 * The rules, in order:
 * 1. a value holding `:` is a product: parts separated by `+`, each `FAMILY:COLUMNS`, where FAMILY
 *    is a built-in name, `gaussian/STRUCTURE`, or a module path, and COLUMNS a comma-separated list
 *    of header names or 0-based indices;
 * 2. a built-in name, or `gaussian/STRUCTURE` (`full`, `diag`, `spherical`, `tied`);
 * 3. a path ending in `.js` or `.mjs`: a family module (relative to the working directory, or
 *    absolute).
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { CliError } from './Failure.js'
import { dataError, usageError } from './Failure.js'
import type { Covariance, FamilyName } from './Families.js'
import { COVARIANCES, FAMILIES } from './Families.js'

/**
 * A built-in family, with the Gaussian structure when written `gaussian/STRUCTURE`.
 *
 * @category Families
 * @since 0.2.0
 */
export interface BuiltinArgument {
  readonly kind: 'builtin'
  /** The family. */
  readonly name: FamilyName
  /** The covariance structure written after `gaussian/`. */
  readonly covariance?: Covariance
}

/**
 * A family module: the path as written.
 *
 * @category Families
 * @since 0.2.0
 */
export interface ModuleArgument {
  readonly kind: 'module'
  /** The path as given (relative to the working directory, or absolute). */
  readonly path: string
}

/**
 * One part of a product: a family over some columns.
 *
 * @category Families
 * @since 0.2.0
 */
export interface PartArgument {
  /** The part's family. */
  readonly family: BuiltinArgument | ModuleArgument
  /** Its columns, as written: header names, or 0-based indices (numbers) into the columns read. */
  readonly columns: ReadonlyArray<string | number>
  /** The part as written, for messages. */
  readonly text: string
}

/**
 * A product family over groups of columns.
 *
 * @category Families
 * @since 0.2.0
 */
export interface ProductArgument {
  readonly kind: 'product'
  /** The parts, in order (at least one). */
  readonly parts: readonly PartArgument[]
}

/**
 * A parsed `--family` value.
 *
 * @category Families
 * @since 0.2.0
 */
export type FamilyArgument = BuiltinArgument | ModuleArgument | ProductArgument

/** Whether a string names a family module (a `.js` or `.mjs` file). */
const MODULE = /\.m?js$/i

/** The choices, for messages. */
const CHOICES = `${FAMILIES.join(', ')}, a product such as gaussian:x,y+poisson:n, or a path to a family module (./my-family.js)`

/** A built-in name, `gaussian/STRUCTURE` or a module path; `Left` with a message otherwise. */
const single = (text: string, inPart: boolean): E.Either<string, BuiltinArgument | ModuleArgument> => {
  const s = text.trim()
  if (s === '') return E.left(inPart ? 'a part has no family before its ":"' : 'the family is empty')
  if ((FAMILIES as readonly string[]).includes(s)) return E.right({ kind: 'builtin', name: s as FamilyName })
  const slash = /^([a-z]+)\/([a-z]+)$/.exec(s)
  if (slash !== null && (FAMILIES as readonly string[]).includes(slash[1]!)) {
    if (slash[1] !== 'gaussian') return E.left(`${JSON.stringify(s)}: only gaussian takes a structure after "/"`)
    if (!(COVARIANCES as readonly string[]).includes(slash[2]!))
      return E.left(`${JSON.stringify(s)}: unknown covariance structure ${JSON.stringify(slash[2])}; choose from ${COVARIANCES.join(', ')}`)
    return E.right({ kind: 'builtin', name: 'gaussian', covariance: slash[2] as Covariance })
  }
  if (s === 'product') return E.left('"product" is written as its parts, e.g. gaussian:x,y+poisson:n')
  if (MODULE.test(s)) return E.right({ kind: 'module', path: s })
  return E.left(`unknown family ${JSON.stringify(s)}; choose ${CHOICES}`)
}

/** The ordinal of a part, for messages: 1st, 2nd, 3rd, 4th… */
const ordinal = (i: number): string => {
  const n = i + 1
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')
  return `${n}${suffix}`
}

/**
 * Parses a `--family` value (syntax only: columns are resolved against the data later).
 *
 * @returns the argument, or a one-line reason (a usage error): an unknown family, a structure
 *   after a family other than gaussian, an empty part, a part without columns, an empty column, or
 *   a column written twice.
 * @example
 * ```ts
 * FamilyArgument.parseFamily('gaussian/diag:x,y+poisson:2') // Right({ kind: 'product', parts: [ … ] })
 * ```
 * @category Families
 * @since 0.2.0
 */
export const parseFamily = (text: string): E.Either<string, FamilyArgument> => {
  if (!text.includes(':')) return single(text, false)
  const parts: PartArgument[] = []
  const seen = new Map<string, number>()
  const pieces = text.split('+')
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!.trim()
    if (piece === '') return E.left(`the ${ordinal(i)} part of the product ${JSON.stringify(text)} is empty`)
    const colon = piece.indexOf(':')
    if (colon < 0)
      return E.left(
        `the part ${JSON.stringify(piece)} has no columns: write FAMILY:COLUMNS, e.g. ${piece}:x,y (columns by name or 0-based index)`,
      )
    const family = single(piece.slice(0, colon), true)
    if (E.isLeft(family)) return E.left(`the part ${JSON.stringify(piece)}: ${family.left}`)
    const written = piece.slice(colon + 1)
    if (written.trim() === '') return E.left(`the part ${JSON.stringify(piece)} has no columns after ":"`)
    const columns: Array<string | number> = []
    for (const raw of written.split(',')) {
      const c = raw.trim()
      if (c === '') return E.left(`the part ${JSON.stringify(piece)} has an empty column name`)
      const key = /^\d+$/.test(c) ? String(Number(c)) : c
      const other = seen.get(key)
      if (other !== undefined)
        return E.left(
          other === i
            ? `the part ${JSON.stringify(piece)} names column ${c} twice`
            : `column ${c} is used by two parts (the ${ordinal(other)} and the ${ordinal(i)}); each column belongs to one part`,
        )
      seen.set(key, i)
      columns.push(/^\d+$/.test(c) ? Number(c) : c)
    }
    parts.push({ family: family.right, columns, text: piece })
  }
  return E.right({ kind: 'product', parts })
}

/**
 * The product's columns resolved against the columns read: for every part, the 0-based indices
 * into `columns`.
 *
 * @param product the parsed product.
 * @param file the data's name, for messages.
 * @param columns the names of the columns read (the header's, or `x1 … xd` without one).
 * @returns the indices per part, or `Left` (exit code 1) naming an unknown column, an index out
 *   of range, or a column reached twice (once by name and once by index).
 * @category Families
 * @since 0.2.0
 */
export const resolveColumns = (product: ProductArgument, file: string, columns: readonly string[]): E.Either<CliError, number[][]> => {
  const owner = new Map<number, number>()
  const out: number[][] = []
  for (let p = 0; p < product.parts.length; p++) {
    const part = product.parts[p]!
    const idx: number[] = []
    for (const c of part.columns) {
      let i: number
      if (typeof c === 'number') {
        if (c >= columns.length)
          return E.left(
            dataError(
              `--family part ${JSON.stringify(part.text)}: column index ${c} is out of range; ${file} has ${columns.length} column${columns.length === 1 ? '' : 's'} (0 … ${columns.length - 1}: ${columns.join(', ')})`,
            ),
          )
        i = c
      } else {
        i = columns.indexOf(c)
        if (i < 0)
          return E.left(
            dataError(
              `--family part ${JSON.stringify(part.text)}: ${file} has no column named ${JSON.stringify(c)} (columns: ${columns.join(', ')})`,
            ),
          )
      }
      const other = owner.get(i)
      if (other !== undefined)
        return E.left(
          usageError(
            `--family: column ${JSON.stringify(columns[i])} is used twice (by the ${ordinal(other)} part and by the ${ordinal(p)}); each column belongs to one part`,
          ),
        )
      owner.set(i, p)
      idx.push(i)
    }
    out.push(idx)
  }
  return E.right(out)
}

/**
 * The header names a product reads, when every column is written by name (then only those columns
 * are read, in the parts' order); `undefined` when some column is an index (then the columns read
 * are the file's, or `--columns`').
 *
 * @category Families
 * @since 0.2.0
 */
export const productNames = (product: ProductArgument): string[] | undefined => {
  const names: string[] = []
  for (const part of product.parts) for (const c of part.columns) if (typeof c === 'number') return undefined
  for (const part of product.parts) for (const c of part.columns) names.push(c as string)
  return names
}

/**
 * The label of a parsed argument, for messages: `poisson`, `gaussian/diag`, `./my.js`, or the product as
 * written.
 *
 * @category Families
 * @since 0.2.0
 */
export const argumentLabel = (a: FamilyArgument): string =>
  a.kind === 'builtin'
    ? a.covariance === undefined
      ? a.name
      : `${a.name}/${a.covariance}`
    : a.kind === 'module'
      ? a.path
      : a.parts.map((p) => p.text).join('+')
