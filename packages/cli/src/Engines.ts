/**
 * Where `emkit fit` runs its passes over the data, resolved once from `--engine`, `--workers` and
 * the size of the data file into an {@link EnginePlan} the command cannot misuse:
 *
 * - `memory`: the CSV is read into memory and every pass runs over it, on `--workers` threads
 *   (`auto`: every core when the work is large enough, see core's `Engine.resolveWorkers`);
 * - `stream`: the CSV is converted once into a binary spill file (`Spill.ts`) and every pass reads
 *   it in blocks, on one thread: exact EM over files larger than memory.
 *
 * Without `--engine`, a data file larger than {@link streamThreshold} streams. The in-memory reader
 * holds the whole text and every parsed cell as a JavaScript string — about 20 bytes of heap per
 * byte of CSV, measured — and V8 cannot hold a string longer than 2²⁹ − 24 characters at all, so
 * the threshold is 1/32 of the JavaScript heap limit (`v8.getHeapStatistics().heap_size_limit`,
 * which `--max-old-space-size` raises; about 130 MiB with Node's usual 4 GiB heap), and never more
 * than 512 MiB.
 *
 * @packageDocumentation
 */
import { statSync } from 'node:fs'
import { getHeapStatistics } from 'node:v8'
import { InvalidArgumentError } from 'commander'
import { either as E } from 'fp-ts'
import type { CliError } from './Failure.js'
import { usageError } from './Failure.js'

/**
 * The engines `--engine` accepts (anything else is a usage error): `memory`, `stream`, and `duckdb`
 * (the file read by DuckDB out of core, each EM pass one aggregate query there; `--db` chooses
 * PostgreSQL instead).
 *
 * @category Engines
 * @since 0.2.0
 */
export const ENGINES = ['memory', 'stream', 'duckdb'] as const

/**
 * An engine name.
 *
 * @category Engines
 * @since 0.2.0
 */
export type EngineName = (typeof ENGINES)[number]

/**
 * A `--workers` value: a thread count ≥ 1, or `'auto'`.
 *
 * @category Engines
 * @since 0.2.0
 */
export type Workers = number | 'auto'

/**
 * Parses `--workers N|auto` (commander turns the thrown error into a usage error, exit 2, one line
 * naming the flag).
 *
 * @example
 * ```ts
 * Engines.parseWorkers('auto') // 'auto'
 * Engines.parseWorkers('4')    // 4
 * Engines.parseWorkers('0')    // throws: --workers must be an integer ≥ 1 or auto.
 * ```
 * @category Engines
 * @since 0.2.0
 */
export const parseWorkers = (s: string): Workers => {
  const t = s.trim()
  if (t === 'auto') return 'auto'
  const x = Number(t)
  if (!/^\+?\d+$/.test(t) || !Number.isSafeInteger(x) || x < 1) throw new InvalidArgumentError('--workers must be an integer ≥ 1 or auto.')
  return x
}

/**
 * The environment variable that overrides {@link streamThreshold}, in bytes (`0` streams every
 * file). The tests use it to stream small files without `--engine stream`.
 *
 * @category Engines
 * @since 0.2.0
 */
export const STREAM_THRESHOLD_ENV = 'EMKIT_STREAM_THRESHOLD'

/** The longest file the in-memory reader can hold as one string: V8's 2²⁹ − 24 characters, rounded down. */
const MAX_IN_MEMORY_BYTES = 512 * 2 ** 20

/**
 * The data-file size in bytes above which `emkit fit` streams when `--engine` is not given: the
 * value of {@link STREAM_THRESHOLD_ENV} when set, else min(heap limit / 32, 512 MiB).
 *
 * @returns `Left` (usage error) when the environment variable is not a whole number of bytes.
 * @category Engines
 * @since 0.2.0
 */
export const streamThreshold = (env: NodeJS.ProcessEnv = process.env): E.Either<CliError, number> => {
  const given = env[STREAM_THRESHOLD_ENV]
  if (given !== undefined && given.trim() !== '') {
    const x = Number(given)
    if (!/^\s*\d+\s*$/.test(given) || !Number.isSafeInteger(x))
      return E.left(usageError(`${STREAM_THRESHOLD_ENV} must be a whole number of bytes, got ${JSON.stringify(given)}`))
    return E.right(x)
  }
  return E.right(Math.min(Math.floor(getHeapStatistics().heap_size_limit / 32), MAX_IN_MEMORY_BYTES))
}

/**
 * The resolved engine of one `emkit fit` run.
 *
 * @category Engines
 * @since 0.2.0
 */
export type EnginePlan =
  | { readonly engine: 'memory'; readonly workers: Workers }
  | {
      readonly engine: 'stream'
      /** Why: `--engine stream`, or a data file of `bytes` bytes above `threshold`. */
      readonly reason: { readonly by: 'flag' } | { readonly by: 'size'; readonly bytes: number; readonly threshold: number }
    }
  | {
      readonly engine: 'duckdb'
      /** Why: `--engine duckdb`, or a Parquet file. */
      readonly reason: { readonly by: 'flag' } | { readonly by: 'parquet' }
    }
  | { readonly engine: 'postgres'; readonly url: string; readonly table: string }

/**
 * Resolves `--engine` and `--workers` for a data file (`undefined`: the embedded data set).
 *
 * @param sizeOf the size of a file in bytes, or `undefined` when it cannot be read (the reader then
 *   says why); `fs.statSync` by default.
 * @returns `Left` (usage error) for `--workers N` > 1 with the stream engine, which reads on one
 *   thread, or a bad {@link STREAM_THRESHOLD_ENV}.
 * @category Engines
 * @since 0.2.0
 */
export const planEngine = (
  flags: { readonly engine?: EngineName; readonly workers?: Workers; readonly db?: string; readonly table?: string },
  dataPath: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  sizeOf: (path: string) => number | undefined = fileSize,
): E.Either<CliError, EnginePlan> => {
  const workers = flags.workers ?? 'auto'
  const database = planDatabase(flags, dataPath)
  if (database !== undefined) return database
  let plan: EnginePlan
  if (flags.engine === 'memory') plan = { engine: 'memory', workers }
  else if (flags.engine === 'duckdb') plan = { engine: 'duckdb', reason: { by: 'flag' } }
  else if (flags.engine === undefined && dataPath !== undefined && /\.parquet$/i.test(dataPath))
    plan = { engine: 'duckdb', reason: { by: 'parquet' } }
  else if (flags.engine === 'stream') plan = { engine: 'stream', reason: { by: 'flag' } }
  else {
    const bytes = dataPath === undefined ? undefined : sizeOf(dataPath)
    const threshold = streamThreshold(env)
    if (E.isLeft(threshold)) return threshold
    plan =
      bytes !== undefined && bytes > threshold.right
        ? { engine: 'stream', reason: { by: 'size', bytes, threshold: threshold.right } }
        : { engine: 'memory', workers }
  }
  if (plan.engine === 'duckdb') {
    if (dataPath === undefined || dataPath === '-')
      return E.left(
        usageError(
          `--engine duckdb reads a CSV or Parquet file; ${dataPath === '-' ? 'standard input' : 'the embedded data set'} is fitted in memory`,
        ),
      )
    if (typeof workers === 'number' && workers > 1)
      return E.left(
        usageError(
          `--workers ${workers}: DuckDB runs its own threads; leave --workers out with ${plan.reason.by === 'flag' ? '--engine duckdb' : 'a Parquet file'}, or use --engine memory`,
        ),
      )
  }
  if (plan.engine === 'stream' && typeof workers === 'number' && workers > 1) {
    const why =
      plan.reason.by === 'flag'
        ? 'with --engine stream'
        : `and ${dataPath} (${mib(plan.reason.bytes)}) is larger than the stream threshold (${mib(plan.reason.threshold)}), so it streams`
    return E.left(
      usageError(
        `--workers ${workers}: the stream engine reads on one thread, ${why}; use --engine memory to fit in memory on ${workers} threads`,
      ),
    )
  }
  return E.right(plan)
}

/** `--db URL --table NAME`: PostgreSQL, or the usage error of a half-given or conflicting pair. */
const planDatabase = (
  flags: { readonly engine?: EngineName; readonly workers?: Workers; readonly db?: string; readonly table?: string },
  dataPath: string | undefined,
): E.Either<CliError, EnginePlan> | undefined => {
  if (flags.db === undefined && flags.table === undefined) return undefined
  if (flags.db === undefined) return E.left(usageError('--table names a table of the --db database; give --db URL too'))
  if (flags.table === undefined) return E.left(usageError('--db needs --table NAME: the table that holds the data'))
  if (dataPath !== undefined)
    return E.left(usageError(`--db reads the data from table ${JSON.stringify(flags.table)}; leave out DATA (${dataPath})`))
  if (flags.engine !== undefined)
    return E.left(usageError(`--engine ${flags.engine}: --db runs the fit inside PostgreSQL; leave out --engine`))
  if (typeof flags.workers === 'number' && flags.workers > 1)
    return E.left(usageError(`--workers ${flags.workers}: PostgreSQL runs the passes itself; leave out --workers`))
  return E.right({ engine: 'postgres', url: flags.db, table: flags.table })
}

const fileSize = (path: string): number | undefined => {
  try {
    const st = statSync(path)
    return st.isFile() ? st.size : undefined
  } catch {
    return undefined
  }
}

/**
 * A byte count for messages: `130.0 MiB`.
 *
 * @category Engines
 * @since 0.2.0
 */
export const mib = (bytes: number): string => (bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${bytes} bytes`)
