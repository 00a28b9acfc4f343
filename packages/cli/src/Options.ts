/**
 * The command's options: where it reads and writes ({@link Io}), and the parsers and option sets
 * that commander applies to the flags of every sub-command (an `InvalidArgumentError` becomes a
 * usage error, exit code 2).
 *
 * @packageDocumentation
 */
import { fstatSync } from 'node:fs'
import type { Command } from 'commander'
import { InvalidArgumentError, Option } from 'commander'
import { parseWorkers } from './Engines.js'
import type { Covariance } from './Families.js'
import { COVARIANCES } from './Families.js'
import type { FamilyArgument, ModuleArgument } from './FamilyArgument.js'
import { parseFamily } from './FamilyArgument.js'
import type { ProgressSink } from './Progress.js'
import { terminalBar } from './Progress.js'

/**
 * Where the command reads and writes: injectable for tests.
 *
 * @category Command line
 * @since 0.1.0
 */
export interface Io {
  /** Writes to standard output. */
  readonly stdout: (text: string) => void
  /** Writes to standard error. */
  readonly stderr: (text: string) => void
  /** A live progress display on stderr, or `undefined` when stderr is not a terminal. */
  readonly progress?: () => ProgressSink
  /** Standard input, read when DATA is `-`. */
  readonly stdin?: () => NodeJS.ReadableStream
  /** Whether standard input is a pipe or a file (not a terminal): a DATA-less run then says it is not read. */
  readonly stdinPiped?: boolean
}

/** Whether standard input is a shell pipe or a non-empty file (`cmd | emkit`, `emkit < file`), not a terminal, /dev/null or a parent's socket. */
const pipedStdin = (): boolean => {
  try {
    const s = fstatSync(0)
    return s.isFIFO() || (s.isFile() && s.size > 0)
  } catch {
    return false
  }
}

/**
 * The process's standard streams (a progress bar when stderr is a terminal).
 *
 * @category Command line
 * @since 0.1.0
 */
export const processIo = (): Io => {
  const io: {
    stdout: (t: string) => void
    stderr: (t: string) => void
    progress?: () => ProgressSink
    stdin: () => NodeJS.ReadableStream
    stdinPiped: boolean
  } = {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    stdin: () => process.stdin,
    stdinPiped: pipedStdin(),
  }
  if (process.stderr.isTTY === true) io.progress = () => terminalBar(process.stderr)
  return io
}

// ---------------------------------------------------------------------------------------------
// Option parsers (commander turns an InvalidArgumentError into a usage error).

/** A parser of integers ≥ `min` for the flag `what`. */
export const integer =
  (what: string, min: number) =>
  (s: string): number => {
    if (!/^\s*[+-]?\d+\s*$/.test(s)) throw new InvalidArgumentError(`${what} must be an integer ≥ ${min}.`)
    const x = Number(s)
    if (!Number.isSafeInteger(x) || x < min) throw new InvalidArgumentError(`${what} must be an integer ≥ ${min}.`)
    return x
  }

/** A parser of finite numbers ≥ 0 for the flag `what`. */
export const nonNegative =
  (what: string) =>
  (s: string): number => {
    const x = Number(s)
    if (s.trim() === '' || !Number.isFinite(x) || x < 0) throw new InvalidArgumentError(`${what} must be a finite number ≥ 0.`)
    return x
  }

/**
 * Parses a list of k values: `3`, `1..8`, `1,2,4` or `2..4,6`.
 *
 * @category Command line
 * @since 0.1.0
 */
export const parseKs = (s: string): number[] => {
  const out = new Set<number>()
  for (const part of s.split(',')) {
    const m = /^\s*(\d+)\s*(?:\.\.\s*(\d+)\s*)?$/.exec(part)
    if (m === null) throw new InvalidArgumentError('k must be an integer, a range such as 1..8, or a list such as 1,2,4.')
    const a = Number(m[1])
    const b = m[2] === undefined ? a : Number(m[2])
    if (a < 1 || b < a || b > 1000) throw new InvalidArgumentError(`bad k range ${JSON.stringify(part.trim())}: need 1 ≤ from ≤ to ≤ 1000.`)
    for (let k = a; k <= b; k++) out.add(k)
  }
  return [...out].sort((x, y) => x - y)
}

/** Parses `--covariance full,diag,…` (select): known structures, without repeats. */
export const covarianceList = (s: string): Covariance[] => {
  const out: Covariance[] = []
  for (const part of s.split(',')) {
    const c = part.trim()
    if (!(COVARIANCES as readonly string[]).includes(c))
      throw new InvalidArgumentError(`unknown covariance ${JSON.stringify(c)}; choose from ${COVARIANCES.join(', ')}.`)
    if (!out.includes(c as Covariance)) out.push(c as Covariance)
  }
  return out
}

/** Parses `--columns a,b,c`: non-empty names. */
export const columnList = (s: string): string[] => {
  const out = s.split(',').map((c) => c.trim())
  if (out.some((c) => c === '')) throw new InvalidArgumentError('columns must be a comma-separated list of names, e.g. eruptions,waiting.')
  return out
}

/** Checks `--plot FILE`: a .svg or .html file. */
export const plotPath = (s: string): string => {
  if (!/\.(svg|html?)$/i.test(s)) throw new InvalidArgumentError('the picture must be a .svg or .html file.')
  return s
}

/** Parses `--family`: a built-in name, `gaussian/STRUCTURE`, a product over columns, or a module path. */
export const familyArgument = (s: string): FamilyArgument => {
  const r = parseFamily(s)
  if (r._tag === 'Left') throw new InvalidArgumentError(r.left)
  return r.right
}

/**
 * The `--family` option of `fit` and `select`. `more` are further names taken as they are (fit's
 * mixtures of regressions: `regression`, `poisson-glm`, `logistic`), so the flag holds either a
 * parsed {@link FamilyArgument} or one of those strings.
 */
export const familyOption = (more: readonly string[] = []): Option =>
  new Option(
    '--family <family>',
    `component family (default: gaussian): gaussian, exponential, multinomial, poisson, bernoulli, categorical, gamma; gaussian/diag (a structure); a product over columns, e.g. gaussian:x,y+poisson:n+bernoulli:b (by header name or 0-based index); or a family module, e.g. ./my-family.js${more.length === 0 ? '' : `; mixtures of regressions (with --formula): ${more.join(', ')}`}`,
  ).argParser((s: string): FamilyArgument | string => (more.includes(s.trim()) ? s.trim() : familyArgument(s)))

/** Parses the `--family` of `predict`, `score` and `sample`: a module path only (the model file names its family). */
export const moduleArgument = (s: string): ModuleArgument => {
  const r = familyArgument(s)
  if (r.kind !== 'module')
    throw new InvalidArgumentError(
      'the model file names its family; --family here gives only the module of a family that is not built in (e.g. ./my-family.js)',
    )
  return r
}

/** The `--family` option of `predict`, `score` and `sample`. */
export const moduleOption = (): Option =>
  new Option(
    '--family <module.js>',
    "the module that defines the model's family, when it is not built in (a model fitted with --family ./my-family.js)",
  ).argParser(moduleArgument)
/** The flags that say how to read DATA (every command that reads a data file). */
export interface ReadFlags {
  columns?: string[]
  truth?: string
  labels?: string
  missing?: 'error' | 'drop' | 'em'
  delimiter?: string
  decimal?: '.' | ','
  header?: 'auto' | 'yes' | 'no'
}

/** Parses `--delimiter`: one character, or `tab`/`\t`. */
export const delimiter = (s: string): string => {
  const d = s === 'tab' || s === '\\t' ? '\t' : s
  if (d.length !== 1 || d === '"' || d === '\n' || d === '\r')
    throw new InvalidArgumentError('the delimiter must be one character other than a quote or a line end (tab: --delimiter tab).')
  return d
}

/**
 * The options that say how to read DATA: `--columns`, `--missing`, `--delimiter`, `--decimal`,
 * `--header`, and (`withTruth`) `--truth`.
 */
export const readOptions = (c: Command, withTruth: boolean): Command => {
  c.option(
    '--columns <names>',
    'read only these columns, by header name, comma-separated (other columns, text ones included, are not read)',
    columnList,
  )
  if (withTruth)
    c.option(
      '--truth <column>',
      'a column of known classes: not fitted; the clusters are compared with it (adjusted Rand index, confusion table)',
    )
  return c
    .addOption(
      new Option(
        '--missing <policy>',
        'cells that are empty, NA or NaN: error (default) names the first; drop leaves out incomplete rows; em fits them by missing-data EM (MAR)',
      ).choices(['error', 'drop', 'em']),
    )
    .option('--delimiter <c>', 'field delimiter: one character, or tab (default: detected among , ; tab |)', delimiter)
    .addOption(
      new Option('--decimal <mark>', "decimal mark (default: detected; a comma with a ; delimiter, as R's write.csv2)").choices(['.', ',']),
    )
    .addOption(new Option('--header <h>', 'whether the first line is a header (default: auto, detected)').choices(['auto', 'yes', 'no']))
}

/** The options shared by `fit` and `select`. */
export const commonFitOptions = (c: Command): Command =>
  c
    .addOption(
      new Option('--init-method <method>', "initialisation (default: the family's; kmeans++ for gaussian)").choices([
        'kmeans++',
        'random',
        'random-rows',
        'family',
      ]),
    )
    .option('--max-iter <n>', 'maximum EM iterations per fit (default: 1000)', integer('--max-iter', 0))
    .option(
      '--tol <x>',
      'the threshold of --stop (by default: stop when |Δ log-likelihood| / n < x); 0 runs exactly --max-iter iterations (default: 1e-8)',
      nonNegative('--tol'),
    )
    .option(
      '--reg-covar <x>',
      'added to every covariance diagonal, gaussian only (default: 1e-6; 0 is exact ML)',
      nonNegative('--reg-covar'),
    )
    .option('--smoothing <x>', "additive smoothing of multinomial probabilities (default: the family's)", nonNegative('--smoothing'))
    .option('--seed <s>', 'seed of the random stream (default: 0)', integer('--seed', 0))
    .option(
      '--workers <n>',
      'threads for the passes over in-memory data: an integer ≥ 1 or auto (default: auto, every core when the work is large enough)',
      parseWorkers,
    )
