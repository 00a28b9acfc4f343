/**
 * Law reports: what a law checked, whether it held, and — when it did not — a readable account of
 * the failure (the law, the iteration, the size of the violation against the allowed slack, the
 * counterexample, and fast-check's seed and path to replay it).
 *
 * @packageDocumentation
 */
import fc from 'fast-check'

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

/**
 * A short description of a counterexample for messages: JSON with typed arrays written as arrays,
 * cut after 600 characters.
 *
 * @category Reports
 * @since 0.1.0
 */
export const describe = (value: unknown): string => {
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
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}… (${s.length} characters)` : s
}

/**
 * Runs one law as a fast-check property and turns the outcome into a {@link LawResult}.
 *
 * @internal
 */
export const runLaw = <T>(
  law: string,
  statement: string,
  arbitrary: fc.Arbitrary<T>,
  check: (value: T) => void,
  parameters: CheckParameters,
  show: (value: T) => string = describe,
): LawResult => {
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
  const what =
    violation !== undefined
      ? `${violation.iteration === undefined ? '' : `at iteration ${violation.iteration}: `}${violation.message}\n  violation: ${violation.size.toExponential(6)} (allowed ${violation.allowed.toExponential(6)}${violation.allowed > 0 ? `, ${(violation.size / violation.allowed).toPrecision(4)}×` : ''})`
      : `threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`
  const message = [
    `${law} failed ${what}`,
    `  law: ${statement}`,
    `  counterexample (after ${details.numShrinks} shrinks): ${show(details.counterexample[0])}`,
    `  replay: { seed: ${details.seed}, path: "${details.counterexamplePath}" } (pass as the suite's parameters)`,
  ].join('\n')
  return { ...base, status: 'failed', ...(violation === undefined ? {} : { violation }), path: details.counterexamplePath, message }
}
