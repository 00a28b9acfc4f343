/**
 * Conditional families: densities of a response y given a design row x, for mixtures of
 * regressions. Gaussian linear regression (weighted least squares from mergeable QR factors),
 * Poisson regression (log link) and logistic regression (logit link) by IRLS.
 *
 * A conditional family differs from a `ComponentFamily` in one way that matters: its M-step
 * needs the rows (the design and the response with this component's responsibilities) and, for the
 * GLMs, the previous parameters, since IRLS is an iterative generalised M-step. So the interface
 * hands `maximize` exactly that, and asks in return for a step that never lowers the component's
 * weighted log-likelihood Σᵢ γᵢ log f(yᵢ | xᵢ, β) below its value at the previous parameters —
 * which is what keeps the whole EM monotone (generalised EM, Dempster, Laird & Rubin 1977, §3).
 *
 * @module
 */
import { either as E } from 'fp-ts'
import type { EmError } from '../Errors.js'
import { invalidData } from '../Errors.js'
import * as Schema from '../Schema.js'
import { HALF_LOG_2PI } from '../Linalg.js'
import type { Rng } from '../Rng.js'
import { log1pExp, logFactorial } from '../Special.js'
import * as Qr from './Qr.js'

/**
 * The rows a conditional family sees: an n × p design (row-major) and the response.
 *
 * @category Data
 * @since 0.2.0
 */
export interface Design {
  /** Rows. */
  readonly n: number
  /** Design columns (terms), intercept included when the formula has it. */
  readonly p: number
  /** The design, length n·p, row-major. */
  readonly x: Float64Array
  /** The response, length n. */
  readonly y: Float64Array
}

/**
 * One regression component: coefficients β (length p, in the order of the terms) and, for the
 * Gaussian family only, the residual variance σ² (in squared response units).
 *
 * @category Components
 * @since 0.2.0
 */
export interface RegressionComponent {
  /** β, length p. */
  readonly coefficients: Float64Array
  /** σ² > 0 for `regression` (Gaussian); absent for the GLMs. */
  readonly variance?: number
}

/**
 * A family of densities of y given x (see the module's summary for the contract of `maximize`).
 *
 * @category Families
 * @since 0.2.0
 */
export interface ConditionalFamily {
  /** The name in the model JSON: `regression`, `poisson-glm` or `logistic`. */
  readonly name: string
  /** Options that change the estimate, for the model JSON (e.g. `{ variance: 'flexmix' }`). */
  readonly variant: Readonly<Record<string, string>>
  /** Checks the response against the support; `Left(InvalidData)` names the first bad row. */
  checkResponse(y: Float64Array): E.Either<EmError, void>
  /** Writes log f(yᵢ | xᵢ, component) for every row into `out[offset + i]`. */
  logDensityInto(data: Design, component: RegressionComponent, out: Float64Array, offset: number): void
  /**
   * The generalised M-step of one component: parameters that do not lower Σᵢ wᵢ log f(yᵢ | xᵢ, ·)
   * below its value at `previous` (the exact weighted MLE when the family has one in closed form).
   * `weights[offset + i]` is row i's weight (≥ 0). `previous` is absent when starting from a
   * posterior. Returns `Left(message)` when the weighted problem has no solution (too few rows,
   * rank-deficient design under these weights).
   */
  maximize(
    data: Design,
    weights: Float64Array,
    offset: number,
    previous: RegressionComponent | undefined,
  ): E.Either<string, RegressionComponent>
  /**
   * The parameter schema of one component (`Schema` of the family template): `coefficients` a real
   * vector of length p, and for the Gaussian family `variance` a positive scalar. Validation, the
   * JSON codec and the free-parameter count below are derived from it.
   */
  readonly parameters: Schema.Fields
  /** Free parameters of one component with p coefficients. */
  freeParameters(p: number): number
  /** E[y | x] for row i of `x` (the fitted line). */
  mean(component: RegressionComponent, x: Float64Array, p: number, i: number): number
  /** Draws y given row i of `x`. */
  sample(component: RegressionComponent, x: Float64Array, p: number, i: number, rng: Rng): number
  /** The component as the model JSON writes it. */
  toJSON(component: RegressionComponent): Record<string, unknown>
  /** Reads and validates the components of p coefficients; `Left(InvalidModel)` names the component and field. */
  fromJSON(components: readonly unknown[], p: number): E.Either<EmError, RegressionComponent[]>
  /** Checks components of p coefficients; `Left(InvalidParameters)` names the component and field. */
  validate(components: readonly RegressionComponent[], p: number): E.Either<EmError, readonly RegressionComponent[]>
}

/**
 * The Gaussian variance estimator: `ml` (σ² = Σ γ r² / Σ γ, mixtools' `regmixEM`, the EM default)
 * or `flexmix` (FLXMRglm's σ² = (Σ γ r² / mean γ) / (n − p), n the number of rows: the Gaussian
 * `fit` of flexmix 2.3-20's `R/models.R`).
 *
 * @category Families
 * @since 0.2.0
 */
export type VarianceEstimator = 'ml' | 'flexmix'

/** @category Families @since 0.2.0 */
export const VARIANCE_ESTIMATORS: readonly VarianceEstimator[] = ['ml', 'flexmix']

const linear = (beta: Float64Array, x: Float64Array, p: number, i: number): number => {
  let s = 0
  for (let c = 0; c < p; c++) s += beta[c]! * x[i * p + c]!
  return s
}

const finiteResponse = (y: Float64Array, ok: (v: number) => boolean, what: string): E.Either<EmError, void> => {
  for (let i = 0; i < y.length; i++) {
    if (!ok(y[i]!)) return E.left(invalidData(`row ${i}: the response ${y[i]} is not ${what}`, i))
  }
  return E.right(undefined)
}

/** The schema-derived part of a conditional family: validation, JSON and the parameter count. */
const onSchema = (
  parameters: Schema.Fields,
): Pick<ConditionalFamily, 'parameters' | 'freeParameters' | 'toJSON' | 'fromJSON' | 'validate'> => ({
  parameters,
  freeParameters: (p) => Schema.freeParameters(parameters, p),
  toJSON: (component) => Schema.encode(parameters, [component as unknown as Schema.Infer<Schema.Fields>])[0]!,
  fromJSON: (components, p) => Schema.decode(parameters, components, p) as unknown as E.Either<EmError, RegressionComponent[]>,
  validate: (components, p) =>
    Schema.validate(parameters, components as unknown as ReadonlyArray<Schema.Infer<Schema.Fields>>, p) as unknown as E.Either<
      EmError,
      readonly RegressionComponent[]
    >,
})

/** Gaussian regression: β (length p) and σ² > 0. */
const GAUSSIAN_PARAMETERS: Schema.Fields = { coefficients: Schema.vector('real'), variance: Schema.scalar('positive') }
/** A GLM: β (length p). */
const GLM_PARAMETERS: Schema.Fields = { coefficients: Schema.vector('real') }

/**
 * Gaussian linear regression, y | x ~ N(xᵀβ, σ²): the exact weighted MLE from the mergeable R factor
 * of √w·[X | y] ({@link Qr}), with the variance by `variance` (default `ml`).
 *
 * @param options - `variance`: {@link VarianceEstimator} (default `'ml'`).
 * @example
 * ```ts
 * const family = Regression.gaussian({ variance: 'flexmix' })
 * family.name // 'regression'
 * ```
 * @category Families
 * @since 0.2.0
 */
export const gaussian = (options: { readonly variance?: VarianceEstimator } = {}): ConditionalFamily => {
  const convention = options.variance ?? 'ml'
  return {
    name: 'regression',
    variant: { variance: convention },
    checkResponse: (y) => finiteResponse(y, Number.isFinite, 'finite'),
    logDensityInto(data, component, out, offset) {
      const { n, p, x, y } = data
      const s2 = component.variance!
      const c0 = -HALF_LOG_2PI - 0.5 * Math.log(s2)
      for (let i = 0; i < n; i++) {
        const r = y[i]! - linear(component.coefficients, x, p, i)
        out[offset + i] = c0 - (r * r) / (2 * s2)
      }
    },
    maximize(data, weights, offset) {
      const factor = Qr.summarize(Qr.empty(data.p + 1), data.n, data.p, data.x, data.y, weights, offset)
      const solved = Qr.solve(factor)
      if (solved === undefined)
        return E.left(`the design is rank-deficient under this component's responsibilities (weight ${factor.weight})`)
      const variance =
        convention === 'ml' ? solved.rss / factor.weight : solved.rss / (factor.weight / factor.rows) / (factor.rows - data.p)
      if (!(variance > 0) || !Number.isFinite(variance)) return E.left(`the residual variance is ${variance} (a perfect fit)`)
      return E.right({ coefficients: solved.beta, variance })
    },
    mean: (component, x, p, i) => linear(component.coefficients, x, p, i),
    sample: (component, x, p, i, rng) => linear(component.coefficients, x, p, i) + Math.sqrt(component.variance!) * rng.normal(),
    ...onSchema(GAUSSIAN_PARAMETERS),
  }
}

/** How a GLM's mean, variance function and log-density follow from the linear predictor η. */
interface Link {
  readonly name: string
  readonly checkResponse: (y: Float64Array) => E.Either<EmError, void>
  /** log f(y | η). */
  readonly logDensity: (y: number, eta: number) => number
  readonly mean: (eta: number) => number
  readonly varianceFunction: (mu: number) => number
  /** η₀ for a row when no previous β is given (glm.fit's mustart). */
  readonly start: (y: number) => number
  readonly sample: (mu: number, rng: Rng) => number
}

/** IRLS iterations at most per M-step. */
export const IRLS_MAX_ITERATIONS = 100
/** Step halvings at most per IRLS iteration. */
const MAX_HALVINGS = 60

/**
 * A step is taken when it lowers the weighted log-likelihood by no more than this × (1 + |value|):
 * near the maximum a Newton step changes the objective below its rounding, and refusing such steps
 * would stop IRLS at √ε accuracy. (The testkit's Q-ascent law allows 1e-10 × (1 + |Q|).)
 */
export const ROUNDING = 1e-13

const weightedObjective = (link: Link, data: Design, beta: Float64Array, weights: Float64Array, offset: number): number => {
  let s = 0
  for (let i = 0; i < data.n; i++) {
    const w = weights[offset + i]!
    if (w > 0) s += w * link.logDensity(data.y[i]!, linear(beta, data.x, data.p, i))
  }
  return s
}

/** One weighted least-squares solve of the working response, from the QR factor. */
const irlsProposal = (
  link: Link,
  data: Design,
  beta: Float64Array | undefined,
  weights: Float64Array,
  offset: number,
): Float64Array | undefined => {
  const { n, p, x, y } = data
  const factor = Qr.empty(p + 1)
  const a = new Float64Array(p + 1)
  for (let i = 0; i < n; i++) {
    const w = weights[offset + i]!
    if (!(w > 0)) continue
    const eta = beta === undefined ? link.start(y[i]!) : linear(beta, x, p, i)
    const mu = link.mean(eta)
    const v = Math.max(link.varianceFunction(mu), 1e-300)
    const z = beta === undefined ? eta : eta + (y[i]! - mu) / v
    const s = Math.sqrt(w * v)
    for (let c = 0; c < p; c++) a[c] = s * x[i * p + c]!
    a[p] = s * z
    Qr.addRowInto(p + 1, factor.r, a, 0)
  }
  return Qr.solve(factor)?.beta
}

/**
 * The GEM step of a GLM: Newton's method in IRLS form from the previous β (each weighted
 * least-squares solve from a QR factor), a step that would lower the weighted log-likelihood halved
 * up to 60 times (then the previous β is kept), stopping when max|Δβ| ≤ 1e-13·(1 + max|β|) or after
 * {@link IRLS_MAX_ITERATIONS}. Without a previous β it starts from glm.fit's mustart.
 */
const irls = (
  link: Link,
  data: Design,
  weights: Float64Array,
  offset: number,
  previous: RegressionComponent | undefined,
): E.Either<string, RegressionComponent> => {
  let beta = previous?.coefficients
  if (beta === undefined) {
    beta = irlsProposal(link, data, undefined, weights, offset)
    if (beta === undefined) return E.left("the design is rank-deficient under this component's responsibilities")
  }
  let value = weightedObjective(link, data, beta, weights, offset)
  for (let t = 0; t < IRLS_MAX_ITERATIONS; t++) {
    let proposal = irlsProposal(link, data, beta, weights, offset)
    if (proposal === undefined)
      return t === 0 && previous === undefined
        ? E.left("the design is rank-deficient under this component's responsibilities")
        : E.right({ coefficients: beta })
    let next = weightedObjective(link, data, proposal, weights, offset)
    const floor = value - ROUNDING * (1 + Math.abs(value))
    for (let h = 0; !(next >= floor) && h < MAX_HALVINGS; h++) {
      const half = new Float64Array(data.p)
      for (let c = 0; c < data.p; c++) half[c] = (beta[c]! + proposal[c]!) / 2
      proposal = half
      next = weightedObjective(link, data, proposal, weights, offset)
    }
    if (!(next >= floor)) break
    let change = 0
    let size = 0
    for (let c = 0; c < data.p; c++) {
      change = Math.max(change, Math.abs(proposal[c]! - beta[c]!))
      size = Math.max(size, Math.abs(proposal[c]!))
    }
    beta = proposal
    value = next
    if (change <= 1e-13 * (1 + size)) break
  }
  return E.right({ coefficients: beta })
}

const glm = (name: string, link: Link): ConditionalFamily => ({
  name,
  variant: {},
  checkResponse: link.checkResponse,
  logDensityInto(data, component, out, offset) {
    for (let i = 0; i < data.n; i++) out[offset + i] = link.logDensity(data.y[i]!, linear(component.coefficients, data.x, data.p, i))
  },
  maximize: (data, weights, offset, previous) => irls(link, data, weights, offset, previous),
  mean: (component, x, p, i) => link.mean(linear(component.coefficients, x, p, i)),
  sample: (component, x, p, i, rng) => link.sample(link.mean(linear(component.coefficients, x, p, i)), rng),
  ...onSchema(GLM_PARAMETERS),
})

/**
 * Poisson regression with log link, log f(y | x) = y η − e^η − log y! (η = xᵀβ), fitted by IRLS as a
 * generalised M-step from the previous β. y: non-negative integer counts.
 *
 * @example
 * ```ts
 * Regression.poisson().name // 'poisson-glm'
 * ```
 * @category Families
 * @since 0.2.0
 */
export const poisson = (): ConditionalFamily =>
  glm('poisson-glm', {
    name: 'poisson-glm',
    checkResponse: (y) => finiteResponse(y, (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer count'),
    logDensity: (y, eta) => y * eta - Math.exp(eta) - logFactorial(y),
    mean: Math.exp,
    varianceFunction: (mu) => mu,
    start: (y) => Math.log(y + 0.1),
    sample: (mu, rng) => rng.poisson(mu),
  })

/**
 * Logistic regression, log f(y | x) = y η − log(1 + e^η) (η = xᵀβ), fitted by IRLS as a generalised
 * M-step from the previous β. y: 0 or 1.
 *
 * @example
 * ```ts
 * Regression.logistic().name // 'logistic'
 * ```
 * @category Families
 * @since 0.2.0
 */
export const logistic = (): ConditionalFamily =>
  glm('logistic', {
    name: 'logistic',
    checkResponse: (y) => finiteResponse(y, (v) => v === 0 || v === 1, '0 or 1'),
    logDensity: (y, eta) => y * eta - log1pExp(eta),
    mean: (eta) => (eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta))),
    varianceFunction: (mu) => mu * (1 - mu),
    start: (y) => Math.log((y + 0.5) / (1.5 - y)),
    sample: (mu, rng) => (rng.uniform() < mu ? 1 : 0),
  })

/**
 * The conditional family of a model JSON's `family` name: `regression` (with `variance`),
 * `poisson-glm` or `logistic`; `undefined` for any other name.
 *
 * @category Families
 * @since 0.2.0
 */
export const byName = (name: string, variance: VarianceEstimator = 'ml'): ConditionalFamily | undefined =>
  name === 'regression' ? gaussian({ variance }) : name === 'poisson-glm' ? poisson() : name === 'logistic' ? logistic() : undefined

/**
 * The family names a mixture of regressions accepts.
 *
 * @category Families
 * @since 0.2.0
 */
export const FAMILY_NAMES: readonly string[] = ['regression', 'poisson-glm', 'logistic']
