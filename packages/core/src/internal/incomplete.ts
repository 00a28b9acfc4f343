/**
 * Data with missing cells (`Dataset.missing`) on the mixture's paths: which family method a block
 * goes through (the family's `incomplete` capability when the block carries a mask), the refusal of
 * a family without it, the start drawn on mean-completed data, and the conditional-mean
 * completion of the rows (imputation, re-seeding).
 *
 * @internal
 */
import type { Dataset } from '../Dataset.js'
import type { EmError } from '../Errors.js'
import { invalidData } from '../Errors.js'
import type { ComponentFamily } from '../Family.js'

/** The first missing cell of `data` as [row, column], or undefined when none is. */
export const firstMissing = (data: Dataset): readonly [number, number] | undefined => {
  const m = data.missing
  if (m === undefined) return undefined
  const total = data.n * data.d
  for (let t = 0; t < total; t++) if (m[t] === 1) return [Math.floor(t / data.d), t % data.d]
  return undefined
}

/**
 * `InvalidData` naming the first missing cell when `data` carries one and `family` cannot fit such
 * data (no `incomplete` capability); undefined otherwise. `firstRow` makes a block's rows global.
 */
export const refuseMissing = <C, S>(family: ComponentFamily<C, S>, data: Dataset, firstRow = 0): EmError | undefined => {
  if (family.incomplete !== undefined) return undefined
  const at = firstMissing(data)
  if (at === undefined) return undefined
  const [r, c] = at
  return invalidData(
    `row ${firstRow + r}, column ${c}: the value is missing and the ${family.name} family cannot fit data with missing cells; drop the incomplete rows or use a family that marginalises them`,
    firstRow + r,
    c,
  )
}

/** Writes the k log-densities of `block` into `out`: the marginal of the observed cells when the block carries a mask. */
export const logDensityInto = <C, S>(family: ComponentFamily<C, S>, block: Dataset, components: readonly C[], out: Float64Array): void => {
  const incomplete = block.missing === undefined ? undefined : family.incomplete
  if (incomplete === undefined) family.logDensityInto(block, components, out)
  else incomplete.logDensityInto(block, components, out)
}

/** The statistics of `block` for component j: expected statistics given the observed cells when the block carries a mask. */
export const summarizeFor = <C, S>(
  family: ComponentFamily<C, S>,
  block: Dataset,
  weights: Float64Array,
  offset: number,
  component: C,
): S => {
  const incomplete = block.missing === undefined ? undefined : family.incomplete
  return incomplete === undefined ? family.summarize(block, weights, offset) : incomplete.summarize(block, weights, offset, component)
}

/** The family's log base measure of `data`: over the observed cells when it carries a mask. */
export const logBaseMeasureOf = <C, S>(family: ComponentFamily<C, S>, data: Dataset): Float64Array | undefined => {
  if (data.missing !== undefined && family.incomplete !== undefined) {
    const inc = family.incomplete
    return inc.logBaseMeasure === undefined ? undefined : inc.logBaseMeasure(data)
  }
  return family.logBaseMeasure === undefined ? undefined : family.logBaseMeasure(data)
}

/**
 * `data` with every missing cell replaced by the weighted mean of its column's observed cells and
 * no mask (`data` itself when it has none): what an initialisation method draws its start from.
 * The EM iterations then run on the data as given.
 */
export const meanCompleted = (data: Dataset): Dataset => {
  const mask = data.missing
  if (mask === undefined) return data
  const { n, d } = data
  const sums = new Float64Array(d)
  const weights = new Float64Array(d)
  const sw = data.sampleWeights
  for (let i = 0; i < n; i++) {
    const w = sw === undefined ? 1 : sw[i]!
    for (let c = 0; c < d; c++) {
      if (mask[i * d + c] === 1) continue
      sums[c] = sums[c]! + w * data.values[i * d + c]!
      weights[c] = weights[c]! + w
    }
  }
  const values = Float64Array.from(data.values)
  for (let c = 0; c < d; c++) {
    // A column observed only in rows of weight 0 (or nowhere) is completed by 0.
    const fill = weights[c]! > 0 ? sums[c]! / weights[c]! : 0
    for (let i = 0; i < n; i++) if (mask[i * d + c] === 1) values[i * d + c] = fill
  }
  const out: { n: number; d: number; values: Float64Array; sampleWeights?: Float64Array; columns?: readonly string[] } = { n, d, values }
  if (sw !== undefined) out.sampleWeights = sw
  if (data.columns !== undefined) out.columns = data.columns
  return out
}

/**
 * The conditional-mean completion of `data`'s rows: row i's missing cells become
 * Σⱼ γᵢⱼ E[xᵢ | xᵢ observed, θⱼ], its observed cells stay (a fresh n·d array). `resp` holds the
 * responsibilities (k × n, component-major) from the observed part.
 */
export const completeRows = <C, S>(
  family: ComponentFamily<C, S>,
  data: Dataset,
  components: readonly C[],
  resp: Float64Array,
): Float64Array => {
  const { n, d } = data
  const values = Float64Array.from(data.values)
  const mask = data.missing
  const incomplete = family.incomplete
  if (mask === undefined || incomplete === undefined) return values
  const k = components.length
  const row = new Float64Array(d)
  for (let i = 0; i < n; i++) {
    let any = false
    for (let c = 0; c < d; c++) if (mask[i * d + c] === 1) any = true
    if (!any) continue
    for (let c = 0; c < d; c++) if (mask[i * d + c] === 1) values[i * d + c] = 0
    for (let j = 0; j < k; j++) {
      const g = resp[j * n + i]!
      if (!(g > 0)) continue
      incomplete.conditionalMeanInto(components[j]!, data, i, row, 0)
      for (let c = 0; c < d; c++) if (mask[i * d + c] === 1) values[i * d + c] = values[i * d + c]! + g * row[c]!
    }
  }
  return values
}
