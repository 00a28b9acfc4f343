/**
 * Admissible perturbations of parameters, for the law "the M-step is a maximiser" (random
 * admissible perturbations of θₖ₊₁ must not increase Q(·, θₖ)) and the family law "the estimate
 * maximises the weighted log-likelihood".
 *
 * Admissibility is model-specific, so a perturbation is a plain function; this module provides the
 * ones mixtures need: mixing weights moved on the simplex, and components moved through a hook or,
 * by default, on the unconstrained scale of the family's parameter schema ({@link schemaComponents},
 * for families built with `Family.define`, whose perturbed parameters always stay in their domains)
 * or else through the family's JSON form ({@link jsonComponents}).
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { ComponentFamily, Mixture } from '@emkit/core'
import { Rng, Schema } from '@emkit/core'

/**
 * A random perturbation of parameters of size about `scale` (a relative size: 0.01 moves things by
 * about 1 %). Returns `undefined` when it cannot produce an admissible point; the law then tries
 * another.
 *
 * @category Laws
 * @since 0.1.0
 */
export type Perturbation<P> = (params: P, rng: Rng.Rng, scale: number) => P | undefined

/**
 * p′ ∝ p · exp(scale·z), z standard normal: stays on the simplex; zero coordinates stay zero.
 *
 * @category Laws
 * @since 0.1.0
 */
export const onSimplex = (p: ArrayLike<number>, rng: Rng.Rng, scale: number): Float64Array => {
  const out = new Float64Array(p.length)
  let s = 0
  for (let j = 0; j < p.length; j++) {
    out[j] = p[j]! * Math.exp(scale * rng.normal())
    s += out[j]!
  }
  for (let j = 0; j < p.length; j++) out[j] = out[j]! / s
  return out
}

/**
 * A′ = (I + scale·G) A (I + scale·G)ᵀ for an SPD matrix A (d × d, row-major), G standard normal:
 * stays symmetric positive definite. A diagonal A stays diagonal (only its diagonal moves) and a
 * multiple of the identity stays one, so the Gaussian structures diag and spherical are preserved.
 *
 * @category Laws
 * @since 0.1.0
 */
export const spd = (a: ArrayLike<number>, d: number, rng: Rng.Rng, scale: number): Float64Array => {
  let diagonal = true
  let identity = true
  for (let r = 0; r < d; r++) {
    for (let c = 0; c < d; c++) if (r !== c && a[r * d + c] !== 0) diagonal = false
    if (a[r * d + r] !== a[0]) identity = false
  }
  const out = new Float64Array(d * d)
  if (diagonal) {
    const common = Math.exp(2 * scale * rng.normal())
    for (let r = 0; r < d; r++) out[r * d + r] = a[r * d + r]! * (identity ? common : Math.exp(2 * scale * rng.normal()))
    return out
  }
  const m = new Float64Array(d * d)
  for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) m[r * d + c] = (r === c ? 1 : 0) + scale * rng.normal()
  const ma = new Float64Array(d * d)
  for (let r = 0; r < d; r++)
    for (let c = 0; c < d; c++) {
      let s = 0
      for (let t = 0; t < d; t++) s += m[r * d + t]! * a[t * d + c]!
      ma[r * d + c] = s
    }
  for (let r = 0; r < d; r++)
    for (let c = 0; c <= r; c++) {
      let s = 0
      for (let t = 0; t < d; t++) s += ma[r * d + t]! * m[c * d + t]!
      out[r * d + c] = s
      out[c * d + r] = s
    }
  return out
}

const isNumberArray = (x: unknown): x is number[] => Array.isArray(x) && x.every((v) => typeof v === 'number')
const isMatrix = (x: unknown): x is number[][] =>
  Array.isArray(x) && x.length > 0 && x.every((r) => isNumberArray(r) && r.length === x.length)

const hashString = (s: string): number => {
  let h = 2166136261
  for (let t = 0; t < s.length; t++) h = Math.imul(h ^ s.charCodeAt(t), 16777619)
  return h >>> 0
}

/** Perturbs one JSON field value; `shared` gives a stream per field name reused by every component. */
const perturbValue = (value: unknown, rng: Rng.Rng, shared: Rng.Rng, scale: number): unknown => {
  if (typeof value === 'number')
    return value > 0 ? value * Math.exp(scale * rng.normal()) : value + scale * (1 + Math.abs(value)) * rng.normal()
  if (isMatrix(value)) {
    const d = value.length
    const flat = value.flat()
    let symmetric = true
    for (let r = 0; r < d; r++) for (let c = 0; c < r; c++) if (flat[r * d + c] !== flat[c * d + r]) symmetric = false
    if (symmetric) {
      const out = spd(flat, d, shared, scale)
      return Array.from({ length: d }, (_, r) => Array.from(out.subarray(r * d, (r + 1) * d)))
    }
    return value.map((row) => perturbValue(row, rng, shared, scale))
  }
  if (isNumberArray(value)) {
    const nonNegative = value.every((v) => v >= 0)
    const sum = value.reduce((a, b) => a + b, 0)
    if (value.length >= 2 && nonNegative && Math.abs(sum - 1) < 1e-9) return Array.from(onSimplex(value, rng, scale))
    return value.map((v) => perturbValue(v, rng, shared, scale))
  }
  if (Array.isArray(value)) return value.map((v) => perturbValue(v, rng, shared, scale))
  return value
}

/**
 * A component perturbation that goes through the family's JSON form: `toJSON`, move every numeric
 * field, `fromJSON` (which validates; a rejected point gives `undefined`). Numeric fields move by
 * shape:
 * - a symmetric square matrix (a covariance) by congruence, {@link spd} (the same draw for every
 *   component, so a tied covariance stays tied);
 * - a non-negative vector summing to 1 (probabilities) on the simplex, {@link onSimplex};
 * - a positive number (a rate, a variance) multiplicatively, x·exp(scale·z);
 * - any other number additively, x + scale·(1 + |x|)·z.
 *
 * @category Laws
 * @since 0.1.0
 */
export const jsonComponents =
  <C, S>(family: ComponentFamily<C, S>): ((components: readonly C[], rng: Rng.Rng, scale: number) => C[] | undefined) =>
  (components, rng, scale) => {
    const json = family.toJSON(components)
    const seed = rng.int(0x7fffffff)
    const moved = json.map((c) => {
      const out: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(c)) {
        // Every component's field `key` sees the same stream: identical inputs (a tied covariance) move identically.
        const shared = Rng.seeded(seed ^ hashString(key))
        out[key] = perturbValue(value, rng, shared, scale)
      }
      return out
    })
    const d = family.dimension(components[0]!)
    const back = family.fromJSON(moved, d)
    if (E.isLeft(back)) return undefined
    const ok = family.validate(back.right, d)
    return E.isLeft(ok) ? undefined : back.right
  }

/**
 * A component perturbation derived from a parameter schema: every entry moves on the schema's
 * unconstrained scale (`Schema.toUnconstrained`, then back with `Schema.fromUnconstrained`), so
 * each stays inside its domain by construction:
 * - `real`: x + scale·(1 + |x|)·z;
 * - `positive`, `nonNegative`: x·exp(scale·z) (a 0 stays 0);
 * - `probability`: logit p + scale·z, so p stays in (0, 1) (a 0 or 1 stays where it is);
 * - `simplex`: p′ ∝ p·exp(scale·z), on the simplex (zeros stay zero);
 * with z standard normal, one draw per entry. Returns `undefined` only when a move leaves the
 * floating-point range (an exp that underflows to 0 or overflows), which the schema then rejects.
 *
 * @example
 * ```ts
 * const parameters = { p: Schema.vector('probability') }
 * const move = Perturb.schemaComponents(parameters)
 * const moved = move([{ p: Float64Array.of(0.999, 0.5) }], Rng.seeded(1), 0.3) // every p still in [0, 1]
 * ```
 * @category Laws
 * @since 0.2.0
 */
export const schemaComponents =
  <F extends Schema.Fields>(
    fields: F,
  ): ((components: readonly Schema.Infer<F>[], rng: Rng.Rng, scale: number) => Schema.Infer<F>[] | undefined) =>
  (components, rng, scale) => {
    if (components.length === 0) return []
    const u = Schema.toUnconstrained(fields, components)
    let at = 0
    for (const c of components) {
      for (const [name, field] of Object.entries(fields)) {
        const v = (c as Record<string, number | Float64Array>)[name]!
        const length = typeof v === 'number' ? 1 : v.length
        for (let t = 0; t < length; t++, at++) {
          const x = u[at]!
          const z = rng.normal()
          // ±∞ is an entry on its domain's boundary, which fromUnconstrained holds where it is.
          if (Number.isFinite(x)) u[at] = field.domain === 'real' ? x + scale * (1 + Math.abs(x)) * z : x + scale * z
        }
      }
    }
    const back = Schema.fromUnconstrained(fields, u, components)
    return E.isLeft(back) ? undefined : back.right
  }

/** The schema a template family carries, if it carries one. */
const schemaOfFamily = (family: object): Schema.Fields | undefined => {
  const s = (family as { schema?: unknown }).schema
  return typeof s === 'object' && s !== null ? (s as Schema.Fields) : undefined
}

/** The parts of a product family (`Product.family`), if it is one. */
const partsOfFamily = (family: object): ReadonlyArray<{ readonly family: ComponentFamily<unknown, unknown> }> | undefined => {
  const parts = (family as { parts?: unknown }).parts
  return Array.isArray(parts) && parts.every((p) => typeof (p as { family?: unknown }).family === 'object')
    ? (parts as ReadonlyArray<{ readonly family: ComponentFamily<unknown, unknown> }>)
    : undefined
}

/**
 * The default component perturbation for `family`: {@link schemaComponents} of its schema when it
 * carries one (a family built with `Family.define`); for a product family (`Product.family`), each
 * part's own default applied to that part's components; otherwise {@link jsonComponents}. The
 * result is re-checked by the family's own `validate` (`undefined` when it refuses).
 *
 * @example
 * ```ts
 * const move = Perturb.familyComponents(Exponential.family())
 * const moved = move([Exponential.component([2, 0.5])], Rng.seeded(1), 0.1)
 * ```
 * @category Laws
 * @since 0.2.0
 */
export const familyComponents = <C, S>(
  family: ComponentFamily<C, S>,
): ((components: readonly C[], rng: Rng.Rng, scale: number) => C[] | undefined) => {
  const fields = schemaOfFamily(family)
  const parts = partsOfFamily(family)
  let move: (components: readonly C[], rng: Rng.Rng, scale: number) => C[] | undefined
  if (fields !== undefined) {
    // A template family's components are its schema's (DefinedFamily<F> is a ComponentFamily<Schema.Infer<F>, …>).
    move = schemaComponents(fields) as unknown as typeof move
  } else if (parts !== undefined) {
    const moves = parts.map((p) => familyComponents(p.family))
    move = (components, rng, scale) => {
      const byPart: unknown[][] = []
      for (let t = 0; t < moves.length; t++) {
        const moved = moves[t]!(
          components.map((c) => (c as { parts: readonly unknown[] }).parts[t]),
          rng,
          scale,
        )
        if (moved === undefined) return undefined
        byPart.push(moved)
      }
      // A product component is `{ parts }`, one component per part.
      return components.map((c, j) => ({ ...c, parts: byPart.map((m) => m[j]) }))
    }
  } else return jsonComponents(family)
  return (components, rng, scale) => {
    const moved = move(components, rng, scale)
    if (moved === undefined || components.length === 0) return moved
    return E.isLeft(family.validate(moved, family.dimension(components[0]!))) ? undefined : moved
  }
}

/**
 * Options of {@link mixture}.
 *
 * @category Laws
 * @since 0.1.0
 */
export interface MixturePerturbationOptions<C> {
  /** How to move the components; default {@link familyComponents} (the schema's unconstrained scale for a template family, else {@link jsonComponents}). */
  readonly components?: (components: readonly C[], rng: Rng.Rng, scale: number) => C[] | undefined
}

/**
 * The admissible perturbation of mixture parameters used by the model laws: each call moves the
 * mixing weights on the simplex, the components, or both (chosen at random), so a law failure
 * points at the part of the M-step that is not a maximiser. Components move by
 * `options.components`, by default {@link familyComponents}: inside each parameter's domain for a
 * template family, through the JSON form otherwise.
 *
 * @example
 * ```ts
 * const family = Exponential.family()
 * const cases = Arbitraries.mixtureCase(family, Arbitraries.mixtureJson({ family: 'exponential', dimension: 1 }, Arbitraries.exponentialComponents(1, 2)))
 * ModelLaws.assertModelLaws({ model: Mixture.model(family, 2), cases, perturb: Perturb.mixture(family) })
 * ```
 * @category Laws
 * @since 0.1.0
 */
export const mixture = <C, S>(
  family: ComponentFamily<C, S>,
  options: MixturePerturbationOptions<C> = {},
): Perturbation<Mixture.Params<C>> => {
  const move = options.components ?? familyComponents(family)
  return (params, rng, scale) => {
    const which = rng.int(3) // 0: weights, 1: components, 2: both
    const weights = which === 1 ? params.weights : onSimplex(params.weights, rng, scale)
    if (which === 0) return { weights, components: params.components }
    const components = move(params.components, rng, scale)
    return components === undefined ? undefined : { weights, components }
  }
}
