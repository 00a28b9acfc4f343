/**
 * Row sources: data that arrive in blocks rather than as one array in memory — a file read in
 * chunks, a generator, a database cursor. A {@link RowSource} can be read again from the start
 * each time {@link RowSource.blocks} is called, which is what exact EM over data larger than
 * memory needs (one pass per iteration, see `Engine.stream`); a source that can be read only once
 * serves stepwise (online) EM (`Stepwise.fit`).
 *
 * Nothing here needs Node: a source is any `AsyncIterable` of {@link Dataset} blocks.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { Dataset } from './Dataset.js'
import { check, checkMask, slice } from './Dataset.js'
import type { EmError } from './Errors.js'
import { invalidData } from './Errors.js'
import * as Validate from './Validate.js'

/**
 * Rows of dimension d, delivered in blocks.
 *
 * Each block is a {@link Dataset} of any number of rows ≥ 1 (with its sample weights when the data
 * have them). Blocks are checked as they arrive (dimension, finite values, weights ≥ 0, the family's
 * support); a bad block fails the pass with a typed error naming the global row and column.
 *
 * @category Sources
 * @since 0.2.0
 */
export interface RowSource {
  /** Number of columns of every block. */
  readonly d: number
  /** Optional column names (length d). */
  readonly columns?: readonly string[]
  /** Number of rows, when known in advance (progress bars); `undefined` otherwise. */
  readonly rows?: number
  /**
   * A fresh pass over the rows from the first, in blocks. A re-readable source returns a new
   * iterator each call; a one-shot source may throw or yield nothing on the second call.
   */
  blocks(): AsyncIterable<Dataset>
}

/** Default rows per block of {@link fromDataset}. @category Sources @since 0.2.0 */
export const DEFAULT_BLOCK_ROWS = 65_536

/**
 * A re-readable source over an in-memory dataset, in blocks of `blockRows` rows (views, no copy).
 * Streaming an in-memory dataset gives the same fit as the memory engine up to summation order;
 * useful for tests and for checking a streaming pipeline.
 *
 * @param blockRows - rows per block, an integer ≥ 1 (default {@link DEFAULT_BLOCK_ROWS}).
 * @returns `Left(InvalidOptions)` when `blockRows` is not an integer ≥ 1.
 * @category Sources
 * @since 0.2.0
 */
export const fromDataset = (data: Dataset, blockRows: number = DEFAULT_BLOCK_ROWS): E.Either<EmError, RowSource> => {
  const rows = Validate.integer('blockRows', blockRows, { min: 1 })
  if (E.isLeft(rows)) return rows
  const checked = check(data)
  if (E.isLeft(checked)) return checked
  const source: { d: number; rows: number; columns?: readonly string[]; blocks: () => AsyncIterable<Dataset> } = {
    d: data.d,
    rows: data.n,
    // eslint-disable-next-line @typescript-eslint/require-await -- an AsyncIterable over blocks already in memory has nothing to await
    blocks: async function* () {
      for (let s = 0; s < data.n; s += blockRows) yield slice(data, s, Math.min(data.n, s + blockRows))
    },
  }
  if (data.columns !== undefined) source.columns = data.columns
  return E.right(source)
}

/**
 * A source from a function that starts a pass: `pass()` returns an async (or sync) iterable of
 * blocks, each a {@link Dataset} or a flat row-major `Float64Array` of whole rows.
 *
 * @param d - columns of every block, an integer ≥ 1.
 * @param pass - called once per pass over the data.
 * @returns `Left(InvalidOptions)` when `d` is not an integer ≥ 1.
 * @example
 * ```ts
 * const source = Source.fromBlocks(2, async function* () { yield Float64Array.of(1, 2, 3, 4) })
 * ```
 * @category Sources
 * @since 0.2.0
 */
export const fromBlocks = (
  d: number,
  pass: () => AsyncIterable<Dataset | Float64Array> | Iterable<Dataset | Float64Array>,
  options: { readonly rows?: number; readonly columns?: readonly string[] } = {},
): E.Either<EmError, RowSource> => {
  const dd = Validate.integer('d', d, { min: 1, max: Validate.MAX_VALUES })
  if (E.isLeft(dd)) return dd
  const source: { d: number; rows?: number; columns?: readonly string[]; blocks: () => AsyncIterable<Dataset> } = {
    d,
    blocks: async function* () {
      for await (const block of pass()) {
        if (block instanceof Float64Array) {
          if (block.length % d !== 0)
            throw new BlockError(invalidData(`a block of ${block.length} values is not a whole number of rows of ${d}`))
          if (block.length > 0) yield { n: block.length / d, d, values: block }
        } else if (block.n > 0) yield block
      }
    },
  }
  if (options.rows !== undefined) source.rows = options.rows
  if (options.columns !== undefined) source.columns = options.columns
  return E.right(source)
}

/**
 * Thrown inside a pass when a block is malformed; the engine turns it into a `Left`.
 *
 * @category Sources
 * @since 0.2.0
 */
export class BlockError extends Error {
  /** The typed error. */
  readonly error: EmError
  constructor(error: EmError) {
    super(error.message)
    this.error = error
  }
}

/**
 * Checks one block as it arrives: its dimension, finite values (or NaN exactly where its mask of
 * missing cells says so, see `Dataset.checkMask`) and sample weights ≥ 0. Rows are named by their
 * global index (`firstRow` + i).
 *
 * @returns `undefined` when the block is sound, else the typed error.
 * @category Sources
 * @since 0.2.0
 */
export const checkBlock = (block: Dataset, d: number, firstRow: number): EmError | undefined => {
  if (block.d !== d) return invalidData(`rows from ${firstRow} have ${block.d} columns, expected ${d}`, firstRow)
  if (block.values.length < block.n * d)
    return invalidData(`the block at row ${firstRow} holds ${block.values.length} values for ${block.n} rows of ${d}`, firstRow)
  const v = block.values
  if (block.missing !== undefined) {
    const bad = checkMask(block.n, d, v, block.missing, firstRow)
    if (bad !== undefined) return bad
  } else
    for (let i = 0; i < block.n; i++) {
      for (let c = 0; c < d; c++) {
        const x = v[i * d + c]!
        if (!Number.isFinite(x))
          return invalidData(
            `row ${firstRow + i}, column ${c}: value is ${String(x)}; every value must be a finite number`,
            firstRow + i,
            c,
          )
      }
    }
  const w = block.sampleWeights
  if (w !== undefined) {
    if (w.length < block.n) return invalidData(`the block at row ${firstRow} has ${w.length} sample weights for ${block.n} rows`, firstRow)
    for (let i = 0; i < block.n; i++) {
      const x = w[i]!
      if (!Number.isFinite(x) || x < 0)
        return invalidData(`row ${firstRow + i}: sample weight is ${String(x)}; weights must be finite and ≥ 0`, firstRow + i)
    }
  }
  return undefined
}
