/**
 * The family template: a component family stated as what is its own — its parameters (a
 * {@link Schema}), its support, and its density in exponential-family form
 * log f(x | θ) = η(θ)·T(x) − A(θ) + log h(x) — from which {@link define} builds the whole
 * {@link ComponentFamily}: batched log-densities, the additive statistics monoid of the weighted
 * feature sums (W = Σ wᵢ, Sₜ = Σ wᵢ Tₜ(xᵢ)), `summarize`, `scale`, the estimate with the vanishing-weight
 * rule, JSON, validation, the parameter vector, the free-parameter count, SQUAREM's unconstrained
 * parametrisation, worker threads and, for families with independent coordinates and a mean map,
 * missing cells (MAR).
 *
 * A family's M-step is its `estimate`: the weighted MLE from the feature sums (for an exponential
 * family, the parameters whose expected features equal S / W). Families whose density is not of
 * this form (a Gaussian with Cholesky factors, a regression) implement {@link ComponentFamily}
 * directly.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { monoid as M } from 'fp-ts'
import type { Dataset } from './Dataset.js'
import type { EmError } from './Errors.js'
import { invalidData } from './Errors.js'
import type {
  ComponentFamily,
  DataScale,
  Degenerate,
  IncompleteData,
  InitMethod,
  SqlCapability,
  SqlExpressions,
  WorkerRecipe,
} from './Family.js'
import type { Rng } from './Rng.js'
import * as Schema from './Schema.js'
import { show } from './Validate.js'

/**
 * The data a family accepts, cell by cell: a membership test and the phrase that finishes "the
 * poisson family needs …" in error messages.
 *
 * @category Families
 * @since 0.2.0
 */
export interface Support {
  /** E.g. `"non-negative integer counts"`. */
  readonly description: string
  /** Whether one (non-missing) cell is in the support. */
  contains(x: number): boolean
}

/**
 * Common supports: `real` (finite), `nonNegative` (finite, ≥ 0), `positive` (finite, > 0), `counts`
 * (integers ≥ 0), `binary` (0 or 1), and `levels(V)` (integers 0 … V − 1).
 *
 * @category Families
 * @since 0.2.0
 */
export const supports = {
  real: { description: 'finite values', contains: (x: number) => Number.isFinite(x) },
  nonNegative: { description: 'finite values ≥ 0', contains: (x: number) => Number.isFinite(x) && x >= 0 },
  positive: { description: 'finite values > 0', contains: (x: number) => Number.isFinite(x) && x > 0 },
  counts: { description: 'non-negative integer counts', contains: (x: number) => Number.isInteger(x) && x >= 0 },
  binary: { description: 'values 0 or 1', contains: (x: number) => x === 0 || x === 1 },
  levels: (levels: number): Support => ({
    description: `integer levels 0 … ${levels - 1}`,
    contains: (x: number) => Number.isInteger(x) && x >= 0 && x < levels,
  }),
} as const

/**
 * Sufficient statistics of a template family: the total weight and the weighted sums of the
 * features, W = Σᵢ wᵢ and Sₜ = Σᵢ wᵢ Tₜ(xᵢ) (length m, coordinate-major for independent
 * coordinates: feature f of coordinate c at `c·F + f`). Additive: chunks, workers, streams and
 * database shards merge by adding.
 *
 * @category Statistics
 * @since 0.2.0
 */
export interface FeatureStatistics {
  /** W = Σᵢ wᵢ. */
  readonly weight: number
  /** Sₜ = Σᵢ wᵢ Tₜ(xᵢ), length m. */
  readonly sum: Float64Array
}

/**
 * What every template family states, whatever the shape of its coordinates.
 *
 * @category Families
 * @since 0.2.0
 */
export interface CommonSpec<F extends Schema.Fields> {
  /** The `family` field of the model JSON. */
  readonly name: string
  /** Extra top-level JSON fields naming the variant; default `{}`. */
  readonly variant?: Readonly<Record<string, string>>
  /** One component's parameters: names, shapes and domains (JSON, validation, generators). */
  readonly parameters: F
  /** The data the family accepts, cell by cell. */
  readonly support: Support
  /** Optional: the number of data columns the family reads (e.g. 1 for one categorical column); any d ≥ 1 when absent. */
  readonly columns?: number
  /**
   * The M-step: the weighted MLE (or MAP, with `logPrior`) of one component from its feature sums
   * `sum` (length m) and weight W > 0. Return the parameters, or a readable line saying why none
   * exists (e.g. "all its weight sits on zeros"); the template also refuses a result outside the
   * schema's domains, naming the component and its weight.
   */
  readonly estimate: (sum: Float64Array, weight: number) => Schema.Infer<F> | string
  /** Optional: one draw from a component into `out[offset …)` (d entries). */
  readonly sample?: (component: Schema.Infer<F>, rng: Rng, out: Float64Array, offset: number) => void
  /** Optional log-prior of the components (MAP estimation; the trace then reports log p(X | θ) + log p(θ)). */
  readonly logPrior?: (components: readonly Schema.Infer<F>[]) => number
  /** Optional free parameters of one component in dimension d; default the schema's count. */
  readonly freeParameters?: (d: number) => number
  /** How a worker thread rebuilds the family (`module` is usually the family module's `import.meta.url`). */
  readonly worker?: WorkerRecipe
  /** The default initialisation method; default `'kmeans++'`. */
  readonly defaultInit?: InitMethod
  /** Optional family-specific initial responsibilities (k × n, component-major) for `init: 'family'`. */
  readonly initialResponsibilities?: (data: Dataset, k: number, rng: Rng) => Float64Array
  /** Optional: why a fitted component is degenerate ({@link ComponentFamily.degenerate}). */
  readonly degenerate?: (component: Schema.Infer<F>, support: number, scale: DataScale) => string | undefined
}

/**
 * A family whose coordinates are independent given the component: log f(x | θ) = Σ_c [η_c(θ)·T(x_c)
 * − A_c(θ) + log h(x_c)], with F features per coordinate, the first of which is x_c itself.
 *
 * @category Families
 * @since 0.2.0
 */
export interface IndependentSpec<F extends Schema.Fields> extends CommonSpec<F> {
  readonly coordinates: 'independent'
  /** Features per coordinate, F ≥ 1; default 1 (T(x) = x). */
  readonly features?: number
  /** Writes the F features of one cell into `out[offset …)`; `out[offset]` must be x. Default: x alone. */
  readonly feature?: (x: number, out: Float64Array, offset: number) => void
  /** Writes the F natural parameters η_c(θ) of coordinate c into `out[offset …)`. */
  readonly natural: (component: Schema.Infer<F>, c: number, out: Float64Array, offset: number) => void
  /** The log-partition A_c(θ) of coordinate c. */
  readonly logPartition: (component: Schema.Infer<F>, c: number) => number
  /** Optional log h(x) of one cell (e.g. −log x! for counts). */
  readonly logBaseMeasure?: (x: number) => number
  /**
   * Optional mean map: writes E[T(x_c) | θ] (F entries) into `out[offset …)`. With it the family fits
   * data with missing cells by EM (a missing cell contributes its expected features).
   */
  readonly mean?: (component: Schema.Infer<F>, c: number, out: Float64Array, offset: number) => void
  /**
   * Optional: the family's cells as SQL, which gives it the `sql` capability (EM inside a
   * database, `@emkit/sql`): the F features of one column expression (default: the column itself,
   * for F = 1), its log base measure, and the support as a SQL condition. Build every constant with
   * `sql.number`.
   */
  readonly sql?: {
    readonly features?: (x: string, sql: SqlExpressions) => readonly string[]
    readonly logBaseMeasure?: (x: string, sql: SqlExpressions) => string
    readonly support: (x: string, sql: SqlExpressions) => string
  }
}

/**
 * A family whose row is one draw of a joint distribution: log f(x | θ) = η(θ)·T(x) − A(θ) + log h(x)
 * with m(d) features of the whole row.
 *
 * @category Families
 * @since 0.2.0
 */
export interface JointSpec<F extends Schema.Fields> extends CommonSpec<F> {
  readonly coordinates: 'joint'
  /** The row's features; default the row itself (m = d, T(x) = x). */
  readonly features?: {
    /** m, the number of features of a row of d columns. */
    readonly count: (d: number) => number
    /** Writes the m features of the row at `values[at …at + d)` into `out[offset …)`. */
    readonly into: (values: Float64Array, at: number, d: number, out: Float64Array, offset: number) => void
  }
  /** Writes the m natural parameters η(θ) into `out`. */
  readonly natural: (component: Schema.Infer<F>, out: Float64Array) => void
  /** The log-partition A(θ). */
  readonly logPartition: (component: Schema.Infer<F>) => number
  /** Optional log h(x) of the row at `values[at …at + d)` (e.g. the multinomial coefficient). */
  readonly logBaseMeasure?: (values: Float64Array, at: number, d: number) => number
  /** The data dimension a component implies; default the length of its first `'d'`-length field, else 1. */
  readonly dimension?: (component: Schema.Infer<F>) => number
  /**
   * Optional: the row as SQL, which gives the family the `sql` capability: the m features of the
   * row's column expressions (default: the columns themselves), its log base measure, and the
   * support of one column as a SQL condition.
   */
  readonly sql?: {
    readonly features?: (x: readonly string[], sql: SqlExpressions) => readonly string[]
    readonly logBaseMeasure?: (x: readonly string[], sql: SqlExpressions) => string
    readonly support: (x: string, sql: SqlExpressions) => string
  }
}

/**
 * A template family's statement: {@link IndependentSpec} or {@link JointSpec}.
 *
 * @category Families
 * @since 0.2.0
 */
export type Spec<F extends Schema.Fields> = IndependentSpec<F> | JointSpec<F>

/**
 * A family built by {@link define}: a {@link ComponentFamily} over the schema's components and
 * {@link FeatureStatistics}, which also carries its schema (the testkit derives generators and
 * in-domain perturbations from it) and its statement.
 *
 * @category Families
 * @since 0.2.0
 */
export interface DefinedFamily<F extends Schema.Fields> extends ComponentFamily<Schema.Infer<F>, FeatureStatistics> {
  /** The parameter schema. */
  readonly schema: F
  /** The statement the family was built from. */
  readonly spec: Spec<F>
}

/** Rows whose features the template holds at once in its scratch. */
const featureScratch = { buffer: new Float64Array(0) }

/** A scratch of at least `length` doubles (shared: the template's loops never nest). */
const scratch = (length: number): Float64Array => {
  if (featureScratch.buffer.length < length) featureScratch.buffer = new Float64Array(Math.max(length, 2 * featureScratch.buffer.length))
  return featureScratch.buffer
}

/**
 * Builds a complete {@link ComponentFamily} from a family's statement. The family is a weighted
 * maximum-likelihood fit: every pass, the mixture computes W and the feature sums Sₜ of each
 * component under the responsibilities, and the M-step is `spec.estimate(S, W)`.
 *
 * The vanishing-weight rule (part of the family contract): the mixture never passes a component
 * whose weight is ≤ 10⁻¹² of the total (it applies its collapse policy instead); for any other
 * positive weight the template returns either admissible parameters or a `Degenerate` naming the
 * component and its weight — never NaN or ±∞ in a parameter.
 *
 * @example
 * ```ts
 * const poisson = Family.define({
 *   name: 'my-poisson',
 *   parameters: { rate: Schema.vector('nonNegative') },
 *   support: Family.supports.counts,
 *   coordinates: 'independent',
 *   natural: (c, t, out, o) => { out[o] = Math.log(c.rate[t]!) },
 *   logPartition: (c, t) => c.rate[t]!,
 *   logBaseMeasure: (x) => -Special.logFactorial(x),
 *   estimate: (sum, weight) => ({ rate: sum.map((s) => s / weight) }),
 * })
 * ```
 * @category Families
 * @since 0.2.0
 */
export const define = <F extends Schema.Fields>(spec: Spec<F>): DefinedFamily<F> =>
  spec.coordinates === 'independent' ? independent(spec) : joint(spec)

type Component<F extends Schema.Fields> = Schema.Infer<F>

/** What the two shapes share: statistics, estimate, JSON, validation, unconstrained. */
const shell = <F extends Schema.Fields>(
  spec: Spec<F>,
  featureCount: (d: number) => number,
  dimension: (c: Component<F>) => number,
  checkData: (data: Dataset) => E.Either<EmError, Dataset>,
  logDensityInto: (data: Dataset, components: readonly Component<F>[], out: Float64Array) => void,
  summarize: (data: Dataset, weights: Float64Array, offset: number) => FeatureStatistics,
): DefinedFamily<F> => {
  const fields = spec.parameters
  const statistics = (d: number): M.Monoid<FeatureStatistics> => ({
    empty: { weight: 0, sum: new Float64Array(featureCount(d)) },
    concat: (a, b) => {
      const sum = new Float64Array(a.sum.length)
      for (let t = 0; t < sum.length; t++) sum[t] = a.sum[t]! + b.sum[t]!
      return { weight: a.weight + b.weight, sum }
    },
  })
  const estimate = (stats: readonly FeatureStatistics[]): E.Either<Degenerate, Component<F>[]> => {
    const out: Component<F>[] = []
    for (let j = 0; j < stats.length; j++) {
      const { weight, sum } = stats[j]!
      if (!(weight > 0) || !Number.isFinite(weight)) return E.left({ component: j, message: `its weight is ${weight}: it holds no data` })
      const r = spec.estimate(sum, weight)
      if (typeof r === 'string') return E.left({ component: j, message: r })
      const d = dimension(r)
      const ok = Schema.validate(fields, [r], d)
      if (E.isLeft(ok)) {
        const vanishing = weight < 1e-8 ? ' (a vanishing weight: its estimate rests on rounding)' : ''
        return E.left({
          component: j,
          message: `its estimate from a weight of ${weight}${vanishing} is not admissible: ${ok.left.message.replace('component 0: ', '')}`,
        })
      }
      out.push(r)
    }
    return E.right(out)
  }
  const family: ComponentFamily<Component<F>, FeatureStatistics> = {
    name: spec.name,
    variant: spec.variant ?? {},
    checkData,
    logDensityInto,
    statistics,
    summarize,
    weight: (s) => s.weight,
    scale: (s, factor) => ({ weight: s.weight * factor, sum: s.sum.map((x) => x * factor) }),
    estimate,
    freeParameters: (d, k) => k * (spec.freeParameters === undefined ? Schema.freeParameters(fields, d) : spec.freeParameters(d)),
    dimension,
    toJSON: (components) => Schema.encode(fields, components),
    fromJSON: (components, d) => Schema.decode(fields, components, d),
    toVector: (c) => Schema.flatten(fields, c),
    validate: (components, d) => Schema.validate(fields, components, d),
    toUnconstrained: (components) => Schema.toUnconstrained(fields, components),
    fromUnconstrained: (vector, like) => Schema.fromUnconstrained(fields, vector, like),
  }
  const optional: Partial<ComponentFamily<Component<F>, FeatureStatistics>> = {}
  if (spec.sample !== undefined) optional.sample = spec.sample
  if (spec.logPrior !== undefined) optional.logPrior = spec.logPrior
  if (spec.initialResponsibilities !== undefined) optional.initialResponsibilities = spec.initialResponsibilities
  if (spec.degenerate !== undefined) optional.degenerate = spec.degenerate
  return {
    ...family,
    ...optional,
    ...(spec.worker === undefined ? {} : { worker: spec.worker }),
    ...(spec.defaultInit === undefined ? {} : { defaultInit: spec.defaultInit }),
    schema: fields,
    spec,
  }
}

/**
 * η·T(x) − A as SQL: every constant a literal, and a feature whose natural parameter is infinite
 * (a probability or rate of 0) contributes 0 where the feature is 0, as in the kernel (0·log 0 = 0).
 */
const sqlLogDensity = (eta: Float64Array, partition: number, features: readonly string[], sql: SqlExpressions): string => {
  const terms = features.map((T, t) => {
    const e = eta[t]!
    return Number.isFinite(e)
      ? `${sql.number(e)} * (${T})`
      : `(CASE WHEN (${T}) = ${sql.number(0)} THEN ${sql.number(0)} ELSE ${sql.number(e)} END)`
  })
  return `(${terms.join(' + ')} - ${sql.number(partition)})`
}

/** The `sql` capability of a template family: its features as SQL, no shift, statistics straight from the sums. */
const sqlCapability = <C>(
  name: string,
  description: string,
  featureCount: (d: number) => number,
  natural: (c: C, d: number) => { eta: Float64Array; partition: number },
  features: (x: readonly string[], sql: SqlExpressions) => readonly string[],
  support: (x: string, sql: SqlExpressions) => string,
  logBaseMeasure: ((x: readonly string[], sql: SqlExpressions) => string) | undefined,
): SqlCapability<C, FeatureStatistics> => ({
  featureCount,
  logDensity: (c, u, sql) => {
    const { eta, partition } = natural(c, u.length)
    return sqlLogDensity(eta, partition, features(u, sql), sql)
  },
  features: (_c, u, sql) => features(u, sql),
  fromSums: (_c, weight, sums) => ({ weight, sum: Float64Array.from(sums) }),
  ...(logBaseMeasure === undefined ? {} : { logBaseMeasure }),
  support: { test: support, requirement: `the ${name} family needs ${description}` },
})

/** `checkData` from a support: every non-missing cell inside it, else `InvalidData` naming the row and column. */
const supportCheck =
  (name: string, support: Support, columns: number | undefined) =>
  (data: Dataset): E.Either<EmError, Dataset> => {
    const { n, d, values, missing } = data
    if (columns !== undefined && d !== columns)
      return E.left(invalidData(`the ${name} family reads ${columns} column${columns === 1 ? '' : 's'}; the data have ${d}`))
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < d; c++) {
        if (missing !== undefined && missing[i * d + c] === 1) continue
        const x = values[i * d + c]!
        if (!support.contains(x))
          return E.left(invalidData(`row ${i}, column ${c}: value is ${show(x)}; the ${name} family needs ${support.description}`, i, c))
      }
    }
    return E.right(data)
  }

const independent = <F extends Schema.Fields>(spec: IndependentSpec<F>): DefinedFamily<F> => {
  const F = spec.features ?? 1
  const feature = spec.feature
  const dimension = (c: Component<F>): number => Schema.dimensionOf(spec.parameters, c) ?? 1
  /** The features of every cell of `data` (n × d·F), or the values themselves when T(x) = x. */
  const featuresOf = (data: Dataset): Float64Array => {
    if (feature === undefined) return data.values
    const { n, d, values, missing } = data
    const out = scratch(n * d * F)
    for (let a = 0; a < n * d; a++) {
      if (missing !== undefined && missing[a] === 1) continue
      feature(values[a]!, out, a * F)
    }
    return out
  }
  /** η (length d·F) and the per-coordinate log-partitions (length d) of one component. */
  const naturalOf = (c: Component<F>, d: number): { eta: Float64Array; partition: Float64Array; total: number } => {
    const eta = new Float64Array(d * F)
    const partition = new Float64Array(d)
    let total = 0
    for (let t = 0; t < d; t++) {
      spec.natural(c, t, eta, t * F)
      partition[t] = spec.logPartition(c, t)
      total += partition[t]!
    }
    return { eta, partition, total }
  }
  const logDensityInto = (data: Dataset, components: readonly Component<F>[], out: Float64Array): void => {
    const { n, d, missing } = data
    const m = d * F
    const T = featuresOf(data)
    for (let j = 0; j < components.length; j++) {
      const { eta, partition, total } = naturalOf(components[j]!, d)
      const o = j * n
      for (let i = 0; i < n; i++) {
        const a = i * m
        let s = 0
        let A = total
        if (missing === undefined) {
          for (let t = 0; t < m; t++) {
            const x = T[a + t]!
            if (x !== 0) s += x * eta[t]!
          }
        } else {
          A = 0
          for (let c = 0; c < d; c++) {
            if (missing[i * d + c] === 1) continue
            A += partition[c]!
            for (let f = 0; f < F; f++) {
              const x = T[a + c * F + f]!
              if (x !== 0) s += x * eta[c * F + f]!
            }
          }
        }
        out[o + i] = s - A
      }
    }
  }
  const summarizeWith = (data: Dataset, weights: Float64Array, offset: number, component: Component<F> | undefined): FeatureStatistics => {
    const { n, d, missing } = data
    const m = d * F
    const T = featuresOf(data)
    const sum = new Float64Array(m)
    const expected = new Float64Array(m)
    if (component !== undefined && spec.mean !== undefined) for (let c = 0; c < d; c++) spec.mean(component, c, expected, c * F)
    let weight = 0
    for (let i = 0; i < n; i++) {
      const w = weights[offset + i]!
      if (w === 0) continue
      weight += w
      const a = i * m
      for (let c = 0; c < d; c++) {
        const from = missing !== undefined && missing[i * d + c] === 1 ? expected : T
        const at = from === T ? a + c * F : c * F
        for (let f = 0; f < F; f++) {
          const x = from[at + f]!
          if (x !== 0) sum[c * F + f] = sum[c * F + f]! + w * x
        }
      }
    }
    return { weight, sum }
  }
  const baseOf = (data: Dataset): Float64Array => {
    const { n, d, values, missing } = data
    const out = new Float64Array(n)
    const h = spec.logBaseMeasure!
    for (let i = 0; i < n; i++) {
      let s = 0
      for (let c = 0; c < d; c++) if (missing === undefined || missing[i * d + c] !== 1) s += h(values[i * d + c]!)
      out[i] = s
    }
    return out
  }
  const family = shell(
    spec,
    (d) => d * F,
    dimension,
    supportCheck(spec.name, spec.support, spec.columns),
    logDensityInto,
    (data, w, o) => summarizeWith(data, w, o, undefined),
  )
  const mean = spec.mean
  const incomplete: IncompleteData<Component<F>, FeatureStatistics> | undefined =
    mean === undefined
      ? undefined
      : {
          logDensityInto,
          ...(spec.logBaseMeasure === undefined ? {} : { logBaseMeasure: baseOf }),
          summarize: summarizeWith,
          conditionalMeanInto: (component, data, i, out, offset) => {
            const { d, values, missing } = data
            const e = new Float64Array(F)
            for (let c = 0; c < d; c++) {
              if (missing !== undefined && missing[i * d + c] === 1) {
                mean(component, c, e, 0)
                out[offset + c] = e[0]!
              } else out[offset + c] = values[i * d + c]!
            }
          },
        }
  const sql = spec.sql
  return {
    ...family,
    ...(spec.logBaseMeasure === undefined ? {} : { logBaseMeasure: baseOf }),
    ...(incomplete === undefined ? {} : { incomplete }),
    ...(sql === undefined
      ? {}
      : {
          sql: sqlCapability(
            spec.name,
            spec.support.description,
            (d) => d * F,
            (c: Component<F>, d) => {
              const { eta, total } = naturalOf(c, d)
              return { eta, partition: total }
            },
            (x, q) => x.flatMap((col) => (sql.features === undefined ? [col] : sql.features(col, q))),
            sql.support,
            sql.logBaseMeasure === undefined ? undefined : (x, q) => `(${x.map((col) => sql.logBaseMeasure!(col, q)).join(' + ')})`,
          ),
        }),
  }
}

const joint = <F extends Schema.Fields>(spec: JointSpec<F>): DefinedFamily<F> => {
  const features = spec.features
  const count = (d: number): number => (features === undefined ? d : features.count(d))
  const dimension = (c: Component<F>): number =>
    spec.dimension === undefined ? (Schema.dimensionOf(spec.parameters, c) ?? 1) : spec.dimension(c)
  const featuresOf = (data: Dataset): Float64Array => {
    if (features === undefined) return data.values
    const { n, d, values } = data
    const m = features.count(d)
    const out = scratch(n * m)
    for (let i = 0; i < n; i++) features.into(values, i * d, d, out, i * m)
    return out
  }
  const logDensityInto = (data: Dataset, components: readonly Component<F>[], out: Float64Array): void => {
    const { n, d } = data
    const m = count(d)
    const T = featuresOf(data)
    const eta = new Float64Array(m)
    for (let j = 0; j < components.length; j++) {
      spec.natural(components[j]!, eta)
      const A = spec.logPartition(components[j]!)
      const o = j * n
      for (let i = 0; i < n; i++) {
        const a = i * m
        let s = 0
        for (let t = 0; t < m; t++) {
          const x = T[a + t]!
          if (x !== 0) s += x * eta[t]!
        }
        out[o + i] = s - A
      }
    }
  }
  const summarize = (data: Dataset, weights: Float64Array, offset: number): FeatureStatistics => {
    const { n, d } = data
    const m = count(d)
    const T = featuresOf(data)
    const sum = new Float64Array(m)
    let weight = 0
    for (let i = 0; i < n; i++) {
      const w = weights[offset + i]!
      if (w === 0) continue
      weight += w
      const a = i * m
      for (let t = 0; t < m; t++) {
        const x = T[a + t]!
        if (x !== 0) sum[t] = sum[t]! + w * x
      }
    }
    return { weight, sum }
  }
  const family = shell(spec, count, dimension, supportCheck(spec.name, spec.support, spec.columns), logDensityInto, summarize)
  const h = spec.logBaseMeasure
  const sql = spec.sql
  return {
    ...family,
    ...(h === undefined
      ? {}
      : {
          logBaseMeasure: (data: Dataset) => {
            const out = new Float64Array(data.n)
            for (let i = 0; i < data.n; i++) out[i] = h(data.values, i * data.d, data.d)
            return out
          },
        }),
    ...(sql === undefined
      ? {}
      : {
          sql: sqlCapability(
            spec.name,
            spec.support.description,
            count,
            (c: Component<F>, d) => {
              const eta = new Float64Array(count(d))
              spec.natural(c, eta)
              return { eta, partition: spec.logPartition(c) }
            },
            (x, q) => (sql.features === undefined ? x : sql.features(x, q)),
            sql.support,
            sql.logBaseMeasure,
          ),
        }),
  }
}
