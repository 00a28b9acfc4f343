/**
 * Datasets: `n × d` observations in one row-major `Float64Array`, with optional per-row sample
 * weights. Constructors validate at the boundary and return a typed `Left` naming the row and column
 * at fault; everything downstream can then trust the data.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { EmError } from './Errors.js'
import { invalidData, EmException } from './Errors.js'
import * as Validate from './Validate.js'
import { show, thrown } from './Validate.js'

/**
 * `n` observations of `d` features.
 *
 * @category Data
 * @since 0.1.0
 */
export interface Dataset {
  /** Number of observations (rows). */
  readonly n: number
  /** Number of features (columns). */
  readonly d: number
  /** Values, length n·d, row-major: `values[i * d + c]` is row i, column c. */
  readonly values: Float64Array
  /**
   * Optional per-row sample weights (length n, finite and ≥ 0). A row with weight w counts as w
   * copies of itself everywhere: statistics, log-likelihood, BIC's n. Absent means all 1.
   */
  readonly sampleWeights?: Float64Array
  /** Optional column names (length d). */
  readonly columns?: readonly string[]
  /**
   * Optional mask of missing cells (length n·d, row-major like `values`): `missing[i * d + c]` is 1
   * when row i, column c is missing at random (MAR) and 0 when observed; a missing cell's value is
   * NaN. Absent means every cell is observed. Only a family with
   * `incomplete` (`ComponentFamily.incomplete`) can fit data that carry one.
   *
   * @since 0.2.0
   */
  readonly missing?: Uint8Array
}

/**
 * Options shared by the dataset constructors.
 *
 * @category Data
 * @since 0.1.0
 */
export interface DatasetOptions {
  /** Per-row sample weights, length n, finite and ≥ 0, not all zero. */
  readonly sampleWeights?: ArrayLike<number>
  /** Column names, length d. */
  readonly columns?: readonly string[]
  /**
   * Whether a cell holding NaN is read as missing at random ({@link Dataset.missing}) instead of
   * refused. Default `false`: every value must be a finite number, as before. With `true`, NaN
   * cells are recorded in the mask (±∞ and non-numbers are still refused) and a row whose every
   * cell is missing is refused (`InvalidData` naming it: it carries no information; drop it).
   *
   * @since 0.2.0
   */
  readonly allowMissing?: boolean
}

/**
 * Anything that looks like a matrix: ml-matrix's `Matrix`, or your own (`rows`, `columns`, `get`).
 *
 * @category Data
 * @since 0.1.0
 */
export interface MatrixLike {
  readonly rows: number
  readonly columns: number
  get(row: number, column: number): number
}

/** Cells read by {@link readCells}: the values and, when some cell was NaN and NaN was allowed, the list of missing cells (flat indices). */
interface Cells {
  readonly values: Float64Array
  readonly missing: number[]
}

/** Reads `n × d` cells through `cell`, failing at the first one that is not a finite number (NaN allowed as missing with `allowMissing`); grows its buffer as it goes, so a bad first cell costs nothing however large the declared shape. */
const readCells = (n: number, d: number, cell: (i: number, c: number) => unknown, allowMissing = false): E.Either<EmError, Cells> => {
  const total = n * d
  const missing: number[] = []
  if (total === 0) return E.right({ values: new Float64Array(0), missing }) // no cell to read (the caller reports the empty shape)
  let values = new Float64Array(Math.min(total, FIRST_BUFFER))
  let i = 0
  let c = 0
  try {
    for (i = 0; i < n; i++) {
      const o = i * d
      for (c = 0; c < d; c++) {
        if (o + c === values.length) {
          // Grown cell by cell, not row by row: a declared row of 10⁹ cells costs nothing until read.
          const grown = new Float64Array(Math.min(total, 2 * values.length))
          grown.set(values)
          values = grown
        }
        const v = cell(i, c)
        if (allowMissing && typeof v === 'number' && Number.isNaN(v)) {
          values[o + c] = Number.NaN
          missing.push(o + c)
          continue
        }
        if (typeof v !== 'number' || !Number.isFinite(v))
          return E.left(invalidData(`row ${i}, column ${c}: value is ${show(v)}; every value must be a finite number`, i, c))
        values[o + c] = v
      }
    }
  } catch (e) {
    return E.left(invalidData(`row ${i}, column ${c}: the value could not be read: ${thrown(e)}`, i, c))
  }
  return E.right({ values, missing })
}

/** The refusal of a row whose every cell is missing. */
const emptyRow = (i: number): EmError => invalidData(`row ${i}: every cell is missing; the row carries no information: drop it`, i, 0)

/** The mask of the cells {@link readCells} found missing (undefined when none), refusing a row whose every cell is missing. */
const maskOf = (n: number, d: number, missing: readonly number[]): E.Either<EmError, Uint8Array | undefined> => {
  if (missing.length === 0) return E.right(undefined)
  const mask = new Uint8Array(n * d)
  for (const t of missing) mask[t] = 1
  for (let t = 0; t + d - 1 < missing.length;) {
    // d consecutive missing indices starting a row: the whole row is missing.
    const first = missing[t]!
    if (first % d === 0 && missing[t + d - 1] === first + d - 1) return E.left(emptyRow(first / d))
    t++
  }
  return E.right(mask)
}

/** Stops {@link readCells} at a ragged row; the error itself is kept aside. */
class RaggedRow extends Error {}

/** Buffer of the first rows read: 2¹⁶ values; it doubles as rows come. */
const FIRST_BUFFER = 65_536

/** A dataset's fields, writable while a constructor fills them. */
interface Building {
  n: number
  d: number
  values: Float64Array
  sampleWeights?: Float64Array
  columns?: readonly string[]
  missing?: Uint8Array
}

const finish = (
  values: Float64Array,
  n: number,
  d: number,
  options: DatasetOptions | undefined,
  missing: readonly number[] = [],
): E.Either<EmError, Dataset> => {
  if (n === 0) return E.left(invalidData('the dataset is empty (no rows)'))
  if (d === 0) return E.left(invalidData('the dataset has no columns'))
  const opts = Validate.record('options', options)
  if (E.isLeft(opts)) return opts
  const out: Building = { n, d, values }
  const mask = maskOf(n, d, missing)
  if (E.isLeft(mask)) return mask
  if (mask.right !== undefined) out.missing = mask.right
  const { columns, sampleWeights } = opts.right
  if (columns !== undefined) {
    const names = Validate.arrayLike('columns', columns)
    if (E.isLeft(names)) return names
    if (names.right.length !== d) return E.left(invalidData(`${names.right.length} column names given for ${d} columns`))
    const copy: string[] = []
    for (let c = 0; c < d; c++) {
      const name = names.right.value[c]
      if (typeof name !== 'string') return E.left(invalidData(`column name ${c} is ${show(name)}, not a string`, undefined, c))
      copy.push(name)
    }
    out.columns = copy
  }
  if (sampleWeights !== undefined) {
    const given = Validate.arrayLike('sampleWeights', sampleWeights)
    if (E.isLeft(given)) return given
    const w = given.right.value
    if (given.right.length !== n)
      return E.left(invalidData(`sampleWeights has length ${given.right.length}, expected one weight per row (${n})`))
    const sw = new Float64Array(n)
    let total = 0
    for (let i = 0; i < n; i++) {
      const x = w[i]
      if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) {
        return E.left(invalidData(`row ${i}: sample weight is ${show(x)}; weights must be finite numbers ≥ 0`, i))
      }
      sw[i] = x
      total += x
    }
    if (!(total > 0)) return E.left(invalidData('all sample weights are zero'))
    if (!(total <= Validate.MAX_TOTAL_WEIGHT))
      return E.left(
        invalidData(
          `the sample weights sum to ${total}, above the maximum 2^53; rescale them (the estimates do not change when every weight is multiplied by the same factor)`,
        ),
      )
    out.sampleWeights = sw
  }
  return E.right(out)
}

/** Whether the options ask for NaN cells to be read as missing (anything but `true` keeps the default refusal). */
const allowsMissing = (options: unknown): boolean =>
  typeof options === 'object' && options !== null && (options as { allowMissing?: unknown }).allowMissing === true

/** A constructor's whole body, with anything a hostile input throws (a getter, a `Proxy`) turned into `InvalidData`. */
const guarded = (f: () => E.Either<EmError, Dataset>): E.Either<EmError, Dataset> => {
  try {
    return f()
  } catch (e) {
    return E.left(invalidData(`the data could not be read: ${thrown(e)}`))
  }
}

/**
 * A dataset from an array of rows (`rows[i][c]`). Rows must all have the same length.
 *
 * @returns `Right(Dataset)`, or `Left(InvalidData)` naming the row and column at fault: not an
 *   array, ragged rows, a value that is not a finite number, more than `Validate.MAX_VALUES`
 *   values, bad options. Never throws.
 * @example
 * ```ts
 * const data = Dataset.fromRows([[1, 2], [3, 4], [5, 6]]) // Right({ n: 3, d: 2, … })
 * ```
 * @category Data
 * @since 0.1.0
 */
export const fromRows = (rows: ReadonlyArray<ArrayLike<number>>, options?: DatasetOptions): E.Either<EmError, Dataset> =>
  guarded(() => {
    const all = Validate.arrayLike('rows', rows)
    if (E.isLeft(all)) return all
    const n = all.right.length
    if (n === 0) return E.left(invalidData('the dataset is empty (no rows)'))
    const lengthOf = (i: number): E.Either<EmError, number> => {
      const r = Validate.arrayLike(`row ${i}`, all.right.value[i])
      return E.isLeft(r) ? E.left({ ...r.left, row: i }) : E.right(r.right.length)
    }
    const first = lengthOf(0)
    if (E.isLeft(first)) return first
    const d = first.right
    const size = Validate.shape(n, d)
    if (E.isLeft(size)) return size
    let current: ArrayLike<unknown> = []
    let at = -1
    let ragged: EmError | undefined
    const values = readCells(
      n,
      d,
      (i, c) => {
        if (i !== at) {
          const len = lengthOf(i)
          if (E.isLeft(len) || len.right !== d) {
            ragged = E.isLeft(len) ? len.left : invalidData(`row ${i} has ${len.right} values, expected ${d} like row 0 (ragged rows)`, i)
            throw new RaggedRow()
          }
          current = all.right.value[i] as ArrayLike<unknown>
          at = i
        }
        return current[c]
      },
      allowsMissing(options),
    )
    if (ragged !== undefined) return E.left(ragged)
    return E.isLeft(values) ? values : finish(values.right.values, n, d, options, values.right.missing)
  })

/**
 * A one-dimensional dataset (d = 1) from plain numbers.
 *
 * @returns `Right(Dataset)`, or `Left(InvalidData)` naming the row at fault. Never throws.
 * @example
 * ```ts
 * const data = Dataset.fromColumn([0.1, -2.3, 4.5])
 * ```
 * @category Data
 * @since 0.1.0
 */
export const fromColumn = (xs: ArrayLike<number>, options?: DatasetOptions): E.Either<EmError, Dataset> =>
  guarded(() => {
    const all = Validate.arrayLike('the column', xs)
    if (E.isLeft(all)) return all
    const size = Validate.shape(all.right.length, 1)
    if (E.isLeft(size)) return size
    const values = readCells(all.right.length, 1, (i) => all.right.value[i], allowsMissing(options))
    return E.isLeft(values) ? values : finish(values.right.values, all.right.length, 1, options, values.right.missing)
  })

/**
 * A dataset from a flat row-major array of length n·d (copied).
 *
 * @returns `Right(Dataset)`, or `Left(InvalidData)` (a length that is not a whole number of rows,
 *   a value that is not finite, …). Never throws.
 * @category Data
 * @since 0.1.0
 */
export const fromFlat = (values: ArrayLike<number>, d: number, options?: DatasetOptions): E.Either<EmError, Dataset> =>
  guarded(() => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 1)
      return E.left(invalidData(`dimension must be an integer ≥ 1, got ${show(d)}`))
    const all = Validate.arrayLike('values', values)
    if (E.isLeft(all)) return all
    if (all.right.length % d !== 0)
      return E.left(invalidData(`flat array of length ${all.right.length} is not a whole number of rows of ${d}`))
    const n = all.right.length / d
    const size = Validate.shape(n, d)
    if (E.isLeft(size)) return size
    const read = readCells(n, d, (i, c) => all.right.value[i * d + c], allowsMissing(options))
    return E.isLeft(read) ? read : finish(read.right.values, n, d, options, read.right.missing)
  })

/**
 * A dataset from any matrix-like object (ml-matrix's `Matrix` included). The shape is checked
 * before anything is allocated and `get` is called once per cell, in row order, stopping at the
 * first value that is not a finite number (or the first call that throws).
 *
 * @returns `Right(Dataset)`, or `Left(InvalidData)` naming the row and column at fault. Never throws.
 * @category Data
 * @since 0.1.0
 */
export const fromMatrix = (m: MatrixLike, options?: DatasetOptions): E.Either<EmError, Dataset> =>
  guarded(() => {
    if (!Validate.isObject(m)) return E.left(invalidData(`the matrix must be an object with rows, columns and get, got ${show(m)}`))
    const size = Validate.shape(m.rows, m.columns)
    if (E.isLeft(size)) return size
    const [n, d] = size.right
    if (typeof (m as { get?: unknown }).get !== 'function')
      return E.left(invalidData(`the matrix's get must be a function, got ${show((m as { get?: unknown }).get)}`))
    const read = readCells(n, d, (i, c) => m.get(i, c), allowsMissing(options))
    return E.isLeft(read) ? read : finish(read.right.values, n, d, options, read.right.missing)
  })

/**
 * Checks a dataset built by hand (or received from elsewhere) before a pass over it: `n` and `d`
 * integers ≥ 1, `values` a `Float64Array` of length n·d holding finite numbers, `sampleWeights`
 * (when present) a `Float64Array` of length n, finite, ≥ 0, with a positive total at most
 * `Validate.MAX_TOTAL_WEIGHT`, and `missing` (when present) a `Uint8Array` of length n·d of 0s and
 * 1s whose 1s mark exactly the NaN cells, with no row missing every cell. The constructors
 * guarantee all of this; predictions run it on whatever they are given.
 *
 * @returns `Right(data)`, or `Left(InvalidData)` naming the row and column at fault.
 * @category Data
 * @since 0.2.0
 */
export const check = (data: Dataset): E.Either<EmError, Dataset> =>
  guarded(() => {
    if (!Validate.isObject(data)) return E.left(invalidData(`the data must be a Dataset, got ${show(data)}`))
    const { n, d, values, sampleWeights, missing } = data
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1)
      return E.left(invalidData(`the dataset's n must be an integer ≥ 1, got ${show(n)}`))
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 1)
      return E.left(invalidData(`the dataset's d must be an integer ≥ 1, got ${show(d)}`))
    if (!(values instanceof Float64Array) || values.length !== n * d)
      return E.left(invalidData(`the dataset's values must be a Float64Array of length n·d = ${n * d}, got ${show(values)}`))
    if (missing !== undefined) {
      const bad = checkMask(n, d, values, missing)
      if (bad !== undefined) return E.left(bad)
    } else {
      for (let i = 0; i < values.length; i++) {
        if (!Number.isFinite(values[i]!)) {
          const r = Math.floor(i / d)
          return E.left(
            invalidData(`row ${r}, column ${i - r * d}: value is ${values[i]}; every value must be a finite number`, r, i - r * d),
          )
        }
      }
    }
    if (sampleWeights === undefined) return E.right(data)
    if (!(sampleWeights instanceof Float64Array) || sampleWeights.length !== n)
      return E.left(invalidData(`the dataset's sampleWeights must be a Float64Array of length n = ${n}, got ${show(sampleWeights)}`))
    const weights = finish(values, n, d, { sampleWeights })
    return E.isLeft(weights) ? weights : E.right(data)
  })

/**
 * Checks a mask of missing cells ({@link Dataset.missing}) against the values of rows [0, n), row
 * numbers counted from `firstRow` (a streamed block's first global row): a `Uint8Array` of length ≥
 * n·d holding 0 or 1, a 1 exactly where the value is NaN, every other value finite, and no row
 * missing every cell.
 *
 * @returns `undefined` when the mask is sound, else `InvalidData` naming the row and column.
 * @category Data
 * @since 0.2.0
 */
export const checkMask = (n: number, d: number, values: Float64Array, missing: unknown, firstRow = 0): EmError | undefined => {
  if (!(missing instanceof Uint8Array) || missing.length < n * d)
    return invalidData(`the dataset's missing mask must be a Uint8Array of length n·d = ${n * d}, got ${show(missing)}`)
  for (let i = 0; i < n; i++) {
    let absent = 0
    for (let c = 0; c < d; c++) {
      const t = i * d + c
      const m = missing[t]!
      const v = values[t]!
      const r = firstRow + i
      if (m > 1) return invalidData(`row ${r}, column ${c}: the missing mask holds ${m}; it must be 0 (observed) or 1 (missing)`, r, c)
      if (m === 1) {
        if (!Number.isNaN(v))
          return invalidData(`row ${r}, column ${c}: the cell is marked missing but holds ${v}; a missing cell's value is NaN`, r, c)
        absent++
      } else if (!Number.isFinite(v)) {
        return invalidData(`row ${r}, column ${c}: value is ${v}; every value must be a finite number`, r, c)
      }
    }
    if (absent === d) return emptyRow(firstRow + i)
  }
  return undefined
}

/**
 * Throwing twin of {@link fromRows}.
 *
 * @category Data
 * @since 0.1.0
 */
export const fromRowsOrThrow = (rows: ReadonlyArray<ArrayLike<number>>, options?: DatasetOptions): Dataset => {
  const r = fromRows(rows, options)
  if (E.isLeft(r)) throw new EmException(r.left)
  return r.right
}

/**
 * Throwing twin of {@link fromColumn}.
 *
 * @category Data
 * @since 0.1.0
 */
export const fromColumnOrThrow = (xs: ArrayLike<number>, options?: DatasetOptions): Dataset => {
  const r = fromColumn(xs, options)
  if (E.isLeft(r)) throw new EmException(r.left)
  return r.right
}

/**
 * Σᵢ wᵢ, the effective number of observations (n without sample weights).
 *
 * @category Data
 * @since 0.1.0
 */
export const totalWeight = (data: Dataset): number => {
  const w = data.sampleWeights
  if (w === undefined) return data.n
  let s = 0
  for (let i = 0; i < w.length; i++) s += w[i]!
  return s
}

/**
 * Row i as a fresh array (convenience for small data; not for hot loops).
 *
 * @category Data
 * @since 0.1.0
 */
export const row = (data: Dataset, i: number): number[] => Array.from(data.values.subarray(i * data.d, (i + 1) * data.d))

/**
 * A dataset holding rows `[start, end)` of `data` (a view, no copy), with their sample weights.
 *
 * @category Data
 * @since 0.1.0
 */
export const slice = (data: Dataset, start: number, end: number): Dataset => {
  const out: Building = {
    n: end - start,
    d: data.d,
    values: data.values.subarray(start * data.d, end * data.d),
  }
  if (data.sampleWeights !== undefined) out.sampleWeights = data.sampleWeights.subarray(start, end)
  if (data.columns !== undefined) out.columns = data.columns
  if (data.missing !== undefined) out.missing = data.missing.subarray(start * data.d, end * data.d)
  return out
}

/**
 * The same dataset with its values (and sample weights and missing mask) in `SharedArrayBuffer`s, so that
 * multi-threaded fits (`workers` > 1) can use it without copying; returns `data` itself when it is
 * already shared. Call it once and reuse the result when fitting large data several times.
 *
 * @category Data
 * @since 0.1.0
 */
export const toShared = (data: Dataset): Dataset => {
  const share = (a: Float64Array): Float64Array => {
    if (a.buffer instanceof SharedArrayBuffer) return a
    const out = new Float64Array(new SharedArrayBuffer(a.byteLength))
    out.set(a)
    return out
  }
  const values = share(data.values)
  const sampleWeights = data.sampleWeights === undefined ? undefined : share(data.sampleWeights)
  let missing = data.missing
  if (missing !== undefined && !(missing.buffer instanceof SharedArrayBuffer)) {
    const shared = new Uint8Array(new SharedArrayBuffer(missing.byteLength))
    shared.set(missing)
    missing = shared
  }
  if (values === data.values && sampleWeights === data.sampleWeights && missing === data.missing) return data
  const out: Building = { n: data.n, d: data.d, values }
  if (sampleWeights !== undefined) out.sampleWeights = sampleWeights
  if (data.columns !== undefined) out.columns = data.columns
  if (missing !== undefined) out.missing = missing
  return out
}
