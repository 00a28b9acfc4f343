/**
 * The model laws: properties every EM model must satisfy, checked with fast-check on generated
 * (data, θ₀) cases. They hold for any {@link Model} — a mixture, a hidden Markov model, a mixture of
 * regressions — because they are consequences of EM itself:
 *
 * 1. `logLikelihoodNonDecreasing`: ℓ(θₖ₊₁) ≥ ℓ(θₖ) − 1e-10·(1 + |ℓ(θₖ)|);
 * 2. `qAscent`: Q(θₖ₊₁, θₖ) ≥ Q(θₖ, θₖ) (same slack);
 * 3. `posteriorIsDistribution`: q(Z) is a probability distribution (model-specific check);
 * 4. `decomposition`: log p(X | θ) = Q(θ, θ) + H(q) at q = p(Z | X, θ);
 * 5. `mStepMaximizes`: admissible perturbations θ′ of θₖ₊₁ give Q(θ′, θₖ) ≤ Q(θₖ₊₁, θₖ);
 * 6. `fixedPoint`: once the log-likelihood has converged, one more step moves θ by less than a tolerance;
 * 7. `determinism`: the same seed gives a bit-identical fit.
 *
 * Steps where the M-step reports `breaksMonotonicity` (a re-seeded or dropped component) are not
 * EM steps and are exempt from laws 1, 2 and 5.
 *
 * Vanishing weights (since 0.2.0): given a {@link ComponentLayout} (mixtures have one), `fixedPoint`
 * ignores the movement of a component whose weight has vanished to at most
 * {@link FamilyLaws.VANISHING_WEIGHT} of the total — its parameters are fixed by rounding, not data,
 * and drift while ℓ stays put — and every failure message names the components whose weight has
 * vanished at the failing step, with their weights.
 *
 * @packageDocumentation
 */
import fc from 'fast-check'
import { either as E } from 'fp-ts'
import type { ComponentFamily, Dataset, Initializer, Model } from '@emkit/core'
import { Em, Mixture, Rng } from '@emkit/core'
import { VANISHING_WEIGHT, weightNote } from './FamilyLaws.js'
import type { Perturbation } from './Perturb.js'
import { mixture as mixturePerturbation } from './Perturb.js'
import type { CheckParameters, LawReport, LawResult, RunOptions } from './Report.js'
import { assertReport, replayTarget, runContext, runLaw, violated } from './Report.js'

/**
 * The names of the model laws, in the order they run.
 *
 * @category Laws
 * @since 0.1.0
 */
export const MODEL_LAWS = [
  'logLikelihoodNonDecreasing',
  'qAscent',
  'posteriorIsDistribution',
  'decomposition',
  'mStepMaximizes',
  'fixedPoint',
  'determinism',
] as const

/**
 * One of {@link MODEL_LAWS}.
 *
 * @category Laws
 * @since 0.1.0
 */
export type ModelLaw = (typeof MODEL_LAWS)[number]

/**
 * What each model law states (used in reports).
 *
 * @category Laws
 * @since 0.1.0
 */
export const STATEMENTS: Readonly<Record<ModelLaw, string>> = {
  logLikelihoodNonDecreasing: 'log p(X | θₖ₊₁) ≥ log p(X | θₖ) − 1e-10·(1 + |log p(X | θₖ)|) at every EM step',
  qAscent: 'Q(θₖ₊₁, θₖ) ≥ Q(θₖ, θₖ) − 1e-10·(1 + |Q(θₖ, θₖ)|) at every EM step',
  posteriorIsDistribution: 'q(Z) = p(Z | X, θ) is a probability distribution (non-negative, normalised) at every θₖ',
  decomposition: 'log p(X | θ) = Q(θ, θ) + H(q) at q = p(Z | X, θ), within tolerance·(1 + |log p| + |H|)',
  mStepMaximizes: 'Q(θ′, θₖ) ≤ Q(θₖ₊₁, θₖ) + 1e-10·(1 + |Q|) for random admissible perturbations θ′ of θₖ₊₁',
  fixedPoint: 'after convergence of the log-likelihood, one more EM step moves θ by less than tolerance·(1 + max|θ|)',
  determinism: 'two fits with the same seed are bit-identical (trace, iterations and parameters)',
}

/**
 * A problem found in a posterior: how far it is from being a distribution and a readable line.
 *
 * @category Laws
 * @since 0.1.0
 */
export interface PosteriorProblem {
  /** How far off (e.g. |Σⱼ γᵢⱼ − 1|). */
  readonly size: number
  /** The slack the check allows. */
  readonly allowed: number
  /** What is wrong and where. */
  readonly message: string
}

/**
 * Checks that a posterior is a probability distribution; returns the worst problem, or `undefined`.
 *
 * @category Laws
 * @since 0.1.0
 */
export type PosteriorCheck<D, Q> = (data: D, posterior: Q) => PosteriorProblem | undefined

/**
 * The posterior check for mixtures: every responsibility finite and ≥ 0, every row summing to 1
 * within 1e-12·k.
 *
 * @category Laws
 * @since 0.1.0
 */
export const mixturePosterior: PosteriorCheck<Dataset.Dataset, Mixture.Responsibilities> = (_data, q) => {
  const { n, k, values } = q
  const allowed = 1e-12 * k
  let worst: PosteriorProblem | undefined
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let j = 0; j < k; j++) {
      const g = values[j * n + i]!
      if (!(g >= 0) || !Number.isFinite(g))
        return {
          size: Number.isNaN(g) ? Number.NaN : Math.abs(g),
          allowed: 0,
          message: `responsibility γ[${i}][${j}] = ${g} is not a finite non-negative number`,
        }
      s += g
    }
    const off = Math.abs(s - 1)
    if (off > allowed && (worst === undefined || off > worst.size))
      worst = { size: off, allowed, message: `responsibilities of row ${i} sum to ${s}, not 1` }
  }
  return worst
}

/**
 * How a model's parameters split into weighted components, for the vanishing-weight rules: each
 * component's share of the total weight, and which component each entry of `model.toVector(params)`
 * belongs to.
 *
 * @category Laws
 * @since 0.2.0
 */
export interface ComponentLayout {
  /** Each component's share of the total weight (a mixture's mixing weights πⱼ), length k. */
  readonly weights: ArrayLike<number>
  /** For each entry of `model.toVector(params)` (same length), its component j, or −1 for an entry no component owns. */
  readonly owners: ArrayLike<number>
}

/**
 * The {@link ComponentLayout} of mixture parameters (`toVector` = the mixing weights, then each
 * component's `family.toVector`): entry j and component j's entries belong to component j.
 *
 * @example
 * ```ts
 * const layout = ModelLaws.mixtureLayout(Exponential.family())
 * layout({ weights: Float64Array.of(0.5, 0.5), components: [Exponential.component(1), Exponential.component(2)] }).owners // [0, 1, 0, 1]
 * ```
 * @category Laws
 * @since 0.2.0
 */
export const mixtureLayout =
  <C, S>(family: ComponentFamily<C, S>) =>
  (params: Mixture.Params<C>): ComponentLayout => {
    const owners: number[] = Array.from(params.weights, (_, j) => j)
    params.components.forEach((c, j) => {
      const length = family.toVector(c).length
      for (let t = 0; t < length; t++) owners.push(j)
    })
    return { weights: params.weights, owners }
  }

/**
 * Options of the model laws.
 *
 * @category Laws
 * @since 0.1.0
 */
export interface ModelLawsConfig<D, P, Q, Z> extends RunOptions {
  /** The model under test. */
  readonly model: Model<D, P, Q, Z>
  /** Generated cases: data and starting parameters θ₀. Cases whose θ₀ is invalid or has ℓ = −∞ are skipped. */
  readonly cases: fc.Arbitrary<{ readonly data: D; readonly init: P }>
  /** Admissible perturbations for `mStepMaximizes`; without one, that law is not run. */
  readonly perturb?: Perturbation<P>
  /** Posterior check for `posteriorIsDistribution`; without one, that law is not run. */
  readonly checkPosterior?: PosteriorCheck<D, Q>
  /** Initialiser used by `determinism` (so the seed matters); default: start from the case's θ₀. */
  readonly initializer?: Initializer<D, P>
  /** Which laws to run; default all of {@link MODEL_LAWS}. */
  readonly laws?: readonly ModelLaw[]
  /** EM steps checked per case by laws 1–5. Default 15. */
  readonly iterations?: number
  /** Relative tolerance of `decomposition`. Default 1e-9. */
  readonly decompositionTolerance?: number
  /** Perturbations tried per step by `mStepMaximizes`. Default 6 (scales 0.3, 0.03, 0.003 in turn). */
  readonly perturbations?: number
  /** `fixedPoint`: the log-likelihood tolerance that defines convergence (per observation). Default 1e-11. */
  readonly convergenceTolerance?: number
  /** `fixedPoint`: maximum iterations to reach convergence (cases that do not converge are skipped). Default 2000. */
  readonly convergenceIterations?: number
  /** `fixedPoint`: allowed parameter move, relative to 1 + max|θ|. Default 1e-3. */
  readonly fixedPointTolerance?: number
  /**
   * How the parameters split into weighted components (mixtures: {@link mixtureLayout}, filled in
   * by {@link checkMixtureLaws}); without one, no weight is treated as vanished. Since 0.2.0.
   */
  readonly layout?: (params: P) => ComponentLayout
  /**
   * Share of the total weight at or below which a component's weight has vanished: `fixedPoint`
   * ignores its parameters' movement. Default {@link FamilyLaws.VANISHING_WEIGHT}; 0 tolerates
   * nothing (the failure then names the component and its weight). Since 0.2.0.
   */
  readonly vanishingWeight?: number
  /** fast-check parameters (numRuns, seed, path, endOnFailure…). Default numRuns 25. */
  readonly parameters?: CheckParameters
  /** Name used in reports; default the model's name. */
  readonly subject?: string
}

interface Step<P, Q> {
  readonly params: P
  readonly posterior: Q
  readonly logLikelihood: number
  /** The M-step that produced these parameters declared it left plain EM. */
  readonly excused: boolean
}

/** θ₀ … θ_T with their posteriors; stops early when an M-step fails. */
const trajectory = <D, P, Q, Z>(model: Model<D, P, Q, Z>, data: D, init: P, iterations: number): Array<Step<P, Q>> => {
  const v = model.validate(data, init)
  fc.pre(E.isRight(v))
  let post = model.posterior(data, init)
  fc.pre(Number.isFinite(post.logLikelihood))
  const steps: Array<Step<P, Q>> = [{ params: init, posterior: post.posterior, logLikelihood: post.logLikelihood, excused: false }]
  const rng = Rng.seeded(0)
  for (let t = 1; t <= iterations; t++) {
    let excused = false
    const prev = steps[t - 1]!
    const next = model.maximize(data, prev.posterior, {
      iteration: t,
      previous: prev.params,
      rng,
      warn: (_w, breaks) => {
        if (breaks === true) excused = true
      },
    })
    if (E.isLeft(next)) break
    post = model.posterior(data, next.right)
    if (!Number.isFinite(post.logLikelihood)) {
      violated(Number.POSITIVE_INFINITY, 0, `log p(X | θ) became ${post.logLikelihood} after an M-step`, t)
    }
    steps.push({ params: next.right, posterior: post.posterior, logLikelihood: post.logLikelihood, excused })
  }
  return steps
}

const slack = Em.decreaseSlack

const maxAbs = (v: ArrayLike<number>): number => {
  let m = 0
  for (let t = 0; t < v.length; t++) m = Math.max(m, Math.abs(v[t]!))
  return m
}

/** The law bodies, each checking one generated case. */
const lawChecks = <D, P, Q, Z>(config: ModelLawsConfig<D, P, Q, Z>) => {
  const { model, layout } = config
  const T = config.iterations ?? 15
  const tolerated = config.vanishingWeight ?? VANISHING_WEIGHT
  /** The components of `params` whose weight share is at most `limit`. */
  const vanishedIn = (params: P, limit: number): number[] => {
    if (layout === undefined) return []
    const w = layout(params).weights
    const out: number[] = []
    for (let j = 0; j < w.length; j++) if (w[j]! <= limit) out.push(j)
    return out
  }
  /** " (component j's weight … has vanished …)" for the components at or below VANISHING_WEIGHT, else "". */
  const notes = (params: P): string => {
    if (layout === undefined) return ''
    const w = layout(params).weights
    const small = vanishedIn(params, VANISHING_WEIGHT).map((j) => weightNote(j, w[j]!))
    return small.length === 0 ? '' : ` (${small.join('; ')})`
  }
  return {
    logLikelihoodNonDecreasing: ({ data, init }: { data: D; init: P }) => {
      const steps = trajectory(model, data, init, T)
      for (let t = 1; t < steps.length; t++) {
        if (steps[t]!.excused) continue
        const prev = steps[t - 1]!.logLikelihood
        const next = steps[t]!.logLikelihood
        violated(prev - next, slack(prev), `log p(X | θ) decreased from ${prev} to ${next}${notes(steps[t]!.params)}`, t)
      }
    },
    qAscent: ({ data, init }: { data: D; init: P }) => {
      const steps = trajectory(model, data, init, T)
      for (let t = 1; t < steps.length; t++) {
        if (steps[t]!.excused) continue
        const q = steps[t - 1]!.posterior
        const before = model.expectedCompleteLogLikelihood(data, steps[t - 1]!.params, q)
        const after = model.expectedCompleteLogLikelihood(data, steps[t]!.params, q)
        violated(before - after, slack(before), `Q(θₖ₊₁, θₖ) = ${after} is below Q(θₖ, θₖ) = ${before}${notes(steps[t]!.params)}`, t)
      }
    },
    posteriorIsDistribution: ({ data, init }: { data: D; init: P }) => {
      const check = config.checkPosterior!
      const steps = trajectory(model, data, init, T)
      for (let t = 0; t < steps.length; t++) {
        const problem = check(data, steps[t]!.posterior)
        if (problem !== undefined) violated(problem.size, problem.allowed, problem.message, t)
      }
    },
    decomposition: ({ data, init }: { data: D; init: P }) => {
      const tol = config.decompositionTolerance ?? 1e-9
      const steps = trajectory(model, data, init, T)
      for (let t = 0; t < steps.length; t++) {
        const s = steps[t]!
        const q = model.expectedCompleteLogLikelihood(data, s.params, s.posterior)
        const h = model.entropy(data, s.posterior)
        const gap = s.logLikelihood - (q + h)
        violated(
          Math.abs(gap),
          tol * (1 + Math.abs(s.logLikelihood) + Math.abs(h)),
          `log p(X | θ) = ${s.logLikelihood} but Q(θ, θ) + H(q) = ${q} + ${h} = ${q + h} (gap ${gap})`,
          t,
        )
      }
    },
    mStepMaximizes: ([{ data, init }, seed]: [{ data: D; init: P }, number]) => {
      const perturb = config.perturb!
      const trials = config.perturbations ?? 6
      const scales = [0.3, 0.03, 0.003]
      const rng = Rng.seeded(seed)
      const steps = trajectory(model, data, init, T)
      for (let t = 1; t < steps.length; t++) {
        if (steps[t]!.excused) continue
        const q = steps[t - 1]!.posterior
        const best = model.expectedCompleteLogLikelihood(data, steps[t]!.params, q)
        for (let r = 0; r < trials; r++) {
          const scale = scales[r % scales.length]!
          const moved = perturb(steps[t]!.params, rng, scale)
          if (moved === undefined || E.isLeft(model.validate(data, moved))) continue
          const other = model.expectedCompleteLogLikelihood(data, moved, q)
          violated(
            other - best,
            slack(best),
            `a perturbation of size ${scale} of the M-step's θₖ₊₁ raises Q(·, θₖ) from ${best} to ${other}: the M-step is not a maximiser${notes(steps[t]!.params)}`,
            t,
          )
        }
      }
    },
    fixedPoint: ({ data, init }: { data: D; init: P }) => {
      fc.pre(E.isRight(model.validate(data, init)))
      const fitted = Em.fit(model, data, {
        init,
        tolerance: config.convergenceTolerance ?? 1e-11,
        maxIterations: config.convergenceIterations ?? 2000,
      })
      fc.pre(E.isRight(fitted))
      const f = fitted.right
      fc.pre(f.converged)
      const post = model.posterior(data, f.params)
      let excused = false
      const next = model.maximize(data, post.posterior, {
        iteration: f.iterations + 1,
        previous: f.params,
        rng: Rng.seeded(0),
        warn: (_w, breaks) => {
          if (breaks === true) excused = true
        },
      })
      fc.pre(E.isRight(next) && !excused)
      const a = model.toVector(f.params)
      const b = model.toVector(next.right)
      if (a.length !== b.length)
        violated(
          Math.abs(a.length - b.length),
          0,
          `one more step changed the number of parameters from ${a.length} to ${b.length}`,
          f.iterations + 1,
        )
      // Components whose weight has vanished (before or after the step) are fixed by rounding: their movement is ignored.
      const gone = new Set([...vanishedIn(f.params, tolerated), ...vanishedIn(next.right, tolerated)])
      const owners = layout?.(f.params).owners
      const ownerOf = (t: number): number => (owners === undefined ? -1 : (owners[t] ?? -1))
      let move = 0
      let at = 0
      for (let t = 0; t < a.length; t++) {
        if (gone.has(ownerOf(t))) continue
        const m = Math.abs(a[t]! - b[t]!)
        if (m > move || Number.isNaN(m)) {
          move = m
          at = t
        }
      }
      const allowed = (config.fixedPointTolerance ?? 1e-3) * (1 + maxAbs(a))
      const owner = ownerOf(at)
      const weight = owner < 0 || layout === undefined ? undefined : layout(f.params).weights[owner]
      const whose = owner < 0 ? '' : ` (component ${owner}'s${weight === undefined ? '' : `; ${weightNote(owner, weight)}`})`
      violated(
        move,
        allowed,
        `after convergence (${f.iterations} iterations, ℓ = ${f.logLikelihood}) one more step moves parameter ${at}${whose} from ${a[at]} to ${b[at]}`,
        f.iterations + 1,
      )
    },
    determinism: ([{ data, init }, seed]: [{ data: D; init: P }, number]) => {
      const options = { init: config.initializer ?? init, seed, maxIterations: T, tolerance: 0 }
      const one = Em.fit(model, data, options)
      const two = Em.fit(model, data, options)
      if (E.isLeft(one) || E.isLeft(two)) {
        const same = E.isLeft(one) && E.isLeft(two) && one.left._tag === two.left._tag && one.left.message === two.left.message
        violated(
          same ? 0 : 1,
          0,
          `two fits with seed ${seed}: ${E.isLeft(one) ? one.left.message : 'success'} vs ${E.isLeft(two) ? two.left.message : 'success'}`,
        )
        return
      }
      const a = one.right
      const b = two.right
      if (a.iterations !== b.iterations) violated(1, 0, `two fits with seed ${seed} ran ${a.iterations} and ${b.iterations} iterations`)
      for (let t = 0; t < a.trace.length; t++) {
        if (!Object.is(a.trace[t], b.trace[t]))
          violated(
            Math.abs(a.trace[t]! - b.trace[t]!),
            0,
            `two fits with seed ${seed} differ at trace[${t}]: ${a.trace[t]} vs ${b.trace[t]}`,
            t,
          )
      }
      const va = model.toVector(a.params)
      const vb = model.toVector(b.params)
      for (let t = 0; t < Math.max(va.length, vb.length); t++) {
        if (!Object.is(va[t], vb[t]))
          violated(
            Math.abs((va[t] ?? Number.NaN) - (vb[t] ?? Number.NaN)),
            0,
            `two fits with seed ${seed} differ at parameter ${t}: ${va[t]} vs ${vb[t]}`,
          )
      }
    },
  }
}

/**
 * Runs the model laws and returns a report (never throws for a failed law). Usable outside any test
 * runner.
 *
 * @example
 * ```ts
 * const family = Exponential.family()
 * const model = Mixture.model(family, 2)
 * const cases = Arbitraries.mixtureCase(family, Arbitraries.mixtureJson({ family: 'exponential', dimension: 1 }, Arbitraries.exponentialComponents(1, 2)))
 * const report = ModelLaws.checkModelLaws({ model, cases, perturb: Perturb.mixture(family), checkPosterior: ModelLaws.mixturePosterior })
 * if (!report.ok) console.error(Report.formatReport(report))
 * ```
 * @category Laws
 * @since 0.1.0
 */
export const checkModelLaws = <D, P, Q, Z>(config: ModelLawsConfig<D, P, Q, Z>): LawReport => {
  const replay = replayTarget(config, MODEL_LAWS)
  const laws = replay === undefined ? (config.laws ?? MODEL_LAWS) : [replay.law as ModelLaw]
  const subject = config.subject ?? config.model.name
  const context = runContext(subject, config, replay)
  const parameters: CheckParameters = { numRuns: 25, ...config.parameters }
  const checks = lawChecks(config)
  const results: LawResult[] = []
  for (const law of laws) {
    if (law === 'mStepMaximizes' && config.perturb === undefined) continue
    if (law === 'posteriorIsDistribution' && config.checkPosterior === undefined) continue
    if (law === 'mStepMaximizes' || law === 'determinism') {
      results.push(
        runLaw(
          law,
          STATEMENTS[law],
          fc.tuple(config.cases, fc.integer({ min: 0, max: 0x7fffffff })),
          checks[law] as (v: unknown) => void,
          parameters,
          undefined,
          context,
        ),
      )
    } else {
      results.push(runLaw(law, STATEMENTS[law], config.cases, checks[law] as (v: unknown) => void, parameters, undefined, context))
    }
  }
  return { subject, ok: results.every((r) => r.status === 'passed'), results }
}

/**
 * Runs the model laws and throws a {@link Report.LawError} with a readable message when one fails —
 * call it inside a vitest (or any) test.
 *
 * @example
 * ```ts
 * import { it } from 'vitest'
 * const family = Exponential.family()
 * const cases = Arbitraries.mixtureCase(family, Arbitraries.mixtureJson({ family: 'exponential', dimension: 1 }, Arbitraries.exponentialComponents(1, 2)))
 * it('obeys the EM laws', () => {
 *   ModelLaws.assertModelLaws({ model: Mixture.model(family, 2), cases, perturb: Perturb.mixture(family) })
 * })
 * ```
 * @category Laws
 * @since 0.1.0
 */
export const assertModelLaws = <D, P, Q, Z>(config: ModelLawsConfig<D, P, Q, Z>): LawReport => assertReport(checkModelLaws(config))

/**
 * Options of {@link checkMixtureLaws}: the model laws' options without what a mixture provides.
 *
 * @category Laws
 * @since 0.1.0
 */
export type MixtureLawsConfig<C> = Omit<
  ModelLawsConfig<Dataset.Dataset, Mixture.Params<C>, Mixture.Responsibilities, Int32Array>,
  'model' | 'perturb' | 'checkPosterior' | 'initializer' | 'layout'
> & {
  /** Perturbation; default {@link Perturb.mixture} of the family (inside each parameter's domain for a template family). */
  readonly perturb?: Perturbation<Mixture.Params<C>>
  /** Collapse policy of the mixture under test; default `'reseed'`. */
  readonly collapse?: Mixture.CollapsePolicy
  /**
   * The model's options for each case's data (partly known `labels`, `fixed` parameters): the
   * mixture under test on `data` is `Mixture.model(family, k, { collapse, ...options(data) })`, so
   * the laws run on semi-supervised and constrained EM too. Data with missing cells need nothing
   * here (the family's `incomplete` capability takes them).
   *
   * @since 0.2.0
   */
  readonly options?: (data: Dataset.Dataset) => Omit<Mixture.ModelOptions, 'collapse'>
}

/**
 * The model laws for the k-component mixture of `family`, with the mixture's posterior check,
 * perturbation (mixing weights on the simplex, components inside their domains for a template
 * family, else through the family's JSON), k-means++ initialiser and component layout (for the
 * vanishing-weight rules) filled in.
 *
 * @example
 * ```ts
 * const family = Exponential.family()
 * const cases = Arbitraries.mixtureCase(family, Arbitraries.mixtureJson({ family: 'exponential', dimension: 1 }, Arbitraries.exponentialComponents(1, 2)))
 * ModelLaws.assertMixtureLaws(family, 2, { cases })
 * ```
 * @category Laws
 * @since 0.1.0
 */
export const checkMixtureLaws = <C, S>(family: ComponentFamily<C, S>, k: number, config: MixtureLawsConfig<C>): LawReport => {
  const base = config.collapse === undefined ? {} : { collapse: config.collapse }
  const model = config.options === undefined ? Mixture.model(family, k, base) : perData(family, k, base, config.options)
  return checkModelLaws({
    ...config,
    model,
    perturb: config.perturb ?? mixturePerturbation(family),
    checkPosterior: mixturePosterior,
    initializer: Mixture.initializer(model),
    layout: mixtureLayout(family),
  })
}

/** A mixture model that is, on each dataset, `Mixture.model` with that dataset's options (one model per dataset, kept while it lives). */
const perData = <C, S>(
  family: ComponentFamily<C, S>,
  k: number,
  base: Mixture.ModelOptions,
  options: (data: Dataset.Dataset) => Omit<Mixture.ModelOptions, 'collapse'>,
): Mixture.MixtureModel<C, S> => {
  const models = new WeakMap<Dataset.Dataset, Mixture.MixtureModel<C, S>>()
  const on = (data: Dataset.Dataset): Mixture.MixtureModel<C, S> => {
    let m = models.get(data)
    if (m === undefined) {
      m = Mixture.model(family, k, { ...base, ...options(data) })
      models.set(data, m)
    }
    return m
  }
  return {
    ...Mixture.model(family, k, base),
    validate: (data, params) => on(data).validate(data, params),
    posterior: (data, params) => on(data).posterior(data, params),
    maximize: (data, q, context) => on(data).maximize(data, q, context),
    estimate: (data, resp, context) => on(data).estimate(data, resp, context),
    expectedCompleteLogLikelihood: (data, params, q) => on(data).expectedCompleteLogLikelihood(data, params, q),
    completeLogLikelihood: (data, params, z) => on(data).completeLogLikelihood(data, params, z),
    entropy: (data, q) => on(data).entropy(data, q),
  }
}

/**
 * Throwing twin of {@link checkMixtureLaws}.
 *
 * @category Laws
 * @since 0.1.0
 */
export const assertMixtureLaws = <C, S>(family: ComponentFamily<C, S>, k: number, config: MixtureLawsConfig<C>): LawReport =>
  assertReport(checkMixtureLaws(family, k, config))
