/**
 * The engine law: every engine runs the same algorithm. From the same start, the memory engine,
 * the threads engine (any number of threads) and the stream engine (any block size) must give the
 * trace of classic EM over the responsibilities matrix (`Em.fit` on `Mixture.model`) up to
 * summation order — a relative difference of at most `rtol` (default 1e-12) in every entry.
 *
 * Use it on a new family to check that its statistics merge exactly (a monoid that loses digits
 * across blocks fails here first) and that its worker recipe rebuilds it faithfully.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { ComponentFamily, Dataset } from '@emkit/core'
import { Em, Mixture, Source } from '@emkit/core'

/**
 * One engine comparison: a family, data, a start and the engines to run.
 *
 * @category Laws
 * @since 0.2.0
 */
export interface EngineCase<C, S> {
  readonly family: ComponentFamily<C, S>
  readonly data: Dataset.Dataset
  /** The start (every engine runs from it). */
  readonly init: Mixture.Params<C>
  /** M-steps to run (tolerance 0, so exactly this many). */
  readonly iterations: number
  /** Thread counts of the threads engine; default [2, 3] (needs the family's worker recipe; [] to skip). */
  readonly threads?: readonly number[]
  /** Block sizes of the stream engine; default [1, 7, 4096, 100 000]. */
  readonly blockRows?: readonly number[]
  /** Allowed relative difference per trace entry; default 1e-12. */
  readonly rtol?: number
  /** Collapse policy of every fit; default the mixture's. */
  readonly collapse?: Mixture.CollapsePolicy
}

/**
 * How one engine compared with classic EM.
 *
 * @category Laws
 * @since 0.2.0
 */
export interface EngineOutcome {
  /** e.g. `memory`, `threads ×2`, `stream, blocks of 7`, `fitAsync memory`. */
  readonly engine: string
  /** The engine's trace (empty when the fit failed). */
  readonly trace: readonly number[]
  /** max over t of |traceₜ − referenceₜ| / |referenceₜ|. */
  readonly worstRelativeError: number
  /** The entry where it occurs. */
  readonly at: number
  /** The typed error's message when the fit failed. */
  readonly error?: string
}

/**
 * The result of {@link checkEngines}.
 *
 * @category Laws
 * @since 0.2.0
 */
export interface EngineReport {
  /** Whether every engine agreed within `rtol`. */
  readonly ok: boolean
  /** The classic-EM trace everything is compared with. */
  readonly reference: readonly number[]
  readonly outcomes: readonly EngineOutcome[]
  /** One readable paragraph. */
  readonly message: string
}

const compare = (engine: string, trace: readonly number[], reference: readonly number[]): EngineOutcome => {
  let worst = 0
  let at = -1
  if (trace.length !== reference.length)
    return { engine, trace, worstRelativeError: Infinity, at: Math.min(trace.length, reference.length) }
  for (let t = 0; t < trace.length; t++) {
    const e = Math.abs(trace[t]! - reference[t]!) / Math.abs(reference[t]!)
    if (!(e <= worst)) {
      worst = Number.isNaN(e) ? Infinity : e
      at = t
    }
  }
  return { engine, trace, worstRelativeError: worst, at }
}

/**
 * Runs classic EM and every engine from the same start and compares the traces.
 *
 * @category Laws
 * @since 0.2.0
 */
export const checkEngines = async <C, S>(c: EngineCase<C, S>): Promise<EngineReport> => {
  const rtol = c.rtol ?? 1e-12
  const k = c.init.components.length
  const base = { k, init: c.init, tolerance: 0, maxIterations: c.iterations, ...(c.collapse === undefined ? {} : { collapse: c.collapse }) }
  const classic = Em.fit(Mixture.model(c.family, k, c.collapse === undefined ? {} : { collapse: c.collapse }), c.data, {
    init: c.init,
    tolerance: 0,
    maxIterations: c.iterations,
  })
  if (E.isLeft(classic)) return { ok: false, reference: [], outcomes: [], message: `classic EM failed: ${classic.left.message}` }
  const reference = classic.right.trace
  const outcomes: EngineOutcome[] = []
  const record = (engine: string, r: E.Either<{ message: string }, { trace: readonly number[] }>): void => {
    outcomes.push(
      E.isLeft(r)
        ? { engine, trace: [], worstRelativeError: Infinity, at: -1, error: r.left.message }
        : compare(engine, r.right.trace, reference),
    )
  }
  record('memory', Mixture.fit(c.family, c.data, { ...base, workers: 1 }))
  record('fitAsync memory', await Mixture.fitAsync(c.family, c.data, { ...base, engine: 'memory' }))
  for (const t of c.threads ?? [2, 3]) record(`threads ×${t}`, Mixture.fit(c.family, c.data, { ...base, workers: t }))
  for (const b of c.blockRows ?? [1, 7, 4096, 100_000]) {
    const source = Source.fromDataset(c.data, b)
    if (E.isLeft(source)) {
      record(`stream, blocks of ${b}`, source)
      continue
    }
    record(`stream, blocks of ${b}`, await Mixture.fitAsync(c.family, source.right, base))
  }
  const bad = outcomes.filter((o) => !(o.worstRelativeError <= rtol))
  const lines = bad.map((o) =>
    o.error !== undefined
      ? `${o.engine}: failed (${o.error})`
      : `${o.engine}: trace[${o.at}] = ${o.trace[o.at]} vs ${reference[o.at]} (relative ${o.worstRelativeError.toExponential(2)} > ${rtol})`,
  )
  return {
    ok: bad.length === 0,
    reference,
    outcomes,
    message:
      bad.length === 0
        ? `${outcomes.length} engines agree with classic EM to ${rtol} over ${reference.length} trace entries`
        : lines.join('\n'),
  }
}

/**
 * Throwing twin of {@link checkEngines}: resolves with the report when every engine agrees, else
 * rejects with an `Error` listing each engine that does not.
 *
 * @category Laws
 * @since 0.2.0
 */
export const assertEngines = async <C, S>(c: EngineCase<C, S>): Promise<EngineReport> => {
  const report = await checkEngines(c)
  if (!report.ok) throw new Error(`engines disagree with classic EM:\n${report.message}`)
  return report
}
