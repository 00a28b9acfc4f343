/**
 * The law of observed-information standard errors, for any family with derivatives: at a fitted θ̂
 * on generated data, `Mixture.observedInformation` equals a finite-difference Hessian of the
 * observed-data log-likelihood (central differences at steps h and h/2, hₐ = 1e-2/√Iₐₐ — a hundredth
 * of the parameter's own scale, its standard error — Richardson-extrapolated), entry by entry, and the standard errors of `Mixture.standardErrors`
 * equal those of the inverse of that Hessian. The finite differences are the reference only; the
 * library differentiates exactly.
 *
 * The free parameters are moved through the information's Jacobian (every displayed parameter is
 * affine in them), the components rebuilt through the family's JSON; a perturbed point the family
 * refuses skips the case.
 *
 * @packageDocumentation
 */
import fc from 'fast-check'
import { either as E } from 'fp-ts'
import type { ComponentFamily, Dataset } from '@emkit/core'
import { Em, Linalg, Mixture } from '@emkit/core'
import type { CheckParameters, LawReport, RunOptions } from './Report.js'
import { assertReport, replayTarget, runContext, runLaw, violated } from './Report.js'

/**
 * What the information law states (used in reports).
 *
 * @category Laws
 * @since 0.2.0
 */
export const INFORMATION_STATEMENT =
  'at a fitted θ̂, −∇²ℓ from Mixture.observedInformation and the standard errors from it equal the Richardson-extrapolated finite differences within tolerance'

/**
 * Options of {@link checkInformation}.
 *
 * @category Laws
 * @since 0.2.0
 */
export interface InformationLawConfig<C, S> extends RunOptions {
  /** The family under test; it must provide `derivatives`. */
  readonly family: ComponentFamily<C, S>
  /** Generated cases: data and starting parameters, from which EM fits θ̂ (e.g. `Arbitraries.mixtureCase`). */
  readonly cases: fc.Arbitrary<{ readonly data: Dataset.Dataset; readonly init: Mixture.Params<C> }>
  /** Relative tolerance of each information entry and standard error. Default 1e-4. */
  readonly tolerance?: number
  /** fast-check parameters. Default numRuns 10. */
  readonly parameters?: CheckParameters
  /** Name used in reports; default the family's name. */
  readonly subject?: string
}

/** The parameters at free-parameter offset δ from θ̂ (displayed = displayed(θ̂) + J·δ), or `undefined` when the family refuses them. */
const shifted = <C, S>(
  family: ComponentFamily<C, S>,
  params: Mixture.Params<C>,
  base: Float64Array,
  jacobian: Float64Array,
  delta: Float64Array,
): Mixture.Params<C> | undefined => {
  const p = delta.length
  const values = Float64Array.from(base, (v, r) => {
    let s = v
    for (let t = 0; t < p; t++) s += jacobian[r * p + t]! * delta[t]!
    return s
  })
  const k = params.components.length
  let at = k
  const next = (): number => values[at++]!
  const fill = (json: unknown): unknown =>
    typeof json === 'number'
      ? next()
      : Array.isArray(json)
        ? json.map(fill)
        : typeof json === 'object' && json !== null
          ? Object.fromEntries(Object.entries(json).map(([key, x]) => [key, fill(x)]))
          : json
  const components = family.fromJSON(family.toJSON(params.components).map(fill), family.dimension(params.components[0]!))
  const weights = values.subarray(0, k)
  if (E.isLeft(components) || !weights.every((w) => w > 0)) return undefined
  return { weights: Float64Array.from(weights), components: components.right }
}

/** The Richardson-extrapolated central-difference Hessian of ℓ in the free parameters, or `undefined` when a point is refused. */
const finiteDifferenceHessian = <C, S>(
  family: ComponentFamily<C, S>,
  data: Dataset.Dataset,
  params: Mixture.Params<C>,
  info: Mixture.Information,
): Float64Array | undefined => {
  const p = info.size
  const base = Float64Array.from([...params.weights, ...params.components.flatMap((c) => Array.from(family.toVector(c)))])
  // Steps on each parameter's own scale, 1/√Iₐₐ (its standard error): a relative step would be far
  // too coarse for a mean whose component is narrow, or for a variance near 0.
  const scale = Float64Array.from({ length: p }, (_, t) => 1e-2 / Math.sqrt(Math.max(info.matrix[t * p + t]!, 1e-300)))
  const ll = (delta: Float64Array): number | undefined => {
    const q = shifted(family, params, base, info.jacobian, delta)
    if (q === undefined) return undefined
    const r = Mixture.logLikelihood(family, q, data)
    return E.isRight(r) && Number.isFinite(r.right) ? r.right : undefined
  }
  const hessian = (factor: number): Float64Array | undefined => {
    const h = new Float64Array(p * p)
    const delta = new Float64Array(p)
    for (let a = 0; a < p; a++)
      for (let b = a; b < p; b++) {
        const ha = scale[a]! * factor
        const hb = scale[b]! * factor
        let sum = 0
        for (const [sa, sb, sign] of [
          [1, 1, 1],
          [1, -1, -1],
          [-1, 1, -1],
          [-1, -1, 1],
        ] as const) {
          delta.fill(0)
          delta[a] = delta[a]! + sa * ha
          delta[b] = delta[b]! + sb * hb
          const v = ll(delta)
          if (v === undefined) return undefined
          sum += sign * v
        }
        h[a * p + b] = h[b * p + a] = sum / (4 * ha * hb)
      }
    return h
  }
  const coarse = hessian(1)
  const fine = hessian(0.5)
  if (coarse === undefined || fine === undefined) return undefined
  return Float64Array.from(fine, (v, t) => (4 * v - coarse[t]!) / 3)
}

/** Standard errors of the displayed parameters from an information matrix (Cholesky; `undefined` when not positive definite). */
const standardErrorsOf = (information: Float64Array, jacobian: Float64Array, p: number): Float64Array | undefined => {
  const l = new Float64Array(p * p)
  if (!Linalg.cholesky(p, information, 0, l, 0)) return undefined
  const m = jacobian.length / p
  const out = new Float64Array(m)
  const column = new Float64Array(p)
  for (let r = 0; r < m; r++) {
    // var = jᵀ I⁻¹ j = ‖L⁻¹ j‖².
    for (let t = 0; t < p; t++) column[t] = jacobian[r * p + t]!
    Linalg.solveLower(p, l, 0, column, 0)
    let s = 0
    for (let t = 0; t < p; t++) s += column[t]! * column[t]!
    out[r] = Math.sqrt(s)
  }
  return out
}

/**
 * Checks the information law (see the module comment) and returns a report.
 *
 * @example
 * ```ts
 * const family = Exponential.family()
 * const cases = Arbitraries.mixtureCase(family, Arbitraries.mixtureJson({ family: 'exponential', dimension: 1 }, Arbitraries.exponentialComponents(1, 2)))
 * const report = InformationLaws.checkInformation({ family, cases, parameters: { numRuns: 3 } })
 * ```
 * @category Laws
 * @since 0.2.0
 */
export const checkInformation = <C, S>(config: InformationLawConfig<C, S>): LawReport => {
  const { family } = config
  const tolerance = config.tolerance ?? 1e-4
  const check = ({ data, init }: { readonly data: Dataset.Dataset; readonly init: Mixture.Params<C> }): void => {
    const k = init.components.length
    const fitted = Em.fit(Mixture.model(family, k, { collapse: 'error' }), data, {
      init,
      stop: 'parameters',
      tolerance: 1e-12,
      maxIterations: 5000,
    })
    fc.pre(E.isRight(fitted) && fitted.right.converged)
    const params = fitted.right.params
    const info = Mixture.observedInformation(family, data, params)
    if (E.isLeft(info)) return violated(1, 0, `observedInformation failed: ${info.left.message}`)
    const fd = finiteDifferenceHessian(family, data, params, info.right)
    fc.pre(fd !== undefined)
    const p = info.right.size
    let peak = 0
    for (let t = 0; t < p * p; t++) peak = Math.max(peak, Math.abs(fd[t]!))
    for (let a = 0; a < p; a++)
      for (let b = 0; b < p; b++) {
        const exact = info.right.matrix[a * p + b]!
        const reference = -fd[a * p + b]!
        const allowed = tolerance * Math.abs(reference) + 1e-7 * peak
        if (!(Math.abs(exact - reference) <= allowed))
          violated(Math.abs(exact - reference), allowed, `information[${a}][${b}] = ${exact}, finite differences ${reference}`)
      }
    const negated = Float64Array.from(fd, (v) => -v)
    const reference = standardErrorsOf(negated, info.right.jacobian, p)
    fc.pre(reference !== undefined)
    const se = Mixture.standardErrors(family, data, params)
    fc.pre(E.isRight(se))
    const mine = [...se.right.weights, ...se.right.components.flatMap((c) => Array.from(c))]
    mine.forEach((v, r) => {
      const allowed = tolerance * reference[r]! + 1e-12
      if (!(Math.abs(v - reference[r]!) <= allowed))
        violated(Math.abs(v - reference[r]!), allowed, `standard error ${r} = ${v}, from the finite-difference Hessian ${reference[r]}`)
    })
  }
  const parameters: CheckParameters = { numRuns: 10, ...config.parameters }
  const law = 'informationMatchesFiniteDifferences'
  const subject = config.subject ?? `${family.name} family`
  const context = runContext(subject, config, replayTarget(config, [law]))
  const result = runLaw(law, INFORMATION_STATEMENT, config.cases, check, parameters, undefined, context)
  return { subject, ok: result.status === 'passed', results: [result] }
}

/**
 * Throwing twin of {@link checkInformation}: throws a {@link Report.LawError} when the law fails.
 *
 * @category Laws
 * @since 0.2.0
 */
export const assertInformation = <C, S>(config: InformationLawConfig<C, S>): LawReport => assertReport(checkInformation(config))
