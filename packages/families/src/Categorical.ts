/**
 * The categorical component family: one column of 0-based integer levels 0 … V − 1,
 * f(x = v | p) = p_v.
 *
 * @module
 */
import { either as E } from 'fp-ts'
import { Errors, Family, Schema, Validate } from '@emkit/core'
import type { EmError } from '@emkit/core'

/**
 * One component's parameters for V levels: probabilities on the simplex (JSON `{ "probabilities": [p₀ … p_{V−1}] }`).
 *
 * @category Components
 * @since 0.2.0
 */
export const parametersFor = (levels: number) => ({ probabilities: Schema.vector('simplex', levels) })

/**
 * Options of {@link family}.
 *
 * @category Families
 * @since 0.2.0
 */
export interface Options {
  /** V, the number of levels (an integer ≥ 2); the column holds integers 0 … V − 1. */
  readonly levels: number
}

/**
 * The categorical family, or `Left(InvalidOptions)` when `levels` is not an integer in [2, 2²⁰].
 *
 * @category Families
 * @since 0.2.0
 */
export const fromOptions = (options: Options): E.Either<EmError, Family.DefinedFamily<ReturnType<typeof parametersFor>>> => {
  const given = Validate.record('options', options)
  if (E.isLeft(given)) return given
  const levels = Validate.integer('levels', given.right.levels, { min: 2, max: 2 ** 20 })
  if (E.isLeft(levels)) return levels
  const V = levels.right
  return E.right(
    Family.define({
      name: 'categorical',
      parameters: parametersFor(V),
      support: Family.supports.levels(V),
      columns: 1,
      coordinates: 'joint',
      features: { count: () => V, into: (values, at, _d, out, o) => void (out.fill(0, o, o + V), (out[o + values[at]!] = 1)) },
      natural: (c, out) => c.probabilities.forEach((p, v) => void (out[v] = Math.log(p))),
      logPartition: () => 0,
      estimate: (sum, weight) => ({ probabilities: sum.map((s) => s / weight) }),
      sample: (c, rng, out, o) => {
        let u = rng.uniform()
        let v = 0
        while (v < V - 1 && (u >= c.probabilities[v]! || c.probabilities[v] === 0)) u -= c.probabilities[v++]!
        while (c.probabilities[v] === 0 && v > 0) v-- // rounding left u past the last positive probability
        out[o] = v
      },
      sql: {
        features: (x, q) =>
          Array.from({ length: V }, (_, v) => `(CASE WHEN ${x[0]} = ${q.number(v)} THEN ${q.number(1)} ELSE ${q.number(0)} END)`),
        support: (x, q) => `(${x} >= ${q.number(0)} AND ${x} < ${q.number(V)} AND ${x} = floor(${x}))`,
      },
      worker: { module: import.meta.url, factory: 'family', options: { levels: V } },
    }),
  )
}

/**
 * The categorical family for `Mixture` (name `"categorical"`): one column of levels 0 … V − 1.
 *
 * - log f(v | p) = log p_v (features: the one-hot indicator of the level);
 * - M-step p_v = S_v / W (the weighted share of level v);
 * - free parameters k·(V − 1) (+ k − 1 weights).
 *
 * One categorical column alone does not identify a mixture (every mixture of categoricals is
 * again a categorical); it is meant as a part of a product family over several columns
 * (`Product.family`), latent class analysis with polytomous items.
 *
 * Throws an {@link @emkit/core!EmException | EmException} (`InvalidOptions`) for bad options; use
 * {@link fromOptions} for an `Either`.
 *
 * @example
 * ```ts
 * const family = Categorical.family({ levels: 3 })
 * ```
 * @category Families
 * @since 0.2.0
 */
export const family = (options: Options): Family.DefinedFamily<ReturnType<typeof parametersFor>> => {
  const r = fromOptions(options)
  if (E.isLeft(r)) throw new Errors.EmException(r.left)
  return r.right
}

/**
 * One categorical component, as the family's JSON shape.
 *
 * @category Components
 * @since 0.2.0
 */
export type Component = Schema.Infer<ReturnType<typeof parametersFor>>
