/**
 * Law reports: what a law checked, whether it held, and — when it did not — a readable account of
 * the failure (the law, the iteration, the size of the violation against the allowed slack, a short
 * excerpt of the counterexample, and fast-check's seed and path to replay it), with the whole
 * counterexample written to a JSON file that the suite re-runs exactly when given it back as
 * `replay` ({@link RunOptions}, {@link readCounterexample}).
 *
 * @packageDocumentation
 */
import fc from 'fast-check'
// Types only: the modules themselves come from process.getBuiltinModule where the runtime has them.
import type * as NodeFs from 'node:fs'
import type * as NodePath from 'node:path'

/**
 * One observed violation of a law on one generated case.
 *
 * @category Reports
 * @since 0.1.0
 */
export interface Violation {
  /** The EM iteration (M-step number, 1-based) at which the law failed; 0 at the starting parameters; absent for family laws. */
  readonly iteration?: number
  /** The size of the violation (e.g. how much the log-likelihood decreased). */
  readonly size: number
  /** The slack the law allows at that point. */
  readonly allowed: number
  /** One readable line with the numbers involved. */
  readonly message: string
}

/**
 * The error a law throws inside a fast-check property when a case violates it; `fc.check` keeps it
 * as the failure's `errorInstance`.
 *
 * @category Reports
 * @since 0.1.0
 */
export class ViolationError extends Error {
  /** The violation. */
  readonly violation: Violation
  constructor(violation: Violation) {
    super(violation.message)
    this.name = 'ViolationError'
    this.violation = violation
  }
}

/**
 * Throws a {@link ViolationError} when `size > allowed`; use it inside custom laws.
 *
 * @example
 * ```ts
 * const noDecrease = (prev: number, next: number, iteration: number): void =>
 *   Report.violated(prev - next, Em.decreaseSlack(prev), `log-likelihood fell from ${prev} to ${next}`, iteration)
 * ```
 * @category Reports
 * @since 0.1.0
 */
export const violated = (size: number, allowed: number, message: string, iteration?: number): void => {
  if (size > allowed || Number.isNaN(size)) {
    throw new ViolationError(iteration === undefined ? { size, allowed, message } : { iteration, size, allowed, message })
  }
}

/**
 * Whether a law held.
 *
 * @category Reports
 * @since 0.1.0
 */
export type LawStatus = 'passed' | 'failed'

/**
 * The outcome of one law over all generated cases.
 *
 * @category Reports
 * @since 0.1.0
 */
export interface LawResult {
  /** The law's identifier, e.g. `'logLikelihoodNonDecreasing'`. */
  readonly law: string
  /** What the law states, in one line of plain Unicode math. */
  readonly statement: string
  /** Whether it held on every case. */
  readonly status: LawStatus
  /** Cases run (up to and including the first failure). */
  readonly runs: number
  /** Cases skipped by a precondition (`fc.pre`), e.g. a start with zero likelihood. */
  readonly skipped: number
  /** The violation on the shrunk counterexample, when the law failed with one. */
  readonly violation?: Violation
  /** The fast-check seed of the run (pass it back as `parameters.seed` to replay). */
  readonly seed: number
  /** The fast-check path of the counterexample (pass it back as `parameters.path` with the seed to replay). */
  readonly path?: string
  /** The full readable failure message (empty when the law held). */
  readonly message: string
  /**
   * Where the whole counterexample was written ({@link counterexampleFile}), when the law failed on
   * one and a file could be written; pass it back as the suite's `replay` option. Since 0.2.0.
   */
  readonly file?: string
  /** The whole shrunk counterexample, in memory (what {@link Counterexample.value} holds). Since 0.2.0. */
  readonly counterexample?: unknown
}

/**
 * The outcome of a suite of laws.
 *
 * @category Reports
 * @since 0.1.0
 */
export interface LawReport {
  /** What was checked (e.g. the model's name). */
  readonly subject: string
  /** True when every law held. */
  readonly ok: boolean
  /** One result per law, in the order they ran. */
  readonly results: readonly LawResult[]
}

/**
 * The error thrown by the `assert…` functions when a law fails; its message lists every failed law
 * readably, and `report` holds the details.
 *
 * @category Reports
 * @since 0.1.0
 */
export class LawError extends Error {
  /** The whole report. */
  readonly report: LawReport
  constructor(report: LawReport) {
    super(formatReport(report))
    this.name = 'LawError'
    this.report = report
    // Keep an uncaught LawError's printout to the readable message.
    Object.defineProperty(this, 'report', { enumerable: false })
  }
}

/**
 * A readable summary of a report: one line per law that held, and the full failure message of each
 * law that did not.
 *
 * @category Reports
 * @since 0.1.0
 */
export const formatReport = (report: LawReport): string => {
  const failed = report.results.filter((r) => r.status === 'failed')
  const head =
    failed.length === 0
      ? `${report.subject}: all ${report.results.length} laws held`
      : `${report.subject}: ${failed.length} of ${report.results.length} laws failed`
  const lines = [head]
  for (const r of report.results) {
    if (r.status === 'passed') lines.push(`  ✓ ${r.law} (${r.runs} cases${r.skipped > 0 ? `, ${r.skipped} skipped` : ''})`)
    else
      lines.push(
        r.message
          .split('\n')
          .map((l, t) => (t === 0 ? `  ✗ ${l}` : `    ${l}`))
          .join('\n'),
      )
  }
  return lines.join('\n')
}

/**
 * Throws a {@link LawError} when the report has a failed law; returns the report otherwise.
 *
 * @category Reports
 * @since 0.1.0
 */
export const assertReport = (report: LawReport): LawReport => {
  if (!report.ok) throw new LawError(report)
  return report
}

/**
 * fast-check parameters accepted by every suite (`numRuns`, `seed`, `path` to replay, `endOnFailure`
 * to skip shrinking, …). The global configuration (`fc.configureGlobal`) applies underneath.
 *
 * @category Reports
 * @since 0.1.0
 */
export type CheckParameters = Omit<fc.Parameters<unknown>, 'reporter' | 'asyncReporter'>

const MAX_SHOWN = 600

/** Characters of a counterexample quoted in a failure message (the whole one is in the file). */
const EXCERPT = 300

/**
 * A short description of a counterexample for messages: JSON with typed arrays written as arrays,
 * cut after `max` characters (default 600). The whole value goes to the counterexample file
 * ({@link encodeValue}).
 *
 * @category Reports
 * @since 0.1.0
 */
export const describe = (value: unknown, max = MAX_SHOWN): string => {
  let s: string
  try {
    s = JSON.stringify(value, (_key, v: unknown) => {
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>)
      if (typeof v === 'number' && !Number.isFinite(v)) return String(v)
      return v
    })
  } catch {
    s = String(value)
  }
  return s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s
}

/**
 * The format tag of counterexample files.
 *
 * @category Reports
 * @since 0.2.0
 */
export const COUNTEREXAMPLE_FORMAT = 'emkit.counterexample/v1'

/**
 * The environment variable naming the directory counterexample files are written to (when a
 * suite's `artifacts` option does not).
 *
 * @category Reports
 * @since 0.2.0
 */
export const ARTIFACTS_ENV = 'EMKIT_LAWS_DIR'

/**
 * Where counterexample files go by default, relative to the working directory: `test-artifacts/laws`.
 *
 * @category Reports
 * @since 0.2.0
 */
export const DEFAULT_ARTIFACTS_DIRECTORY = 'test-artifacts/laws'

/**
 * A law's failing case, whole: what {@link readCounterexample} returns and what a counterexample
 * file holds (there with {@link encodeValue}'s encoding of `value`).
 *
 * @category Reports
 * @since 0.2.0
 */
export interface Counterexample {
  /** {@link COUNTEREXAMPLE_FORMAT}. */
  readonly format: typeof COUNTEREXAMPLE_FORMAT
  /** What was checked (the report's subject). */
  readonly subject: string
  /** The law that failed. */
  readonly law: string
  /** What the law states. */
  readonly statement: string
  /** fast-check's seed of the run. */
  readonly seed: number
  /** fast-check's path of the shrunk counterexample (with the seed, `parameters: { seed, path }` regenerates it). */
  readonly path: string
  /** The failure as the report printed it. */
  readonly message: string
  /** The violation, when the law failed with one (rather than a throw). */
  readonly violation?: Violation
  /** The whole shrunk input of the law (data, weights, parameters…), typed arrays and non-finite numbers included. */
  readonly value: unknown
}

/**
 * Options every suite takes (`check…` and `assert…` of FamilyLaws, ModelLaws, AccelerationLaws and
 * InformationLaws) for counterexample files.
 *
 * @category Reports
 * @since 0.2.0
 */
export interface RunOptions {
  /**
   * Directory to write each failing law's whole counterexample to, as
   * `<subject>-<law>-<seed>.json`; `false` writes none. Default: the environment variable
   * {@link ARTIFACTS_ENV} (`EMKIT_LAWS_DIR`), else {@link DEFAULT_ARTIFACTS_DIRECTORY}. Nothing is
   * written where there is no file system (a browser); the message then says so.
   */
  readonly artifacts?: string | false
  /**
   * A counterexample file written by a failed run (or a {@link Counterexample} read with
   * {@link readCounterexample}): the suite then runs only that law, once, on exactly that value —
   * no generation, no shrinking — and reports whether it still fails.
   *
   * @throws `Error` (when the suite runs) if the file cannot be read, is not a counterexample file,
   *   or names a law this suite does not have.
   */
  readonly replay?: string | Counterexample
}

type Fs = typeof NodeFs
type PathModule = typeof NodePath

/** Node's `fs` and `path` when the runtime has them (Node ≥ 20.16), without importing them (browser bundles stay clean). */
const nodeModules = (): { fs: Fs; path: PathModule } | undefined => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  const get = proc?.getBuiltinModule
  if (typeof get !== 'function') return undefined
  const fs = get.call(proc, 'node:fs') as Fs | undefined
  const path = get.call(proc, 'node:path') as PathModule | undefined
  return fs === undefined || path === undefined ? undefined : { fs, path }
}

const envDirectory = (): string | undefined => {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
  const v = env?.[ARTIFACTS_ENV]
  return v === undefined || v === '' ? undefined : v
}

const specialNumber = (x: number): string | undefined =>
  Number.isNaN(x) ? 'NaN' : x === Infinity ? 'Infinity' : x === -Infinity ? '-Infinity' : Object.is(x, -0) ? '-0' : undefined

/** `out[key] = value` as an own data property, even for a key such as `__proto__`. */
const setKey = (out: Record<string, unknown>, key: string, value: unknown): void => {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
}

const TAGS = ['$number', '$typed', '$bigint', '$undefined', '$object']

/**
 * A value as plain JSON that {@link decodeValue} turns back into the same value: numbers exactly
 * (shortest round-trip form; NaN, ±Infinity and −0 as `{ "$number": "NaN" }`…), typed arrays as
 * `{ "$typed": "Float64Array", "values": […] }`, `undefined` and bigints tagged, arrays and plain
 * objects recursively (functions are left out: they cannot be replayed).
 *
 * @example
 * ```ts
 * const json = JSON.stringify(Report.encodeValue({ values: Float64Array.of(1, NaN), shift: -0 }))
 * // {"values":{"$typed":"Float64Array","values":[1,{"$number":"NaN"}]},"shift":{"$number":"-0"}}
 * const back = Report.decodeValue(JSON.parse(json)) // { values: Float64Array [1, NaN], shift: -0 }
 * ```
 * @category Reports
 * @since 0.2.0
 */
export const encodeValue = (value: unknown): unknown => {
  if (typeof value === 'number') {
    const special = specialNumber(value)
    return special === undefined ? value : { $number: special }
  }
  if (typeof value === 'bigint') return { $bigint: value.toString() }
  if (value === undefined) return { $undefined: true }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value
  if (typeof value === 'function' || typeof value === 'symbol') return { $undefined: true }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const items = Array.from(value as unknown as ArrayLike<number | bigint>, (x) => encodeValue(x))
    return { $typed: value.constructor.name, values: items }
  }
  if (Array.isArray(value)) return value.map((x) => encodeValue(x))
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) if (typeof v !== 'function') setKey(out, key, encodeValue(v))
  return Object.keys(out).some((key) => TAGS.includes(key)) ? { $object: out } : out
}

const TYPED: Readonly<Record<string, (values: unknown[]) => unknown>> = {
  Float64Array: (v) => Float64Array.from(v as number[]),
  Float32Array: (v) => Float32Array.from(v as number[]),
  Int32Array: (v) => Int32Array.from(v as number[]),
  Int16Array: (v) => Int16Array.from(v as number[]),
  Int8Array: (v) => Int8Array.from(v as number[]),
  Uint32Array: (v) => Uint32Array.from(v as number[]),
  Uint16Array: (v) => Uint16Array.from(v as number[]),
  Uint8Array: (v) => Uint8Array.from(v as number[]),
  Uint8ClampedArray: (v) => Uint8ClampedArray.from(v as number[]),
  BigInt64Array: (v) => BigInt64Array.from(v as bigint[]),
  BigUint64Array: (v) => BigUint64Array.from(v as bigint[]),
}

/**
 * The inverse of {@link encodeValue}.
 *
 * @example
 * ```ts
 * Report.decodeValue({ $typed: 'Int32Array', values: [1, 2] }) // Int32Array [1, 2]
 * ```
 * @throws `Error` on a tag it does not know (a file from elsewhere).
 * @category Reports
 * @since 0.2.0
 */
export const decodeValue = (json: unknown): unknown => {
  if (Array.isArray(json)) return json.map((x) => decodeValue(x))
  if (typeof json !== 'object' || json === null) return json
  const o = json as Record<string, unknown>
  if (typeof o['$number'] === 'string') return o['$number'] === '-0' ? -0 : Number(o['$number'])
  if (typeof o['$bigint'] === 'string') return BigInt(o['$bigint'])
  if (o['$undefined'] === true) return undefined
  if (typeof o['$typed'] === 'string') {
    const make = TYPED[o['$typed']]
    if (make === undefined || !Array.isArray(o['values']))
      throw new Error(`testkit: unknown typed array ${JSON.stringify(o['$typed'])} in a counterexample`)
    return make(o['values'].map((x) => decodeValue(x)))
  }
  const body = typeof o['$object'] === 'object' && o['$object'] !== null ? (o['$object'] as Record<string, unknown>) : o
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(body)) setKey(out, key, decodeValue(v))
  return out
}

/** A file-name-safe form of a subject or law. */
const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80) || 'subject'

/**
 * The file name of a counterexample: `<subject>-<law>-<seed>.json`, the subject reduced to
 * lower-case letters, digits, `.`, `_` and `-`.
 *
 * @category Reports
 * @since 0.2.0
 */
export const counterexampleFile = (subject: string, law: string, seed: number): string => `${slug(subject)}-${slug(law)}-${seed}.json`

/** Files this module has written (part of its temporary names). */
let written = 0

/**
 * Writes a counterexample whole to `directory` (created if missing; written to a temporary name
 * and renamed, so a reader never sees half a file).
 *
 * @returns the file's path (relative to the working directory when inside it), or a `reason` it
 *   could not be written (no file system, an I/O error) — a failed write never hides the law's failure.
 * @example
 * ```ts
 * declare const result: Report.LawResult // a failed law, written with { artifacts: false }
 * const cx = Report.readCounterexample('test-artifacts/laws/first.json')
 * const where = Report.writeCounterexample({ ...cx, law: result.law }, 'regressions') // { file: 'regressions/…json' }
 * ```
 * @category Reports
 * @since 0.2.0
 */
export const writeCounterexample = (counterexample: Counterexample, directory: string): { file: string } | { reason: string } => {
  const node = nodeModules()
  if (node === undefined) return { reason: 'no file system here' }
  const { fs, path } = node
  try {
    // One top-level field a line; the value whole on its own (long) line.
    const fields = Object.entries({ ...counterexample, value: encodeValue(counterexample.value) })
    const text = `{\n${fields.map(([key, v]) => ` ${JSON.stringify(key)}: ${JSON.stringify(v)}`).join(',\n')}\n}`
    fs.mkdirSync(directory, { recursive: true })
    const target = path.resolve(directory, counterexampleFile(counterexample.subject, counterexample.law, counterexample.seed))
    // A name no other writer uses (test files run in parallel processes and may write the same case).
    const pid = (globalThis as { process?: { pid?: number } }).process?.pid ?? 0
    const tmp = `${target}.${pid}-${(written++).toString(36)}.tmp`
    fs.writeFileSync(tmp, `${text}\n`)
    fs.renameSync(tmp, target)
    const relative = path.relative(path.resolve('.'), target)
    return { file: relative.startsWith('..') || path.isAbsolute(relative) ? target : relative }
  } catch (e) {
    return { reason: e instanceof Error ? e.message : String(e) }
  }
}

/**
 * Reads a counterexample file written by a failed law run (the `file` of its {@link LawResult}),
 * with the value decoded to what the law saw (typed arrays, NaN and −0 included). Pass the result,
 * or the file name itself, as a suite's `replay` option to re-run exactly that case.
 *
 * @example
 * ```ts
 * declare const file: string
 * const cx = Report.readCounterexample(file)
 * console.log(cx.law, cx.seed, cx.path, Report.describe(cx.value, 120))
 * ```
 * @throws `Error` when the file cannot be read, is not JSON, or is not an `emkit.counterexample/v1` file.
 * @category Reports
 * @since 0.2.0
 */
export const readCounterexample = (file: string): Counterexample => {
  const node = nodeModules()
  if (node === undefined) throw new Error('testkit: counterexample files need a file system (Node ≥ 20.16)')
  const raw = JSON.parse(node.fs.readFileSync(file, 'utf8')) as unknown
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== COUNTEREXAMPLE_FORMAT)
    throw new Error(`testkit: ${file} is not an ${COUNTEREXAMPLE_FORMAT} file`)
  const r = raw as Record<string, unknown>
  if (typeof r['law'] !== 'string' || typeof r['seed'] !== 'number' || !('value' in r))
    throw new Error(`testkit: ${file} lacks the law, seed or value of a counterexample`)
  return { ...(r as unknown as Counterexample), value: decodeValue(r['value']) }
}

/**
 * The counterexample a suite is asked to replay, read from its file when given by name; the
 * suite runs only its law.
 *
 * @throws `Error` when the law is not one of `laws` (a file from another suite).
 * @internal
 */
export const replayTarget = (options: RunOptions, laws: readonly string[]): Counterexample | undefined => {
  const { replay } = options
  if (replay === undefined) return undefined
  const cx = typeof replay === 'string' ? readCounterexample(replay) : replay
  if (!laws.includes(cx.law))
    throw new Error(`testkit: the counterexample is for law ${cx.law}, which this suite does not run (${laws.join(', ')})`)
  return cx
}

/**
 * What {@link runLaw} needs besides the law: the subject (file names) and the suite's {@link RunOptions}.
 *
 * @internal
 */
export interface RunContext extends RunOptions {
  readonly subject: string
  /** The file `replay` was read from, for the message. */
  readonly source?: string
}

/**
 * The {@link RunContext} of a suite: its subject and the artifacts and replay options it was given.
 *
 * @internal
 */
export const runContext = (subject: string, options: RunOptions, replay: Counterexample | undefined): RunContext => ({
  subject,
  ...(options.artifacts === undefined ? {} : { artifacts: options.artifacts }),
  ...(replay === undefined ? {} : { replay }),
  ...(typeof options.replay === 'string' ? { source: options.replay } : {}),
})

const violationText = (violation: Violation): string =>
  `${violation.iteration === undefined ? '' : `at iteration ${violation.iteration}: `}${violation.message}\n  violation: ${violation.size.toExponential(6)} (allowed ${violation.allowed.toExponential(6)}${violation.allowed > 0 ? `, ${(violation.size / violation.allowed).toPrecision(4)}×` : ''})`

const thrownText = (err: unknown): string => `threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`

/** Re-runs one law on a counterexample's value, once. */
const replayLaw = <T>(law: string, statement: string, check: (value: T) => void, cx: Counterexample, source: string): LawResult => {
  const base = { law, statement, runs: 1, seed: cx.seed, path: cx.path, counterexample: cx.value }
  try {
    check(cx.value as T)
  } catch (err) {
    if (fc.PreconditionFailure.isFailure(err)) return { ...base, skipped: 1, status: 'passed', message: '' }
    const violation = err instanceof ViolationError ? err.violation : undefined
    const what = violation === undefined ? thrownText(err) : violationText(violation)
    return {
      ...base,
      skipped: 0,
      status: 'failed',
      ...(violation === undefined ? {} : { violation }),
      message: [`${law} failed ${what}`, `  law: ${statement}`, `  replayed from ${source}: ${describe(cx.value, EXCERPT)}`].join('\n'),
    }
  }
  return { ...base, skipped: 0, status: 'passed', message: '' }
}

/**
 * Runs one law as a fast-check property and turns the outcome into a {@link LawResult}; on a
 * failure, writes the whole counterexample to a file. With `context.replay`, runs the law once on
 * that counterexample instead.
 *
 * @internal
 */
export const runLaw = <T>(
  law: string,
  statement: string,
  arbitrary: fc.Arbitrary<T>,
  check: (value: T) => void,
  parameters: CheckParameters,
  show: (value: T) => string = (v) => describe(v, EXCERPT),
  context: RunContext = { subject: 'laws' },
): LawResult => {
  const { replay } = context
  if (replay !== undefined) {
    const cx = typeof replay === 'string' ? readCounterexample(replay) : replay
    return replayLaw(law, statement, check, cx, typeof replay === 'string' ? replay : (context.source ?? 'a counterexample'))
  }
  const details = fc.check(
    fc.property(arbitrary, (value) => {
      check(value)
      return true
    }),
    parameters as fc.Parameters<[T]>,
  )
  const base = { law, statement, runs: details.numRuns, skipped: details.numSkips, seed: details.seed }
  if (!details.failed) return { ...base, status: 'passed', message: '' }
  if (details.counterexample === null) {
    const why = details.interrupted
      ? 'the run was interrupted (time limit)'
      : `too many cases were skipped by preconditions (${details.numSkips}); the arbitrary rarely produces usable cases`
    return {
      ...base,
      status: 'failed',
      message: `${law}: could not be checked: ${why}\n  law: ${statement}\n  replay: { seed: ${details.seed} }`,
    }
  }
  const err = details.errorInstance
  const violation = err instanceof ViolationError ? err.violation : undefined
  const what = violation !== undefined ? violationText(violation) : thrownText(err)
  const value = details.counterexample[0]
  const head = `${law} failed ${what}`
  const cx: Counterexample = {
    format: COUNTEREXAMPLE_FORMAT,
    subject: context.subject,
    law,
    statement,
    seed: details.seed,
    path: details.counterexamplePath,
    message: head,
    ...(violation === undefined ? {} : { violation }),
    value,
  }
  const directory = context.artifacts === false ? undefined : (context.artifacts ?? envDirectory() ?? DEFAULT_ARTIFACTS_DIRECTORY)
  const written = directory === undefined ? undefined : writeCounterexample(cx, directory)
  const file = written !== undefined && 'file' in written ? written.file : undefined
  const message = [
    head,
    `  law: ${statement}`,
    `  counterexample (after ${details.numShrinks} shrinks): ${show(value)}`,
    `  replay: { seed: ${details.seed}, path: "${details.counterexamplePath}" } (pass as the suite's parameters)`,
    ...(written === undefined
      ? []
      : 'file' in written
        ? [`  whole counterexample: ${file} (re-run exactly this case with the suite's option { replay: ${JSON.stringify(file)} })`]
        : [`  whole counterexample not written: ${written.reason}`]),
  ].join('\n')
  return {
    ...base,
    status: 'failed',
    ...(violation === undefined ? {} : { violation }),
    path: details.counterexamplePath,
    message,
    ...(file === undefined ? {} : { file }),
    counterexample: value,
  }
}
