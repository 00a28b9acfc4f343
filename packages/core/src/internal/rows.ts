/**
 * Per-row helpers of the mixture that are not on the hot path: row log-densities and the choice of
 * the worst-explained rows for re-seeding a collapsed component.
 *
 * @internal
 */
import type { Dataset } from '../Dataset.js'
import type { EmError } from '../Errors.js'
import { invalidData } from '../Errors.js'
import { slice } from '../Dataset.js'
import type { ComponentFamily } from '../Family.js'
import { BLOCK, normalizeBlock, ROWS } from './fused.js'
import { logBaseMeasureOf, logDensityInto, meanCompleted } from './incomplete.js'

/**
 * log p(xᵢ | θ) for rows [0, data.n) of `data` into `out[offset + i]` (base measure included),
 * computed in blocks of {@link BLOCK} rows by the fused pass's own normalisation, so that the
 * scores agree to the bit with the log-densities a fit sees.
 */
export const rowLogDensityInto = <C, S>(
  family: ComponentFamily<C, S>,
  data: Dataset,
  components: readonly C[],
  logWeights: Float64Array,
  base: Float64Array | undefined,
  out: Float64Array,
  offset: number,
): void => {
  const k = components.length
  const local = new Float64Array(k * Math.min(BLOCK, data.n))
  const rowMax = new Float64Array(ROWS)
  const rowSum = new Float64Array(ROWS)
  const sums = new Float64Array(5)
  for (let s = 0; s < data.n; s += BLOCK) {
    const e = Math.min(data.n, s + BLOCK)
    const block = s === 0 && e === data.n ? data : slice(data, s, e)
    logDensityInto(family, block, components, local)
    normalizeBlock(
      local,
      k,
      e - s,
      logWeights,
      block.sampleWeights,
      base?.subarray(s, e),
      rowMax,
      rowSum,
      sums,
      out.subarray(offset + s, offset + e),
    )
  }
}

/**
 * The `m` rows with the lowest `score` (ties to the lower index) as 0/1 selection weights times the
 * sample weights: the rows a collapsed component is re-seeded from.
 */
export const worstRowWeights = (score: Float64Array, sampleWeights: Float64Array | undefined, m: number): Float64Array => {
  const n = score.length
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]! || a - b)
  const w = new Float64Array(n)
  for (let t = 0; t < m; t++) w[order[t]!] = sampleWeights === undefined ? 1 : sampleWeights[order[t]!]!
  return w
}

/**
 * Statistics of the `m` rows with the lowest `score` (at most all of them), each with its sample
 * weight: what a collapsed component is re-seeded from, whichever engine or model asks. Missing
 * cells are completed by their column's observed mean (a re-seeded component has no parameters to
 * condition on yet).
 */
export const worstRowsStatistics = <C, S>(family: ComponentFamily<C, S>, data: Dataset, score: Float64Array, m: number): S =>
  family.summarize(meanCompleted(data), worstRowWeights(score, data.sampleWeights, Math.min(m, data.n)), 0)

/**
 * A bounded max-heap of (score, row) keeping the `capacity` smallest pairs seen, ordered by score
 * then row: the streaming twin of {@link worstRowWeights} (memory O(capacity), not O(n)).
 */
export class WorstRows {
  private readonly scores: Float64Array
  private readonly rows: Float64Array
  private size = 0

  constructor(readonly capacity: number) {
    this.scores = new Float64Array(capacity)
    this.rows = new Float64Array(capacity)
  }

  /** a > b in (score, row) order. */
  private greater(sa: number, ra: number, sb: number, rb: number): boolean {
    return sa > sb || (sa === sb && ra > rb)
  }

  offer(score: number, row: number): void {
    const s = this.scores
    const r = this.rows
    if (this.size < this.capacity) {
      let i = this.size++
      while (i > 0) {
        const p = (i - 1) >> 1
        if (!this.greater(score, row, s[p]!, r[p]!)) break
        s[i] = s[p]!
        r[i] = r[p]!
        i = p
      }
      s[i] = score
      r[i] = row
      return
    }
    if (this.capacity === 0 || !this.greater(s[0]!, r[0]!, score, row)) return
    // Replace the largest (the root) and sift down.
    let i = 0
    for (;;) {
      const a = 2 * i + 1
      if (a >= this.size) break
      const b = a + 1
      const c = b < this.size && this.greater(s[b]!, r[b]!, s[a]!, r[a]!) ? b : a
      if (!this.greater(s[c]!, r[c]!, score, row)) break
      s[i] = s[c]!
      r[i] = r[c]!
      i = c
    }
    s[i] = score
    r[i] = row
  }

  /** The kept rows, ascending. */
  sortedRows(): Float64Array {
    return this.rows.slice(0, this.size).sort()
  }
}

/** Row numbers in a family's support error are local to the block: make them global. */
export const globalRows = (error: EmError, firstRow: number): EmError => {
  if (error._tag !== 'InvalidData') return error
  const message = error.message.replace(/\brow (\d+)/g, (_, r: string) => `row ${firstRow + Number(r)}`)
  return invalidData(message, error.row === undefined ? firstRow : firstRow + error.row, error.column)
}

const baseCache = new WeakMap<object, WeakMap<Dataset, Float64Array>>()

/** The family's log base measure of `data` (over the observed cells when it carries a mask), computed once per (family, dataset). */
export const baseMeasure = <C, S>(family: ComponentFamily<C, S>, data: Dataset): Float64Array | undefined => {
  const incomplete = data.missing === undefined ? undefined : family.incomplete
  const absent = incomplete === undefined ? family.logBaseMeasure === undefined : incomplete.logBaseMeasure === undefined
  if (absent) return undefined
  let byData = baseCache.get(family)
  if (byData === undefined) {
    byData = new WeakMap()
    baseCache.set(family, byData)
  }
  let b = byData.get(data)
  if (b === undefined) {
    b = logBaseMeasureOf(family, data)!
    byData.set(data, b)
  }
  return b
}
