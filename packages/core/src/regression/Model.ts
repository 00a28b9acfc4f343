/**
 * The mixture of regressions as an EM model: the data with its column roles, the parameters, the
 * posterior over latent classes (shared within a group), and the generalised M-step.
 *
 * @module
 */
import { either as E } from 'fp-ts'
import type { EmError } from '../Errors.js'
import { invalidData, invalidOptions, invalidParameters } from '../Errors.js'
import type { Dataset } from '../Dataset.js'
import { cholesky, solveLower, solveLowerTransposed } from '../Linalg.js'
import { guard, show } from '../Validate.js'
import type { Model } from '../Model.js'
import type { ConditionalFamily, Design, RegressionComponent } from './Families.js'
import { ROUNDING } from './Families.js'
import type { Formula } from './Formula.js'
import { designMatrix, INTERCEPT, parseFormula } from './Formula.js'

/**
 * Data with column roles for a mixture of regressions: the design and response of the formula, the
 * concomitant design (intercept first) for covariate-dependent weights, and the groups.
 *
 * @category Data
 * @since 0.2.0
 */
export interface RegressionData extends Design {
  /** The formula the design came from. */
  readonly formula: Formula
  /** Names of the design columns, intercept first when present (length p). */
  readonly terms: readonly string[]
  /** Concomitant variables of the weights: z (n × q, row-major, intercept first) and their names. */
  readonly concomitant?: { readonly q: number; readonly z: Float64Array; readonly terms: readonly string[] }
  /**
   * Groups sharing one latent class: `of[i]` is row i's group (0 … count − 1, in order of first
   * appearance), `first[g]` the first row of group g, and the grouping column's name.
   */
  readonly groups?: { readonly count: number; readonly of: Int32Array; readonly first: Int32Array; readonly column: string }
}

/**
 * Column roles of {@link design}: the formula, the concomitant columns and the grouping column.
 *
 * @category Data
 * @since 0.2.0
 */
export interface Roles {
  /** An R-style formula, `y ~ x + I(x^2)` (see {@link parseFormula}). */
  readonly formula: string
  /** Columns of the concomitant model πⱼ(z) (an intercept is added). Default none: constant weights. */
  readonly concomitant?: readonly string[]
  /** A grouping column: rows with equal values share one latent class. Default none. */
  readonly group?: string
}

/**
 * Builds {@link RegressionData} from a dataset with named columns and the column roles.
 *
 * @param data - the rows, with `columns` naming every column.
 * @param roles - formula, concomitant columns, grouping column.
 * @returns the data, or `Left(InvalidOptions)` for a bad formula or unknown column,
 *   `Left(InvalidData)` for non-finite values (naming row and column), or a concomitant variable
 *   that varies within a group.
 * @example
 * ```ts
 * const data = Dataset.fromRowsOrThrow([[1, 2.1], [2, 3.9], [3, 6.2]], { columns: ['x', 'y'] })
 * const r = Regression.design(data, { formula: 'y ~ x' }) // Right, p = 2
 * ```
 * @category Data
 * @since 0.2.0
 */
export const design = (data: Dataset, roles: Roles): E.Either<EmError, RegressionData> =>
  guard(
    () => designOf(data, roles),
    (message) => invalidOptions('formula', `the data or column roles cannot be read: ${message}`),
  )

const designOf = (data: Dataset, roles: Roles): E.Either<EmError, RegressionData> => {
  const concomitantColumns: unknown = roles.concomitant
  if (concomitantColumns !== undefined && !(Array.isArray(concomitantColumns) && concomitantColumns.every((c) => typeof c === 'string'))) {
    return E.left(invalidOptions('concomitant', `expected an array of column names, got ${show(concomitantColumns)}`))
  }
  const groupColumn: unknown = roles.group
  if (groupColumn !== undefined && typeof groupColumn !== 'string')
    return E.left(invalidOptions('group', `expected a column name, got ${show(groupColumn)}`))
  if (data.columns === undefined) return E.left(invalidOptions('formula', 'the data have no column names; name them to use a formula'))
  if (data.sampleWeights !== undefined) {
    return E.left(
      invalidOptions('sampleWeights', 'mixtures of regressions do not take sample weights yet; replicate rows or drop the weights'),
    )
  }
  if (data.missing?.includes(1) === true)
    return E.left(invalidOptions('missing', 'mixtures of regressions need complete rows; drop the incomplete ones'))
  const names = data.columns
  const { n, d, values } = data
  const column = (name: string): Float64Array | undefined => {
    const c = names.indexOf(name)
    if (c < 0) return undefined
    const out = new Float64Array(n)
    for (let i = 0; i < n; i++) out[i] = values[i * d + c]!
    return out
  }
  const finite = (name: string, v: Float64Array): E.Either<EmError, Float64Array> => {
    for (let i = 0; i < n; i++)
      if (!Number.isFinite(v[i]!))
        return E.left(invalidData(`row ${i}, column "${name}": ${v[i]} is not a finite number`, i, names.indexOf(name)))
    return E.right(v)
  }
  return E.flatMap(parseFormula(roles.formula), (formula) => {
    const y = column(formula.response)
    if (y === undefined)
      return E.left(
        invalidOptions('formula', `the response "${formula.response}" is not a column of the data (columns: ${names.join(', ')})`),
      )
    for (const t of formula.terms)
      for (const f of t.factors) {
        const v = column(f.column)
        if (v === undefined)
          return E.left(invalidOptions('formula', `term ${t.name}: no column named "${f.column}" (columns: ${names.join(', ')})`))
        const ok = finite(f.column, v)
        if (E.isLeft(ok)) return ok
      }
    const yOk = finite(formula.response, y)
    if (E.isLeft(yOk)) return yOk
    return E.flatMap(designMatrix(formula.terms, column, n), (x) => {
      let concomitant: RegressionData['concomitant']
      if (roles.concomitant !== undefined && roles.concomitant.length > 0) {
        const cols = [...roles.concomitant]
        const q = cols.length + 1
        const z = new Float64Array(n * q)
        for (let c = 0; c < cols.length; c++) {
          const v = column(cols[c]!)
          if (v === undefined) return E.left(invalidOptions('concomitant', `no column named "${cols[c]}" (columns: ${names.join(', ')})`))
          const ok = finite(cols[c]!, v)
          if (E.isLeft(ok)) return ok
          for (let i = 0; i < n; i++) z[i * q + c + 1] = v[i]!
        }
        for (let i = 0; i < n; i++) z[i * q] = 1
        concomitant = { q, z, terms: [INTERCEPT, ...cols] }
      }
      let groups: RegressionData['groups']
      if (roles.group !== undefined) {
        const g = column(roles.group)
        if (g === undefined) return E.left(invalidOptions('group', `no column named "${roles.group}" (columns: ${names.join(', ')})`))
        const ids = new Map<number, number>()
        const of = new Int32Array(n)
        const first: number[] = []
        for (let i = 0; i < n; i++) {
          let id = ids.get(g[i]!)
          if (id === undefined) {
            id = ids.size
            ids.set(g[i]!, id)
            first.push(i)
          }
          of[i] = id
        }
        if (concomitant !== undefined) {
          const { q, z } = concomitant
          for (let i = 0; i < n; i++) {
            const f = first[of[i]!]!
            for (let c = 1; c < q; c++) {
              if (z[i * q + c] !== z[f * q + c]) {
                return E.left(
                  invalidData(
                    `row ${i}, column "${concomitant.terms[c]}": a concomitant variable must be constant within a group (group ${g[i]} starts at row ${f})`,
                    i,
                  ),
                )
              }
            }
          }
        }
        groups = { count: ids.size, of, first: Int32Array.from(first), column: roles.group }
      }
      return E.right({
        n,
        p: formula.terms.length,
        x,
        y,
        formula,
        terms: formula.terms.map((t) => t.name),
        ...(concomitant === undefined ? {} : { concomitant }),
        ...(groups === undefined ? {} : { groups }),
      })
    })
  })
}

/**
 * Parameters of a mixture of k regressions: the components and either constant mixing weights or
 * the concomitant model's multinomial-logit coefficients.
 *
 * @category Parameters
 * @since 0.2.0
 */
export interface RegressionParams {
  /** The k components. */
  readonly components: readonly RegressionComponent[]
  /**
   * Mixing weights π (length k, summing to 1). With a concomitant model, the average of πⱼ(z) over
   * the groups (a summary; the model uses `concomitant`).
   */
  readonly weights: Float64Array
  /**
   * Concomitant coefficients, k × q row-major: log πⱼ(z) = zᵀαⱼ − log Σₗ exp(zᵀαₗ), row 0 all zero
   * (the reference class). Absent: constant weights.
   */
  readonly concomitant?: Float64Array
}

/**
 * The posterior over latent classes: γ per group (k × G, component-major) and the same per row
 * (k × n, component-major: `rows[j * n + i]`).
 *
 * @category Mixture
 * @since 0.2.0
 */
export interface RegressionPosterior {
  /** Components. */
  readonly k: number
  /** Groups (n when the data have none). */
  readonly groups: number
  /** γ per group, `byGroup[j * G + g]`. */
  readonly byGroup: Float64Array
  /** γ per row, `rows[j * n + i]` (a row has its group's γ). */
  readonly rows: Float64Array
}

const groupCount = (data: RegressionData): number => data.groups?.count ?? data.n
const groupOf = (data: RegressionData, i: number): number => (data.groups === undefined ? i : data.groups.of[i]!)
const firstRow = (data: RegressionData, g: number): number => (data.groups === undefined ? g : data.groups.first[g]!)

/**
 * log πⱼ per group into `out[j * G + g]` (constant weights or the concomitant logit).
 *
 * @category Mixture
 * @since 0.2.0
 */
export const logPriorsInto = (data: RegressionData, params: RegressionParams, out: Float64Array): void => {
  const k = params.components.length
  const G = groupCount(data)
  if (params.concomitant === undefined || data.concomitant === undefined) {
    for (let j = 0; j < k; j++) {
      const l = Math.log(params.weights[j]!)
      for (let g = 0; g < G; g++) out[j * G + g] = l
    }
    return
  }
  const { q, z } = data.concomitant
  const a = params.concomitant
  const eta = new Float64Array(k)
  for (let g = 0; g < G; g++) {
    const r = firstRow(data, g)
    let m = -Infinity
    for (let j = 0; j < k; j++) {
      let s = 0
      for (let c = 0; c < q; c++) s += a[j * q + c]! * z[r * q + c]!
      eta[j] = s
      if (s > m) m = s
    }
    let t = 0
    for (let j = 0; j < k; j++) t += Math.exp(eta[j]! - m)
    const lse = m + Math.log(t)
    for (let j = 0; j < k; j++) out[j * G + g] = eta[j]! - lse
  }
}

/**
 * The joint log-densities per group, log πⱼ(z_g) + Σ_{i∈g} log f(yᵢ | xᵢ, θⱼ), into a k × G array.
 *
 * @category Mixture
 * @since 0.2.0
 */
export const logJoint = (family: ConditionalFamily, data: RegressionData, params: RegressionParams): Float64Array => {
  const k = params.components.length
  const n = data.n
  const G = groupCount(data)
  const out = new Float64Array(k * G)
  logPriorsInto(data, params, out)
  const f = new Float64Array(n)
  for (let j = 0; j < k; j++) {
    family.logDensityInto(data, params.components[j]!, f, 0)
    for (let i = 0; i < n; i++) out[j * G + groupOf(data, i)] = out[j * G + groupOf(data, i)]! + f[i]!
  }
  return out
}

/**
 * The posterior and log p(Y | X, θ) = Σ_g log Σⱼ πⱼ(z_g) Π_{i∈g} f(yᵢ | xᵢ, θⱼ).
 *
 * @category Mixture
 * @since 0.2.0
 */
export const posteriorOf = (
  family: ConditionalFamily,
  data: RegressionData,
  params: RegressionParams,
): { readonly posterior: RegressionPosterior; readonly logLikelihood: number; readonly perGroup: Float64Array } => {
  const k = params.components.length
  const G = groupCount(data)
  const n = data.n
  const joint = logJoint(family, data, params)
  const byGroup = new Float64Array(k * G)
  const perGroup = new Float64Array(G)
  let total = 0
  for (let g = 0; g < G; g++) {
    let m = -Infinity
    for (let j = 0; j < k; j++) if (joint[j * G + g]! > m) m = joint[j * G + g]!
    let s = 0
    for (let j = 0; j < k; j++) s += Math.exp(joint[j * G + g]! - m)
    const lse = m === -Infinity ? -Infinity : m + Math.log(s)
    perGroup[g] = lse
    total += lse
    for (let j = 0; j < k; j++) byGroup[j * G + g] = lse === -Infinity ? 1 / k : Math.exp(joint[j * G + g]! - lse)
  }
  const rows = new Float64Array(k * n)
  for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) rows[j * n + i] = byGroup[j * G + groupOf(data, i)]!
  return { posterior: { k, groups: G, byGroup, rows }, logLikelihood: total, perGroup }
}

/**
 * Builds a posterior from given per-row responsibilities (n × k, row-major, each row summing to 1);
 * within a group the rows' responsibilities are averaged.
 *
 * @category Initialisation
 * @since 0.2.0
 */
export const posteriorFromRows = (
  data: RegressionData,
  k: number,
  responsibilities: ArrayLike<number>,
): E.Either<EmError, RegressionPosterior> =>
  guard(
    () => readPosterior(data, k, responsibilities),
    (message) => invalidOptions('init', `the posterior cannot be read: ${message}`),
  )

const readPosterior = (data: RegressionData, k: number, responsibilities: ArrayLike<number>): E.Either<EmError, RegressionPosterior> => {
  const n = data.n
  if (responsibilities.length !== n * k) {
    return E.left(invalidOptions('init', `the posterior has ${responsibilities.length} values; expected n·k = ${n}·${k} = ${n * k}`))
  }
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let j = 0; j < k; j++) {
      const v = responsibilities[i * k + j]!
      if (!(v >= 0) || !Number.isFinite(v))
        return E.left(invalidData(`row ${i}, column ${j} of the posterior: ${v} is not a probability`, i, j))
      s += v
    }
    if (!(Math.abs(s - 1) <= 1e-6)) return E.left(invalidData(`row ${i} of the posterior sums to ${s}, not 1`, i))
  }
  const G = groupCount(data)
  const byGroup = new Float64Array(k * G)
  const size = new Float64Array(G)
  for (let i = 0; i < n; i++) {
    const g = groupOf(data, i)
    size[g] = size[g]! + 1
    for (let j = 0; j < k; j++) byGroup[j * G + g] = byGroup[j * G + g]! + responsibilities[i * k + j]!
  }
  for (let j = 0; j < k; j++) for (let g = 0; g < G; g++) byGroup[j * G + g] = byGroup[j * G + g]! / size[g]!
  const rows = new Float64Array(k * n)
  for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) rows[j * n + i] = byGroup[j * G + groupOf(data, i)]!
  return E.right({ k, groups: G, byGroup, rows })
}

/** Newton iterations at most in the concomitant model's M-step. */
export const CONCOMITANT_MAX_ITERATIONS = 100

const concomitantObjective = (data: RegressionData, post: RegressionPosterior, a: Float64Array, k: number): number => {
  const G = post.groups
  const lp = new Float64Array(k * G)
  logPriorsInto(data, { components: new Array<RegressionComponent>(k), weights: new Float64Array(k), concomitant: a }, lp)
  let s = 0
  for (let t = 0; t < k * G; t++) if (post.byGroup[t]! > 0) s += post.byGroup[t]! * lp[t]!
  return s
}

/**
 * The concomitant model's GEM step: Newton's method for the multinomial logit of γ on z, from the
 * previous coefficients (zero when absent), each Newton system solved by Cholesky, a step that lowers
 * Σ_g Σⱼ γ_gj log πⱼ(z_g) halved up to 60 times (then the previous coefficients are kept), until
 * max|Δα| ≤ 1e-12·(1 + max|α|) or {@link CONCOMITANT_MAX_ITERATIONS}.
 */
const concomitantStep = (
  data: RegressionData,
  post: RegressionPosterior,
  previous: Float64Array | undefined,
): E.Either<string, Float64Array> => {
  const { q, z } = data.concomitant!
  const k = post.k
  const G = post.groups
  const m = (k - 1) * q
  let a = previous === undefined ? new Float64Array(k * q) : Float64Array.from(previous)
  let value = concomitantObjective(data, post, a, k)
  const lp = new Float64Array(k * G)
  const grad = new Float64Array(m)
  const hess = new Float64Array(m * m)
  const chol = new Float64Array(m * m)
  for (let t = 0; t < CONCOMITANT_MAX_ITERATIONS; t++) {
    logPriorsInto(data, { components: new Array<RegressionComponent>(k), weights: new Float64Array(k), concomitant: a }, lp)
    grad.fill(0)
    hess.fill(0)
    for (let g = 0; g < G; g++) {
      const r = firstRow(data, g)
      for (let j = 1; j < k; j++) {
        const pj = Math.exp(lp[j * G + g]!)
        const resid = post.byGroup[j * G + g]! - pj
        for (let c = 0; c < q; c++) grad[(j - 1) * q + c] = grad[(j - 1) * q + c]! + resid * z[r * q + c]!
        for (let l = 1; l < k; l++) {
          const pl = Math.exp(lp[l * G + g]!)
          const h = pj * ((j === l ? 1 : 0) - pl)
          for (let c = 0; c < q; c++) {
            for (let e = 0; e < q; e++)
              hess[((j - 1) * q + c) * m + (l - 1) * q + e] =
                hess[((j - 1) * q + c) * m + (l - 1) * q + e]! + h * z[r * q + c]! * z[r * q + e]!
          }
        }
      }
    }
    for (let u = 0; u < m; u++) for (let v = 0; v < u; v++) hess[v * m + u] = hess[u * m + v] = (hess[u * m + v]! + hess[v * m + u]!) / 2
    if (!cholesky(m, hess, 0, chol, 0)) {
      return t === 0 && previous === undefined ? E.left('the concomitant design is singular under the posterior') : E.right(a)
    }
    const step = Float64Array.from(grad)
    solveLower(m, chol, 0, step, 0)
    solveLowerTransposed(m, chol, 0, step, 0)
    let proposal = new Float64Array(k * q)
    for (let j = 1; j < k; j++) for (let c = 0; c < q; c++) proposal[j * q + c] = a[j * q + c]! + step[(j - 1) * q + c]!
    let next = concomitantObjective(data, post, proposal, k)
    const floor = value - ROUNDING * (1 + Math.abs(value))
    for (let h = 0; !(next >= floor) && h < 60; h++) {
      const half = new Float64Array(k * q)
      for (let u = 0; u < k * q; u++) half[u] = (a[u]! + proposal[u]!) / 2
      proposal = half
      next = concomitantObjective(data, post, proposal, k)
    }
    if (!(next >= floor)) break
    let change = 0
    let size = 0
    for (let u = 0; u < k * q; u++) {
      change = Math.max(change, Math.abs(proposal[u]! - a[u]!))
      size = Math.max(size, Math.abs(proposal[u]!))
    }
    a = proposal
    value = next
    if (change <= 1e-12 * (1 + size)) break
  }
  return E.right(a)
}

/** Below this total responsibility (relative to the groups) a component is empty. */
const EMPTY = 1e-12

/**
 * The generalised M-step: each component's GEM step on its rows with its responsibilities, then the
 * weights (Σ_g γ_gj / G) or the concomitant model's Newton step. `previous` is absent when starting
 * from a posterior.
 *
 * @returns the parameters, or `Left(CollapsedComponent)` naming the component whose
 *   responsibilities vanished or whose weighted problem has no solution.
 * @category Mixture
 * @since 0.2.0
 */
export const maximize = (
  family: ConditionalFamily,
  data: RegressionData,
  post: RegressionPosterior,
  previous: RegressionParams | undefined,
  iteration: number,
): E.Either<EmError, RegressionParams> => {
  const k = post.k
  const G = post.groups
  const n = data.n
  const components: RegressionComponent[] = []
  const weights = new Float64Array(k)
  const at = iteration === 0 ? 'at initialisation' : `at iteration ${iteration}`
  for (let j = 0; j < k; j++) {
    let s = 0
    for (let g = 0; g < G; g++) s += post.byGroup[j * G + g]!
    weights[j] = s / G
    if (!(s > EMPTY * G)) {
      return E.left({
        _tag: 'CollapsedComponent',
        component: j,
        iteration,
        message: `component ${j} of ${k} collapsed ${at}: its responsibilities vanished; use fewer components or another start`,
      })
    }
    const c = family.maximize(data, post.rows, j * n, previous?.components[j])
    if (E.isLeft(c))
      return E.left({ _tag: 'CollapsedComponent', component: j, iteration, message: `component ${j} of ${k} collapsed ${at}: ${c.left}` })
    components.push(c.right)
  }
  if (data.concomitant === undefined) return E.right({ components, weights })
  const a = concomitantStep(data, post, previous?.concomitant)
  if (E.isLeft(a))
    return E.left({ _tag: 'CollapsedComponent', component: 0, iteration, message: `the concomitant model failed ${at}: ${a.left}` })
  const lp = new Float64Array(k * G)
  const params = { components, weights, concomitant: a.right }
  logPriorsInto(data, params, lp)
  for (let j = 0; j < k; j++) {
    let s = 0
    for (let g = 0; g < G; g++) s += Math.exp(lp[j * G + g]!)
    weights[j] = s / G
  }
  return E.right(params)
}

/**
 * Free parameters: k × the family's per component, plus k − 1 weights or (k − 1)·q concomitant
 * coefficients.
 *
 * @category Model selection
 * @since 0.2.0
 */
export const freeParameters = (family: ConditionalFamily, p: number, k: number, q?: number): number =>
  k * family.freeParameters(p) + (q === undefined ? k - 1 : (k - 1) * q)

/**
 * Checks parameters against the data: k ≥ 1 components of p coefficients (and a variance for the
 * Gaussian family), weights summing to 1, a concomitant matrix of k × q with row 0 zero when the
 * data have concomitant variables (and none otherwise).
 *
 * @category Validation
 * @since 0.2.0
 */
export const validateParams = (
  family: ConditionalFamily,
  data: RegressionData,
  params: RegressionParams,
): E.Either<EmError, RegressionParams> =>
  guard(
    () => checkParams(family, data, params),
    (message) => invalidParameters(`the parameters cannot be read: ${message}`),
  )

const checkParams = (family: ConditionalFamily, data: RegressionData, params: RegressionParams): E.Either<EmError, RegressionParams> => {
  const k = params.components.length
  if (k < 1) return E.left(invalidParameters('there must be at least one component'))
  if (params.weights.length !== k)
    return E.left(invalidParameters(`${params.weights.length} weights for ${k} components`, undefined, 'weights'))
  let s = 0
  for (let j = 0; j < k; j++) {
    const w = params.weights[j]!
    if (!(w > 0) || !Number.isFinite(w)) return E.left(invalidParameters(`weight ${j} is ${w}; weights must be > 0`, j, `weights[${j}]`))
    s += w
  }
  if (!(Math.abs(s - 1) <= 1e-9)) return E.left(invalidParameters(`the weights sum to ${s}, not 1`, undefined, 'weights'))
  const checked = family.validate(params.components, data.p)
  if (E.isLeft(checked)) return checked
  if ((params.concomitant === undefined) !== (data.concomitant === undefined)) {
    return E.left(
      invalidParameters(
        data.concomitant === undefined
          ? 'the parameters have concomitant coefficients but the data have no concomitant variables'
          : 'the data have concomitant variables but the parameters have no concomitant coefficients',
        undefined,
        'concomitant',
      ),
    )
  }
  if (params.concomitant !== undefined) {
    const q = data.concomitant!.q
    if (params.concomitant.length !== k * q)
      return E.left(invalidParameters(`the concomitant coefficients must be ${k} × ${q}`, undefined, 'concomitant.coefficients'))
    for (let c = 0; c < q; c++)
      if (params.concomitant[c] !== 0)
        return E.left(invalidParameters('the first row of concomitant coefficients must be all zero', 0, 'concomitant.coefficients[0]'))
    for (const v of params.concomitant)
      if (!Number.isFinite(v))
        return E.left(invalidParameters('the concomitant coefficients must be finite', undefined, 'concomitant.coefficients'))
  }
  return E.right(params)
}

/**
 * The flat parameter vector (weights or concomitant coefficients, then each component's β and σ²).
 *
 * @category Parameters
 * @since 0.2.0
 */
export const toVector = (params: RegressionParams): Float64Array => {
  const out: number[] = [...(params.concomitant ?? params.weights)]
  for (const c of params.components) {
    out.push(...c.coefficients)
    if (c.variance !== undefined) out.push(c.variance)
  }
  return Float64Array.from(out)
}

/**
 * The mixture of regressions as an EM {@link Model}: plugs into `Em.fit` and the testkit's laws.
 * The latent variable of `completeLogLikelihood` is one class per group (Int32Array of length G).
 *
 * @param family - the conditional family.
 * @category Mixture
 * @since 0.2.0
 */
export const model = (family: ConditionalFamily): Model<RegressionData, RegressionParams, RegressionPosterior, Int32Array> => ({
  name: `mixture of ${family.name}`,
  observations: (data) => data.n,
  validate: (data, params) => validateParams(family, data, params),
  posterior: (data, params) => posteriorOf(family, data, params),
  maximize: (data, post, context) => maximize(family, data, post, context.previous, context.iteration),
  toVector,
  expectedCompleteLogLikelihood(data, params, post) {
    const joint = logJoint(family, data, params)
    let s = 0
    for (let t = 0; t < joint.length; t++) if (post.byGroup[t]! > 0) s += post.byGroup[t]! * joint[t]!
    return s
  },
  completeLogLikelihood(data, params, latent) {
    const joint = logJoint(family, data, params)
    const G = groupCount(data)
    let s = 0
    for (let g = 0; g < G; g++) s += joint[latent[g]! * G + g]!
    return s
  },
  entropy(_data, post) {
    let h = 0
    for (const v of post.byGroup) if (v > 0) h -= v * Math.log(v)
    return h
  },
  freeParameters: (params) =>
    freeParameters(
      family,
      params.components[0]?.coefficients.length ?? 0,
      params.components.length,
      params.concomitant === undefined ? undefined : params.concomitant.length / params.components.length,
    ),
})
