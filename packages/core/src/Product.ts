/**
 * Product families: mixed-type components over groups of columns. A component is one component of
 * each part, each reading its own columns; its log-density is the sum of the parts' (the parts are
 * independent given the component), and its statistics are the tuple of the parts' statistics — so
 * one mixture clusters, say, two Gaussian columns, a count column and a binary column together
 * (pomegranate's `IndependentComponents`, flexmix's `FLXMCmvcombi`).
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { monoid as M } from 'fp-ts'
import type { Dataset } from './Dataset.js'
import type { EmError } from './Errors.js'
import { EmException, invalidData, invalidModel, invalidOptions, invalidParameters } from './Errors.js'
import type { ComponentFamily, DataScale, Degenerate, IncompleteData, WorkerRecipe } from './Family.js'
import type { Rng } from './Rng.js'
import { guard, show } from './Validate.js'

/**
 * A family of any component and statistics types, as a part holds it (the parts of one product
 * differ in both, so the product sees them as opaque values).
 *
 * @category Families
 * @since 0.2.0
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the parts' component and statistics types differ and are opaque to the product
export type AnyFamily = ComponentFamily<any, any>

/**
 * One part of a product family: a family and the data columns it reads.
 *
 * @category Families
 * @since 0.2.0
 */
export interface Part {
  /** The part's family (any {@link ComponentFamily}, a product excepted). */
  readonly family: AnyFamily
  /** The 0-based data columns it reads, in the order of its coordinates. */
  readonly columns: readonly number[]
  /** Optional column names, written into the model JSON instead of the indices (same length as `columns`). */
  readonly names?: readonly string[]
}

/**
 * A product component: one component per part, in the order of the parts.
 *
 * @category Components
 * @since 0.2.0
 */
export interface Component {
  readonly parts: readonly unknown[]
}

/**
 * A product family: a {@link ComponentFamily} over {@link Component}s whose statistics are the
 * tuple of the parts' statistics, with the parts it was built from.
 *
 * @category Families
 * @since 0.2.0
 */
export interface ProductFamily extends ComponentFamily<Component, readonly unknown[]> {
  /** The parts, in order. */
  readonly parts: readonly Part[]
  /** The extra top-level model-JSON field: `parts: [{ family, columns, …variant }]`. */
  readonly header: { readonly parts: ReadonlyArray<Record<string, unknown>> }
}

/** The columns of `data` that `columns` names, as a dataset of their own (values and mask copied; weights shared). */
const columnsOf = (data: Dataset, columns: readonly number[]): Dataset => {
  const { n, d, values, missing } = data
  const m = columns.length
  const out = new Float64Array(n * m)
  const mask = missing === undefined ? undefined : new Uint8Array(n * m)
  let any = false
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < m; t++) {
      out[i * m + t] = values[i * d + columns[t]!]!
      if (mask !== undefined && missing![i * d + columns[t]!] === 1) {
        mask[i * m + t] = 1
        any = true
      }
    }
  }
  const sub: { n: number; d: number; values: Float64Array; sampleWeights?: Float64Array; missing?: Uint8Array } = { n, d: m, values: out }
  if (data.sampleWeights !== undefined) sub.sampleWeights = data.sampleWeights
  if (any) sub.missing = mask!
  return sub
}

/** An error of a part, its column numbers made the data's and its message prefixed by the part. */
const relabel = (part: Part, p: number, e: EmError): EmError => {
  const where = `part ${p} (${part.family.name}, columns ${part.columns.join(', ')})`
  if (e._tag === 'InvalidData') {
    const column = e.column === undefined ? undefined : part.columns[e.column]
    const message = e.message.replace(
      /^row (\d+), column (\d+):/,
      (_m, row: string, c: string) => `row ${row}, column ${part.columns[Number(c)]}:`,
    )
    return invalidData(`${message} [${where}]`, e.row, column)
  }
  return { ...e, message: `${where}: ${e.message}` }
}

/** Whether the parts' columns are 0 … D − 1, each once; else why not. */
const checkColumns = (parts: readonly Part[]): E.Either<EmError, number> => {
  if (parts.length === 0) return E.left(invalidOptions('parts', 'a product family needs at least one part'))
  const seen = new Set<number>()
  for (let p = 0; p < parts.length; p++) {
    // Read as unknown: a JavaScript caller may pass anything.
    const family: unknown = parts[p]!.family
    const columns: unknown = parts[p]!.columns
    const names: unknown = parts[p]!.names
    if (
      typeof family !== 'object' ||
      family === null ||
      typeof (family as Partial<ComponentFamily<unknown, unknown>>).logDensityInto !== 'function'
    )
      return E.left(invalidOptions(`parts/${p}/family`, `part ${p}: family is ${show(family)}, not a component family`))
    const name = show((family as { name?: unknown }).name)
    if ((family as Partial<ProductFamily>).header !== undefined)
      return E.left(invalidOptions(`parts/${p}/family`, `part ${p}: a product cannot nest another product; list its parts instead`))
    if (!Array.isArray(columns) || columns.length === 0)
      return E.left(invalidOptions(`parts/${p}/columns`, `part ${p} (${name}) reads no columns`))
    if (names !== undefined && (!Array.isArray(names) || names.length !== columns.length))
      return E.left(invalidOptions(`parts/${p}/names`, `part ${p}: names ${show(names)} do not name its ${columns.length} columns`))
    for (const c of columns as unknown[]) {
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 0)
        return E.left(invalidOptions(`parts/${p}/columns`, `part ${p}: column ${show(c)} is not a 0-based index`))
      if (seen.has(c))
        return E.left(invalidOptions(`parts/${p}/columns`, `column ${c} is read by two parts; each column belongs to one part`))
      seen.add(c)
    }
  }
  const D = seen.size
  for (let c = 0; c < D; c++)
    if (!seen.has(c))
      return E.left(invalidOptions('parts', `no part reads column ${c}; the parts must read columns 0 … ${D - 1}, each once`))
  return E.right(D)
}

/**
 * A product family, or `Left(InvalidOptions)` when the parts do not read the columns 0 … D − 1
 * each exactly once (or a part is not a family, or is itself a product).
 *
 * - log f(x | θ) = Σₚ log fₚ(x restricted to part p's columns | θₚ); base measures add;
 * - statistics: the tuple of the parts' (the monoid is the product monoid); the M-step estimates
 *   each part from its own statistics — the exact joint M-step, since Q separates over the parts;
 * - free parameters: the parts' sum; JSON: `"family": "product"`, top-level
 *   `"parts": [{ "family", "columns", …variant }]`, each component `{ "parts": [ … ] }`;
 * - SQUAREM when every part has an unconstrained form; missing cells when every part that meets
 *   one can handle it; worker threads when every part has a worker recipe (Node).
 *
 * @example
 * ```ts
 * const mixed = Product.family([
 *   { family: Gaussian.family({ covariance: 'full' }), columns: [0, 1] },
 *   { family: Exponential.family(), columns: [2] },
 * ])
 * ```
 * @category Families
 * @since 0.2.0
 */
export const fromParts = (given: readonly Part[]): E.Either<EmError, ProductFamily> => {
  // The parts are read once, into a snapshot: a throwing getter or a Proxy is the caller's error.
  const read = guard(
    () => {
      if (!Array.isArray(given)) return E.left(invalidOptions('parts', `parts is ${show(given)}, not an array of { family, columns }`))
      const snapshot: Part[] = []
      for (const [p, part] of (given as readonly unknown[]).entries()) {
        if (typeof part !== 'object' || part === null)
          return E.left(invalidOptions(`parts/${p}`, `part ${p} is ${show(part)}, not { family, columns }`))
        const { family, columns, names } = part as Part
        const copy = (xs: unknown): unknown => (Array.isArray(xs) ? [...(xs as unknown[])] : xs)
        snapshot.push({ family, columns: copy(columns) as number[], ...(names === undefined ? {} : { names: copy(names) as string[] }) })
      }
      return E.right(snapshot)
    },
    (m) => invalidOptions('parts', `the parts could not be read: ${m}`),
  )
  if (E.isLeft(read)) return read
  const parts = read.right
  const D = guard(
    () => checkColumns(parts),
    (m) => invalidOptions('parts', `the parts could not be read: ${m}`),
  )
  if (E.isLeft(D)) return D
  const P = parts.length
  // The parts' types are opaque here: each part's values only ever meet its own family.
  const fams = parts.map((p) => p.family as ComponentFamily<unknown, unknown>)
  const split = (data: Dataset): Dataset[] => parts.map((p) => columnsOf(data, p.columns))
  const every = <K extends keyof AnyFamily>(key: K): boolean => fams.every((f) => f[key] !== undefined)
  const header = {
    parts: parts.map((p) => ({
      family: p.family.name,
      ...p.family.variant,
      columns: p.names === undefined ? [...p.columns] : [...p.names],
    })),
  }
  const dimensionOf = (p: number): number => parts[p]!.columns.length
  const withPart = <T>(p: number, r: E.Either<EmError, T>): E.Either<EmError, T> =>
    E.isLeft(r) ? E.left(relabel(parts[p]!, p, r.left)) : r
  const logDensitySum = (
    data: Dataset,
    components: readonly Component[],
    out: Float64Array,
    into: (p: number, sub: Dataset, comps: unknown[], buffer: Float64Array) => void,
  ): void => {
    const k = components.length
    const subs = split(data)
    const buffer = new Float64Array(k * data.n)
    out.fill(0, 0, k * data.n)
    for (let p = 0; p < P; p++) {
      into(
        p,
        subs[p]!,
        components.map((c) => c.parts[p]),
        buffer,
      )
      for (let t = 0; t < k * data.n; t++) out[t] = out[t]! + buffer[t]!
    }
  }
  const baseSum = (data: Dataset, base: (p: number, sub: Dataset) => Float64Array | undefined): Float64Array => {
    const out = new Float64Array(data.n)
    const subs = split(data)
    for (let p = 0; p < P; p++) {
      const b = base(p, subs[p]!)
      if (b !== undefined) for (let i = 0; i < data.n; i++) out[i] = out[i]! + b[i]!
    }
    return out
  }
  const hasBase = fams.some((f) => f.logBaseMeasure !== undefined)
  const statistics = (): M.Monoid<readonly unknown[]> => {
    const monoids = fams.map((f, p) => f.statistics(dimensionOf(p)))
    return {
      empty: monoids.map((m) => m.empty),
      concat: (a, b) => monoids.map((m, p) => m.concat(a[p], b[p])),
    }
  }
  const family: ComponentFamily<Component, readonly unknown[]> = {
    name: 'product',
    variant: {},
    checkData: (data) => {
      if (data.d !== D.right) return E.left(invalidData(`the product family reads ${D.right} columns; the data have ${data.d}`))
      const subs = split(data)
      for (let p = 0; p < P; p++) {
        const r = withPart(p, fams[p]!.checkData(subs[p]!))
        if (E.isLeft(r)) return r
      }
      return E.right(data)
    },
    logDensityInto: (data, components, out) =>
      logDensitySum(data, components, out, (p, sub, comps, buffer) => fams[p]!.logDensityInto(sub, comps, buffer)),
    statistics,
    summarize: (data, weights, offset) => {
      const subs = split(data)
      return fams.map((f, p) => f.summarize(subs[p]!, weights, offset))
    },
    weight: (s) => fams[0]!.weight(s[0]),
    estimate: (stats) => {
      const out: Component[] = stats.map(() => ({ parts: [] as unknown[] }))
      for (let p = 0; p < P; p++) {
        const r = fams[p]!.estimate(stats.map((s) => s[p]))
        if (E.isLeft(r))
          return E.left<Degenerate>({ component: r.left.component, message: `in part ${p} (${fams[p]!.name}): ${r.left.message}` })
        r.right.forEach((c, j) => (out[j]!.parts as unknown[]).push(c))
      }
      return E.right(out)
    },
    freeParameters: (_d, k) => fams.reduce((s, f, p) => s + f.freeParameters(dimensionOf(p), k), 0),
    dimension: () => D.right,
    toJSON: (components) => components.map((c) => ({ parts: fams.map((f, p) => f.toJSON([c.parts[p]])[0]!) })),
    fromJSON: (components, d) => {
      if (d !== D.right) return E.left(invalidModel(`"dimension" is ${d}; the product's parts read ${D.right} columns`, 'dimension'))
      const byPart: unknown[][] = parts.map(() => [])
      for (let j = 0; j < components.length; j++) {
        const c: unknown = components[j]
        const list = typeof c === 'object' && c !== null ? (c as { parts?: unknown }).parts : undefined
        if (!Array.isArray(list) || list.length !== P)
          return E.left(
            invalidModel(`component ${j} needs "parts", an array of ${P} part components, got ${show(list)}`, `components/${j}/parts`),
          )
        list.forEach((x, p) => byPart[p]!.push(x))
      }
      const out: Component[] = components.map(() => ({ parts: [] as unknown[] }))
      for (let p = 0; p < P; p++) {
        const r = fams[p]!.fromJSON(byPart[p]!, dimensionOf(p))
        if (E.isLeft(r)) {
          const e = r.left
          const path =
            e._tag === 'InvalidModel' && e.path !== undefined ? e.path.replace(/^components\/(\d+)/, `components/$1/parts/${p}`) : undefined
          return E.left(invalidModel(`part ${p} (${fams[p]!.name}): ${e.message}`, path))
        }
        r.right.forEach((x, j) => (out[j]!.parts as unknown[]).push(x))
      }
      return E.right(out)
    },
    toVector: (c) => {
      const vectors = fams.map((f, p) => Array.from(f.toVector(c.parts[p])))
      return Float64Array.from(vectors.flat())
    },
    validate: (components, d) => {
      if (d !== D.right) return E.left(invalidParameters(`the product's parts read ${D.right} columns, not ${d}`))
      for (const [j, c] of (components as readonly unknown[]).entries()) {
        const list = typeof c === 'object' && c !== null ? (c as { parts?: unknown }).parts : undefined
        if (!Array.isArray(list) || list.length !== P)
          return E.left(invalidParameters(`component ${j} needs ${P} parts, got ${show(c)}`, j, `components/${j}/parts`))
      }
      for (let p = 0; p < P; p++) {
        const r = withPart(
          p,
          fams[p]!.validate(
            components.map((c) => c.parts[p]),
            dimensionOf(p),
          ),
        )
        if (E.isLeft(r)) return r
      }
      return E.right(components)
    },
  }
  const optional: Partial<ComponentFamily<Component, readonly unknown[]>> = {}
  if (hasBase) optional.logBaseMeasure = (data) => baseSum(data, (p, sub) => fams[p]!.logBaseMeasure?.(sub))
  if (every('scale')) optional.scale = (s, factor) => fams.map((f, p) => f.scale!(s[p], factor))
  if (fams.some((f) => f.logPrior !== undefined))
    optional.logPrior = (components) => fams.reduce((s, f, p) => s + (f.logPrior?.(components.map((c) => c.parts[p])) ?? 0), 0)
  if (every('sample')) {
    optional.sample = (c: Component, rng: Rng, out: Float64Array, offset: number) => {
      for (let p = 0; p < P; p++) {
        const cols = parts[p]!.columns
        const draw = new Float64Array(cols.length)
        fams[p]!.sample!(c.parts[p], rng, draw, 0)
        cols.forEach((col, t) => (out[offset + col] = draw[t]!))
      }
    }
  }
  if (every('toUnconstrained') && every('fromUnconstrained')) {
    optional.toUnconstrained = (components) => {
      const pieces = fams.map((f, p) => f.toUnconstrained!(components.map((c) => c.parts[p])))
      return Float64Array.from(pieces.flatMap((x) => Array.from(x)))
    }
    optional.fromUnconstrained = (vector, like) => {
      const out: Component[] = like.map(() => ({ parts: [] as unknown[] }))
      let at = 0
      for (let p = 0; p < P; p++) {
        const partLike = like.map((c) => c.parts[p])
        const length = fams[p]!.toUnconstrained!(partLike).length
        const r = fams[p]!.fromUnconstrained!(vector.subarray(at, at + length), partLike)
        if (E.isLeft(r)) return r
        at += length
        r.right.forEach((x, j) => (out[j]!.parts as unknown[]).push(x))
      }
      return E.right(out)
    }
  }
  const incomplete: IncompleteData<Component, readonly unknown[]> = {
    logDensityInto: (data, components, out) =>
      logDensitySum(data, components, out, (p, sub, comps, buffer) =>
        sub.missing === undefined ? fams[p]!.logDensityInto(sub, comps, buffer) : fams[p]!.incomplete!.logDensityInto(sub, comps, buffer),
      ),
    logBaseMeasure: (data) =>
      baseSum(data, (p, sub) =>
        sub.missing === undefined
          ? fams[p]!.logBaseMeasure?.(sub)
          : (fams[p]!.incomplete!.logBaseMeasure ?? fams[p]!.logBaseMeasure)?.(sub),
      ),
    summarize: (data, weights, offset, component) => {
      const subs = split(data)
      return fams.map((f, p) =>
        subs[p]!.missing === undefined
          ? f.summarize(subs[p]!, weights, offset)
          : f.incomplete!.summarize(subs[p]!, weights, offset, component.parts[p]),
      )
    },
    conditionalMeanInto: (component, data, i, out, offset) => {
      const subs = split(data)
      for (let p = 0; p < P; p++) {
        const cols = parts[p]!.columns
        const part = new Float64Array(cols.length)
        const sub = subs[p]!
        if (sub.missing === undefined) for (let t = 0; t < cols.length; t++) part[t] = sub.values[i * cols.length + t]!
        else fams[p]!.incomplete!.conditionalMeanInto(component.parts[p], sub, i, part, 0)
        cols.forEach((col, t) => (out[offset + col] = part[t]!))
      }
    },
  }
  const recipes = fams.map((f) => f.worker)
  const worker: WorkerRecipe | undefined = recipes.every((r) => r !== undefined)
    ? {
        module: import.meta.url,
        factory: 'fromRecipes',
        options: {
          parts: parts.map((p, i) => ({
            recipe: recipes[i]!,
            columns: [...p.columns],
            ...(p.names === undefined ? {} : { names: [...p.names] }),
          })),
        },
      }
    : undefined
  return E.right({
    ...family,
    ...optional,
    ...(fams.some((f) => f.incomplete !== undefined) ? { incomplete: withIncompleteCheck(incomplete, parts) } : {}),
    ...(worker === undefined ? {} : { worker }),
    ...(fams.some((f) => f.degenerate !== undefined)
      ? {
          degenerate: (c: Component, support: number, scale: DataScale) => {
            for (let p = 0; p < P; p++) {
              const f = fams[p]!
              if (f.degenerate === undefined) continue
              const cols = parts[p]!.columns
              const sub: DataScale = {
                n: scale.n,
                mean: Float64Array.from(cols, (col) => scale.mean[col]!),
                variance: Float64Array.from(cols, (col) => scale.variance[col]!),
              }
              const why = f.degenerate(c.parts[p], support, sub)
              if (why !== undefined) return `part ${p} (${f.name}): ${why}`
            }
            return undefined
          },
        }
      : {}),
    parts,
    header,
  })
}

/** The product's missing-data support, refusing (by throwing a typed exception) a missing cell in a part that cannot handle it. */
const withIncompleteCheck = (
  incomplete: IncompleteData<Component, readonly unknown[]>,
  parts: readonly Part[],
): IncompleteData<Component, readonly unknown[]> => {
  const guard = (data: Dataset): void => {
    const { n, d, missing } = data
    if (missing === undefined) return
    for (const [p, part] of parts.entries()) {
      if (part.family.incomplete !== undefined) continue
      for (let i = 0; i < n; i++)
        for (const c of part.columns)
          if (missing[i * d + c] === 1)
            throw new EmException(
              invalidData(`row ${i}, column ${c}: the cell is missing, and part ${p} (${part.family.name}) cannot fit missing cells`, i, c),
            )
    }
  }
  return {
    ...incomplete,
    logDensityInto: (data, components, out) => {
      guard(data)
      incomplete.logDensityInto(data, components, out)
    },
  }
}

/**
 * Throwing twin of {@link fromParts}.
 *
 * @throws {@link EmException} (`InvalidOptions`) with the error {@link fromParts} returns.
 * @category Families
 * @since 0.2.0
 */
export const family = (parts: readonly Part[]): ProductFamily => {
  const r = fromParts(parts)
  if (E.isLeft(r)) throw new EmException(r.left)
  return r.right
}

/**
 * Rebuilds a product family from its parts' worker recipes (what a worker thread runs: each part's
 * module is imported and its factory called).
 *
 * @category Engines
 * @since 0.2.0
 */
export const fromRecipes = async (options: {
  readonly parts: ReadonlyArray<{ readonly recipe: WorkerRecipe; readonly columns: readonly number[]; readonly names?: readonly string[] }>
}): Promise<ProductFamily> => {
  const parts: Part[] = []
  for (const p of options.parts) {
    const mod = (await import(p.recipe.module)) as Record<string, unknown>
    const factory = mod[p.recipe.factory]
    if (typeof factory !== 'function') throw new Error(`${p.recipe.module} has no export ${p.recipe.factory}`)
    const fam = (factory as (o: unknown) => AnyFamily)(p.recipe.options)
    parts.push(p.names === undefined ? { family: fam, columns: p.columns } : { family: fam, columns: p.columns, names: p.names })
  }
  return family(parts)
}
