/**
 * A fuzz runner for APIs that promise typed errors: it draws inputs from fast-check arbitraries
 * (see {@link Hostile}), calls each target, and classifies every outcome —
 * - `right` (or `value` for a function that returns a plain value): the result, scanned whole,
 *   holds no NaN or ±Infinity, and the target's own `check` (e.g. probability rows sum to 1) passes;
 * - `left:<Tag>`: a typed error with a `_tag` and a bounded one-line `message`;
 * - `thrown:<Tag>`: an `EmException` from a function documented to throw (`throws: true`);
 * and, as failures: `escaped` (any other exception, or an `EmException` from a function that
 * promises an `Either`), `nonFinite`, `invalid` (the target's check failed), `badError` (a `Left`
 * without a tag or with a message over 2000 characters or several lines) and `overBudget` (a
 * case over its time budget, or holding more memory after it than its memory budget).
 *
 * Runs are reproducible: inputs come from `seed`, in chunks, so a failure is replayed by running
 * the same target with the same seed and count. Failures keep a short description of their input.
 *
 * @packageDocumentation
 */
import fc from 'fast-check'

/**
 * One function under fuzzing.
 *
 * @category Fuzzing
 * @since 0.2.0
 */
export interface Target<T> {
  /** A name for the report, e.g. `'Mixture.predictProba'`. */
  readonly name: string
  /** Inputs to call it with. */
  readonly input: fc.Arbitrary<T>
  /** Calls the function; may return a promise. */
  readonly call: (input: T) => unknown
  /** Extra checks on a successful result (the `Right`'s value, or the plain value): a failure message, or `undefined`. */
  readonly check?: (value: unknown, input: T) => string | undefined
  /** A name for the outcome of a successful call (e.g. `exit:1` for a command line), in place of `right`/`value`. */
  readonly label?: (value: unknown) => string
  /** The function is documented to throw `EmException` on bad input (an `…OrThrow` twin). Default false. */
  readonly throws?: boolean
}

/**
 * A target with its input type erased, so targets of different input types go in one list.
 *
 * @example
 * ```ts
 * const t = Fuzz.target({ name: 'fromColumn', input: Hostile.rows(), call: (xs) => Dataset.fromColumn(xs as number[]) })
 * ```
 * @category Fuzzing
 * @since 0.2.0
 */
export const target = <T>(t: Target<T>): Target<unknown> => t as unknown as Target<unknown>

/**
 * Options of {@link run}.
 *
 * @category Fuzzing
 * @since 0.2.0
 */
export interface RunOptions {
  /** Cases per target. Default 100. */
  readonly runs?: number
  /** Seed of the inputs. Default 0. */
  readonly seed?: number
  /** Wall-clock budget of one case, ms; a slower case is an `overBudget` failure. Default 2000. */
  readonly caseBudgetMs?: number
  /**
   * Memory budget of one case, bytes: a case after which the heap and array buffers together hold
   * more than this over what they held before is an `overBudget` failure (measured where the
   * runtime reports memory — Node, Deno, Bun; not in browsers). Default 256 MiB.
   */
  readonly caseMemoryBytes?: number
  /** Wall-clock budget of the whole run, ms: targets stop drawing cases once it is spent. Default ∞. */
  readonly totalBudgetMs?: number
  /** Failures kept per target (all are counted). Default 5. */
  readonly keepFailures?: number
}

/**
 * A failing case: its outcome, a description of the input (cut at 300 characters) and what went wrong.
 *
 * @category Fuzzing
 * @since 0.2.0
 */
export interface Failure {
  readonly outcome: string
  readonly input: string
  readonly detail: string
}

/**
 * What one target did.
 *
 * @category Fuzzing
 * @since 0.2.0
 */
export interface TargetReport {
  readonly name: string
  /** Cases run. */
  readonly cases: number
  /** Count of each outcome (`right`, `left:InvalidData`, `escaped`, …). */
  readonly outcomes: Readonly<Record<string, number>>
  /** Failures found (all counted in `outcomes`; the first few kept here). */
  readonly failures: readonly Failure[]
  /** Slowest case, ms. */
  readonly slowestMs: number
}

/**
 * The outcomes that are failures.
 *
 * @category Fuzzing
 * @since 0.2.0
 */
export const FAILURES: readonly string[] = ['escaped', 'nonFinite', 'invalid', 'badError', 'overBudget']

/**
 * Finds the first NaN or ±Infinity anywhere in a value (objects, arrays and typed arrays, walked
 * iteratively; at most 10⁷ numbers looked at), returning its path, or `undefined`.
 *
 * @category Fuzzing
 * @since 0.2.0
 */
export const findNonFinite = (value: unknown): string | undefined => {
  const stack: Array<[unknown, string]> = [[value, '']]
  const seen = new Set<object>()
  let budget = 10_000_000
  while (stack.length > 0 && budget > 0) {
    const [v, path] = stack.pop()!
    if (typeof v === 'number') {
      budget--
      if (!Number.isFinite(v)) return `${path || '/'} = ${v}`
      continue
    }
    if (typeof v !== 'object' || v === null || seen.has(v)) continue
    seen.add(v)
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const a = v as unknown as ArrayLike<number | bigint>
      for (let i = 0; i < a.length && budget > 0; i++, budget--) {
        const x = a[i]!
        if (typeof x === 'number' && !Number.isFinite(x)) return `${path}/${i} = ${x}`
      }
      continue
    }
    for (const [key, child] of Object.entries(v)) stack.push([child, `${path}/${key}`])
  }
  return undefined
}

/**
 * Checks that a row-major n × k matrix of probabilities has finite entries in [0, 1] and rows
 * summing to 1 within `tolerance` (default 1e-9): a message for the first bad row, or `undefined`.
 *
 * @category Fuzzing
 * @since 0.2.0
 */
export const checkProbabilityRows = (p: ArrayLike<number>, k: number, tolerance = 1e-9): string | undefined => {
  if (k < 1 || p.length % k !== 0) return `length ${p.length} is not a whole number of rows of ${k}`
  for (let i = 0; i < p.length / k; i++) {
    let s = 0
    for (let j = 0; j < k; j++) {
      const x = p[i * k + j]!
      if (!(x >= 0 && x <= 1)) return `row ${i}: probability ${j} is ${x}`
      s += x
    }
    if (Math.abs(s - 1) > tolerance) return `row ${i}: probabilities sum to ${s}`
  }
  return undefined
}

const describeInput = (input: unknown): string => {
  let s: string
  try {
    s = fc.stringify(input)
  } catch {
    s = '(input cannot be described)'
  }
  return s.length > 300 ? `${s.slice(0, 300)}…` : s
}

const isEither = (r: unknown): r is { _tag: 'Left'; left: unknown } | { _tag: 'Right'; right: unknown } =>
  typeof r === 'object' && r !== null && ((r as { _tag?: unknown })._tag === 'Left' || (r as { _tag?: unknown })._tag === 'Right')

const typedError = (e: unknown): { _tag: string; message: string } | undefined => {
  if (typeof e !== 'object' || e === null) return undefined
  const tag = (e as { _tag?: unknown })._tag
  const message = (e as { message?: unknown }).message
  return typeof tag === 'string' && typeof message === 'string' ? { _tag: tag, message } : undefined
}

const badMessage = (m: string): string | undefined =>
  m.length > 2000
    ? `message of ${m.length} characters`
    : m.includes('\n')
      ? 'message of several lines'
      : m.length === 0
        ? 'empty message'
        : undefined

/** Classifies one settled call: its outcome and, for a failure, what went wrong. */
const classify = <T>(
  target: Target<T>,
  input: T,
  settled: { ok: true; value: unknown } | { ok: false; error: unknown },
): [string, string?] => {
  if (!settled.ok) {
    const e = settled.error
    const typed = typedError((e as { error?: unknown } | null)?.error)
    if (typed !== undefined && e instanceof Error && e.name.startsWith('EmException')) {
      if (target.throws !== true) return ['escaped', `EmException(${typed._tag}) from a function that promises an Either: ${typed.message}`]
      const bad = badMessage(typed.message)
      return bad === undefined ? [`thrown:${typed._tag}`] : ['badError', bad]
    }
    return ['escaped', e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 300) : describeInput(e)]
  }
  const r = settled.value
  let value = r
  let outcome = 'value'
  if (isEither(r)) {
    if (r._tag === 'Left') {
      const typed = typedError(r.left)
      if (typed === undefined) return ['badError', `a Left without _tag and message: ${describeInput(r.left)}`]
      const bad = badMessage(typed.message)
      return bad === undefined ? [`left:${typed._tag}`] : ['badError', `${typed._tag}: ${bad}`]
    }
    value = r.right
    outcome = 'right'
  }
  const nonFinite = findNonFinite(value)
  if (nonFinite !== undefined) return ['nonFinite', nonFinite]
  const invalid = target.check?.(value, input)
  if (invalid !== undefined) return ['invalid', invalid]
  return [target.label === undefined ? outcome : target.label(value)]
}

const now = (): number => (typeof performance === 'undefined' ? Date.now() : performance.now())

/** Heap plus array buffers in use, bytes, where the runtime reports them; `undefined` elsewhere. */
const memoryInUse = (): number | undefined => {
  const usage = (globalThis as { process?: { memoryUsage?: () => { heapUsed: number; arrayBuffers: number } } }).process?.memoryUsage
  if (usage === undefined) return undefined
  const m = usage()
  return m.heapUsed + m.arrayBuffers
}

/**
 * Runs every target on `runs` inputs each (fewer if `totalBudgetMs` runs out) and reports the
 * outcomes. It never throws for a failing case: failures are counted and kept in the report.
 *
 * @example
 * ```ts
 * const reports = await Fuzz.run([Fuzz.target({ name: 'fromRows', input: Hostile.rows(), call: (r) => Dataset.fromRows(r as number[][]) })], { runs: 1000 })
 * console.log(Fuzz.format(reports))
 * ```
 * @category Fuzzing
 * @since 0.2.0
 */
export const run = async (targets: ReadonlyArray<Target<unknown>>, options: RunOptions = {}): Promise<TargetReport[]> => {
  const runs = options.runs ?? 100
  const seed = options.seed ?? 0
  const caseBudget = options.caseBudgetMs ?? 2000
  const deadline = now() + (options.totalBudgetMs ?? Infinity)
  const keep = options.keepFailures ?? 5
  const memoryBudget = options.caseMemoryBytes ?? 256 * 2 ** 20
  const perTargetDeadline = (t: number): number => now() + (deadline - now()) / (targets.length - t)
  const reports: TargetReport[] = []
  for (let t = 0; t < targets.length; t++) {
    const target = targets[t]!
    const stopAt = perTargetDeadline(t)
    const outcomes: Record<string, number> = {}
    const failures: Failure[] = []
    let cases = 0
    let slowest = 0
    const chunk = 200
    for (let start = 0; start < runs && now() < stopAt; start += chunk) {
      const inputs = fc.sample(target.input, { seed: seed + t * 7919 + start, numRuns: Math.min(chunk, runs - start) })
      for (const input of inputs) {
        if (now() >= stopAt) break
        const m0 = memoryInUse()
        const t0 = now()
        let settled: { ok: true; value: unknown } | { ok: false; error: unknown }
        try {
          settled = { ok: true, value: await target.call(input) }
        } catch (error) {
          settled = { ok: false, error }
        }
        const ms = now() - t0
        const m1 = memoryInUse()
        const grew = m0 === undefined || m1 === undefined ? 0 : m1 - m0
        slowest = Math.max(slowest, ms)
        cases++
        const [outcome, detail] = classify(target, input, settled)
        const over = ms > caseBudget || grew > memoryBudget
        for (const o of over ? [outcome, 'overBudget'] : [outcome]) outcomes[o] = (outcomes[o] ?? 0) + 1
        const failure = FAILURES.includes(outcome)
          ? { outcome, detail: detail ?? '' }
          : over
            ? { outcome: 'overBudget', detail: `${ms.toFixed(0)} ms, ${(grew / 2 ** 20).toFixed(0)} MiB retained` }
            : undefined
        if (failure !== undefined && failures.length < keep) failures.push({ ...failure, input: describeInput(input) })
      }
    }
    reports.push({ name: target.name, cases, outcomes, failures, slowestMs: slowest })
  }
  return reports
}

/**
 * For a regression test of a fuzz finding: the `Left` of `result`, checked to carry the typed error
 * `tag` with a one-line message of 1 … `maxMessage` characters; throws an `Error` saying what was
 * found instead (a `Right`, another tag, an unbounded or multi-line message). Framework-agnostic:
 * any test runner reports the thrown error.
 *
 * @example
 * ```ts
 * const e = Fuzz.leftOf(Dataset.fromRows([[1], [2, 3]]), 'InvalidData')
 * e.message // 'row 1 has 2 values, expected 1 like row 0 (ragged rows)'
 * ```
 * @category Fuzzing
 * @since 0.2.0
 */
export const leftOf = <E extends { readonly _tag: string; readonly message: string }, A>(
  result: { readonly _tag: 'Left'; readonly left: E } | { readonly _tag: 'Right'; readonly right: A },
  tag: E['_tag'],
  maxMessage = 400,
): E => {
  if (result._tag === 'Right') throw new Error(`expected Left(${tag}), got a Right`)
  const e = result.left
  if (e._tag !== tag) throw new Error(`expected Left(${tag}), got Left(${e._tag}): ${e.message.slice(0, 200)}`)
  const bad = badMessage(e.message) ?? (e.message.length > maxMessage ? `message of ${e.message.length} characters` : undefined)
  if (bad !== undefined) throw new Error(`Left(${tag}) with a ${bad}`)
  return e
}

/**
 * For a regression test: runs `f` and returns its result; an exception it throws is rethrown as
 * an `Error` that says an exception escaped (with the original as `cause`), so a test failure reads
 * as a broken promise rather than as an unexplained crash.
 *
 * @example
 * ```ts
 * const r = Fuzz.noThrow(() => Dataset.fromRows(null as never)) // Left(InvalidData), not a TypeError
 * ```
 * @category Fuzzing
 * @since 0.2.0
 */
export const noThrow = <A>(f: () => A): A => {
  try {
    return f()
  } catch (e) {
    throw new Error(`escaped throw: ${e instanceof Error ? `${e.name}: ${e.message.slice(0, 200)}` : describeInput(e)}`, { cause: e })
  }
}

/**
 * The number of failing cases in reports (escaped throws, non-finite values, failed checks, bad
 * errors, cases over budget).
 *
 * @category Fuzzing
 * @since 0.2.0
 */
export const failureCount = (reports: readonly TargetReport[]): number =>
  reports.reduce((s, r) => s + FAILURES.reduce((t, f) => t + (r.outcomes[f] ?? 0), 0), 0)

/**
 * A plain-text table of reports: per target, the cases, the count of each outcome and the slowest
 * case; then the failures kept, with their inputs.
 *
 * @category Fuzzing
 * @since 0.2.0
 */
export const format = (reports: readonly TargetReport[]): string => {
  const lines: string[] = []
  let total = 0
  for (const r of reports) {
    total += r.cases
    const counts = Object.entries(r.outcomes)
      .sort((a, b) => b[1] - a[1])
      .map(([o, c]) => `${o} ${c}`)
      .join(', ')
    lines.push(`${r.name}: ${r.cases} cases (slowest ${r.slowestMs.toFixed(1)} ms) — ${counts}`)
  }
  lines.push(`total: ${total} cases, ${failureCount(reports)} failures`)
  for (const r of reports) for (const f of r.failures) lines.push(`FAIL ${r.name} [${f.outcome}] ${f.detail}\n  input: ${f.input}`)
  return lines.join('\n')
}
