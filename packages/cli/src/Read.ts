/**
 * Reading data as people have it (docs/architecture.md, "More of the `emkit` command"): a CSV, TSV
 * or text file, a Parquet file, or standard input (`-`), parsed by DuckDB's reader (multi-threaded,
 * streamed in chunks of 2 048 rows, so memory holds the selected columns as doubles plus one chunk).
 *
 * What this module decides before DuckDB reads, from the first 64 KiB of the text (all settable):
 * - the **delimiter**: `,`, `;`, tab or `|`, whichever splits every sampled line into the same number
 *   (> 1) of fields, the most fields winning (a `.tsv` file starts from tab);
 * - the **decimal mark**: a comma when the delimiter is not a comma and some unquoted field reads
 *   `12,5` (R's `write.csv2`, Excel in much of Europe);
 * - the **header**: present when the first line holds a field that is not a number (nor empty, NA or
 *   NaN), or when its first field is empty and every other line's is not (the row-name column of R
 *   and pandas, whose other names may be numbers: pandas writes integer column names); a first line
 *   of numbers is otherwise data, with a note when it looks like pandas' names (`0, 1, …` over
 *   fractional data): `--header yes` settles it;
 * - a **row-name column**: a first column whose header is empty (R's `write.csv`, pandas' index) is
 *   not data, and a note says so;
 * - **text columns** (every sampled value text, such as iris's `Species`) are not read unless named.
 *
 * Columns are picked by name before anything is converted (`--columns`), so a text column that is
 * not named is never read. `--truth COL` reads one column as text labels. Missing cells (empty, `NA`,
 * `NaN`) are an error naming row and column, or (`--missing drop`) drop their row.
 *
 * @packageDocumentation
 */
import { closeSync, createWriteStream, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { DuckDBConnection, DuckDBVector } from '@duckdb/node-api'
import { parse } from 'csv-parse/sync'
import type { ParsedRecord, Table } from './Csv.js'
import { cellPlace, PARSE_OPTIONS, unreadableCsv } from './Csv.js'
import type { CliError } from './Failure.js'
import { CliFailure, dataError, readFailure, usageError } from './Failure.js'

/**
 * What to do with missing cells (empty, `NA` or `NaN`) in the columns read: `error` (the default)
 * names the first one; `drop` leaves out every row that has one (listwise deletion); `em` keeps
 * them as NaN cells for missing-data EM (a row whose every cell is missing is dropped with a note:
 * it carries no information).
 *
 * @category Data
 * @since 0.2.0
 */
export type Missing = 'error' | 'drop' | 'em'

/**
 * How to read a data file; every field is optional and detected when absent.
 *
 * @category Data
 * @since 0.2.0
 */
export interface ReadOptions {
  /** Read only these columns, by header name, in this order (`--columns`). Default: every numeric column. */
  readonly columns?: readonly string[]
  /** Where `columns` come from, for messages (default `--columns`; e.g. "the columns of model.json"). */
  readonly columnsFrom?: string
  /** A column of known classes to read as text labels (`--truth`); never a data column. */
  readonly truth?: string
  /** A column of partly known components (`--labels`): 0-based integers, empty (or `NA`) when unknown; never a data column. */
  readonly labels?: string
  /** Missing cells: `error` (default), `drop` or `em` (kept as NaN; rows missing every cell dropped). */
  readonly missing?: Missing
  /** The field delimiter (one character; `\t` for tab). Default: detected. */
  readonly delimiter?: string
  /** The decimal mark, `.` or `,`. Default: detected. */
  readonly decimal?: '.' | ','
  /** Whether the first line is a header: `yes`, `no` or `auto` (default). */
  readonly header?: 'auto' | 'yes' | 'no'
  /** Called with the rows read so far, after every chunk (2 048 rows). */
  readonly onRows?: (rows: number) => void
  /** Standard input, for the path `-`. */
  readonly stdin?: () => NodeJS.ReadableStream
}

/**
 * A data file read for fitting: the numeric table of the columns read, the truth labels when
 * `truth` was named, and notes for the user (a skipped row-name or text column, dropped rows).
 *
 * @category Data
 * @since 0.2.0
 */
export interface DataRead {
  /** The columns read, as doubles (n × d, row-major), with each row's line in the file. */
  readonly table: Table
  /** The truth column's label of every row kept (length n), when `truth` was named. */
  readonly truth?: readonly string[]
  /** The labels column's component of every row kept (length n; −1 when unknown), when `labels` was named. */
  readonly labels?: Float64Array
  /** One line each: what was detected or skipped that a user should know. */
  readonly notes: readonly string[]
}

/** What the first lines of a text file say about its layout. */
export interface Layout {
  /** The field delimiter. */
  readonly delimiter: string
  /** The decimal mark. */
  readonly decimal: '.' | ','
  /** Whether the first line is a header. */
  readonly header: boolean
  /** Column names: the header's (an empty one stays empty), or `x1 … xd`. */
  readonly names: readonly string[]
  /** The 0-based index of a row-name column, or -1. */
  readonly rowNames: number
  /** Columns whose sampled values are all text (not numbers, not missing). */
  readonly text: ReadonlySet<number>
  /** A first line of numbers read as data that looks like column names (`0, 1, …`). */
  readonly ambiguous: boolean
}

const SAMPLE_BYTES = 64 * 1024
/** DuckDB's read buffer per thread: 2 MiB (its default, 32 MiB, took 77 MiB more of peak memory on the 10⁶ × 4 file for no speed). */
const BUFFER_BYTES = 2 * 1024 * 1024
const SAMPLE_LINES = 100
const DELIMITERS = [',', ';', '\t', '|']
const MISSING = /^(|NA|NaN|nan|NAN)$/

/** Splits one line into fields (quotes removed; `""` inside quotes is a quote), remembering which were quoted. */
const splitLine = (line: string, delimiter: string): Array<{ text: string; quoted: boolean }> => {
  const out: Array<{ text: string; quoted: boolean }> = []
  let field = ''
  let quoted = false
  let inQuotes = false
  for (let p = 0; p < line.length; p++) {
    const ch = line[p]!
    if (inQuotes) {
      if (ch === '"') {
        if (line[p + 1] === '"') {
          field += '"'
          p++
        } else inQuotes = false
      } else field += ch
    } else if (ch === '"' && field.trim() === '') {
      inQuotes = true
      quoted = true
      field = ''
    } else if (ch === delimiter) {
      out.push({ text: field, quoted })
      field = ''
      quoted = false
    } else field += ch
  }
  out.push({ text: field, quoted })
  return out
}

/** The sampled lines: complete lines of the first 64 KiB, a byte-order mark removed, blank lines skipped. */
const sampleLines = (text: string, whole: boolean): string[] => {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const cut = whole ? s : s.slice(0, Math.max(0, s.lastIndexOf('\n')))
  return cut
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, SAMPLE_LINES)
}

const numeric = (s: string, decimal: '.' | ','): boolean => {
  const t = s.trim()
  if (decimal === ',') return /^[+-]?(?:\d+,?\d*|,\d+)(?:[eE][+-]?\d+)?$/.test(t)
  return /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(t) || /^[+-]?(inf|infinity)$/i.test(t)
}

/**
 * Detects the layout of delimited text from its first lines (see the module's description); the
 * options given win over detection.
 *
 * @param text the first 64 KiB of the file (or all of it).
 * @param whole whether `text` is the whole file (else its last, possibly cut, line is ignored).
 * @example
 * ```ts
 * const layout = Read.detectLayout('"";"x";"y"\n"1";1,5;2\n"2";3;4,25\n', true, 'data.csv', {})
 * // layout.delimiter ';', layout.decimal ',', layout.header true, layout.rowNames 0
 * ```
 * @category Data
 * @since 0.2.0
 */
export const detectLayout = (
  text: string,
  whole: boolean,
  file: string,
  options: Pick<ReadOptions, 'delimiter' | 'decimal' | 'header'>,
): Layout => {
  const lines = sampleLines(text, whole)
  if (lines.length === 0) throw new CliFailure(dataError(`${file}: the file has no rows`))
  let delimiter = options.delimiter
  if (delimiter === undefined) {
    let best = { d: ',', fields: 1 }
    for (const d of DELIMITERS) {
      const counts = lines.map((l) => splitLine(l, d).length)
      if (counts.every((c) => c === counts[0]) && counts[0]! > best.fields) best = { d, fields: counts[0]! }
    }
    delimiter = best.d
  }
  const records = lines.map((l) => splitLine(l, delimiter))
  let decimal = options.decimal
  if (decimal === undefined) {
    const comma = delimiter !== ',' && records.some((r) => r.some((f) => !f.quoted && /^\s*[+-]?\d+,\d+(?:[eE][+-]?\d+)?\s*$/.test(f.text)))
    decimal = comma ? ',' : '.'
  }
  const first = records[0]!.map((f) => f.text.trim())
  const d = first.length
  let header: boolean
  let ambiguous = false
  if (options.header === 'yes') header = true
  else if (options.header === 'no') header = false
  else {
    const named = first.some((c) => !MISSING.test(c) && !numeric(c, decimal))
    const rowNameHeader = d > 1 && first[0] === '' && records.length > 1 && records.slice(1).every((r) => (r[0]?.text.trim() ?? '') !== '')
    header = named || rowNameHeader
    const sequence = first.every((c, i) => c === String(i))
    ambiguous = !header && sequence && records.slice(1).some((r) => r.some((f) => /[.,eE]/.test(f.text)))
  }
  const names = header ? first : Array.from({ length: d }, (_, c) => `x${c + 1}`)
  const rowNames = header && d > 1 && names[0] === '' ? 0 : -1
  const textColumns = new Set<number>()
  const data = records.slice(header ? 1 : 0)
  for (let c = 0; c < d; c++) {
    if (c === rowNames) continue
    const cells = data.map((r) => (r[c]?.text ?? '').trim()).filter((x) => !MISSING.test(x))
    if (cells.length > 0 && cells.every((x) => !numeric(x, decimal))) textColumns.add(c)
  }
  return { delimiter, decimal, header, names, rowNames, text: textColumns, ambiguous }
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`
const sqlName = (s: string): string => `"${s.replace(/"/g, '""')}"`

/** Unique, non-empty names for DuckDB (an empty or repeated header cell gets a stand-in). */
const duckNames = (names: readonly string[]): string[] => {
  const seen = new Set<string>()
  return names.map((n, c) => {
    let name = n === '' ? `__emkit_column_${c + 1}` : n
    while (seen.has(name)) name = `${name}__${c + 1}`
    seen.add(name)
    return name
  })
}

/** The first lines of a DuckDB error, as one line. */
const duckMessage = (e: unknown): string =>
  (e instanceof Error ? e.message : String(e))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(LINE \d+:|\^)/.test(l))
    .slice(0, 3)
    .join(' ')

/**
 * The first record whose number of fields differs from the first line's, parsed by csv-parse with
 * line numbers (on the error path only: it holds the whole text).
 */
const raggedRow = (plan: Plan, file: string): CliError | undefined => {
  if (plan.path === undefined || plan.delimiter === undefined) return undefined
  let records: ParsedRecord[]
  try {
    records = parse(readFileSync(plan.path, 'utf8'), { ...PARSE_OPTIONS, delimiter: plan.delimiter }) as unknown as ParsedRecord[]
  } catch (e) {
    return unreadableCsv(file, e)
  }
  const d = records[0]?.record.length ?? 0
  for (let r = 1; r < records.length; r++) {
    const { record, info } = records[r]!
    if (record.length !== d) {
      const row = plan.header ? r : r + 1
      return dataError(
        `${file}: row ${row} (line ${info.lines}) has ${record.length} fields but ${plan.header ? 'the header has' : 'row 1 has'} ${d} (ragged row)`,
      )
    }
  }
  return undefined
}

interface Plan {
  /** The text file read (for the error path), or `undefined` for Parquet. */
  readonly path?: string
  /** The delimiter of a text file. */
  readonly delimiter?: string
  /** SQL of the table to read (`read_csv(…)` or `read_parquet(…)`), given the types of the read columns. */
  readonly source: (types: 'data' | 'text') => string
  /** Names of the file's columns (unique, as DuckDB sees them) and as the user sees them. */
  readonly duck: readonly string[]
  readonly shown: readonly string[]
  readonly header: boolean
  readonly decimal: '.' | ','
  /** An estimate of the number of rows (from the file's size and the sample's bytes per line), or 0. */
  readonly rows: number
  /** The data columns read (indices into the file's columns), the truth column and the labels column (or -1). */
  readonly picked: readonly number[]
  readonly truth: number
  readonly labels: number
  readonly notes: string[]
}

const pickColumns = (
  file: string,
  shown: readonly string[],
  header: boolean,
  skip: ReadonlySet<number>,
  text: ReadonlySet<number>,
  options: ReadOptions,
  notes: string[],
): { picked: number[]; truth: number; labels: number } => {
  const find = (name: string, flag: string): number => {
    const c = shown.indexOf(name)
    if (c < 0 || (skip.has(c) && name === '')) {
      const listed = shown.filter((_, i) => !skip.has(i)).join(', ')
      throw new CliFailure(
        dataError(
          `${file}: no column named ${JSON.stringify(name)} for ${flag} (columns: ${listed})${header ? '' : '; the file has no header row'}`,
        ),
      )
    }
    return c
  }
  const truth = options.truth === undefined ? -1 : find(options.truth, '--truth')
  const labels = options.labels === undefined ? -1 : find(options.labels, '--labels')
  let picked: number[]
  if (options.columns !== undefined) {
    picked = options.columns.map((n) => find(n, options.columnsFrom ?? '--columns'))
    if (truth >= 0 && picked.includes(truth))
      throw new CliFailure(usageError(`--truth ${options.truth} is also in --columns; the known classes are not data`))
    if (labels >= 0 && picked.includes(labels))
      throw new CliFailure(usageError(`--labels ${options.labels} is also in --columns; the known components are not data`))
  } else {
    picked = []
    const skipped: string[] = []
    for (let c = 0; c < shown.length; c++) {
      if (skip.has(c) || c === truth || c === labels) continue
      if (text.has(c)) skipped.push(shown[c]!)
      else picked.push(c)
    }
    if (skipped.length > 0)
      notes.push(
        `text column${skipped.length === 1 ? '' : 's'} ${skipped.map((s) => JSON.stringify(s)).join(', ')} not read (name known classes with --truth)`,
      )
    if (picked.length === 0) throw new CliFailure(dataError(`${file}: no numeric column to read (columns: ${shown.join(', ')})`))
  }
  return { picked, truth, labels }
}

const csvPlan = (path: string, file: string, options: ReadOptions): Plan => {
  let head: string
  let whole: boolean
  try {
    const fd = openSync(path, 'r')
    try {
      const buf = Buffer.alloc(SAMPLE_BYTES)
      const got = readSync(fd, buf, 0, SAMPLE_BYTES, 0)
      head = buf.subarray(0, got).toString('utf8')
      whole = got < SAMPLE_BYTES
    } finally {
      closeSync(fd)
    }
  } catch (e) {
    throw new CliFailure(readFailure(path, 'data file', e))
  }
  const size = statSync(path).size
  const sampled = sampleLines(head, whole)
  const rows = whole
    ? sampled.length
    : Math.ceil((size / Math.max(1, Buffer.byteLength(sampled.join('\n')) / Math.max(1, sampled.length))) * 1.05)
  const tsv = extname(path).toLowerCase() === '.tsv' && options.delimiter === undefined ? { delimiter: '\t' } : {}
  const layout = detectLayout(head, whole, file, { ...options, ...tsv })
  const notes: string[] = []
  if (layout.delimiter !== ',' || layout.decimal !== '.')
    notes.push(
      `read with delimiter ${layout.delimiter === '\t' ? 'tab' : JSON.stringify(layout.delimiter)} and decimal mark ${JSON.stringify(layout.decimal)}`,
    )
  if (layout.ambiguous)
    notes.push(
      `the first line (${layout.names.length} numbers such as 0, 1, …) is read as data; if it names the columns, pass --header yes`,
    )
  const skip = new Set<number>()
  if (layout.rowNames >= 0) {
    skip.add(layout.rowNames)
    notes.push(`column 1 has no name (R's write.csv or pandas' index): read as row names, not data`)
  }
  const { picked, truth, labels } = pickColumns(file, layout.names, layout.header, skip, layout.text, options, notes)
  const duck = duckNames(layout.names)
  const source = (types: 'data' | 'text'): string => {
    const columns = duck.map((n, c) => `${sqlString(n)}: '${types === 'data' && picked.includes(c) ? 'DOUBLE' : 'VARCHAR'}'`).join(', ')
    return `read_csv(${sqlString(path)}, delim=${sqlString(layout.delimiter)}, quote='"', escape='"', header=${layout.header}, decimal_separator=${sqlString(layout.decimal)}, nullstr=['', 'NA', 'NaN', 'nan', 'NAN'], auto_detect=false, strict_mode=false, buffer_size=${BUFFER_BYTES}, columns={${columns}})`
  }
  return {
    path,
    delimiter: layout.delimiter,
    rows,
    source,
    duck,
    shown: layout.names,
    header: layout.header,
    decimal: layout.decimal,
    picked,
    truth,
    labels,
    notes,
  }
}

type Connection = DuckDBConnection

const parquetPlan = async (connection: Connection, path: string, file: string, options: ReadOptions): Promise<Plan> => {
  let names: string[]
  let types: string[]
  try {
    const r = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`)
    const rows = r.getRowObjectsJson() as Array<Record<string, unknown>>
    names = rows.map((row) => String(row['column_name']))
    types = rows.map((row) => String(row['column_type']))
  } catch (e) {
    throw new CliFailure(dataError(`${file}: not a readable Parquet file: ${duckMessage(e)}`))
  }
  const notes: string[] = []
  const skip = new Set<number>()
  names.forEach((n, c) => {
    if (/^__index_level_\d+__$/.test(n) || n === '') {
      skip.add(c)
      notes.push(`column ${JSON.stringify(n)} is pandas' index: read as row names, not data`)
    }
  })
  const isNumber = (t: string): boolean => /^(DOUBLE|FLOAT|REAL|DECIMAL.*|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U\w*INT|BOOLEAN)$/.test(t)
  const text = new Set(types.flatMap((t, c) => (isNumber(t) ? [] : [c])))
  const { picked, truth, labels } = pickColumns(file, names, true, skip, text, options, notes)
  for (const c of picked)
    if (!isNumber(types[c]!)) throw new CliFailure(dataError(`${file}: column ${JSON.stringify(names[c])} is ${types[c]}, not numbers`))
  const source = (): string => `read_parquet(${sqlString(path)})`
  return { rows: 0, source, duck: names, shown: names, header: true, decimal: '.', picked, truth, labels, notes }
}

/** Copies standard input into a private temporary file (DuckDB reads a file twice: layout, then data). */
const spoolStdin = async (stdin: () => NodeJS.ReadableStream): Promise<{ path: string; remove: () => void }> => {
  const dir = mkdtempSync(join(tmpdir(), 'emkit-stdin-'))
  const path = join(dir, 'stdin.csv')
  const remove = (): void => rmSync(dir, { recursive: true, force: true })
  try {
    await pipeline(stdin(), createWriteStream(path, { mode: 0o600 }))
  } catch (e) {
    remove()
    throw new CliFailure(readFailure('-', 'standard input', e))
  }
  return { path, remove }
}

/**
 * Reads a data file (CSV/TSV/TXT, Parquet, or `-` for standard input) into a numeric table, with
 * the truth labels when asked. Failures are {@link CliFailure}s with one line naming the file and,
 * where it applies, the row, line and column: an unknown column, a non-numeric or infinite cell, a
 * missing cell (with `--missing drop` as the way out), a file with no rows.
 *
 * @param path the file, or `-`.
 * @param options columns, truth, missing-cell policy and layout overrides.
 * @example
 * ```ts
 * const { table, truth, notes } = await Read.readData('iris.csv', { columns: ['Petal.Length', 'Petal.Width'], truth: 'Species' })
 * ```
 * @category Data
 * @since 0.2.0
 */
export const readData = async (path: string, options: ReadOptions = {}): Promise<DataRead> => {
  const file = path === '-' ? 'standard input' : path
  let spool: { path: string; remove: () => void } | undefined
  if (path === '-') {
    if (options.stdin === undefined) throw new CliFailure(usageError('- (standard input) is not available here'))
    spool = await spoolStdin(options.stdin)
  }
  const real = spool?.path ?? path
  const { DuckDBInstance } = await import('@duckdb/node-api')
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    const parquet = extname(path).toLowerCase() === '.parquet'
    const plan = parquet ? await parquetPlan(connection, real, file, options) : csvPlan(real, file, options)
    return await readRows(connection, plan, file, options)
  } finally {
    connection.closeSync()
    instance.closeSync()
    spool?.remove()
  }
}

/**
 * A data file as a DuckDB relation, for fitting inside DuckDB (`--engine duckdb`): the
 * `read_csv(…)` or `read_parquet(…)` SQL that reads it out of core (layout detected as
 * {@link readData} detects it, the data columns typed DOUBLE), and the columns picked — by
 * `--columns` or every numeric column — as DuckDB names them and as the user does.
 *
 * @param connection an open DuckDB connection (Parquet's schema is read through it).
 * @param path the file (not `-`).
 * @param options `columns` and the layout overrides of {@link ReadOptions} (`truth` and `missing` are not read here).
 * @returns the relation; throws {@link CliFailure} (one line naming the file) for an unreadable file or an unknown column.
 * @category Data
 * @since 0.2.0
 */
export const duckdbRelation = async (
  connection: DuckDBConnection,
  path: string,
  options: ReadOptions = {},
): Promise<{
  readonly from: string
  readonly columns: readonly string[]
  readonly shown: readonly string[]
  readonly notes: readonly string[]
}> => {
  const plan =
    extname(path).toLowerCase() === '.parquet' ? await parquetPlan(connection, path, path, options) : csvPlan(path, path, options)
  return {
    from: plan.source('data'),
    columns: plan.picked.map((c) => plan.duck[c]!),
    shown: plan.picked.map((c) => plan.shown[c]!),
    notes: plan.notes,
  }
}

/**
 * The values of a DOUBLE column of a chunk, with no missing entries (the query turns NULL into NaN):
 * the vector's own Float64Array when @duckdb/node-api exposes it (its `items`, read directly: calling
 * `getItem` per cell took 0.35 s of the 0.85 s read of 10⁶ × 4 values), else copied through `getItem`.
 */
const doubles = (vector: DuckDBVector, m: number): Float64Array => {
  const items = (vector as unknown as { items?: unknown }).items
  if (items instanceof Float64Array && items.length === m) return items
  const out = new Float64Array(m)
  for (let i = 0; i < m; i++) out[i] = (vector.getItem(i) as number | null) ?? Number.NaN
  return out
}

const readRows = async (connection: Connection, plan: Plan, file: string, options: ReadOptions): Promise<DataRead> => {
  const { picked, truth, duck, shown, header } = plan
  const d = picked.length
  const select = [...picked, ...(truth >= 0 ? [truth] : []), ...(plan.labels >= 0 ? [plan.labels] : [])]
    .map((c, i) => (i < d ? `COALESCE(CAST(${sqlName(duck[c]!)} AS DOUBLE), 'NaN'::DOUBLE)` : `CAST(${sqlName(duck[c]!)} AS VARCHAR)`))
    .join(', ')
  const place = { file, columns: picked.map((c) => shown[c]!), header }
  // One buffer, sized from the estimate and grown by half when it runs out, so that the peak is
  // about the data (not the chunks plus their concatenation).
  let capacity = Math.max(2048, plan.rows)
  let values = new Float64Array(capacity * d)
  let lineOfRow = new Int32Array(capacity)
  const labels: string[] = []
  let known = new Float64Array(plan.labels >= 0 ? capacity : 0)
  let n = 0
  let row = 0
  let dropped = 0
  let incomplete = 0
  const lineOf = (r: number): number => r + (header ? 1 : 0)
  try {
    const result = await connection.stream(`SELECT ${select} FROM ${plan.source('data')}`)
    for (;;) {
      const chunk = await result.fetchChunk()
      if (chunk === null || chunk.rowCount === 0) break
      const m = chunk.rowCount
      const vectors = Array.from({ length: d }, (_, c) => doubles(chunk.getColumnVector(c), m))
      const tv = truth >= 0 ? chunk.getColumnVector(d) : undefined
      const lv = plan.labels >= 0 ? chunk.getColumnVector(d + (truth >= 0 ? 1 : 0)) : undefined
      if (n + m > capacity) {
        capacity = Math.max(n + m, Math.ceil(capacity * 1.5))
        const grown = new Float64Array(capacity * d)
        grown.set(values.subarray(0, n * d))
        values = grown
        const grownLines = new Int32Array(capacity)
        grownLines.set(lineOfRow.subarray(0, n))
        lineOfRow = grownLines
        if (lv !== undefined) {
          const grownKnown = new Float64Array(capacity)
          grownKnown.set(known.subarray(0, n))
          known = grownKnown
        }
      }
      let kept = 0
      for (let i = 0; i < m; i++) {
        row++
        let missingAt = -1
        let absent = 0
        for (let c = 0; c < d; c++) {
          const x = vectors[c]![i]!
          if (Number.isNaN(x)) {
            if (missingAt < 0) missingAt = c
            absent++
            if (options.missing === 'em') {
              values[(n + kept) * d + c] = Number.NaN
              continue
            }
            break
          }
          if (!Number.isFinite(x))
            throw new CliFailure(
              dataError(`${cellPlace(place, row, lineOf(row), c)}: ${x} is infinite; every value must be a finite number`),
            )
          values[(n + kept) * d + c] = x
        }
        if (missingAt >= 0 && (options.missing !== 'em' || absent === d)) {
          if (options.missing === 'drop' || options.missing === 'em') {
            dropped++
            continue
          }
          throw new CliFailure(
            dataError(
              `${cellPlace(place, row, lineOf(row), missingAt)}: missing value (empty, NA or NaN); --missing drop leaves out incomplete rows, --missing em fits them by missing-data EM`,
            ),
          )
        }
        if (missingAt >= 0) incomplete++
        lineOfRow[n + kept] = lineOf(row)
        if (tv !== undefined) labels.push(String(tv.getItem(i) ?? 'NA'))
        if (lv !== undefined)
          known[n + kept] = labelOf(
            lv.getItem(i) as string | null,
            () => `${file}: row ${row} (line ${lineOf(row)}), --labels column ${JSON.stringify(shown[plan.labels])}`,
          )
        kept++
      }
      n += kept
      options.onRows?.(row)
    }
  } catch (e) {
    if (e instanceof CliFailure) throw e
    throw new CliFailure(await diagnose(connection, plan, file, e))
  }
  if (row === 0) throw new CliFailure(dataError(`${file}: no data rows${header ? ' after the header' : ''}`))
  if (n === 0) throw new CliFailure(dataError(`${file}: every one of the ${row} rows has a missing value; nothing left to fit`))
  const notes = [...plan.notes]
  if (dropped > 0) {
    notes.push(
      options.missing === 'em'
        ? `dropped ${dropped} of ${row} rows whose every cell is missing (they carry no information)`
        : `dropped ${dropped} of ${row} rows with a missing value (--missing drop)`,
    )
  }
  if (incomplete > 0) notes.push(`${incomplete} of ${n} rows have missing cells: fitted by missing-data EM (--missing em)`)
  const table: Table = { file, columns: place.columns, header, n, d, values: values.subarray(0, n * d), lines: lineOfRow.subarray(0, n) }
  return {
    table,
    notes,
    ...(truth >= 0 ? { truth: labels } : {}),
    ...(plan.labels >= 0 ? { labels: known.subarray(0, n) } : {}),
  }
}

/** One cell of the `--labels` column: a 0-based integer component, or −1 when empty or `NA`; anything else names the cell. */
const labelOf = (cell: string | null, place: () => string): number => {
  const text = cell === null ? '' : cell.trim()
  if (MISSING.test(text)) return -1
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)))
    throw new CliFailure(
      dataError(`${place()}: ${JSON.stringify(text)} is not a label; labels are 0-based component numbers, empty when unknown`),
    )
  return Number(text)
}

/**
 * DuckDB refused the file: find the first cell of a read column that is not a number (reading them
 * as text), or else say what DuckDB said (a ragged row, an unclosed quote …).
 */
const diagnose = async (connection: Connection, plan: Plan, file: string, e: unknown) => {
  const { picked, duck, shown, header, decimal } = plan
  const place = { file, columns: picked.map((c) => shown[c]!), header }
  try {
    const result = await connection.stream(`SELECT ${picked.map((c) => sqlName(duck[c]!)).join(', ')} FROM ${plan.source('text')}`)
    let row = 0
    for (;;) {
      const chunk = await result.fetchChunk()
      if (chunk === null || chunk.rowCount === 0) break
      for (let i = 0; i < chunk.rowCount; i++) {
        row++
        for (let c = 0; c < picked.length; c++) {
          const cell = chunk.getColumnVector(c).getItem(i) as string | null
          if (cell !== null && !MISSING.test(cell.trim()) && !numeric(cell, decimal))
            return dataError(`${cellPlace(place, row, row + (header ? 1 : 0), c)}: ${JSON.stringify(cell)} is not a number`)
        }
      }
    }
  } catch {
    // The text read fails too: the file itself is malformed (a ragged row, an unclosed quote).
  }
  return raggedRow(plan, file) ?? dataError(`${file}: not a readable data file: ${duckMessage(e)}`)
}
