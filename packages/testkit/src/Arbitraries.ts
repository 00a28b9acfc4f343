/**
 * fast-check arbitraries for the objects of EM: datasets (bounded magnitudes, with and without
 * sample weights), points on the simplex, symmetric positive-definite matrices with a controlled
 * condition number, mixture parameters in the `emkit.mixture/v1` JSON form of each family, and data
 * drawn from a given mixture.
 *
 * The testkit imports no family. For a family built on the template (`Family.define`, which carries
 * its parameter {@link @emkit/core!Schema | Schema}), the generators are typed by the family:
 * {@link components} derives components from the schema, and {@link mixtureParamsOf},
 * {@link mixtureJsonOf} and {@link mixtureCaseOf} build on them, so a wrong component shape is a
 * compile error. For other families, parameter arbitraries produce the families' JSON component
 * forms (`{ mean, covariance }`, `{ rate }`, `{ probabilities }`), and a test turns them into
 * parameters with `Mixture.fromJSON(family, json)`.
 *
 * @packageDocumentation
 */
import fc from 'fast-check'
import { either as E } from 'fp-ts'
import type { ComponentFamily, Family, Product } from '@emkit/core'
import { Dataset, Mixture, Rng, Schema } from '@emkit/core'

/**
 * Options of {@link dataset}.
 *
 * @category Data
 * @since 0.1.0
 */
export interface DatasetOptions {
  /** Smallest number of rows. Default 1. */
  readonly minRows?: number
  /** Largest number of rows. Default 40. */
  readonly maxRows?: number
  /** Number of columns d (a fixed number, or an arbitrary). Default 1. */
  readonly dimension?: number | fc.Arbitrary<number>
  /** Values lie in [min, max]. Default −10. */
  readonly min?: number
  /** Default 10. */
  readonly max?: number
  /** Round values to integers (counts). Default false. */
  readonly integer?: boolean
  /**
   * Sample weights: `false` (none, the default), `true` (always), or `'maybe'` (half the cases).
   * Weights are doubles in [0, 5] with at least one > 0.1, or integers in [0, 4] when
   * `integerWeights` is set.
   */
  readonly weighted?: boolean | 'maybe'
  /** Draw integer sample weights. Default false. */
  readonly integerWeights?: boolean
}

const rowsOf = (n: number, d: number, min: number, max: number, integer: boolean): fc.Arbitrary<number[]> =>
  integer
    ? fc.array(fc.integer({ min: Math.ceil(min), max: Math.floor(max) }), { minLength: n * d, maxLength: n * d })
    : fc.array(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), { minLength: n * d, maxLength: n * d })

const weightsOf = (n: number, integer: boolean): fc.Arbitrary<number[]> =>
  (integer
    ? fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n })
    : fc.array(fc.double({ min: 0, max: 5, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n })
  ).map((w) => (w.some((x) => x > 0.1) ? w : w.map((x, i) => (i === 0 ? 1 : x))))

/**
 * Datasets of bounded values (finite doubles in [min, max], or integers), optionally with sample
 * weights. Every generated value is a valid {@link Dataset.Dataset}.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(Arbitraries.dataset({ dimension: 2, weighted: 'maybe' }), (data) => data.n >= 1))
 * ```
 * @category Data
 * @since 0.1.0
 */
export const dataset = (options: DatasetOptions = {}): fc.Arbitrary<Dataset.Dataset> => {
  const minRows = options.minRows ?? 1
  const maxRows = options.maxRows ?? 40
  const dim = options.dimension ?? 1
  const dArb = typeof dim === 'number' ? fc.constant(dim) : dim
  const min = options.min ?? -10
  const max = options.max ?? 10
  const integer = options.integer ?? false
  const weighted = options.weighted ?? false
  const weightArb: fc.Arbitrary<boolean> = weighted === 'maybe' ? fc.boolean() : fc.constant(weighted)
  return fc
    .tuple(fc.integer({ min: minRows, max: maxRows }), dArb, weightArb)
    .chain(([n, d, w]) =>
      fc.tuple(fc.constant(d), rowsOf(n, d, min, max, integer), w ? weightsOf(n, options.integerWeights ?? false) : fc.constant(undefined)),
    )
    .map(([d, values, w]) => {
      const r = Dataset.fromFlat(values, d, w === undefined ? undefined : { sampleWeights: w })
      if (E.isLeft(r)) throw new Error(`testkit: generated an invalid dataset: ${r.left.message}`)
      return r.right
    })
}

/**
 * Points on the probability simplex of dimension k (non-negative, summing to 1 within rounding),
 * every coordinate at least `floor` (default 1e-3, so that logs stay finite). Suitable as mixing
 * weights.
 *
 * @category Parameters
 * @since 0.1.0
 */
export const simplex = (k: number, floor = 1e-3): fc.Arbitrary<Float64Array> =>
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: k, maxLength: k }).map((u) => {
    const out = new Float64Array(k)
    let s = 0
    for (let j = 0; j < k; j++) {
      out[j] = floor + u[j]!
      s += out[j]!
    }
    for (let j = 0; j < k; j++) out[j] = out[j]! / s
    return out
  })

/**
 * Options of {@link spdMatrix}.
 *
 * @category Parameters
 * @since 0.1.0
 */
export interface SpdOptions {
  /** Largest condition number λmax / λmin. Default 100. */
  readonly maxCondition?: number
  /** Smallest eigenvalue. Default 0.1. */
  readonly minEigenvalue?: number
}

/** Q = an orthogonal matrix from Gram–Schmidt on the columns of a (rows of z), falling back to unit vectors. */
const orthogonal = (d: number, z: readonly number[]): Float64Array => {
  const q = new Float64Array(d * d)
  for (let c = 0; c < d; c++) {
    // Candidates: the random column, then each unit vector; the first independent one is kept.
    for (let attempt = -1; attempt < d; attempt++) {
      for (let r = 0; r < d; r++) q[r * d + c] = attempt < 0 ? z[c * d + r]! : r === attempt ? 1 : 0
      for (let pass = 0; pass < 2; pass++) {
        for (let p = 0; p < c; p++) {
          let dot = 0
          for (let r = 0; r < d; r++) dot += q[r * d + p]! * q[r * d + c]!
          for (let r = 0; r < d; r++) q[r * d + c] = q[r * d + c]! - dot * q[r * d + p]!
        }
      }
      let norm = 0
      for (let r = 0; r < d; r++) norm += q[r * d + c]! ** 2
      norm = Math.sqrt(norm)
      if (norm > 1e-3) {
        for (let r = 0; r < d; r++) q[r * d + c] = q[r * d + c]! / norm
        break
      }
    }
  }
  return q
}

/**
 * Symmetric positive-definite d × d matrices (row-major `Float64Array`, exactly symmetric) with
 * condition number at most `maxCondition`: Q·diag(λ)·Qᵀ with λ log-uniform in
 * [minEigenvalue, minEigenvalue·maxCondition] and Q orthogonal.
 *
 * @category Parameters
 * @since 0.1.0
 */
export const spdMatrix = (d: number, options: SpdOptions = {}): fc.Arbitrary<Float64Array> => {
  const cond = options.maxCondition ?? 100
  const lo = options.minEigenvalue ?? 0.1
  return fc
    .tuple(
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: d, maxLength: d }),
      fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: d * d, maxLength: d * d }),
    )
    .map(([u, z]) => {
      const lambda = u.map((t) => lo * Math.pow(cond, t))
      const q = orthogonal(d, z)
      const a = new Float64Array(d * d)
      for (let r = 0; r < d; r++) {
        for (let c = 0; c <= r; c++) {
          let s = 0
          for (let t = 0; t < d; t++) s += q[r * d + t]! * lambda[t]! * q[c * d + t]!
          a[r * d + c] = s
          a[c * d + r] = s
        }
      }
      return a
    })
}

/**
 * The four covariance structures of the Gaussian family.
 *
 * @category Parameters
 * @since 0.1.0
 */
export type CovarianceStructure = 'full' | 'diag' | 'spherical' | 'tied'

/**
 * One Gaussian component in the model JSON form: `{ mean, covariance }` (covariance d × d).
 *
 * @category Parameters
 * @since 0.1.0
 */
export interface GaussianComponentJson {
  /** Mean, length d. */
  readonly mean: number[]
  /** Covariance, d rows of d numbers, symmetric positive definite. */
  readonly covariance: number[][]
}

const toRows = (a: Float64Array, d: number): number[][] => Array.from({ length: d }, (_, r) => Array.from(a.subarray(r * d, (r + 1) * d)))

const means = (d: number, k: number, spread: number): fc.Arbitrary<number[][]> =>
  fc.array(fc.array(fc.double({ min: -spread, max: spread, noNaN: true }), { minLength: d, maxLength: d }), { minLength: k, maxLength: k })

/**
 * k Gaussian components in JSON form with the given covariance structure: `'full'` (independent
 * SPD matrices), `'diag'` (diagonal), `'spherical'` (scaled identity) or `'tied'` (one SPD matrix
 * repeated). Means lie in [−spread, spread] (default 5); covariances follow {@link spdMatrix}.
 *
 * @example
 * ```ts
 * const json = fc.sample(Arbitraries.gaussianComponents(2, 3, 'tied'), 1)[0]
 * ```
 * @category Parameters
 * @since 0.1.0
 */
export const gaussianComponents = (
  d: number,
  k: number,
  structure: CovarianceStructure,
  options: SpdOptions & { readonly spread?: number } = {},
): fc.Arbitrary<GaussianComponentJson[]> => {
  const spread = options.spread ?? 5
  const lo = options.minEigenvalue ?? 0.1
  const cond = options.maxCondition ?? 100
  const diagonal = (v: readonly number[]): number[][] =>
    Array.from({ length: d }, (_, r) => Array.from({ length: d }, (_, c) => (r === c ? v[r]! : 0)))
  const variance = fc.double({ min: 0, max: 1, noNaN: true }).map((t) => lo * Math.pow(cond, t))
  let covs: fc.Arbitrary<number[][][]>
  switch (structure) {
    case 'full':
      covs = fc.array(
        spdMatrix(d, options).map((a) => toRows(a, d)),
        { minLength: k, maxLength: k },
      )
      break
    case 'tied':
      covs = spdMatrix(d, options).map((a) => Array.from({ length: k }, () => toRows(a, d)))
      break
    case 'diag':
      covs = fc.array(fc.array(variance, { minLength: d, maxLength: d }).map(diagonal), { minLength: k, maxLength: k })
      break
    case 'spherical':
      covs = fc.array(
        variance.map((v) => diagonal(Array.from({ length: d }, () => v))),
        { minLength: k, maxLength: k },
      )
      break
  }
  return fc.tuple(means(d, k, spread), covs).map(([m, c]) => m.map((mean, j) => ({ mean, covariance: c[j]! })))
}

/**
 * k exponential components in JSON form, `{ rate: [r₁, …, r_d] }`, rates log-uniform in
 * [minRate, maxRate] (default [0.1, 10]).
 *
 * @category Parameters
 * @since 0.1.0
 */
export const exponentialComponents = (d: number, k: number, minRate = 0.1, maxRate = 10): fc.Arbitrary<Array<{ rate: number[] }>> =>
  fc
    .array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: d, maxLength: d }), { minLength: k, maxLength: k })
    .map((u) => u.map((row) => ({ rate: row.map((t) => minRate * Math.pow(maxRate / minRate, t)) })))

/**
 * k multinomial components over V categories in JSON form, `{ probabilities: [p₁, …, p_V] }`,
 * each a point of the simplex with every probability ≥ floor (default 1e-3).
 *
 * @category Parameters
 * @since 0.1.0
 */
export const multinomialComponents = (categories: number, k: number, floor = 1e-3): fc.Arbitrary<Array<{ probabilities: number[] }>> =>
  fc.array(simplex(categories, floor), { minLength: k, maxLength: k }).map((ps) => ps.map((p) => ({ probabilities: Array.from(p) })))

/**
 * An `emkit.mixture/v1` model JSON (without `fit`) around generated components: mixing weights from
 * {@link simplex}, the family name and variant fields as given. Turn it into parameters with
 * `Mixture.fromJSON(family, json)`. For a template family, {@link mixtureJsonOf} builds the
 * same JSON from components typed by the family.
 *
 * @example
 * ```ts
 * const arb = Arbitraries.mixtureJson({ family: 'gaussian', variant: { covariance: 'full' }, dimension: 2 },
 *   Arbitraries.gaussianComponents(2, 3, 'full'))
 * ```
 * @category Parameters
 * @since 0.1.0
 */
export const mixtureJson = (
  header: { readonly family: string; readonly variant?: Readonly<Record<string, string>>; readonly dimension: number },
  components: fc.Arbitrary<ReadonlyArray<object>>,
): fc.Arbitrary<Mixture.ModelJson> =>
  components.chain((cs) =>
    simplex(cs.length).map((w) => ({
      format: Mixture.FORMAT,
      family: header.family,
      ...(header.variant ?? {}),
      dimension: header.dimension,
      weights: Array.from(w),
      components: cs.map((c) => ({ ...c })),
    })),
  )

/**
 * Mixture parameters for `family` from a model-JSON arbitrary (see {@link mixtureJson}); fails
 * loudly if the family rejects a generated JSON (a bug in the arbitrary or the family).
 *
 * @category Parameters
 * @since 0.1.0
 */
export const mixtureParams = <C, S>(
  family: ComponentFamily<C, S>,
  json: fc.Arbitrary<Mixture.ModelJson>,
): fc.Arbitrary<Mixture.Params<C>> =>
  json.map((j) => {
    const r = Mixture.fromJSON(family, j)
    if (E.isLeft(r)) throw new Error(`testkit: the ${family.name} family rejected generated parameters: ${r.left.message}`)
    return r.right.params
  })

/**
 * Options of {@link mixtureData}.
 *
 * @category Data
 * @since 0.1.0
 */
export interface MixtureDataOptions {
  /** Smallest number of rows. Default 20. */
  readonly minRows?: number
  /** Largest number of rows. Default 60. */
  readonly maxRows?: number
  /** Attach sample weights in [0.2, 3]: `false` (default), `true` or `'maybe'`. */
  readonly weighted?: boolean | 'maybe'
}

/**
 * Data drawn from a given mixture: n rows sampled (by the family's own sampler, from a generated
 * seed) from `params`, optionally with sample weights. The parameters can themselves come from an
 * arbitrary: `params.chain(p => mixtureData(family, p))`.
 *
 * @category Data
 * @since 0.1.0
 */
export const mixtureData = <C, S>(
  family: ComponentFamily<C, S>,
  params: Mixture.Params<C>,
  options: MixtureDataOptions = {},
): fc.Arbitrary<Dataset.Dataset> => {
  const weighted = options.weighted ?? false
  return fc
    .tuple(
      fc.integer({ min: options.minRows ?? 20, max: options.maxRows ?? 60 }),
      fc.integer({ min: 0, max: 0x7fffffff }),
      weighted === 'maybe' ? fc.boolean() : fc.constant(weighted),
    )
    .map(([n, seed, w]) => {
      const s = Mixture.sampleOrThrow(family, params, n, Rng.seeded(seed))
      let sampleWeights: number[] | undefined
      if (w) {
        const r = Rng.seeded(seed ^ 0x5bd1e995)
        sampleWeights = Array.from({ length: n }, () => 0.2 + 2.8 * r.uniform())
      }
      const data = Dataset.fromFlat(s.values, s.d, sampleWeights === undefined ? undefined : { sampleWeights })
      if (E.isLeft(data)) throw new Error(`testkit: the ${family.name} sampler produced invalid data: ${data.left.message}`)
      return data.right
    })
}

/**
 * A mixture fitting case: data drawn from a generated "true" mixture, and a different generated
 * mixture as the starting parameters θ₀ — the input the model laws take.
 *
 * @example
 * ```ts
 * const family = Exponential.family()
 * const cases = Arbitraries.mixtureCase(family, Arbitraries.mixtureJson({ family: 'exponential', dimension: 1 }, Arbitraries.exponentialComponents(1, 2)))
 * ModelLaws.assertModelLaws({ model: Mixture.model(family, 2), cases })
 * ```
 * @category Data
 * @since 0.1.0
 */
export const mixtureCase = <C, S>(
  family: ComponentFamily<C, S>,
  json: fc.Arbitrary<Mixture.ModelJson>,
  options: MixtureDataOptions = {},
): fc.Arbitrary<{ data: Dataset.Dataset; init: Mixture.Params<C> }> => {
  const params = mixtureParams(family, json)
  return fc
    .tuple(
      params.chain((p) => mixtureData(family, p, options)),
      params,
    )
    .map(([data, init]) => ({ data, init }))
}

/**
 * Ranges of generated parameter entries, by domain (see {@link components}).
 *
 * @category Parameters
 * @since 0.2.0
 */
export interface ComponentArbitraryOptions {
  /** `real` entries: uniform in [−spread, spread]. Default 5. */
  readonly spread?: number
  /** `positive` and `nonNegative` entries: log-uniform in [min, max]. Default [0.1, 10]. */
  readonly positive?: { readonly min: number; readonly max: number }
  /** `probability` entries: uniform in [min, max] ⊂ [0, 1]. Default [0.02, 0.98]. */
  readonly probability?: { readonly min: number; readonly max: number }
  /** `simplex` entries: every probability at least this before normalising (as {@link simplex}). Default 1e-3. */
  readonly simplexFloor?: number
  /**
   * Also generate boundary values the domains admit (about one entry in eight): 0 for
   * `nonNegative`, 0 or 1 for `probability`, a 0 in a `simplex` of V ≥ 2. Default false (a
   * start on a boundary often has log-likelihood −∞, a case the model laws skip).
   */
  readonly boundary?: boolean
}

/**
 * What {@link component} and {@link components} accept: a family built with `Family.define` (it
 * carries its parameter schema) or the schema itself.
 *
 * @category Parameters
 * @since 0.2.0
 */
export type SchemaSource<F extends Schema.Fields> = { readonly schema: F } | F

const schemaOf = <F extends Schema.Fields>(source: SchemaSource<F>): F => {
  const s = (source as { schema?: unknown }).schema
  // A family carries `schema` (an object of fields) beside functions; a schema's own values are fields with a `kind`.
  return typeof s === 'object' && s !== null && typeof (s as { kind?: unknown }).kind !== 'string' ? (s as F) : (source as F)
}

const logUniform = (min: number, max: number): fc.Arbitrary<number> =>
  fc.double({ min: 0, max: 1, noNaN: true }).map((t) => Math.min(max, min * Math.pow(max / min, t)))

/** One entry of `domain` (not a simplex). */
const entry = (domain: Exclude<Schema.Domain, 'simplex'>, options: ComponentArbitraryOptions): fc.Arbitrary<number> => {
  const boundary = options.boundary ?? false
  const { min: plo, max: phi } = options.positive ?? { min: 0.1, max: 10 }
  switch (domain) {
    case 'real': {
      const spread = options.spread ?? 5
      return fc.double({ min: -spread, max: spread, noNaN: true })
    }
    case 'positive':
      return logUniform(plo, phi)
    case 'nonNegative':
      return boundary
        ? fc.oneof({ arbitrary: logUniform(plo, phi), weight: 7 }, { arbitrary: fc.constant(0), weight: 1 })
        : logUniform(plo, phi)
    case 'probability': {
      const { min, max } = options.probability ?? { min: 0.02, max: 0.98 }
      const inside = fc.double({ min, max, noNaN: true })
      return boundary ? fc.oneof({ arbitrary: inside, weight: 6 }, { arbitrary: fc.constantFrom(0, 1), weight: 2 }) : inside
    }
  }
}

/** A point of the simplex of `length` entries, optionally with one zero. */
const simplexEntries = (length: number, options: ComponentArbitraryOptions): fc.Arbitrary<Float64Array> => {
  const base = simplex(length, options.simplexFloor ?? 1e-3)
  if (!(options.boundary ?? false) || length < 2) return base
  const withZero = fc.tuple(base, fc.integer({ min: 0, max: length - 1 })).map(([p, z]) => {
    const out = Float64Array.from(p)
    out[z] = 0
    let s = 0
    for (const x of out) s += x
    return out.map((x) => x / s)
  })
  return fc.oneof({ arbitrary: base, weight: 7 }, { arbitrary: withZero, weight: 1 })
}

/** One field's value in dimension d. */
const fieldValue = (field: Schema.Field, d: number, options: ComponentArbitraryOptions): fc.Arbitrary<number | Float64Array> => {
  if (field.kind === 'scalar') return entry(field.domain, options)
  const length = Schema.size(field, d)
  if (field.domain === 'simplex') return simplexEntries(length, options)
  return fc.array(entry(field.domain, options), { minLength: length, maxLength: length }).map((v) => Float64Array.from(v))
}

/**
 * One component of a template family (or of a parameter schema) in dimension d: every field of its
 * length (`'d'` or fixed) with entries in its domain — `real` uniform in [−spread, spread],
 * `positive` and `nonNegative` log-uniform in [0.1, 10], `probability` in [0.02, 0.98], `simplex`
 * from {@link simplex} — so every value passes `Schema.validate`. Typed by the schema:
 * `Schema.Infer<F>`.
 *
 * @example
 * ```ts
 * const parameters = { rate: Schema.vector('positive'), p: Schema.scalar('probability') }
 * const one = fc.sample(Arbitraries.component(parameters, 3), 1)[0]! // { rate: Float64Array(3), p: number }
 * ```
 * @category Parameters
 * @since 0.2.0
 */
export const component = <F extends Schema.Fields>(
  source: SchemaSource<F>,
  d: number,
  options: ComponentArbitraryOptions = {},
): fc.Arbitrary<Schema.Infer<F>> => {
  const fields = schemaOf(source)
  const parts: Record<string, fc.Arbitrary<number | Float64Array>> = {}
  for (const [name, field] of Object.entries(fields)) parts[name] = fieldValue(field, d, options)
  // fc.record builds exactly the schema's fields; the entries' types follow the fields' kinds.
  return fc.record(parts) as unknown as fc.Arbitrary<Schema.Infer<F>>
}

/**
 * k components of a template family (`Family.define`, which carries its schema) or of a parameter
 * schema, in dimension d (see {@link component} for the ranges). The element type is the family's
 * component type, so handing them to another family, or building a wrong shape by hand, does not
 * compile.
 *
 * @example
 * ```ts
 * const parameters = { rate: Schema.vector('nonNegative') }
 * const poisson = Family.define({
 *   name: 'my-poisson',
 *   parameters,
 *   support: Family.supports.counts,
 *   coordinates: 'independent',
 *   natural: (c, t, out, o) => { out[o] = Math.log(c.rate[t]!) },
 *   logPartition: (c, t) => c.rate[t]!,
 *   estimate: (sum, weight) => ({ rate: sum.map((s) => s / weight) }),
 * })
 * const cs = Arbitraries.components(poisson, 3, 2) // fc.Arbitrary<{ readonly rate: Float64Array }[]>
 * ```
 * @category Parameters
 * @since 0.2.0
 */
export const components = <F extends Schema.Fields>(
  source: SchemaSource<F>,
  d: number,
  k: number,
  options: ComponentArbitraryOptions = {},
): fc.Arbitrary<Array<Schema.Infer<F>>> => fc.array(component(source, d, options), { minLength: k, maxLength: k })

/**
 * Options of {@link productComponents}: the ranges of {@link components}, and arbitraries for the
 * parts that carry no schema.
 *
 * @category Parameters
 * @since 0.2.0
 */
export interface ProductComponentOptions extends ComponentArbitraryOptions {
  /**
   * For part t, an arbitrary of one component of that part (its family's component type, for its
   * columns), used instead of its schema; required for a part whose family was not built with
   * `Family.define` (a Gaussian part: e.g. `Arbitraries.gaussianComponents(…)` through the part's
   * `fromJSON`).
   */
  readonly parts?: ReadonlyArray<fc.Arbitrary<unknown> | undefined>
}

/**
 * k components of a product family (`Product.family`): for each part, a component from the part's
 * schema in the dimension of its columns (as {@link component}), or from `options.parts[t]`.
 * Checked by the product's own `validate`.
 *
 * @throws `Error` when a part has neither a schema nor an arbitrary in `options.parts`, or when the
 *   product rejects a generated component.
 * @example
 * ```ts
 * declare const product: Product.ProductFamily // e.g. Poisson counts in columns 0–1 and a Bernoulli column 2
 * const cs = Arbitraries.productComponents(product, 2) // fc.Arbitrary<Product.Component[]>
 * ```
 * @category Parameters
 * @since 0.2.0
 */
export const productComponents = (
  family: Product.ProductFamily,
  k: number,
  options: ProductComponentOptions = {},
): fc.Arbitrary<Product.Component[]> => {
  const perPart = family.parts.map((part, t) => {
    const given = options.parts?.[t]
    if (given !== undefined) return given
    const schema = (part.family as { schema?: unknown }).schema
    if (typeof schema !== 'object' || schema === null)
      throw new Error(
        `testkit: part ${t} (${part.family.name}) carries no schema; give an arbitrary of its components in options.parts[${t}]`,
      )
    const generated: fc.Arbitrary<unknown> = component(schema as Schema.Fields, part.columns.length, options)
    return generated
  })
  return fc.array(fc.tuple(...perPart), { minLength: k, maxLength: k }).map((rows) => {
    const cs: Product.Component[] = rows.map((parts) => ({ parts }))
    const ok = cs.length === 0 ? E.right(cs) : family.validate(cs, family.dimension(cs[0]!))
    if (E.isLeft(ok)) throw new Error(`testkit: the ${family.name} family rejected generated components: ${ok.left.message}`)
    return cs
  })
}

/**
 * Mixture parameters of k components of a template family in dimension d: mixing weights from
 * {@link simplex}, components from {@link components} (typed by the family, and checked by the
 * family's own `validate`).
 *
 * @throws `Error` when the family rejects a generated component (a family whose `validate` is
 *   stricter than its schema; narrow the ranges with `options`).
 * @example
 * ```ts
 * declare const family: Family.DefinedFamily<{ readonly rate: Schema.VectorField }>
 * const params = Arbitraries.mixtureParamsOf(family, 2, 3) // fc.Arbitrary<Mixture.Params<{ readonly rate: Float64Array }>>
 * ```
 * @category Parameters
 * @since 0.2.0
 */
export const mixtureParamsOf = <F extends Schema.Fields>(
  family: Family.DefinedFamily<F>,
  d: number,
  k: number,
  options: ComponentArbitraryOptions = {},
): fc.Arbitrary<Mixture.Params<Schema.Infer<F>>> =>
  fc.tuple(simplex(k), components(family, d, k, options)).map(([weights, cs]) => {
    const ok = family.validate(cs, d)
    if (E.isLeft(ok)) throw new Error(`testkit: the ${family.name} family rejected generated parameters: ${ok.left.message}`)
    return { weights, components: cs }
  })

/**
 * The `emkit.mixture/v1` model JSON (without `fit`) of {@link mixtureParamsOf}: the family's name
 * and variant fields, dimension d, mixing weights and the components as the family writes them.
 *
 * @example
 * ```ts
 * declare const family: Family.DefinedFamily<{ readonly rate: Schema.VectorField }>
 * const json = Arbitraries.mixtureJsonOf(family, 2, 3) // fc.Arbitrary<Mixture.ModelJson>
 * ```
 * @category Parameters
 * @since 0.2.0
 */
export const mixtureJsonOf = <F extends Schema.Fields>(
  family: Family.DefinedFamily<F>,
  d: number,
  k: number,
  options: ComponentArbitraryOptions = {},
): fc.Arbitrary<Mixture.ModelJson> =>
  mixtureParamsOf(family, d, k, options).map((p) => ({
    format: Mixture.FORMAT,
    family: family.name,
    ...family.variant,
    dimension: d,
    weights: Array.from(p.weights),
    components: family.toJSON(p.components),
  }))

/**
 * A mixture fitting case for a template family (the typed twin of {@link mixtureCase}): data drawn
 * by the family's sampler from generated "true" parameters and, as θ₀, other generated parameters,
 * both of k components in dimension d.
 *
 * @throws `Error` when the family has no `sample` (draw the data yourself and use {@link mixtureParamsOf}).
 * @example
 * ```ts
 * declare const family: Family.DefinedFamily<{ readonly rate: Schema.VectorField }>
 * ModelLaws.assertMixtureLaws(family, 2, { cases: Arbitraries.mixtureCaseOf(family, 1, 2) })
 * ```
 * @category Data
 * @since 0.2.0
 */
export const mixtureCaseOf = <F extends Schema.Fields>(
  family: Family.DefinedFamily<F>,
  d: number,
  k: number,
  options: ComponentArbitraryOptions & MixtureDataOptions = {},
): fc.Arbitrary<{ data: Dataset.Dataset; init: Mixture.Params<Schema.Infer<F>> }> => {
  if (family.sample === undefined) throw new Error(`testkit: the ${family.name} family cannot sample; mixtureCaseOf draws its data with it`)
  const params = mixtureParamsOf(family, d, k, options)
  return fc
    .tuple(
      params.chain((p) => mixtureData(family, p, options)),
      params,
    )
    .map(([data, init]) => ({ data, init }))
}

/**
 * The same cases with about `rate` of their cells missing at random (`Dataset.missing`, NaN
 * values), drawn from a generated seed (`Rng.seeded`): a cell is missing with probability `rate`,
 * never every cell of a row (its last observed cell is kept). For the laws on missing-data EM.
 *
 * @param rate - the probability of a missing cell, in [0, 1) (default 0.2).
 * @example
 * ```ts
 * const family = Gaussian.family({ regularization: 0 })
 * const json = Arbitraries.mixtureJson({ family: 'gaussian', variant: { covariance: 'full' }, dimension: 2 }, Arbitraries.gaussianComponents(2, 2, 'full'))
 * ModelLaws.assertMixtureLaws(family, 2, { cases: Arbitraries.withMissing(Arbitraries.mixtureCase(family, json, { minRows: 30 })), laws: ['logLikelihoodNonDecreasing'] })
 * ```
 * @category Data
 * @since 0.2.0
 */
export const withMissing = <P>(
  cases: fc.Arbitrary<{ data: Dataset.Dataset; init: P }>,
  rate = 0.2,
): fc.Arbitrary<{ data: Dataset.Dataset; init: P }> =>
  fc.tuple(cases, fc.integer({ min: 0, max: 2 ** 31 - 1 })).map(([c, seed]) => {
    const { n, d } = c.data
    const rng = Rng.seeded(seed)
    const values = Float64Array.from(c.data.values)
    const missing = new Uint8Array(n * d)
    let any = false
    for (let i = 0; i < n; i++) {
      let absent = 0
      for (let col = 0; col < d; col++) {
        if (absent === d - 1 || !(rng.uniform() < rate)) continue
        missing[i * d + col] = 1
        values[i * d + col] = Number.NaN
        absent++
        any = true
      }
    }
    return { ...c, data: any ? { ...c.data, values, missing } : c.data }
  })
