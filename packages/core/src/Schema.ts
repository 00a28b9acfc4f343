/**
 * Parameter schemas: the typed shape of one component's parameters, from which the family
 * template ({@link Family.define}) derives validation, decoding from untrusted JSON with errors
 * naming the component and field, encoding, the flat parameter vector, the free-parameter count,
 * the unconstrained parametrisation SQUAREM extrapolates in, and the testkit's generators and
 * in-domain perturbations.
 *
 * ```ts
 * const parameters = { shape: Schema.vector('positive'), rate: Schema.vector('positive') }
 * type Gamma = Schema.Infer<typeof parameters> // { readonly shape: Float64Array; readonly rate: Float64Array }
 * ```
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { EmError } from './Errors.js'
import { invalidModel, invalidParameters } from './Errors.js'
import { show } from './Validate.js'

/**
 * The domain of a parameter's entries:
 * - `real`: finite;
 * - `positive`: finite and > 0 (unconstrained as log);
 * - `nonNegative`: finite and ≥ 0 (log; an entry at 0 stays there, as EM keeps it);
 * - `probability`: in [0, 1] (logit; entries at 0 or 1 stay there);
 * - `simplex`: a vector of entries ≥ 0 summing to 1 within {@link SIMPLEX_TOLERANCE}·max(1, √V)
 *   (log-probabilities under a softmax; one entry fewer is free).
 *
 * @category Components
 * @since 0.2.0
 */
export type Domain = 'real' | 'positive' | 'nonNegative' | 'probability' | 'simplex'

/**
 * How long a vector field is: `'d'` (the data's dimension, one entry per column) or a fixed length
 * (e.g. V categories of one column).
 *
 * @category Components
 * @since 0.2.0
 */
export type Length = 'd' | number

/**
 * One vector-valued parameter field (decoded to a `Float64Array`).
 *
 * @category Components
 * @since 0.2.0
 */
export interface VectorField {
  readonly kind: 'vector'
  readonly domain: Domain
  readonly length: Length
}

/**
 * One scalar parameter field (decoded to a `number`).
 *
 * @category Components
 * @since 0.2.0
 */
export interface ScalarField {
  readonly kind: 'scalar'
  readonly domain: Exclude<Domain, 'simplex'>
}

/**
 * A parameter field.
 *
 * @category Components
 * @since 0.2.0
 */
export type Field = VectorField | ScalarField

/**
 * The fields of one component, by JSON name, in JSON order.
 *
 * @category Components
 * @since 0.2.0
 */
export type Fields = Readonly<Record<string, Field>>

/**
 * The component type a schema describes: a `Float64Array` for each vector field, a `number` for
 * each scalar field.
 *
 * @category Components
 * @since 0.2.0
 */
export type Infer<F extends Fields> = { readonly [K in keyof F]: F[K] extends ScalarField ? number : Float64Array }

/**
 * Tolerance of the simplex domain: entries must sum to 1 within this times max(1, √V).
 *
 * @category Components
 * @since 0.2.0
 */
export const SIMPLEX_TOLERANCE = 1e-9

/**
 * A vector field: `domain` for its entries, `length` `'d'` (default: one entry per data column) or
 * a fixed length.
 *
 * @category Components
 * @since 0.2.0
 */
export const vector = (domain: Domain, length: Length = 'd'): VectorField => ({ kind: 'vector', domain, length })

/**
 * A scalar field.
 *
 * @category Components
 * @since 0.2.0
 */
export const scalar = (domain: Exclude<Domain, 'simplex'>): ScalarField => ({ kind: 'scalar', domain })

/**
 * The number of entries of a field in dimension d (1 for a scalar).
 *
 * @category Components
 * @since 0.2.0
 */
export const size = (field: Field, d: number): number => (field.kind === 'scalar' ? 1 : field.length === 'd' ? d : field.length)

/**
 * Free parameters of one component in dimension d: the entries of every field, less one per
 * simplex (its entries sum to 1).
 *
 * @category Components
 * @since 0.2.0
 */
export const freeParameters = (fields: Fields, d: number): number => {
  let p = 0
  for (const f of Object.values(fields)) p += size(f, d) - (f.kind === 'vector' && f.domain === 'simplex' ? 1 : 0)
  return p
}

/** Why `x` is outside `domain`, or `undefined`. */
const outside = (domain: Domain, x: number): string | undefined => {
  if (!Number.isFinite(x)) return 'finite'
  switch (domain) {
    case 'real':
      return undefined
    case 'positive':
      return x > 0 ? undefined : 'finite and > 0'
    case 'nonNegative':
    case 'simplex':
      return x >= 0 ? undefined : 'finite and ≥ 0'
    case 'probability':
      return x >= 0 && x <= 1 ? undefined : 'in [0, 1]'
  }
}

/** Where a check failed: the component's field path (below `components/j/`) and a readable line. */
interface Problem {
  readonly path: string
  readonly message: string
}

/** Checks one component's entries; `undefined` when admissible. */
const problem = <F extends Fields>(fields: F, value: Infer<F>, d: number, j: number): Problem | undefined => {
  for (const [name, field] of Object.entries(fields)) {
    const v = (value as Record<string, unknown>)[name]
    if (field.kind === 'scalar') {
      if (typeof v !== 'number') return { path: name, message: `component ${j}: ${name} is ${show(v)}, not a number` }
      const why = outside(field.domain, v)
      if (why !== undefined) return { path: name, message: `component ${j}: ${name} is ${show(v)}; it must be ${why}` }
      continue
    }
    if (!(v instanceof Float64Array)) return { path: name, message: `component ${j}: ${name} is ${show(v)}, not a Float64Array` }
    const length = size(field, d)
    if (v.length !== length) return { path: name, message: `component ${j} has ${v.length} entries in ${name}, expected ${length}` }
    let sum = 0
    for (let t = 0; t < length; t++) {
      const why = outside(field.domain, v[t]!)
      if (why !== undefined) return { path: `${name}/${t}`, message: `component ${j}: ${name}[${t}] is ${show(v[t])}; it must be ${why}` }
      sum += v[t]!
    }
    if (field.domain === 'simplex' && !(Math.abs(sum - 1) <= SIMPLEX_TOLERANCE * Math.max(1, Math.sqrt(length))))
      return { path: name, message: `component ${j}: the entries of ${name} sum to ${sum}, not 1` }
  }
  return undefined
}

/**
 * Checks components against the schema for dimension d: every field present, of its length, every
 * entry in its domain.
 *
 * @returns `Right(components)`, or `Left(InvalidParameters)` naming the component and field
 *   (`path` `components/j/field[/entry]`).
 * @category Components
 * @since 0.2.0
 */
export const validate = <F extends Fields>(
  fields: F,
  components: readonly Infer<F>[],
  d: number,
): E.Either<EmError, readonly Infer<F>[]> => {
  for (let j = 0; j < components.length; j++) {
    const p = problem(fields, components[j]!, d, j)
    if (p !== undefined) return E.left(invalidParameters(p.message, j, `components/${j}/${p.path}`))
  }
  return E.right(components)
}

/**
 * Decodes components from their JSON fields (untrusted: any value), for dimension d.
 *
 * @returns `Right(components)`, or `Left(InvalidModel)` naming the component and field.
 * @category JSON
 * @since 0.2.0
 */
export const decode = <F extends Fields>(fields: F, components: readonly unknown[], d: number): E.Either<EmError, Infer<F>[]> => {
  const out: Infer<F>[] = []
  for (let j = 0; j < components.length; j++) {
    const c: unknown = components[j]
    if (typeof c !== 'object' || c === null || Array.isArray(c)) {
      return E.left(
        invalidModel(`component ${j} is ${show(c)}; expected an object with ${Object.keys(fields).join(', ')}`, `components/${j}`),
      )
    }
    const value: Record<string, number | Float64Array> = {}
    for (const [name, field] of Object.entries(fields)) {
      const raw = (c as Record<string, unknown>)[name]
      const path = `components/${j}/${name}`
      if (field.kind === 'scalar') {
        if (typeof raw !== 'number') return E.left(invalidModel(`component ${j} needs a number "${name}", got ${show(raw)}`, path))
        value[name] = raw
        continue
      }
      if (!Array.isArray(raw)) return E.left(invalidModel(`component ${j} needs a "${name}" array, got ${show(raw)}`, path))
      const length = size(field, d)
      if (raw.length !== length)
        return E.left(invalidModel(`component ${j}: "${name}" has ${raw.length} entries, expected ${length}`, path))
      const v = new Float64Array(length)
      for (let t = 0; t < length; t++) {
        const x: unknown = raw[t]
        if (typeof x !== 'number') return E.left(invalidModel(`component ${j}: ${name}[${t}] is ${show(x)}, not a number`, `${path}/${t}`))
        v[t] = x
      }
      value[name] = v
    }
    const component = value as unknown as Infer<F>
    const p = problem(fields, component, d, j)
    if (p !== undefined) return E.left(invalidModel(p.message, `components/${j}/${p.path}`))
    out.push(component)
  }
  return E.right(out)
}

/**
 * Components as their JSON fields (plain arrays and numbers, in the schema's order).
 *
 * @category JSON
 * @since 0.2.0
 */
export const encode = <F extends Fields>(fields: F, components: readonly Infer<F>[]): Array<Record<string, unknown>> =>
  components.map((c) => {
    const out: Record<string, unknown> = {}
    for (const [name, field] of Object.entries(fields)) {
      const v = (c as Record<string, number | Float64Array>)[name]!
      out[name] = field.kind === 'scalar' ? v : Array.from(v as Float64Array)
    }
    return out
  })

/**
 * All of a component's entries as one flat vector, fields in schema order.
 *
 * @category Components
 * @since 0.2.0
 */
export const flatten = <F extends Fields>(fields: F, component: Infer<F>): Float64Array => {
  const parts: number[] = []
  for (const name of Object.keys(fields)) {
    const v = (component as Record<string, number | Float64Array>)[name]!
    if (typeof v === 'number') parts.push(v)
    else for (let t = 0; t < v.length; t++) parts.push(v[t]!)
  }
  return Float64Array.from(parts)
}

/** One entry to the unconstrained scale. */
const forward = (domain: Domain, x: number): number =>
  domain === 'real' ? x : domain === 'probability' ? Math.log(x) - Math.log1p(-x) : Math.log(x)

/** One entry back from the unconstrained scale (simplex entries are handled by their softmax). */
const backward = (domain: Domain, u: number): number =>
  domain === 'real' ? u : domain === 'probability' ? (u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u))) : Math.exp(u)

/**
 * The components as one unconstrained real vector (for SQUAREM, Varadhan & Roland 2008): real
 * entries as they are, positive and non-negative ones as logs, probabilities as logits, simplices
 * as log-probabilities (a softmax maps them back). Entries on a boundary (a rate or probability 0,
 * a probability 1) map to ±∞ and are held there by {@link fromUnconstrained}: EM never leaves
 * such a face.
 *
 * @category Components
 * @since 0.2.0
 */
export const toUnconstrained = <F extends Fields>(fields: F, components: readonly Infer<F>[]): Float64Array => {
  const out: number[] = []
  for (const c of components) {
    for (const [name, field] of Object.entries(fields)) {
      const v = (c as Record<string, number | Float64Array>)[name]!
      if (typeof v === 'number') out.push(forward(field.domain, v))
      else for (let t = 0; t < v.length; t++) out.push(forward(field.domain, v[t]!))
    }
  }
  return Float64Array.from(out)
}

/**
 * The inverse of {@link toUnconstrained}; `like` gives the shape and the entries held on a boundary.
 *
 * @returns `Right(components)`, or `Left(InvalidParameters)` when the vector gives no admissible
 *   components (a non-finite entry, an overflow).
 * @category Components
 * @since 0.2.0
 */
export const fromUnconstrained = <F extends Fields>(
  fields: F,
  vector: Float64Array,
  like: readonly Infer<F>[],
): E.Either<EmError, Infer<F>[]> => {
  let at = 0
  const out: Infer<F>[] = []
  for (let j = 0; j < like.length; j++) {
    const value: Record<string, number | Float64Array> = {}
    for (const [name, field] of Object.entries(fields)) {
      const was = (like[j] as Record<string, number | Float64Array>)[name]!
      if (typeof was === 'number') {
        value[name] = onBoundary(field.domain, was) ? was : backward(field.domain, vector[at]!)
        at += 1
        continue
      }
      const v = new Float64Array(was.length)
      if (field.domain === 'simplex') {
        let top = -Infinity
        for (let t = 0; t < v.length; t++) if (was[t]! > 0) top = Math.max(top, vector[at + t]!)
        let sum = 0
        for (let t = 0; t < v.length; t++) if (was[t]! > 0) sum += v[t] = Math.exp(vector[at + t]! - top)
        for (let t = 0; t < v.length; t++) v[t] = v[t]! / sum
      } else {
        for (let t = 0; t < v.length; t++) v[t] = onBoundary(field.domain, was[t]!) ? was[t]! : backward(field.domain, vector[at + t]!)
      }
      at += v.length
      value[name] = v
    }
    out.push(value as unknown as Infer<F>)
  }
  const d = like.length > 0 ? (dimensionOf(fields, like[0]!) ?? 0) : 0
  return validate(fields, out, d) as E.Either<EmError, Infer<F>[]>
}

/** Whether an entry sits on its domain's boundary, where the unconstrained scale is infinite. */
const onBoundary = (domain: Domain, x: number): boolean =>
  (domain === 'nonNegative' && x === 0) || (domain === 'probability' && (x === 0 || x === 1))

/**
 * The dimension d a component implies: the length of its first `'d'`-length vector field, or
 * `undefined` when no field has length d (e.g. one categorical column, whose dimension is 1).
 *
 * @category Components
 * @since 0.2.0
 */
export const dimensionOf = <F extends Fields>(fields: F, component: Infer<F>): number | undefined => {
  for (const [name, field] of Object.entries(fields)) {
    if (field.kind === 'vector' && field.length === 'd') return ((component as Record<string, unknown>)[name] as Float64Array).length
  }
  return undefined
}
