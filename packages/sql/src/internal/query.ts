/**
 * The SQL text of a source's queries: the one-time description of the data, the θ-free base
 * measure, the fused pass (one aggregate, no GROUP BY), the worst-explained rows and the
 * initialisation sample. User input reaches the text only through the dialect's quoting; every
 * other name is one of the fixed aliases below (`x0`, `w`, `u0_1`, `l2`, `m`, `lse`, `g0`).
 *
 * @internal
 */
import type { SqlCapability } from '@emkit/core'
import type { Dialect } from '../Dialect.js'

/** The relation and columns of a source, already quoted. */
export interface Relation {
  readonly dialect: Dialect
  /** The relation as SQL: a quoted table name or a parenthesised query with an alias. */
  readonly from: string
  /** The data columns, quoted. */
  readonly columns: readonly string[]
  /** The weight column, quoted, if any. */
  readonly weight?: string
}

const x = (c: number): string => `"x${c}"`
const u = (j: number, c: number): string => `"u${j}_${c}"`
const l = (j: number): string => `"l${j}"`
const g = (j: number): string => `"g${j}"`

/** `SELECT <list> FROM <from>` as one fenced CTE. */
const cte = (d: Dialect, name: string, list: readonly string[], from: string): string =>
  `"${name}" AS (SELECT ${list.join(', ')} FROM ${from}${d.fence})`

/** The base layer: every column cast to double as x0 …, and the weight as w (1 when none). */
const baseLayer = (r: Relation): string => {
  const d = r.dialect
  const list = r.columns.map((c, i) => `CAST(${c} AS ${d.double}) AS ${x(i)}`)
  list.push(r.weight === undefined ? `${d.number(1)} AS "w"` : `CAST(${r.weight} AS ${d.double}) AS "w"`)
  return cte(d, 'b', list, r.from)
}

const count = (d: Dialect, condition: string): string => `sum(CASE WHEN ${condition} THEN ${d.number(1)} ELSE ${d.number(0)} END)`

/**
 * The one-time description: rows, total weight, rows of positive weight, bad weights, and per
 * column the NULLs, the non-finite values and the values outside the family's support.
 */
export const describe = <C, S>(r: Relation, capability: SqlCapability<C, S>): string => {
  const d = r.dialect
  const xs = r.columns.map((_, i) => x(i))
  const finite = (e: string): string => `(${e} - ${e}) = ${d.number(0)}`
  const list = [
    `CAST(count(*) AS ${d.double}) AS "rows"`,
    `sum("w") AS "weight"`,
    `${count(d, `"w" > ${d.number(0)}`)} AS "positive"`,
    `${count(d, `NOT (${finite('"w"')} AND "w" >= ${d.number(0)})`)} AS "badweights"`,
    `${count(d, `"w" IS NULL`)} AS "nullweights"`,
    `${d.array(xs.map((c) => count(d, `${c} IS NULL`)))} AS "nulls"`,
    `${d.array(xs.map((c) => count(d, `NOT ${finite(c)}`)))} AS "nonfinite"`,
  ]
  if (capability.support !== undefined) {
    const support = capability.support
    list.push(`${d.array(xs.map((c) => count(d, `${finite(c)} AND NOT ${support.test(c, d)}`)))} AS "outside"`)
  }
  return `WITH ${baseLayer(r)} SELECT ${list.join(', ')} FROM "b"`
}

/** Σ wᵢ log h(xᵢ), the θ-free part of the log-likelihood (the data are known to be valid). */
export const baseMeasure = <C, S>(r: Relation, capability: SqlCapability<C, S>): string | undefined => {
  if (capability.logBaseMeasure === undefined) return undefined
  const xs = r.columns.map((_, i) => x(i))
  return `WITH ${baseLayer(r)} SELECT sum("w" * ${capability.logBaseMeasure(xs, r.dialect)}) AS "base" FROM "b"`
}

/**
 * The layers every θ-dependent query shares: b (columns), s (shifted columns per component), l
 * (log πⱼ + log f(x | θⱼ)), m (their maximum), r (log-sum-exp), as CTEs; returns the WITH clause
 * and each component's column names (shifted or not).
 */
const layers = <C, S>(
  r: Relation,
  capability: SqlCapability<C, S>,
  logWeights: Float64Array,
  components: readonly C[],
): { readonly with: string; readonly columns: readonly (readonly string[])[] } => {
  const d = r.dialect
  const k = components.length
  const dim = r.columns.length
  const xs = r.columns.map((_, i) => x(i))
  const shifted: string[] = []
  const shiftedNames: string[] = []
  const columns: string[][] = []
  for (let j = 0; j < k; j++) {
    const shift = capability.shift?.(components[j]!)
    if (shift === undefined) {
      columns.push(xs)
      continue
    }
    const cols: string[] = []
    for (let c = 0; c < dim; c++) {
      shifted.push(`${x(c)} - ${d.number(shift[c]!)} AS ${u(j, c)}`)
      shiftedNames.push(u(j, c))
      cols.push(u(j, c))
    }
    columns.push(cols)
  }
  const carried = ['"w"', ...xs, ...shiftedNames]
  const logs = components.map((c, j) => `${d.number(logWeights[j]!)} + ${capability.logDensity(c, columns[j]!, d)} AS ${l(j)}`)
  const ls = components.map((_, j) => l(j))
  const sumExp = ls.map((e) => d.exp(`${e} - "m"`)).join(' + ')
  const parts = [
    baseLayer(r),
    cte(d, 's', ['"w"', ...xs, ...shifted], '"b"'),
    cte(d, 'l', [...carried, ...logs], '"s"'),
    cte(d, 'm', ['*', `${d.greatest(ls)} AS "m"`], '"l"'),
    cte(d, 'r', ['*', `"m" + ${d.ln(sumExp)} AS "lse"`], '"m"'),
  ]
  return { with: `WITH ${parts.join(', ')}`, columns }
}

/** What the pass query returns, by column: ll, hard, impossible, s (k blocks of 1 + T sums). */
export const pass = <C, S>(r: Relation, capability: SqlCapability<C, S>, logWeights: Float64Array, components: readonly C[]): string => {
  const d = r.dialect
  const { with: w, columns } = layers(r, capability, logWeights, components)
  const gammas = components.map((_, j) => `"w" * ${d.responsibility(`${l(j)} - "lse"`)} AS ${g(j)}`)
  const sums: string[] = []
  for (let j = 0; j < components.length; j++) {
    sums.push(`sum(${g(j)})`)
    for (const f of capability.features(components[j]!, columns[j]!, d)) sums.push(`sum(${g(j)} * (${f}))`)
  }
  const list = [
    `sum("w" * "lse") AS "ll"`,
    `sum("w" * ("m" - "lse")) AS "hard"`,
    `${count(d, `"m" < ${d.number(-Number.MAX_VALUE)}`)} AS "impossible"`,
    `${d.array(sums)} AS "s"`,
  ]
  return `${w}, ${cte(d, 'g', ['*', ...gammas], '"r"')} SELECT ${list.join(', ')} FROM "g"`
}

/**
 * Statistics of the m rows worst explained by θ (lowest log p(x | θ), ties as the engine orders
 * them), weighted by their sample weights, with component 0's shift: returns column s (1 + T sums).
 */
export const worstRows = <C, S>(
  r: Relation,
  capability: SqlCapability<C, S>,
  logWeights: Float64Array,
  components: readonly C[],
  m: number,
): string => {
  const d = r.dialect
  const { with: w, columns } = layers(r, capability, logWeights, components)
  const xs = r.columns.map((_, i) => x(i))
  const base = capability.logBaseMeasure === undefined ? '' : ` + ${capability.logBaseMeasure(xs, d)}`
  const sums = [`sum("w")`, ...capability.features(components[0]!, columns[0]!, d).map((f) => `sum("w" * (${f}))`)]
  return `${w} SELECT ${d.array(sums)} AS "s" FROM (SELECT * FROM "r" ORDER BY "lse"${base} LIMIT ${Math.max(0, Math.floor(m))}) AS "worst"`
}

/**
 * About `size` of the `rows` rows (all of them when `rows` ≤ `size`), chosen by a pseudo-random key
 * in [0, 2³²) determined by the row's values and `seed` — a filter, key < 2³²·size/rows, so the
 * database never sorts the whole relation — and returned ordered by the key (ties by the values):
 * one array column per data column, "x0" … and "w" (flat arrays: a list of row arrays costs several
 * times the memory on both sides).
 */
export const sample = (r: Relation, size: number, seed: number, rows: number): string => {
  const d = r.dialect
  const xs = r.columns.map((_, i) => x(i))
  const order = ['"key"', ...xs].join(', ')
  const lists = [...xs, '"w"'].map((c) => `${d.collect(c, order)} AS ${c}`)
  const keep = size >= rows ? '' : ` WHERE "key" < ${d.number(Math.floor((2 ** 32 * size) / rows))}`
  return (
    `WITH ${baseLayer(r)} SELECT ${lists.join(', ')} ` +
    `FROM (SELECT * FROM (SELECT *, ${d.sampleKey(xs, seed)} AS "key" FROM "b"${d.fence}) AS "keyed"${keep}) AS "picked"`
  )
}

/** Per row, in the relation's order: the most likely component "label" (0-based), then "p0" … "p{k−1}". */
export const predict = <C, S>(r: Relation, capability: SqlCapability<C, S>, logWeights: Float64Array, components: readonly C[]): string => {
  const d = r.dialect
  const { with: w } = layers(r, capability, logWeights, components)
  const ls = components.map((_, j) => l(j))
  // The first component whose log-density reaches the maximum, as Mixture.predict breaks ties.
  const label = `CASE ${ls.map((e, j) => `WHEN ${e} = "m" THEN ${j}`).join(' ')} ELSE 0 END`
  const probabilities = ls.map((e, j) => `${d.exp(`${e} - "lse"`)} AS "p${j}"`)
  return `${w} SELECT ${label} AS "label", ${probabilities.join(', ')} FROM "r"`
}

/** Per row, in the relation's order: log p(x | θ) as "score" (the base measure included). */
export const score = <C, S>(r: Relation, capability: SqlCapability<C, S>, logWeights: Float64Array, components: readonly C[]): string => {
  const { with: w } = layers(r, capability, logWeights, components)
  const xs = r.columns.map((_, i) => x(i))
  const base = capability.logBaseMeasure === undefined ? '' : ` + ${capability.logBaseMeasure(xs, r.dialect)}`
  return `${w} SELECT "lse"${base} AS "score" FROM "r"`
}
