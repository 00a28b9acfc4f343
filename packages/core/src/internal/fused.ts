/**
 * The fused mixture pass: for each block of rows, the k log-densities, their log-sum-exp (the
 * row's log-likelihood), the responsibilities in block-sized scratch and the block's sufficient
 * statistics folded into per-component accumulators, all in one visit of the rows. Every engine
 * (memory, threads, stream) runs this kernel over its rows; their results merge with
 * {@link mergePass}. Memory per kernel: O(k · block) for the scratch, never O(k · n).
 *
 * The normalisation ({@link normalizeBlock}: sub-blocks of 256 rows with contiguous inner loops and
 * the table-driven exp) is the one the responsibilities E-step runs too, so a fused pass and a
 * responsibilities pass agree to the last bit on every row.
 *
 * @internal
 */
import type { monoid as M } from 'fp-ts'
import type { Dataset } from '../Dataset.js'
import { slice } from '../Dataset.js'
import type { BlockKernel, ComponentFamily } from '../Family.js'
import { expNonPositive } from './exp.js'
import { logDensityInto, summarizeFor } from './incomplete.js'

/**
 * What one pass over some rows gives: the log-likelihood, the statistics, and the small extras
 * that criteria and diagnostics need (all additive over disjoint sets of rows).
 */
export interface PassTotals<S> {
  /** Σᵢ wᵢ log p(xᵢ | θ) over the rows (base measure included; −∞ when some row is impossible). */
  logLikelihood: number
  /** Per-component statistics of the rows weighted by wᵢ γᵢⱼ (length k). */
  statistics: S[]
  /** Σᵢ wᵢ log maxⱼ γᵢⱼ (the hard-assignment term of ICL). */
  hardLogResponsibility: number
  /** Σᵢ wᵢ. */
  weight: number
  /** Rows read. */
  rows: number
  /** Rows with positive weight (the observations that count). */
  positiveRows: number
  /** The first row (global index) with zero density under every component, or −1. */
  impossibleRow: number
}

/** Empty totals for k components. */
export const emptyTotals = <S>(monoid: M.Monoid<S>, k: number): PassTotals<S> => ({
  logLikelihood: 0,
  statistics: Array.from({ length: k }, () => monoid.empty),
  hardLogResponsibility: 0,
  weight: 0,
  rows: 0,
  positiveRows: 0,
  impossibleRow: -1,
})

/** Merges `b` into `a` (rows of `b` come after those of `a`); returns `a`. */
export const mergePass = <S>(monoid: M.Monoid<S>, a: PassTotals<S>, b: PassTotals<S>): PassTotals<S> => {
  a.logLikelihood += b.logLikelihood
  for (let j = 0; j < a.statistics.length; j++) a.statistics[j] = monoid.concat(a.statistics[j]!, b.statistics[j]!)
  a.hardLogResponsibility += b.hardLogResponsibility
  a.weight += b.weight
  a.rows += b.rows
  a.positiveRows += b.positiveRows
  if (a.impossibleRow < 0) a.impossibleRow = b.impossibleRow
  return a
}

/** Rows per block of the fused pass: k·BLOCK doubles of scratch (k = 6: 192 KB). */
export const BLOCK = 4096

/** Rows per sub-block of the normalisation (contiguous inner loops over one component's run). */
export const ROWS = 256

/**
 * The fused kernel with its scratch, for one family and one k. Not re-entrant: one per thread.
 */
export class FusedKernel<C, S> {
  private local: Float64Array
  private weighted: Float64Array
  private readonly rowMax = new Float64Array(ROWS)
  private readonly rowSum = new Float64Array(ROWS)
  private readonly sums = new Float64Array(5)
  readonly monoid: M.Monoid<S>
  /** The family's own block kernel ({@link ComponentFamily.blockKernel}), when it has one. */
  private readonly accelerated: BlockKernel<C, S> | undefined

  constructor(
    private readonly family: ComponentFamily<C, S>,
    readonly d: number,
    private readonly blockRows: number = BLOCK,
  ) {
    this.monoid = family.statistics(d)
    this.accelerated = family.blockKernel?.(d)
    this.local = new Float64Array(0)
    this.weighted = new Float64Array(0)
  }

  /**
   * Folds rows [0, data.n) of `data` into `acc`: `base` (when the family has a base measure) holds
   * log h(xᵢ) for those rows, `firstRow` is the global index of row 0 (for `impossibleRow`);
   * `labels` (when some rows' components are known) holds each row's component, or −1 when
   * unknown (see {@link applyLabels}).
   */
  run(
    data: Dataset,
    components: readonly C[],
    logWeights: Float64Array,
    base: Float64Array | undefined,
    acc: PassTotals<S>,
    firstRow: number,
    labels?: Float64Array,
  ): void {
    const k = components.length
    const b = Math.min(this.blockRows, data.n)
    if (this.accelerated === undefined && this.local.length < k * b) this.local = new Float64Array(k * b)
    if (data.sampleWeights !== undefined && this.weighted.length < b) this.weighted = new Float64Array(b)
    for (let s = 0; s < data.n; s += b) {
      const e = Math.min(data.n, s + b)
      const block = s === 0 && e === data.n ? data : slice(data, s, e)
      this.block(
        block,
        components,
        logWeights,
        base === undefined ? undefined : base.subarray(s, e),
        acc,
        firstRow + s,
        labels === undefined ? undefined : labels.subarray(s, e),
      )
    }
  }

  private block(
    block: Dataset,
    components: readonly C[],
    logWeights: Float64Array,
    base: Float64Array | undefined,
    acc: PassTotals<S>,
    firstRow: number,
    labels: Float64Array | undefined,
  ): void {
    const k = components.length
    const m = block.n
    const sums = this.sums
    const accelerated = this.accelerated
    // The family's accelerated block kernel folds complete, unlabelled blocks only: a mask of
    // missing cells or known labels take the path below.
    if (
      block.missing === undefined &&
      labels === undefined &&
      accelerated?.fold(block, components, logWeights, base, sums, acc.statistics) === true
    ) {
      addSums(acc, sums, m, firstRow)
      return
    }
    if (this.local.length < k * m) this.local = new Float64Array(k * m)
    const local = this.local
    // A block that carries a mask of missing cells goes through the family's `incomplete`: the
    // marginal density of the observed cells, and expected statistics given them under θⱼ.
    logDensityInto(this.family, block, components, local)
    if (labels !== undefined) applyLabels(local, k, m, labels)
    const sw = block.sampleWeights
    normalizeBlock(local, k, m, logWeights, sw, base, this.rowMax, this.rowSum, sums)
    addSums(acc, sums, m, firstRow)
    const stats = acc.statistics
    const monoid = this.monoid
    if (sw === undefined) {
      for (let j = 0; j < k; j++) stats[j] = monoid.concat(stats[j]!, summarizeFor(this.family, block, local, j * m, components[j]!))
    } else {
      const wv = this.weighted
      for (let j = 0; j < k; j++) {
        const o = j * m
        for (let i = 0; i < m; i++) wv[i] = local[o + i]! * sw[i]!
        stats[j] = monoid.concat(stats[j]!, summarizeFor(this.family, block, wv, 0, components[j]!))
      }
    }
  }
}

/** Adds a block's sums (as {@link normalizeBlock} writes them) to `acc`. */
function addSums<S>(acc: PassTotals<S>, sums: Float64Array, m: number, firstRow: number): void {
  if (sums[IMPOSSIBLE]! >= 0 && acc.impossibleRow < 0) acc.impossibleRow = firstRow + sums[IMPOSSIBLE]!
  acc.logLikelihood += sums[LL]!
  acc.hardLogResponsibility += sums[HARD]!
  acc.weight += sums[WEIGHT]!
  acc.rows += m
  acc.positiveRows += sums[POSITIVE]!
}

/**
 * Partly known labels (semi-supervised EM): for every row i whose component zᵢ is known
 * (`labels[i]` ≥ 0), the log-densities of the other components are set to −∞ (k × m,
 * component-major), so that the normalisation gives it the responsibilities of its label (1 for zᵢ,
 * 0 elsewhere) and the log-likelihood term log πzᵢ f(xᵢ | θzᵢ): the objective EM then increases is
 * Σ_unlabelled wᵢ log Σⱼ πⱼ f(xᵢ | θⱼ) + Σ_labelled wᵢ log πzᵢ f(xᵢ | θzᵢ), the log-likelihood of
 * the observed data and the known labels (McLachlan & Peel 2000, §2.19).
 */
export function applyLabels(local: Float64Array, k: number, m: number, labels: Float64Array): void {
  for (let i = 0; i < m; i++) {
    const z = labels[i]!
    if (!(z >= 0)) continue
    for (let j = 0; j < k; j++) if (j !== z) local[j * m + i] = -Infinity
  }
}

/** Slots of the sums {@link normalizeBlock} writes. */
const LL = 0
const HARD = 1
const WEIGHT = 2
const POSITIVE = 3
const IMPOSSIBLE = 4

/**
 * Turns the block's log-densities `local` (k × m, component-major) into responsibilities in place
 * and writes into `sums`: Σ wᵢ log p(xᵢ | θ), Σ wᵢ log maxⱼ γᵢⱼ, Σ wᵢ, the rows of positive weight,
 * and the first impossible row of the block (−1 when none); with `rowLog`, also each row's
 * log p(xᵢ | θ) (base measure included, −∞ for an impossible row). The one normalisation of
 * emkit: the fused pass and the responsibilities E-step (`Mixture.responsibilities`) both run it. A plain function over typed arrays and
 * numbers, so that V8 optimises it once for every kernel object and family.
 */
export function normalizeBlock(
  local: Float64Array,
  k: number,
  m: number,
  logWeights: Float64Array,
  sw: Float64Array | undefined,
  base: Float64Array | undefined,
  rowMax: Float64Array,
  rowSum: Float64Array,
  sums: Float64Array,
  rowLog?: Float64Array,
): void {
  let ll = 0
  let hard = 0
  let weight = 0
  let positive = 0
  let firstImpossible = -1
  for (let i0 = 0; i0 < m; i0 += ROWS) {
    const len = Math.min(ROWS, m - i0)
    rowMax.fill(-Infinity, 0, len)
    for (let j = 0; j < k; j++) {
      const o = j * m + i0
      const lw = logWeights[j]!
      for (let t = 0; t < len; t++) {
        const v = local[o + t]! + lw
        local[o + t] = v
        if (v > rowMax[t]!) rowMax[t] = v
      }
    }
    rowSum.fill(0, 0, len)
    for (let j = 0; j < k; j++) {
      const o = j * m + i0
      for (let t = 0; t < len; t++) {
        const e = expNonPositive(local[o + t]! - rowMax[t]!)
        local[o + t] = e
        rowSum[t] = rowSum[t]! + e
      }
    }
    let blockImpossible = false
    for (let t = 0; t < len; t++) {
      const i = i0 + t
      const w = sw === undefined ? 1 : sw[i]!
      weight += w
      if (w > 0) positive++
      const max = rowMax[t]!
      if (max === -Infinity) {
        // No component can produce this row: its log-density is −∞ and its responsibilities 0.
        blockImpossible = true
        if (firstImpossible < 0) firstImpossible = i
        if (rowLog !== undefined) rowLog[i] = -Infinity
        rowSum[t] = 0
        ll = -Infinity
        continue
      }
      const logSum = Math.log(rowSum[t]!)
      rowSum[t] = 1 / rowSum[t]!
      const row = max + logSum + (base === undefined ? 0 : base[i]!)
      if (rowLog !== undefined) rowLog[i] = row
      if (w > 0) {
        ll += w * row
        hard -= w * logSum
      }
    }
    for (let j = 0; j < k; j++) {
      const o = j * m + i0
      for (let t = 0; t < len; t++) local[o + t] = local[o + t]! * rowSum[t]!
    }
    if (blockImpossible) for (let t = 0; t < len; t++) if (rowMax[t] === -Infinity) for (let j = 0; j < k; j++) local[j * m + i0 + t] = 0
  }
  sums[LL] = ll
  sums[HARD] = hard
  sums[WEIGHT] = weight
  sums[POSITIVE] = positive
  sums[IMPOSSIBLE] = firstImpossible
}
