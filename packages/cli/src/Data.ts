/**
 * From a CSV table (or the embedded Old Faithful set) to a validated core `Dataset` for a family:
 * support checks with messages that name file, row, line and column (a negative value for the
 * exponential family, a non-integer or negative count for the multinomial), then the family's own
 * checks.
 *
 * @packageDocumentation
 */
import type { Dataset as DatasetNs } from '@emkit/core'
type Dataset = DatasetNs.Dataset
import { Dataset as DatasetFns, Datasets, Mixture } from '@emkit/core'
import { either as E } from 'fp-ts'
import type { Table } from './Csv.js'
import { cellPlace } from './Csv.js'
import type { CliError } from './Failure.js'
import { dataError } from './Failure.js'
import type { AnyFamily } from './Families.js'

/**
 * The name of the embedded data set in messages.
 *
 * @category Data
 * @since 0.1.0
 */
export const FAITHFUL_NAME = 'Old Faithful (embedded)'

/**
 * The embedded Old Faithful data set (272 × 2: eruptions, waiting) as a {@link Table}.
 *
 * @category Data
 * @since 0.1.0
 */
export const faithfulTable = (): Table => {
  const ds = Datasets.faithful
  return {
    file: FAITHFUL_NAME,
    columns: ds.columns ?? ['eruptions', 'waiting'],
    header: true,
    n: ds.n,
    d: ds.d,
    values: Float64Array.from(ds.values),
    lines: Int32Array.from({ length: ds.n }, (_, i) => i + 2),
  }
}

/**
 * Whether one value lies in a family's support: `undefined` when it does, else why not (the message
 * after the cell's place): values ≥ 0 for `exponential`; non-negative integer counts for
 * `multinomial`. Shared by {@link checkSupport} and the streaming reader, so both word it alike.
 * Other families (poisson, bernoulli, categorical, gamma, products, modules) are checked by their
 * own `checkData` ({@link toDataset}), which names the row and column.
 *
 * @example
 * ```ts
 * Data.supportProblem('exponential', -0.5) // 'negative value -0.5; the exponential family needs values ≥ 0'
 * ```
 * @category Data
 * @since 0.2.0
 */
export const supportProblem = (family: string, x: number): string | undefined => {
  if (family === 'exponential' && x < 0) return `negative value ${x}; the exponential family needs values ≥ 0`
  if (family === 'multinomial') {
    if (!Number.isInteger(x)) return `non-integer count ${x}; the multinomial family needs non-negative integer counts`
    if (x < 0) return `negative count ${x}; the multinomial family needs non-negative integer counts`
  }
  return undefined
}

/**
 * Checks a table against a family's support, naming the first bad cell: values ≥ 0 for
 * `exponential`; non-negative integer counts for `multinomial`.
 *
 * @category Data
 * @since 0.1.0
 */
export const checkSupport = (table: Table, family: string): E.Either<CliError, Table> => {
  if (family !== 'exponential' && family !== 'multinomial') return E.right(table)
  const { n, d, values } = table
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) {
      const x = values[i * d + c]!
      if (Number.isNaN(x)) continue // a missing cell (--missing em): no value to check
      const why = supportProblem(family, x)
      if (why !== undefined) return E.left(dataError(`${cellPlace(table, i + 1, table.lines[i]!, c)}: ${why}`))
    }
  }
  return E.right(table)
}

/** The mask of a table's NaN cells (kept by `--missing em`), or undefined when it has none. */
const missingMask = (values: Float64Array): Uint8Array | undefined => {
  let mask: Uint8Array | undefined
  for (let t = 0; t < values.length; t++) {
    if (!Number.isNaN(values[t]!)) continue
    mask ??= new Uint8Array(values.length)
    mask[t] = 1
  }
  return mask
}

/**
 * A family's message without the 0-based place it starts with (`row 3, column 1: …`), which the
 * command says itself, 1-based and with the line and the column's name.
 *
 * @category Data
 * @since 0.2.0
 */
export const withoutPlace = (message: string): string => message.replace(/^row \d+(?:, column \d+)?: /, '')

/**
 * The core dataset of a table, checked for `k` components of `family` (support, k ≤ n, the
 * family's own checks); failures name the file and, where known, the row and column. NaN cells
 * (kept by `--missing em`) become the dataset's mask of missing cells.
 *
 * @category Data
 * @since 0.1.0
 */
export const toDataset = (table: Table, family: AnyFamily, k: number | undefined): E.Either<CliError, Dataset> => {
  const mask = missingMask(table.values)
  const ds: Dataset = {
    n: table.n,
    d: table.d,
    values: table.values,
    columns: table.columns,
    ...(mask === undefined ? {} : { missing: mask }),
  }
  if (mask !== undefined) {
    const ok = DatasetFns.check(ds)
    if (E.isLeft(ok)) return E.left(dataError(`${table.file}: ${ok.left.message}`))
  }
  const r = k === undefined ? family.checkData(ds) : Mixture.checkData(family, ds, k)
  if (E.isLeft(r)) {
    const e = r.left
    if (e._tag === 'InvalidData' && e.row !== undefined) {
      const line = table.lines[e.row] ?? e.row + 1
      const where = e.column !== undefined ? cellPlace(table, e.row + 1, line, e.column) : `${table.file}: row ${e.row + 1} (line ${line})`
      return E.left(dataError(`${where}: ${withoutPlace(e.message)}`))
    }
    return E.left(dataError(`${table.file}: ${e.message}`))
  }
  return E.right(ds)
}
