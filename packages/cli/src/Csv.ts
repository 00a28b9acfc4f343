/**
 * CSV input (DESIGN.md, "CSV input"): comma-separated numbers, one row per observation, with an
 * optional header row of column names, detected when the first row is not all numeric. Parsing is
 * csv-parse's (quoted fields, CRLF or LF, a UTF-8 byte-order mark); this module turns the records
 * into numbers and says exactly which file, row and column is wrong when one is.
 *
 * Rows are numbered from 1 over the data rows (the header excluded); every message also gives the
 * line of the file, so a user can jump to it.
 *
 * @packageDocumentation
 */
import { parse } from 'csv-parse/sync'
import { either as E } from 'fp-ts'
import type { CliError } from './Failure.js'
import { dataError } from './Failure.js'

/**
 * A numeric table read from a CSV file.
 *
 * @category CSV
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
 * @category CSV
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

/** Where a cell is, for messages: `data.csv: row 3 (line 4), column 2 ("waiting")`. */
export const cellPlace = (table: Pick<Table, 'file' | 'columns' | 'header'>, row: number, line: number, column: number): string =>
  `${table.file}: row ${row} (line ${line}), column ${column + 1}${table.header ? ` (${JSON.stringify(table.columns[column])})` : ''}`

interface ParsedRecord {
  readonly record: string[]
  readonly info: { readonly lines: number }
}

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
 * readCsv('a,b\n1,2\n3,4\n', 'data.csv') // Right({ columns: ['a', 'b'], n: 2, d: 2, … })
 * ```
 * @category CSV
 * @since 0.1.0
 */
export const readCsv = (text: string, file: string): E.Either<CliError, Table> => {
  let records: ParsedRecord[]
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: false,
      comment_no_infix: true,
    }) as unknown as ParsedRecord[]
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e)
    return E.left(dataError(`${file}: not a readable CSV file: ${msg}`))
  }
  if (records.length === 0) return E.left(dataError(`${file}: the file has no rows`))
  const first = records[0]!.record
  // A header is a first row that is not all numeric (DESIGN.md); a cell that is empty, NaN or
  // infinite is bad data, not a column name, so it alone does not make a header.
  const hasHeader = first.some((c) => isText(c))
  const body = hasHeader ? records.slice(1) : records
  const d = first.length
  const columns = hasHeader ? first.map((c) => c.trim()) : Array.from({ length: d }, (_, c) => `x${c + 1}`)
  const place = { file, columns, header: hasHeader }
  if (body.length === 0) return E.left(dataError(`${file}: no data rows${hasHeader ? ' after the header' : ''}`))
  const n = body.length
  const values = new Float64Array(n * d)
  const lines = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const { record, info } = body[i]!
    // info.lines is the line where the record ends; a record spans one line unless a quoted field has newlines.
    const line = info.lines - countNewlines(record)
    lines[i] = line
    if (record.length !== d) {
      return E.left(dataError(`${file}: row ${i + 1} (line ${line}) has ${record.length} fields but ${hasHeader ? 'the header has' : 'row 1 has'} ${d} (ragged row)`))
    }
    for (let c = 0; c < d; c++) {
      const x = parseCell(record[c]!)
      if (typeof x === 'string') return E.left(dataError(`${cellPlace(place, i + 1, line, c)}: ${x}`))
      values[i * d + c] = x
    }
  }
  return E.right({ file, columns, header: hasHeader, n, d, values, lines })
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
 * Keeps the named columns, in the order given (`--columns a,b`).
 *
 * @category CSV
 * @since 0.1.0
 */
export const selectColumns = (table: Table, names: readonly string[]): E.Either<CliError, Table> => {
  const idx: number[] = []
  for (const name of names) {
    const c = table.columns.indexOf(name)
    if (c < 0) {
      return E.left(dataError(`${table.file}: no column named ${JSON.stringify(name)} (columns: ${table.columns.join(', ')})${table.header ? '' : '; the file has no header row'}`))
    }
    idx.push(c)
  }
  const d = idx.length
  const values = new Float64Array(table.n * d)
  for (let i = 0; i < table.n; i++) for (let c = 0; c < d; c++) values[i * d + c] = table.values[i * table.d + idx[c]!]!
  return E.right({ ...table, columns: idx.map((c) => table.columns[c]!), d, values })
}

/**
 * Formats rows of values as CSV text (a header, then one line per row; numbers in shortest
 * round-trip form).
 *
 * @category CSV
 * @since 0.1.0
 */
export const writeCsv = (header: readonly string[], rows: ReadonlyArray<ReadonlyArray<number | string>>): string => {
  const quote = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
  const out: string[] = [header.map(quote).join(',')]
  for (const r of rows) out.push(r.map((x) => (typeof x === 'number' ? String(x) : quote(x))).join(','))
  return out.join('\n') + '\n'
}
