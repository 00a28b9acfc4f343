/**
 * Family modules: a user's JavaScript module that exports a component family, loaded by
 * `--family ./my-family.js`.
 *
 * **The contract.** The module is an ES module (`.js` in a package with `"type": "module"`, or
 * `.mjs`), loaded with `import()` of its file URL. Its named export `family`, or else its default
 * export, is either
 * - a `ComponentFamily` object, or
 * - a function that, called with no arguments, returns one (a factory such as `Poisson.family`,
 *   whose options are optional).
 *
 * A module with neither may instead export exactly one `ComponentFamily` object under any name
 * (`export const poisson = Family.define(…)`); that one is used.
 *
 * The object must have `name` (a non-empty string other than `"product"`), `variant` (an object of
 * strings) and the functions `checkData`, `logDensityInto`, `statistics`, `summarize`, `weight`,
 * `estimate`, `freeParameters`, `dimension`, `toJSON`, `fromJSON`, `toVector` and `validate`; the
 * optional members (`sample`, `logBaseMeasure`, `scale`, `logPrior`, …), when present, must be
 * functions. Anything else is a usage error (exit code 2) in one line naming the file and what it
 * found.
 *
 * @packageDocumentation
 */
import { existsSync, statSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { either as E } from 'fp-ts'
import type { CliError } from './Failure.js'
import { readFailureReason, usageError } from './Failure.js'
import type { AnyFamily } from './Families.js'

/**
 * A family loaded from a module.
 *
 * @category Families
 * @since 0.2.0
 */
export interface FamilyModule {
  /** The path as given on the command line. */
  readonly path: string
  /** The absolute file URL it was loaded from. */
  readonly url: string
  /** The family it exports. */
  readonly family: AnyFamily
}

/**
 * The members every component family has, and their kinds.
 *
 * @category Families
 * @since 0.2.0
 */
export const REQUIRED_FUNCTIONS = [
  'checkData',
  'logDensityInto',
  'statistics',
  'summarize',
  'weight',
  'estimate',
  'freeParameters',
  'dimension',
  'toJSON',
  'fromJSON',
  'toVector',
  'validate',
] as const

/**
 * The optional members that, when present, must be functions.
 *
 * @category Families
 * @since 0.2.0
 */
export const OPTIONAL_FUNCTIONS = [
  'logBaseMeasure',
  'scale',
  'logPrior',
  'sample',
  'toUnconstrained',
  'fromUnconstrained',
  'derivatives',
  'initialResponsibilities',
  'degenerate',
] as const

/** What the contract asks for, in the words of the error messages. */
const EXPECTED =
  'expected the named export "family" or the default export to be a component family (an object with name, variant and the ComponentFamily functions) or a function of no arguments returning one'

/** A short description of a value, for messages. */
const describe = (x: unknown): string => {
  if (x === null) return 'null'
  if (Array.isArray(x)) return 'an array'
  if (typeof x === 'function') return 'a function'
  if (typeof x === 'object') return 'an object'
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x)}`
  if (typeof x === 'undefined') return 'undefined'
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') return `the ${typeof x} ${String(x)}`
  return `a ${typeof x}`
}

/** At most `n` items of a list, then "and m more". */
const some = (items: readonly string[], n = 4): string =>
  items.length <= n ? items.join(', ') : `${items.slice(0, n).join(', ')} and ${items.length - n} more`

/**
 * Why a value is not a component family: `undefined` when it is one (structurally), else the
 * problems in a few words.
 *
 * @example
 * ```ts
 * FamilyModule.notAFamily({ name: 'x' }) // 'an object without variant (an object of strings), checkData, logDensityInto, statistics and 9 more (functions)'
 * ```
 * @category Families
 * @since 0.2.0
 */
export const notAFamily = (x: unknown): string | undefined => {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return describe(x)
  const o = x as Record<string, unknown>
  const problems: string[] = []
  const name = o['name']
  if (typeof name !== 'string' || name.trim() === '') problems.push('name (a non-empty string)')
  const variant = o['variant']
  if (
    typeof variant !== 'object' ||
    variant === null ||
    Array.isArray(variant) ||
    !Object.values(variant as Record<string, unknown>).every((v) => typeof v === 'string')
  )
    problems.push('variant (an object of strings)')
  const missing = REQUIRED_FUNCTIONS.filter((f) => typeof o[f] !== 'function')
  const wrong = OPTIONAL_FUNCTIONS.filter((f) => o[f] !== undefined && typeof o[f] !== 'function')
  if (missing.length > 0) problems.push(`${some(missing)} (function${missing.length === 1 ? '' : 's'})`)
  if (problems.length > 0) return `an object without ${problems.join(', ')}`
  if (wrong.length > 0) return `an object whose ${some(wrong)} ${wrong.length === 1 ? 'is not a function' : 'are not functions'}`
  if (name === 'product') return 'a family named "product", which is the name of the built-in product of families; rename it'
  return undefined
}

/** The first line of an error's message, bounded. */
const oneLine = (e: unknown): string => {
  const text = e instanceof Error ? e.message : String(e)
  const first = text.split('\n').find((l) => l.trim() !== '') ?? text
  return first.length > 300 ? `${first.slice(0, 300)}…` : first
}

/**
 * Loads the family a module exports (see the module's documentation for the contract).
 *
 * @param path the path given to `--family`: relative to `cwd`, or absolute.
 * @param cwd the directory a relative path starts from (default: the process's working directory).
 * @returns the family, or `Left` (a usage error, exit code 2) naming the file: it does not exist,
 *   it cannot be loaded (a syntax error, a failed import, a throwing factory), or it exports
 *   something that is not a family.
 * @example
 * ```ts
 * const loaded = await FamilyModule.load('./my-family.js')
 * ```
 * @category Families
 * @since 0.2.0
 */
export const load = async (path: string, cwd: string = process.cwd()): Promise<E.Either<CliError, FamilyModule>> => {
  const absolute = isAbsolute(path) ? path : resolve(cwd, path)
  const fail = (why: string): E.Either<CliError, FamilyModule> => E.left(usageError(`--family ${path}: ${why}`))
  if (!existsSync(absolute)) return fail(`cannot load the family module: no such file (${absolute})`)
  try {
    if (!statSync(absolute).isFile()) return fail('cannot load the family module: it is not a file')
  } catch (e) {
    return fail(`cannot load the family module: ${readFailureReason(e)}`)
  }
  const url = pathToFileURL(absolute).href
  let exports: Record<string, unknown>
  try {
    exports = (await import(url)) as Record<string, unknown>
  } catch (e) {
    return fail(`cannot load the family module: ${oneLine(e)}`)
  }
  const named = 'family' in exports && exports['family'] !== undefined
  const which = named ? 'the export "family"' : 'the default export'
  let value: unknown = named ? exports['family'] : exports['default']
  if (!named && value === undefined) {
    const names = Object.keys(exports).filter((k) => k !== 'default')
    const families = names.filter((k) => notAFamily(exports[k]) === undefined)
    if (families.length === 1) return E.right({ path, url, family: exports[families[0]!] as AnyFamily })
    return fail(
      families.length > 1
        ? `the module exports several families (${some(families, 6)}) and no "family": export the one to fit as "family" (or as the default export)`
        : `${EXPECTED}; found neither (${names.length === 0 ? 'the module exports nothing' : `its exports: ${some(names, 6)}`})`,
    )
  }
  if (typeof value === 'function') {
    try {
      value = (value as () => unknown)()
    } catch (e) {
      return fail(`${which} is a function, and calling it with no arguments threw: ${oneLine(e)}`)
    }
    if (value instanceof Promise) return fail(`${EXPECTED}; found ${which}: a function that returns a promise (return the family itself)`)
    const why = notAFamily(value)
    return why === undefined
      ? E.right({ path, url, family: value as AnyFamily })
      : fail(`${EXPECTED}; found ${which}: a function returning ${why}`)
  }
  const why = notAFamily(value)
  return why === undefined ? E.right({ path, url, family: value as AnyFamily }) : fail(`${EXPECTED}; found ${which}: ${why}`)
}
