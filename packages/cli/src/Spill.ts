/**
 * Data larger than memory, for the stream engine: the CSV is parsed once, as a stream, into a
 * binary **spill file** of raw little-endian Float64 rows (row-major, the selected columns only)
 * in the temporary directory, and every EM pass then reads that file in blocks — reading doubles
 * is far cheaper than parsing text again on every iteration.
 *
 * - Parsing is csv-parse's stream API with the options, header detection, `--columns` selection,
 *   support checks and one-line messages of the in-memory reader (`Csv.RecordDecoder`,
 *   `Data.supportProblem`); memory is one block of rows, never the file.
 * - The spill file gets a unique name (`emkit-spill-<pid>-<uuid>.f64` in `os.tmpdir()`, so `TMPDIR`
 *   moves it), is created exclusively with mode 0600, and is always removed: after the fit, after a
 *   failure, on exit, and on SIGINT, SIGTERM or SIGHUP (removed, then the signal is raised again so
 *   the process ends as it would have).
 * - The `RowSource` over it reads blocks of {@link SPILL_BLOCK_ROWS} rows with
 *   `FileHandle.read` into one reused buffer: a yielded block is a view of that buffer, valid until
 *   the engine asks for the next one (the stream engine consumes each block fully before that).
 *
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto'
import { createReadStream, rmSync } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { open } from 'node:fs/promises'
import { endianness, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream'
import type { Dataset as DatasetNs, Source as SourceNs } from '@emkit/core'
type Dataset = DatasetNs.Dataset
type RowSource = SourceNs.RowSource
import { Rng, Source } from '@emkit/core'
import { CsvError, parse } from 'csv-parse'
import { either as E } from 'fp-ts'
import type { CsvShape, ParsedRecord } from './Csv.js'
import { cellPlace, columnIndices, PARSE_OPTIONS, RecordDecoder, unreadableCsv } from './Csv.js'
import { supportProblem } from './Data.js'
import type { CliError } from './Failure.js'
import { dataError, orFail, readFailure } from './Failure.js'

/**
 * Rows per block, both when the spill file is written and when it is read on every pass: 65 536
 * rows (512 KiB per column), large enough that a pass is a few hundred reads per GiB and small
 * enough that a block of 100 columns is 50 MiB.
 *
 * @category Engines
 * @since 0.2.0
 */
export const SPILL_BLOCK_ROWS = 65_536

/**
 * A CSV file converted into a spill file: its shape after `--columns`, its number of rows, an
 * optional uniform sample of its rows (for pictures), and a re-readable `RowSource`.
 *
 * @category Engines
 * @since 0.2.0
 */
export interface Spill extends CsvShape {
  /** The spill file (removed when {@link withSpill} returns). */
  readonly path: string
  /** Number of data rows. */
  readonly n: number
  /**
   * A uniform sample of at most `sampleSize` rows (reservoir sampling, seeded; in file order), or
   * every row when there are no more than that. Empty (n = 0) when no sample was asked for.
   */
  readonly sample: Dataset
  /** A source that reads the spill file from its first row on every pass. */
  readonly source: RowSource
}

/**
 * Options of {@link withSpill}.
 *
 * @category Engines
 * @since 0.2.0
 */
export interface SpillOptions {
  /** The name of the data file in messages (default: its path). */
  readonly file?: string
  /** Keep only these columns, by header name, in this order (`--columns`). */
  readonly columns?: readonly string[]
  /** The family whose support every value is checked against. */
  readonly family: string
  /** Rows to keep as a uniform sample (default 0: none). */
  readonly sampleSize?: number
  /** Seed of the sample's random stream (default 0). */
  readonly seed?: number
  /** Rows per block (default {@link SPILL_BLOCK_ROWS}). */
  readonly blockRows?: number
  /** Where the spill file goes (default `os.tmpdir()`). */
  readonly directory?: string
  /**
   * Called once the shape is known (after the first data row, `--columns` applied), before the
   * rest of the file is read: an error stops the conversion (e.g. a starting model of another
   * dimension), so a large file is not converted in vain.
   */
  readonly check?: (shape: CsvShape) => CliError | undefined
}

// ---------------------------------------------------------------------------------------------
// Removal: every live spill file is removed when it is no longer used, when the process exits and
// when it is interrupted.

const live = new Set<string>()
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

const removeFile = (path: string): void => {
  try {
    rmSync(path, { force: true })
  } catch {
    // nothing more can be done; the name is unique and in the temporary directory
  }
}

const removeAll = (): void => {
  for (const p of live) removeFile(p)
  live.clear()
}

const onSignal = (signal: NodeJS.Signals): void => {
  removeAll()
  uninstall()
  // With no listener left, the signal's default action ends the process as it would have.
  process.kill(process.pid, signal)
}

const install = (): void => {
  for (const s of SIGNALS) process.on(s, onSignal)
  process.on('exit', removeAll)
}

const uninstall = (): void => {
  for (const s of SIGNALS) process.removeListener(s, onSignal)
  process.removeListener('exit', removeAll)
}

const track = (path: string): void => {
  if (live.size === 0) install()
  live.add(path)
}

const release = (path: string): void => {
  removeFile(path)
  if (live.delete(path) && live.size === 0) uninstall()
}

/**
 * The spill files of this process that exist now (for tests and diagnostics).
 *
 * @category Engines
 * @since 0.2.0
 */
export const liveSpills = (): readonly string[] => [...live]

// ---------------------------------------------------------------------------------------------
// Bytes.

const bigEndian = endianness() === 'BE'

/** Reverses every 8-byte group of `bytes[0, length)`: host order ↔ little-endian on a big-endian host. */
const swap64 = (bytes: Uint8Array, length: number): void => {
  for (let p = 0; p + 8 <= length; p += 8) {
    for (let a = p, b = p + 7; a < b; a++, b--) {
      const t = bytes[a]!
      bytes[a] = bytes[b]!
      bytes[b] = t
    }
  }
}

/** Thrown by {@link writeBytes}: a failure of the spill file, not of the data. */
class SpillWriteError extends Error {}

const writeBytes = async (fh: FileHandle, values: Float64Array, count: number, position: number): Promise<void> => {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, count * 8)
  if (bigEndian) swap64(bytes, bytes.length)
  let done = 0
  try {
    while (done < bytes.length) {
      const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, position + done)
      done += bytesWritten
    }
  } catch (e) {
    throw new SpillWriteError(e instanceof Error ? e.message : String(e))
  }
}

/**
 * One pass over a spill file of `n` rows of `d` doubles: blocks of `blockRows` rows read into one
 * reused buffer (each yielded block is a view of it, overwritten when the next is asked for).
 */
async function* readBlocks(path: string, n: number, d: number, blockRows: number): AsyncGenerator<Float64Array> {
  const fh = await open(path, 'r')
  try {
    const buffer = new Float64Array(blockRows * d)
    const bytes = new Uint8Array(buffer.buffer)
    let position = 0
    for (;;) {
      let filled = 0
      while (filled < bytes.length) {
        const { bytesRead } = await fh.read(bytes, filled, bytes.length - filled, position + filled)
        if (bytesRead === 0) break
        filled += bytesRead
      }
      position += filled
      if (filled % (8 * d) !== 0) throw new Error(`the spill file ${path} ends inside a row`)
      if (filled > 0) {
        if (bigEndian) swap64(bytes, filled)
        yield buffer.subarray(0, filled / 8)
      }
      if (filled < bytes.length) break
    }
    if (position !== n * d * 8) throw new Error(`the spill file ${path} holds ${position / (8 * d)} rows, expected ${n}`)
  } finally {
    await fh.close()
  }
}

// ---------------------------------------------------------------------------------------------
// Conversion.

/** What {@link fill} leaves: the shape after `--columns`, the rows written and the sample. */
interface Filled {
  readonly shape: CsvShape
  readonly n: number
  readonly sample: Dataset
}

/** {@link fill} met a bad row while parsing without line numbers: parse again with them. */
const RERUN_WITH_LINES = 'rerun-with-lines'

/**
 * Parses `dataPath` as a stream into the open spill file `fh`, a block of rows at a time.
 * Bad data are a `Left`; a failed write throws {@link SpillWriteError}.
 *
 * Line numbers (csv-parse's `info`) make parsing 2–3 times slower and only serve messages, so the
 * first parse goes without them; a bad row then asks for a second parse with them
 * ({@link RERUN_WITH_LINES}), which stops at the same row and names its line.
 */
const fill = async (
  dataPath: string,
  fh: FileHandle,
  options: SpillOptions,
  lines: boolean,
): Promise<E.Either<CliError | typeof RERUN_WITH_LINES, Filled>> => {
  const file = options.file ?? dataPath
  const blockRows = options.blockRows ?? SPILL_BLOCK_ROWS
  const sampleSize = options.sampleSize ?? 0
  const rng = Rng.seeded(options.seed ?? 0)
  const decoder = new RecordDecoder(file)
  let shape: CsvShape | undefined
  let pick: number[] = []
  let d = 0
  let block = new Float64Array(0)
  let filled = 0
  let written = 0
  let sample = new Float64Array(0)
  const sampleRows: number[] = []
  try {
    const input = createReadStream(dataPath)
    const parser = parse({ ...PARSE_OPTIONS, info: lines })
    // A read error destroys the parser with it, so it surfaces in the loop below; leaving the
    // loop early destroys both.
    pipeline(input, parser, () => undefined)
    for await (const item of parser as AsyncIterable<ParsedRecord | string[]>) {
      const r = lines ? decoder.push((item as ParsedRecord).record, (item as ParsedRecord).info.lines) : decoder.push(item as string[], 0)
      if (r === 'header') continue
      if (r !== 'row') return E.left(lines ? r : RERUN_WITH_LINES)
      if (shape === undefined) {
        const whole = decoder.shape!
        if (options.columns === undefined) {
          pick = Array.from({ length: whole.d }, (_, c) => c)
          shape = whole
        } else {
          const found = columnIndices(whole, options.columns)
          if (E.isLeft(found)) return found
          pick = found.right
          shape = { ...whole, columns: pick.map((c) => whole.columns[c]!), d: pick.length }
        }
        const refused = options.check?.(shape)
        if (refused !== undefined) return E.left(refused)
        d = shape.d
        block = new Float64Array(blockRows * d)
        sample = new Float64Array(sampleSize * d)
      }
      const row = decoder.row
      const at = filled * d
      for (let c = 0; c < d; c++) {
        const x = row[pick[c]!]!
        if (options.family !== 'gaussian') {
          const why = supportProblem(options.family, x)
          if (why !== undefined)
            return E.left(lines ? dataError(`${cellPlace(shape, decoder.rows, decoder.line, c)}: ${why}`) : RERUN_WITH_LINES)
        }
        block[at + c] = x
      }
      if (sampleSize > 0) {
        // Vitter's algorithm R over the rows so far (this is row i, 0-based).
        const i = decoder.rows - 1
        const slot = i < sampleSize ? i : Math.floor(rng.uniform() * (i + 1))
        if (slot < sampleSize) {
          sample.set(block.subarray(at, at + d), slot * d)
          sampleRows[slot] = i
        }
      }
      if (++filled === blockRows) {
        await writeBytes(fh, block, filled * d, written * d * 8)
        written += filled
        filled = 0
      }
    }
  } catch (e) {
    if (e instanceof SpillWriteError) throw e
    if (e instanceof CsvError) return E.left(unreadableCsv(file, e))
    // A system error reading the file (ENOENT, EISDIR, EACCES, EIO…); anything else is a bug.
    if (typeof (e as NodeJS.ErrnoException | undefined)?.code === 'string') return E.left(readFailure(file, 'data file', e))
    throw e
  }
  const bad = decoder.end()
  if (bad !== undefined) return E.left(bad)
  if (filled > 0) await writeBytes(fh, block, filled * d, written * d * 8)
  written += filled
  return E.right({ shape: shape!, n: written, sample: sampleOf(sample, sampleRows, d, shape!.columns) })
}

/** Converts `dataPath` into the spill file at `spillPath` (already tracked for removal). */
const convert = async (dataPath: string, spillPath: string, options: SpillOptions): Promise<E.Either<CliError, Spill>> => {
  const file = options.file ?? dataPath
  const blockRows = options.blockRows ?? SPILL_BLOCK_ROWS
  let fh: FileHandle
  try {
    fh = await open(spillPath, 'wx', 0o600)
  } catch (e) {
    return E.left(
      dataError(
        `cannot create the spill file ${spillPath}: ${e instanceof Error ? e.message : String(e)}; set TMPDIR to a writable directory`,
      ),
    )
  }
  let filled: E.Either<CliError | typeof RERUN_WITH_LINES, Filled>
  try {
    filled = await fill(dataPath, fh, options, false)
    if (E.isLeft(filled) && filled.left === RERUN_WITH_LINES) filled = await fill(dataPath, fh, options, true)
  } catch (e) {
    if (!(e instanceof SpillWriteError)) throw e
    return E.left(
      dataError(
        `cannot write the spill file ${spillPath}: ${e.message}; set TMPDIR to a directory with room for the data (8 bytes per value)`,
      ),
    )
  } finally {
    await fh.close().catch(() => undefined)
  }
  if (E.isLeft(filled))
    return E.left(filled.left === RERUN_WITH_LINES ? dataError(`${file}: the data changed while being read`) : filled.left)
  const { shape, n, sample } = filled.right
  const source = Source.fromBlocks(shape.d, () => readBlocks(spillPath, n, shape.d, blockRows), { rows: n, columns: shape.columns })
  if (E.isLeft(source)) return E.left(dataError(`${file}: ${source.left.message}`))
  return E.right({ ...shape, path: spillPath, n, sample, source: source.right })
}

/** The reservoir in file order, as a dataset. */
const sampleOf = (values: Float64Array, rows: readonly number[], d: number, columns: readonly string[]): Dataset => {
  const m = rows.length
  const order = Array.from({ length: m }, (_, t) => t).sort((a, b) => rows[a]! - rows[b]!)
  const out = new Float64Array(m * d)
  for (let t = 0; t < m; t++) out.set(values.subarray(order[t]! * d, (order[t]! + 1) * d), t * d)
  return { n: m, d, values: out, columns }
}

/**
 * Converts the CSV file at `dataPath` into a spill file, runs `use` with it, and removes the file
 * afterwards — whether `use` succeeds, fails or throws, and also when the process exits or is
 * interrupted first.
 *
 * @param dataPath the CSV file, parsed as a stream (memory O(block), whatever its length).
 * @param options columns, the family whose support is checked, the sample for pictures.
 * @param use what to do with the converted data (typically an EM fit on `spill.source`).
 * @returns what `use` returns.
 * @throws `CliFailure` (exit code 1) for bad data, naming file, row, line and column exactly
 *   as the in-memory reader does, or for a spill file that cannot be written.
 * @example
 * ```ts
 * const fit = await Spill.withSpill('big.csv', { family: 'gaussian' }, (spill) =>
 *   Mixture.fitAsync(Gaussian.family(), spill.source, { k: 3, engine: 'stream' }),
 * )
 * ```
 * @category Engines
 * @since 0.2.0
 */
export const withSpill = async <A>(dataPath: string, options: SpillOptions, use: (spill: Spill) => Promise<A>): Promise<A> => {
  const spillPath = join(options.directory ?? tmpdir(), `emkit-spill-${process.pid}-${randomUUID()}.f64`)
  track(spillPath)
  try {
    const spill = orFail(await convert(dataPath, spillPath, options))
    return await use(spill)
  } finally {
    release(spillPath)
  }
}
