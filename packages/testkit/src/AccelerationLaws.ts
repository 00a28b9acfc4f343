/**
 * The laws of accelerated EM, for any model with an unconstrained parametrisation
 * (`LoopModel.unconstrained`), checked with fast-check on generated (data, θ₀) cases:
 *
 * 1. `acceleratedNonDecreasing`: a SQUAREM run never lowers the log-likelihood beyond the rounding
 *    slack 1e-10·(1 + |ℓ|), and reports no decrease;
 * 2. `acceleratedFixedPoint`: where SQUAREM stops (relative parameter change ≤ the tolerance), one
 *    plain EM step moves no parameter by more than `fixedPointTolerance` relative — it stopped at a
 *    fixed point of EM, not somewhere an extrapolation happened to land;
 * 3. `acceleratedSameOptimum`: started near plain EM's optimum θ̂ (every unconstrained coordinate
 *    moved by `nudge`·(1 + |u|)), SQUAREM returns to θ̂: the log-likelihood within
 *    `optimumTolerance`·(1 + |ℓ|) and every parameter within 1e-6 relative — whenever plain EM from
 *    that start returns to θ̂ too (θ̂ is an attracting fixed point, not a saddle such as two equal
 *    components). From a far start SQUAREM may legitimately reach another fixed point, often a
 *    better one: an extrapolation can leave plain EM's basin.
 *
 * Steps where the M-step left plain EM on purpose (a re-seeded or dropped component, reported as a
 * warning) are exempt from law 1; laws 2 and 3 skip runs with such steps. Cases whose θ₀ is
 * invalid, where a run fails, or where plain EM does not converge within `maxIterations` are
 * skipped.
 *
 * @packageDocumentation
 */
import fc from 'fast-check'
import { either as E } from 'fp-ts'
import type { Fit, LoopModel } from '@emkit/core'
import { Em, Rng, Squarem } from '@emkit/core'
import type { CheckParameters, LawReport, RunOptions } from './Report.js'
import { assertReport, replayTarget, runContext, runLaw, violated } from './Report.js'

/**
 * The names of the acceleration laws, in the order they run.
 *
 * @category Laws
 * @since 0.2.0
 */
export const ACCELERATION_LAWS = ['acceleratedNonDecreasing', 'acceleratedFixedPoint', 'acceleratedSameOptimum'] as const

/**
 * One of {@link ACCELERATION_LAWS}.
 *
 * @category Laws
 * @since 0.2.0
 */
export type AccelerationLaw = (typeof ACCELERATION_LAWS)[number]

/**
 * What each acceleration law states (used in reports).
 *
 * @category Laws
 * @since 0.2.0
 */
export const ACCELERATION_STATEMENTS: Readonly<Record<AccelerationLaw, string>> = {
  acceleratedNonDecreasing: 'a SQUAREM run never lowers log p(X | θ) by more than 1e-10·(1 + |ℓ|) between accepted steps',
  acceleratedFixedPoint: 'where SQUAREM stops, one plain EM step moves every parameter by at most fixedPointTolerance relative',
  acceleratedSameOptimum:
    'started near an attracting fixed point θ̂ of plain EM, SQUAREM returns to θ̂ (ℓ within optimumTolerance·(1 + |ℓ|), parameters within 1e-6 relative)',
}

/**
 * Options of {@link checkAcceleration}.
 *
 * @category Laws
 * @since 0.2.0
 */
export interface AccelerationLawsConfig<D, P, Q> extends RunOptions {
  /** The model under test; it must provide `unconstrained`. */
  readonly model: LoopModel<D, P, Q>
  /** Generated cases: data and starting parameters θ₀. */
  readonly cases: fc.Arbitrary<{ readonly data: D; readonly init: P }>
  /** Which laws to run; default all of {@link ACCELERATION_LAWS}. */
  readonly laws?: readonly AccelerationLaw[]
  /** The relative parameter change both runs stop at. Default 1e-10. */
  readonly tolerance?: number
  /** Iteration cap of both runs (cases where plain EM does not converge are skipped). Default 5000. */
  readonly maxIterations?: number
  /** `acceleratedFixedPoint`: allowed relative move of one EM step. Default 1e-6. */
  readonly fixedPointTolerance?: number
  /** `acceleratedSameOptimum`: allowed relative difference of the final log-likelihoods. Default 1e-8. */
  readonly optimumTolerance?: number
  /** `acceleratedSameOptimum`: how far the start is moved from θ̂ (relative, unconstrained). Default 1e-2. */
  readonly nudge?: number
  /** fast-check parameters. Default numRuns 15. */
  readonly parameters?: CheckParameters
  /** Name used in reports; default the model's name. */
  readonly subject?: string
}

/**
 * Checks the acceleration laws (see the module comment) and returns a report.
 *
 * @example
 * ```ts
 * const family = Exponential.family()
 * const cases = Arbitraries.mixtureCase(family, Arbitraries.mixtureJson({ family: 'exponential', dimension: 1 }, Arbitraries.exponentialComponents(1, 2)))
 * const report = AccelerationLaws.checkAcceleration({ model: Mixture.model(family, 2), cases, parameters: { numRuns: 5 } })
 * ```
 * @category Laws
 * @since 0.2.0
 */
export const checkAcceleration = <D, P, Q>(config: AccelerationLawsConfig<D, P, Q>): LawReport => {
  const { model } = config
  const tolerance = config.tolerance ?? 1e-10
  const maxIterations = config.maxIterations ?? 5000
  const run = (data: D, init: P, accelerate: 'none' | 'squarem'): Fit<P> => {
    const r = Em.fit(model, data, { init, stop: 'parameters', tolerance, maxIterations, accelerate })
    fc.pre(E.isRight(r))
    return r.right
  }
  /** Iterations at which the model re-seeded or dropped a component (not EM steps). */
  const excused = (f: Fit<P>): Set<number> =>
    new Set(f.warnings.filter((w) => w.kind === 'componentReseeded' || w.kind === 'componentDropped').map((w) => w.iteration))
  const checks: Record<AccelerationLaw, (c: { readonly data: D; readonly init: P }) => void> = {
    acceleratedNonDecreasing: ({ data, init }) => {
      const f = run(data, init, 'squarem')
      const exempt = excused(f)
      for (let t = 1; t < f.trace.length; t++) {
        if (exempt.has(t)) continue
        const drop = f.trace[t - 1]! - f.trace[t]!
        if (drop > Em.decreaseSlack(f.trace[t - 1]!))
          violated(drop, Em.decreaseSlack(f.trace[t - 1]!), `log p(X | θ) fell from ${f.trace[t - 1]} to ${f.trace[t]}`, t)
      }
      const warned = f.warnings.find((w) => w.kind === 'logLikelihoodDecreased')
      if (warned !== undefined) violated(warned.size ?? 0, 0, `the fit reported: ${warned.message}`, warned.iteration)
    },
    acceleratedFixedPoint: ({ data, init }) => {
      const f = run(data, init, 'squarem')
      fc.pre(f.converged && excused(f).size === 0)
      const post = model.posterior(data, f.params)
      const next = model.maximize(data, post.posterior, { iteration: 1, previous: f.params, rng: Rng.seeded(0), warn: () => undefined })
      fc.pre(E.isRight(next))
      const move = Squarem.relativeChange(model.toVector(f.params), model.toVector(next.right))
      const allowed = config.fixedPointTolerance ?? 1e-6
      if (!(move <= allowed)) violated(move, allowed, `one EM step from where SQUAREM stopped moves a parameter by ${move} relative`)
    },
    acceleratedSameOptimum: ({ data, init }) => {
      const plain = run(data, init, 'none')
      fc.pre(plain.converged && excused(plain).size === 0)
      const u = model.unconstrained!
      const noise = Rng.seeded(plain.iterations)
      const nudge = config.nudge ?? 1e-2
      const start = u.fromVector(
        u.toVector(plain.params).map((x) => x + nudge * (1 + Math.abs(x)) * noise.normal()),
        plain.params,
      )
      fc.pre(E.isRight(start))
      const allowed = (config.optimumTolerance ?? 1e-8) * (1 + Math.abs(plain.logLikelihood))
      const back = run(data, start.right, 'none')
      fc.pre(
        Math.abs(back.logLikelihood - plain.logLikelihood) <= allowed &&
          Squarem.relativeChange(model.toVector(plain.params), model.toVector(back.params)) <= 1e-6,
      )
      const f = run(data, start.right, 'squarem')
      fc.pre(excused(f).size === 0)
      const gap = Math.abs(f.logLikelihood - plain.logLikelihood)
      if (!(gap <= allowed)) violated(gap, allowed, `SQUAREM ends at ℓ = ${f.logLikelihood}, plain EM at ${plain.logLikelihood}`)
      const move = Squarem.relativeChange(model.toVector(plain.params), model.toVector(f.params))
      if (!(move <= 1e-6)) violated(move, 1e-6, `SQUAREM ends ${move} (relative) from plain EM's parameters`)
    },
  }
  const parameters: CheckParameters = { numRuns: 15, ...config.parameters }
  const replay = replayTarget(config, ACCELERATION_LAWS)
  const subject = config.subject ?? model.name
  const context = runContext(subject, config, replay)
  const laws = replay === undefined ? (config.laws ?? ACCELERATION_LAWS) : [replay.law as AccelerationLaw]
  const results = laws.map((law) => runLaw(law, ACCELERATION_STATEMENTS[law], config.cases, checks[law], parameters, undefined, context))
  return { subject, ok: results.every((r) => r.status === 'passed'), results }
}

/**
 * Throwing twin of {@link checkAcceleration}: throws a {@link Report.LawError} when a law fails.
 *
 * @category Laws
 * @since 0.2.0
 */
export const assertAcceleration = <D, P, Q>(config: AccelerationLawsConfig<D, P, Q>): LawReport => assertReport(checkAcceleration(config))
