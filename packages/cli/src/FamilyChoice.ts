/**
 * From the family flags (`--family`, `--covariance`, `--reg-covar`, `--smoothing`) and the data to
 * the {@link FamilySpec} a fit runs with: family modules loaded, a product's columns resolved
 * against the data's (and the data's columns put in the parts' order), a categorical family's
 * number of levels read from the data.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { Table } from './Csv.js'
import { cellPlace } from './Csv.js'
import type { CliError } from './Failure.js'
import { CliFailure, dataError, orFail, usageError } from './Failure.js'
import type { FamilyArgument, ProductArgument } from './FamilyArgument.js'
import { productNames, resolveColumns } from './FamilyArgument.js'
import type { FamilyModule } from './FamilyModule.js'
import { load } from './FamilyModule.js'
import type { Covariance, FamilySpec, PartSpec } from './Families.js'
import { label, MAX_LEVELS } from './Families.js'

/**
 * The flags that choose a family.
 *
 * @category Families
 * @since 0.2.0
 */
export interface FamilyFlags {
  /** `--family`, parsed (default: gaussian). */
  family?: FamilyArgument
  /** `--covariance`: gaussian, or the gaussian parts of a product. */
  covariance?: Covariance
  /** `--reg-covar`: gaussian, or the gaussian parts of a product. */
  regCovar?: number
  /** `--smoothing`: multinomial, or the multinomial parts of a product. */
  smoothing?: number
}

/**
 * The family modules a `--family` value names, loaded, by the path as written.
 *
 * @returns the modules; a module that cannot be loaded or exports no family is a usage error
 *   (exit code 2), raised.
 * @category Families
 * @since 0.2.0
 */
export const loadModules = async (argument: FamilyArgument | undefined): Promise<ReadonlyMap<string, FamilyModule>> => {
  const paths: string[] =
    argument === undefined
      ? []
      : argument.kind === 'module'
        ? [argument.path]
        : argument.kind === 'product'
          ? argument.parts.flatMap((p) => (p.family.kind === 'module' ? [p.family.path] : []))
          : []
  const out = new Map<string, FamilyModule>()
  for (const p of paths) if (!out.has(p)) out.set(p, orFail(await load(p)))
  return out
}

/** The family names of a spec and its parts. */
const names = (spec: FamilySpec): string[] => (spec.parts === undefined ? [spec.family] : spec.parts.map((p) => p.spec.family))

/**
 * Checks that flags meant for one family are not given for another: `--covariance` and
 * `--reg-covar` need a gaussian family (or a gaussian part), `--smoothing` a multinomial one.
 *
 * @category Families
 * @since 0.2.0
 */
export const checkFamilyFlags = (flags: FamilyFlags, spec: FamilySpec): void => {
  const has = (f: string): boolean => names(spec).includes(f)
  const what = spec.parts === undefined ? `--family ${spec.family}` : `a product without a gaussian part (${label(spec)})`
  if (!has('gaussian') && flags.covariance !== undefined)
    throw new CliFailure(usageError(`--covariance applies to --family gaussian only (or a product's gaussian parts), not ${what}`))
  if (!has('gaussian') && flags.regCovar !== undefined)
    throw new CliFailure(usageError(`--reg-covar applies to --family gaussian only (or a product's gaussian parts), not ${what}`))
  if (!has('multinomial') && flags.smoothing !== undefined)
    throw new CliFailure(
      usageError(
        `--smoothing applies to --family multinomial only (or a product's multinomial parts), not ${spec.parts === undefined ? `--family ${spec.family}` : `a product without a multinomial part (${label(spec)})`}`,
      ),
    )
}

/**
 * The number of levels V of a categorical column: 1 + its largest level, at least 2 (the
 * categorical family's least). Cells that are not
 * non-negative integers are left to the family's check (which names them); a level of
 * {@link MAX_LEVELS} or more is refused here, naming its cell.
 *
 * @param table the data.
 * @param column the categorical column (0-based).
 * @category Families
 * @since 0.2.0
 */
export const levelsOf = (table: Table, column: number): E.Either<CliError, number> => {
  let top = 0
  for (let i = 0; i < table.n; i++) {
    const x = table.values[i * table.d + column]!
    if (!Number.isInteger(x) || x < 0) continue
    if (x >= MAX_LEVELS)
      return E.left(
        dataError(
          `${cellPlace(table, i + 1, table.lines[i] ?? i + 1, column)}: level ${x} is too large; the categorical family reads integer levels 0 … ${MAX_LEVELS - 1}`,
        ),
      )
    if (x > top) top = x
  }
  return E.right(Math.max(2, top + 1))
}

/** A table with its columns in the given order (0-based indices into `table`'s columns). */
export const reorderColumns = (table: Table, idx: readonly number[]): Table => {
  if (idx.length === table.d && idx.every((c, i) => c === i)) return table
  const d = idx.length
  const values = new Float64Array(table.n * d)
  for (let i = 0; i < table.n; i++) for (let c = 0; c < d; c++) values[i * d + c] = table.values[i * table.d + idx[c]!]!
  return { ...table, columns: idx.map((c) => table.columns[c]!), d, values }
}

/**
 * The columns to read for a `--family` value when `--columns` is not given: a product whose
 * columns are all named reads exactly those (in the parts' order); otherwise `undefined` (every
 * numeric column).
 *
 * @category Families
 * @since 0.2.0
 */
export const columnsToRead = (argument: FamilyArgument | undefined): string[] | undefined =>
  argument?.kind === 'product' ? productNames(argument) : undefined

/** A single (non-product) family's spec from its argument; `table` gives a categorical family its levels. */
const singleSpec = (
  argument: Exclude<FamilyArgument, ProductArgument>,
  modules: ReadonlyMap<string, FamilyModule>,
  flags: FamilyFlags,
  covariance: Covariance | undefined,
  levels: () => E.Either<CliError, number>,
): E.Either<CliError, FamilySpec> => {
  if (argument.kind === 'module') {
    const m = modules.get(argument.path)
    if (m === undefined) return E.left(usageError(`--family ${argument.path}: the module was not loaded`))
    return E.right({ family: m.family.name, module: m })
  }
  switch (argument.name) {
    case 'gaussian': {
      if (
        argument.covariance !== undefined &&
        flags.covariance !== undefined &&
        argument.covariance !== flags.covariance &&
        covariance === undefined
      )
        return E.left(usageError(`--family gaussian/${argument.covariance} and --covariance ${flags.covariance} disagree; give one`))
      return E.right({
        family: 'gaussian',
        covariance: covariance ?? argument.covariance ?? flags.covariance ?? 'full',
        ...(flags.regCovar === undefined ? {} : { regularization: flags.regCovar }),
      })
    }
    case 'multinomial':
      return E.right({ family: 'multinomial', ...(flags.smoothing === undefined ? {} : { smoothing: flags.smoothing }) })
    case 'categorical': {
      const v = levels()
      return E.isLeft(v) ? v : E.right({ family: 'categorical', levels: v.right })
    }
    default:
      return E.right({ family: argument.name })
  }
}

/**
 * The family a fit runs with, for its data: the spec, and the table with its columns in the order
 * the family reads them (a product's parts' columns, concatenated; otherwise the table as it is).
 *
 * @param flags the family flags (`--family` absent: gaussian).
 * @param modules the modules `--family` names ({@link loadModules}).
 * @param table the data as read.
 * @param covariance a structure that overrides the flags' (select's grid).
 * @returns the spec and the table; `Left` for flags given to the wrong family (exit code 2), an
 *   unknown product column (exit code 1), a categorical level that is too large (exit code 1).
 * @category Families
 * @since 0.2.0
 */
export const specForTable = (
  flags: FamilyFlags,
  modules: ReadonlyMap<string, FamilyModule>,
  table: Table,
  covariance?: Covariance,
): E.Either<CliError, { spec: FamilySpec; table: Table }> => {
  const argument: FamilyArgument = flags.family ?? { kind: 'builtin', name: 'gaussian' }
  if (argument.kind !== 'product') {
    const spec = singleSpec(argument, modules, flags, covariance, () => levelsOf(table, 0))
    if (E.isLeft(spec)) return spec
    try {
      checkFamilyFlags(flags, spec.right)
    } catch (e) {
      if (e instanceof CliFailure) return E.left(e.error)
      throw e
    }
    return E.right({ spec: spec.right, table })
  }
  const resolved = resolveColumns(argument, table.file, table.columns)
  if (E.isLeft(resolved)) return resolved
  const order = resolved.right.flat()
  const reordered = reorderColumns(table, order)
  const parts: PartSpec[] = []
  let at = 0
  for (let p = 0; p < argument.parts.length; p++) {
    const width = resolved.right[p]!.length
    const columns = Array.from({ length: width }, (_, i) => at + i)
    const first = at
    const spec = singleSpec(argument.parts[p]!.family, modules, flags, covariance, () => levelsOf(reordered, first))
    if (E.isLeft(spec)) return spec
    parts.push({ spec: spec.right, columns, ...(table.header ? { names: columns.map((c) => reordered.columns[c]!) } : {}) })
    at += width
  }
  const spec: FamilySpec = { family: 'product', parts }
  try {
    checkFamilyFlags(flags, spec)
  } catch (e) {
    if (e instanceof CliFailure) return E.left(e.error)
    throw e
  }
  return E.right({ spec, table: reordered })
}

/**
 * Whether a fit of this family can run on the stream engine without the data in memory first:
 * `undefined` when it can, else why not (a categorical family without `--init` needs its levels
 * from the data; a product that names a column by index needs the header first).
 *
 * @category Families
 * @since 0.2.0
 */
export const streamProblem = (argument: FamilyArgument | undefined): string | undefined => {
  if (argument === undefined) return undefined
  if (argument.kind === 'builtin' && argument.name === 'categorical')
    return 'the categorical family reads its number of levels from the data in memory (or from --init)'
  if (argument.kind === 'product') {
    if (productNames(argument) === undefined)
      return 'a product with columns given by index reads the header in memory (name the columns to stream)'
    if (argument.parts.some((p) => p.family.kind === 'builtin' && p.family.name === 'categorical'))
      return 'a categorical part reads its number of levels from the data in memory (or from --init)'
  }
  return undefined
}
