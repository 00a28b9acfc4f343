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

const finish = (values: Float64Array, n: number, d: number, options: DatasetOptions | undefined): E.Either<EmError, Dataset> => {
  if (n === 0) return E.left(invalidData('the dataset is empty (no rows)'))
  if (d === 0) return E.left(invalidData('the dataset has no columns'))
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) {
      const v = values[i * d + c]!
      if (!Number.isFinite(v)) {
        return E.left(invalidData(`row ${i}, column ${c}: value is ${String(v)}; every value must be a finite number`, i, c))
      }
    }
  }
  const out: { n: number; d: number; values: Float64Array; sampleWeights?: Float64Array; columns?: readonly string[] } = { n, d, values }
  if (options?.columns !== undefined) {
    if (options.columns.length !== d) {
      return E.left(invalidData(`${options.columns.length} column names given for ${d} columns`))
    }
    out.columns = [...options.columns]
  }
  if (options?.sampleWeights !== undefined) {
    const w = options.sampleWeights
    if (w.length !== n) return E.left(invalidData(`sampleWeights has length ${w.length}, expected one weight per row (${n})`))
    const sw = new Float64Array(n)
    let total = 0
    for (let i = 0; i < n; i++) {
      const x = w[i]!
      if (!Number.isFinite(x) || x < 0) {
        return E.left(invalidData(`row ${i}: sample weight is ${String(x)}; weights must be finite and ≥ 0`, i))
      }
      sw[i] = x
      total += x
    }
    if (!(total > 0)) return E.left(invalidData('all sample weights are zero'))
    out.sampleWeights = sw
  }
  return E.right(out)
}

/**
 * A dataset from an array of rows (`rows[i][c]`). Rows must all have the same length.
 *
 * @example
 * ```ts
 * const data = Dataset.fromRows([[1, 2], [3, 4], [5, 6]]) // Right({ n: 3, d: 2, … })
 * ```
 * @category Data
 * @since 0.1.0
 */
export const fromRows = (rows: ReadonlyArray<ArrayLike<number>>, options?: DatasetOptions): E.Either<EmError, Dataset> => {
  const n = rows.length
  if (n === 0) return E.left(invalidData('the dataset is empty (no rows)'))
  const d = rows[0]!.length
  const values = new Float64Array(n * d)
  for (let i = 0; i < n; i++) {
    const r = rows[i]!
    if (r.length !== d) return E.left(invalidData(`row ${i} has ${r.length} values, expected ${d} like row 0 (ragged rows)`, i))
    for (let c = 0; c < d; c++) values[i * d + c] = r[c]!
  }
  return finish(values, n, d, options)
}

/**
 * A one-dimensional dataset (d = 1) from plain numbers.
 *
 * @example
 * ```ts
 * const data = Dataset.fromColumn([0.1, -2.3, 4.5])
 * ```
 * @category Data
 * @since 0.1.0
 */
export const fromColumn = (xs: ArrayLike<number>, options?: DatasetOptions): E.Either<EmError, Dataset> =>
  finish(Float64Array.from(xs), xs.length, 1, options)

/**
 * A dataset from a flat row-major array of length n·d (copied).
 *
 * @category Data
 * @since 0.1.0
 */
export const fromFlat = (values: ArrayLike<number>, d: number, options?: DatasetOptions): E.Either<EmError, Dataset> => {
  if (!Number.isInteger(d) || d < 1) return E.left(invalidData(`dimension must be a positive integer, got ${d}`))
  if (values.length % d !== 0) return E.left(invalidData(`flat array of length ${values.length} is not a whole number of rows of ${d}`))
  return finish(Float64Array.from(values), values.length / d, d, options)
}

/**
 * A dataset from any matrix-like object (ml-matrix's `Matrix` included).
 *
 * @category Data
 * @since 0.1.0
 */
export const fromMatrix = (m: MatrixLike, options?: DatasetOptions): E.Either<EmError, Dataset> => {
  const n = m.rows
  const d = m.columns
  const values = new Float64Array(n * d)
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) values[i * d + c] = m.get(i, c)
  return finish(values, n, d, options)
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
  const out: { n: number; d: number; values: Float64Array; sampleWeights?: Float64Array; columns?: readonly string[] } = {
    n: end - start,
    d: data.d,
    values: data.values.subarray(start * data.d, end * data.d),
  }
  if (data.sampleWeights !== undefined) out.sampleWeights = data.sampleWeights.subarray(start, end)
  if (data.columns !== undefined) out.columns = data.columns
  return out
}

/**
 * The same dataset with its values (and sample weights) in `SharedArrayBuffer`s, so that
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
  if (values === data.values && sampleWeights === data.sampleWeights) return data
  const out: { n: number; d: number; values: Float64Array; sampleWeights?: Float64Array; columns?: readonly string[] } = {
    n: data.n,
    d: data.d,
    values,
  }
  if (sampleWeights !== undefined) out.sampleWeights = sampleWeights
  if (data.columns !== undefined) out.columns = data.columns
  return out
}
