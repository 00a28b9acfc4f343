/**
 * CSV input (docs/architecture.md, "CSV input"): comma-separated numbers, one row per observation, with an
 * optional header row of column names, detected when the first row is not all numeric. Parsing is
 * csv-parse's (quoted fields, CRLF or LF, a UTF-8 byte-order mark); this module turns the records
 * into numbers and says exactly which file, row and column is wrong when one is.
 *
 * Rows are numbered from 1 over the data rows (the header excluded); every message also gives the
 * line of the file, so a user can jump to it.
 *
 * @packageDocumentation
 */
import { Validate } from '@emkit/core'
import { parse } from 'csv-parse/sync'
import { either as E } from 'fp-ts'
import type { CliError } from './Failure.js'
import { dataError } from './Failure.js'

/**
 * A numeric table read from a CSV file.
 *
 * @category Data
 * @since 0.1.0
 */
export interface Table {
  /** The file name used in messages. */
  readonly file: string
  /** Column names: the header row's, or `x1 … xd` when there is none. */
  readonly columns: readonly string[]
  /** Whether the file had a header row. */
  readonly header: boolean
  /** Number of data rows. */
  readonly n: number
  /** Number of columns. */
  readonly d: number
  /** Values, length n·d, row-major. */
  readonly values: Float64Array
  /** The 1-based line of the file where each data row starts (length n). */
  readonly lines: Int32Array
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/**
 * Parses one cell as a finite decimal number, or says why it is not one.
 *
 * @returns the number, or a short reason ("empty cell", "NaN is not a number", …).
 * @category Data
 * @since 0.1.0
 */
export const parseCell = (cell: string): number | string => {
  const s = cell.trim()
  if (s === '') return 'empty cell'
  if (NUMBER.test(s)) {
    const x = Number(s)
    return Number.isFinite(x) ? x : `${JSON.stringify(cell)} overflows a double`
  }
  if (/^[+-]?nan$/i.test(s)) return `${JSON.stringify(cell)} (NaN) is not allowed; every value must be a finite number`
  if (/^[+-]?(inf|infinity)$/i.test(s)) return `${JSON.stringify(cell)} is infinite; every value must be a finite number`
  return `${JSON.stringify(cell)} is not a number`
}

/**
 * Where a cell is, for messages: `data.csv: row 3 (line 4), column 2 ("waiting")`.
 *
 * @category Data
 * @since 0.1.0
 */
export const cellPlace = (table: Pick<Table, 'file' | 'columns' | 'header'>, row: number, line: number, column: number): string =>
  `${table.file}: row ${row} (line ${line}), column ${column + 1}${table.header ? ` (${JSON.stringify(table.columns[column])})` : ''}`

/**
 * The shape of a CSV file, known once its first record is read: its name in messages, column
 * names (the header's, or `x1 … xd`), whether it had a header row, and the number of columns.
 *
 * @category Data
 * @since 0.2.0
 */
export interface CsvShape {
  /** The file name used in messages. */
  readonly file: string
  /** Column names: the header row's, or `x1 … xd` when there is none. */
  readonly columns: readonly string[]
  /** Whether the file had a header row. */
  readonly header: boolean
  /** Number of columns. */
  readonly d: number
}

/**
 * csv-parse's options for both readers (the whole text at once, {@link readCsv}, and the streaming
 * one in `Spill.ts`): a UTF-8 byte-order mark, records with their line numbers, ragged rows kept
 * (so they can be named), blank lines skipped.
 *
 * @category Data
 * @since 0.2.0
 */
export const PARSE_OPTIONS = {
  bom: true,
  info: true,
  relax_column_count: true,
  skip_empty_lines: true,
  skip_records_with_empty_values: false,
  comment_no_infix: true,
} as const

/**
 * One record as csv-parse gives it with `info: true`.
 *
 * @category Data
 * @since 0.2.0
 */
export interface ParsedRecord {
  /** The fields. */
  readonly record: string[]
  /** `lines` is the line of the file where the record ends. */
  readonly info: { readonly lines: number }
}

/**
 * Turns parsed CSV records into numeric rows one at a time, so that the in-memory reader
 * ({@link readCsv}) and the streaming one (`Spill.ts`) detect the header, number rows and lines and
 * word their errors identically. The first record fixes the {@link CsvShape}: it is the header when
 * it is not all numeric (docs/architecture.md; a cell that is empty, NaN or infinite is bad data, not a column
 * name, so it alone does not make a header).
 *
 * Holds one row (length d) at a time: O(d) memory, whatever the file's length.
 *
 * @example
 * ```ts
 * const decoder = new Csv.RecordDecoder('data.csv')
 * decoder.push(['a', 'b'], 1) // 'header'
 * decoder.push(['1', '2'], 2) // 'row'; decoder.row is [1, 2], decoder.line is 2
 * ```
 * @category Data
 * @since 0.2.0
 */
export class RecordDecoder {
  /** The file name used in messages. */
  readonly file: string
  /** The shape, once the first record has been pushed. */
  shape: CsvShape | undefined
  /** Data rows decoded so far (the 1-based number of the last one). */
  rows = 0
  /** The values of the last data row decoded (length d; overwritten by the next). */
  row: Float64Array = new Float64Array(0)
  /** The 1-based line of the file where the last data row starts. */
  line = 0

  /** A decoder for the file named `file` in messages. */
  constructor(file: string) {
    this.file = file
  }

  /**
   * Decodes the next record.
   *
   * @param record the fields.
   * @param endLine the line where the record ends (csv-parse's `info.lines`).
   * @returns `'header'` when it was the header row, `'row'` when {@link RecordDecoder.row} now holds a data row,
   *   or the error (exit code 1) naming file, row, line and column: a ragged row, an empty,
   *   non-numeric, NaN or infinite cell.
   */
  push(record: readonly string[], endLine: number): 'header' | 'row' | CliError {
    let shape = this.shape
    if (shape === undefined) {
      const hasHeader = record.some((c) => isText(c))
      const d = record.length
      shape = {
        file: this.file,
        columns: hasHeader ? record.map((c) => c.trim()) : Array.from({ length: d }, (_, c) => `x${c + 1}`),
        header: hasHeader,
        d,
      }
      this.shape = shape
      this.row = new Float64Array(d)
      if (hasHeader) return 'header'
    }
    const i = this.rows + 1
    // A record spans one line unless a quoted field holds newlines.
    const line = endLine - countNewlines(record)
    if (record.length !== shape.d) {
      return dataError(
        `${this.file}: row ${i} (line ${line}) has ${record.length} fields but ${shape.header ? 'the header has' : 'row 1 has'} ${shape.d} (ragged row)`,
      )
    }
    for (let c = 0; c < shape.d; c++) {
      const x = parseCell(record[c]!)
      if (typeof x === 'string') return dataError(`${cellPlace(shape, i, line, c)}: ${x}`)
      this.row[c] = x
    }
    this.rows = i
    this.line = line
    return 'row'
  }

  /**
   * After the last record: the error for a file without data rows, else `undefined`.
   */
  end(): CliError | undefined {
    if (this.shape === undefined) return dataError(`${this.file}: the file has no rows`)
    if (this.rows === 0) return dataError(`${this.file}: no data rows${this.shape.header ? ' after the header' : ''}`)
    return undefined
  }
}

/**
 * The message for a CSV the parser cannot read (an unclosed quote, …).
 *
 * @category Data
 * @since 0.2.0
 */
export const unreadableCsv = (file: string, e: unknown): CliError => dataError(`${file}: not a readable CSV file: ${Validate.thrown(e)}`)

/**
 * Reads CSV text into a numeric {@link Table}.
 *
 * Fails (exit code 1) naming file, row, line and column on: a malformed CSV (unclosed quote), a
 * ragged row, an empty, non-numeric, NaN or infinite cell, a file with no data rows.
 *
 * @param text the file's contents.
 * @param file the name used in messages.
 * @example
 * ```ts
 * Csv.readCsv('a,b\n1,2\n3,4\n', 'data.csv') // Right({ columns: ['a', 'b'], n: 2, d: 2, … })
 * ```
 * @category Data
 * @since 0.1.0
 */
export const readCsv = (text: string, file: string): E.Either<CliError, Table> => {
  let records: ParsedRecord[]
  try {
    records = parse(text, PARSE_OPTIONS) as unknown as ParsedRecord[]
  } catch (e) {
    return E.left(unreadableCsv(file, e))
  }
  const decoder = new RecordDecoder(file)
  let values = new Float64Array(0)
  let lines = new Int32Array(0)
  for (const { record, info } of records) {
    const r = decoder.push(record, info.lines)
    if (r === 'header') continue
    if (r !== 'row') return E.left(r)
    const d = decoder.shape!.d
    if (decoder.rows === 1) {
      // The first data row: every later record is a data row.
      const n = records.length - (decoder.shape!.header ? 1 : 0)
      values = new Float64Array(n * d)
      lines = new Int32Array(n)
    }
    values.set(decoder.row, (decoder.rows - 1) * d)
    lines[decoder.rows - 1] = decoder.line
  }
  const bad = decoder.end()
  if (bad !== undefined) return E.left(bad)
  const { columns, header, d } = decoder.shape!
  return E.right({ file, columns, header, n: decoder.rows, d, values, lines })
}

const isText = (cell: string): boolean => {
  const s = cell.trim()
  return s !== '' && !NUMBER.test(s) && !/^[+-]?(nan|inf|infinity)$/i.test(s)
}

const countNewlines = (record: readonly string[]): number => {
  let k = 0
  for (const f of record) for (let p = f.indexOf('\n'); p >= 0; p = f.indexOf('\n', p + 1)) k++
  return k
}

/**
 * The 0-based indices of the named columns (`--columns a,b`), in the order given.
 *
 * @returns `Left` (exit code 1) naming the first unknown column and listing the file's columns.
 * @category Data
 * @since 0.2.0
 */
export const columnIndices = (
  shape: Pick<CsvShape, 'file' | 'columns' | 'header'>,
  names: readonly string[],
): E.Either<CliError, number[]> => {
  const idx: number[] = []
  for (const name of names) {
    const c = shape.columns.indexOf(name)
    if (c < 0) {
      return E.left(
        dataError(
          `${shape.file}: no column named ${JSON.stringify(name)} (columns: ${shape.columns.join(', ')})${shape.header ? '' : '; the file has no header row'}`,
        ),
      )
    }
    idx.push(c)
  }
  return E.right(idx)
}

/**
 * Keeps the named columns, in the order given (`--columns a,b`).
 *
 * @category Data
 * @since 0.1.0
 */
export const selectColumns = (table: Table, names: readonly string[]): E.Either<CliError, Table> => {
  const found = columnIndices(table, names)
  if (E.isLeft(found)) return found
  const idx = found.right
  const d = idx.length
  const values = new Float64Array(table.n * d)
  for (let i = 0; i < table.n; i++) for (let c = 0; c < d; c++) values[i * d + c] = table.values[i * table.d + idx[c]!]!
  return E.right({ ...table, columns: idx.map((c) => table.columns[c]!), d, values })
}

/**
 * Formats rows of values as CSV text (a header, then one line per row; numbers in shortest
 * round-trip form).
 *
 * @category Data
 * @since 0.1.0
 */
export const writeCsv = (header: readonly string[], rows: ReadonlyArray<ReadonlyArray<number | string>>): string => {
  const quote = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
  const out: string[] = [header.map(quote).join(',')]
  for (const r of rows) out.push(r.map((x) => (typeof x === 'number' ? String(x) : quote(x))).join(','))
  return out.join('\n') + '\n'
}
