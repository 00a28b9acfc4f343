/**
 * Gaussian components on data with cells missing at random (Ghahramani & Jordan 1994, "Supervised
 * learning from incomplete data via an EM approach"; Little & Rubin 2002, §11.2), for every
 * covariance structure at once: each structure stores its Σ as a full d × d matrix, so one code
 * path serves them (for diag and spherical Σ_mo = 0 and the conditional mean is the mean).
 *
 * For a row with observed coordinates o and missing ones m, under component N(μ, Σ):
 * - the marginal of the observed part is N(μ_o, Σ_oo): log f = −(|o|/2)·log 2π − log det L_oo −
 *   ½‖L_oo⁻¹(x_o − μ_o)‖², with L_oo the Cholesky factor of Σ_oo (never an inverse);
 * - E[x_m | x_o] = μ_m + B·L_oo⁻¹(x_o − μ_o) with B = Σ_mo·L_oo⁻ᵀ (from L_oo·Bᵀ = Σ_om by forward
 *   substitution), and Cov[x_m | x_o] = Σ_mm − B·Bᵀ;
 * - the expected statistics: the weighted moments of the completed rows (observed cells and
 *   conditional means, accumulated by `Statistics.summarize`, shifted about a pivot row) with
 *   Σᵢ gᵢ·Cov[x_m | x_o] added into the scatter's m × m block.
 *
 * Rows are grouped by their pattern of missing cells, and each pattern's factorisation (L_oo, B,
 * the conditional covariance) is computed once per component and cached on the component's
 * covariance (components are immutable and rebuilt by every M-step, so once per iteration); rows
 * without missing cells go through the structure's own complete-data kernel.
 *
 * @internal
 */
import type { Dataset, IncompleteData } from '@emkit/core'
import { Linalg } from '@emkit/core'
import type { Component } from '../ComponentTypes.js'
import type { Statistics } from '../Statistics.js'
import { summarize } from '../Statistics.js'

/** One pattern of missing cells and the rows of a block that have it. */
interface Pattern {
  readonly key: string
  /** Observed coordinates, ascending. */
  readonly observed: Int32Array
  /** Missing coordinates, ascending (never empty). */
  readonly absent: Int32Array
  /** The rows (block-local) with this pattern. */
  readonly rows: Int32Array
}

/** A block's rows grouped by pattern: those with missing cells by pattern, the complete ones apart. */
interface Grouping {
  readonly patterns: readonly Pattern[]
  /** The rows with no missing cell (block-local, ascending). */
  readonly complete: Int32Array
  /** A copy of the mask it was computed from (a reused buffer may hold other rows later). */
  readonly mask: Uint8Array
}

/** Whether `a` and `b` hold the same bytes. */
const same = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false
  for (let t = 0; t < a.length; t++) if (a[t] !== b[t]) return false
  return true
}

/** The factorisation of one pattern under one covariance. */
interface Factor {
  /** L_oo, |o| × |o| lower-triangular, Σ_oo = L_oo·L_ooᵀ. */
  readonly l: Float64Array
  /** log det L_oo⁻¹ = −Σ log (L_oo)ᵣᵣ. */
  readonly logDetPrecision: number
  /** B = Σ_mo·L_oo⁻ᵀ, |m| × |o| row-major. */
  readonly b: Float64Array
  /** Cov[x_m | x_o] = Σ_mm − B·Bᵀ, |m| × |m| row-major. */
  readonly conditional: Float64Array
}

const groupings = new WeakMap<ArrayBufferLike, Map<string, Grouping>>()

/**
 * The rows of a block grouped by pattern, cached per buffer and range of the mask: the engines
 * hand the same rows of the same mask every iteration (as fresh views of it), so the grouping is
 * computed once per block of rows, not once per pass. A hit is checked byte for byte against the
 * mask it was computed from (a stream may reuse one buffer for every block).
 */
const groupRows = (data: Dataset.Dataset): Grouping => {
  const mask = data.missing!
  let byRange = groupings.get(mask.buffer)
  if (byRange === undefined) {
    byRange = new Map<string, Grouping>()
    groupings.set(mask.buffer, byRange)
  }
  const range = `${mask.byteOffset}:${data.n * data.d}`
  const view = mask.subarray(0, data.n * data.d)
  const cached = byRange.get(range)
  if (cached !== undefined && same(cached.mask, view)) return cached
  const { n, d } = data
  const byKey = new Map<string, number[]>()
  const complete: number[] = []
  for (let i = 0; i < n; i++) {
    let key = ''
    let any = false
    for (let c = 0; c < d; c++) {
      const m = mask[i * d + c]!
      if (m === 1) any = true
      key += m === 1 ? '1' : '0'
    }
    if (!any) {
      complete.push(i)
      continue
    }
    let rows = byKey.get(key)
    if (rows === undefined) {
      rows = []
      byKey.set(key, rows)
    }
    rows.push(i)
  }
  const patterns: Pattern[] = []
  for (const [key, rows] of byKey) {
    const observed: number[] = []
    const absent: number[] = []
    for (let c = 0; c < d; c++) (key[c] === '1' ? absent : observed).push(c)
    patterns.push({ key, observed: Int32Array.from(observed), absent: Int32Array.from(absent), rows: Int32Array.from(rows) })
  }
  const grouping = { patterns, complete: Int32Array.from(complete), mask: view.slice() }
  byRange.set(range, grouping)
  return grouping
}

const factors = new WeakMap<Float64Array, Map<string, Factor>>()

/** The pattern's factorisation under Σ (`covariance`, d × d), computed once per covariance and pattern. */
const factorOf = (covariance: Float64Array, d: number, pattern: Pattern): Factor => {
  let byPattern = factors.get(covariance)
  if (byPattern === undefined) {
    byPattern = new Map<string, Factor>()
    factors.set(covariance, byPattern)
  }
  const cached = byPattern.get(pattern.key)
  if (cached !== undefined) return cached
  const o = pattern.observed
  const m = pattern.absent
  const p = o.length
  const q = m.length
  const soo = new Float64Array(p * p)
  for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) soo[r * p + c] = covariance[o[r]! * d + o[c]!]!
  const l = new Float64Array(p * p)
  // A principal sub-block of a positive-definite Σ is positive definite; a failure here means Σ
  // itself is not (in floating point), and the marginal density is reported as NaN, not hidden.
  const ok = Linalg.cholesky(p, soo, 0, l, 0)
  const b = new Float64Array(q * p)
  const conditional = new Float64Array(q * q)
  if (!ok) {
    l.fill(Number.NaN)
    b.fill(Number.NaN)
    conditional.fill(Number.NaN)
  } else {
    // Row t of B solves L_oo·bₜ = Σ_o,m(t).
    for (let t = 0; t < q; t++) {
      for (let c = 0; c < p; c++) b[t * p + c] = covariance[o[c]! * d + m[t]!]!
      Linalg.solveLower(p, l, 0, b, t * p)
    }
    for (let s = 0; s < q; s++) {
      for (let t = 0; t <= s; t++) {
        let v = covariance[m[s]! * d + m[t]!]!
        for (let c = 0; c < p; c++) v -= b[s * p + c]! * b[t * p + c]!
        conditional[s * q + t] = v
        conditional[t * q + s] = v
      }
    }
  }
  let logDet = 0
  for (let r = 0; r < p; r++) logDet -= Math.log(l[r * p + r]!)
  const factor = { l, logDetPrecision: logDet, b, conditional }
  byPattern.set(pattern.key, factor)
  return factor
}

/**
 * Writes L_oo⁻¹(x_o − μ_o) of row i into `z` (length |o|, forward substitution with the pattern's
 * factor) and returns its squared norm.
 */
const whiten = (
  x: Float64Array,
  i: number,
  d: number,
  mean: Float64Array,
  observed: Int32Array,
  l: Float64Array,
  z: Float64Array,
): number => {
  const p = observed.length
  const row = i * d
  let s = 0
  for (let r = 0; r < p; r++) {
    const lr = r * p
    let v = x[row + observed[r]!]! - mean[observed[r]!]!
    for (let c = 0; c < r; c++) v -= l[lr + c]! * z[c]!
    v /= l[lr + r]!
    z[r] = v
    s += v * v
  }
  return s
}

/**
 * The Gaussian `incomplete` capability for a structure whose complete-data E-step kernel is
 * `complete` (the rows without missing cells go through it); `diagonal` structures (diag,
 * spherical) take the direct path of {@link diagonalIncomplete}.
 */
export const incompleteData = (
  complete: (data: Dataset.Dataset, components: readonly Component[], out: Float64Array) => void,
  diagonal: boolean,
): IncompleteData<Component, Statistics> => (diagonal ? diagonalIncomplete : generalIncomplete(complete, diagonal))

/**
 * A diagonal Σ (diag, spherical): the coordinates are independent under a component, so the
 * marginal of the observed cells is the product of their normals, E[x_m | x_o] = μ_m and the
 * conditional variance of a missing cell is its σ²; one pass over the cells, no factorisation.
 */
const diagonalIncomplete: IncompleteData<Component, Statistics> = {
  logDensityInto: (data, components, out) => {
    const { n, d, values: x } = data
    const mask = data.missing!
    for (let j = 0; j < components.length; j++) {
      const comp = components[j]!
      const mu = comp.mean
      const p = comp.precisionCholesky
      const o = j * n
      for (let i = 0; i < n; i++) {
        const row = i * d
        let q = 0
        let logDet = 0
        let seen = 0
        for (let c = 0; c < d; c++) {
          if (mask[row + c] === 1) continue
          const inv = p[c * d + c]!
          const z = inv * (x[row + c]! - mu[c]!)
          q += z * z
          logDet += Math.log(inv)
          seen++
        }
        // A complete row takes the component's own log-determinant, as the complete-data kernel.
        out[o + i] = -seen * Linalg.HALF_LOG_2PI + (seen === d ? comp.logDetPrecisionCholesky : logDet) - 0.5 * q
      }
    }
  },
  summarize: (data, weights, offset, comp) => {
    const { n, d } = data
    const mask = data.missing!
    const values = Float64Array.from(data.values)
    const extra = new Float64Array(d)
    for (let i = 0; i < n; i++) {
      const row = i * d
      const w = weights[offset + i]!
      for (let c = 0; c < d; c++) {
        if (mask[row + c] !== 1) continue
        values[row + c] = comp.mean[c]!
        extra[c] = extra[c]! + w * comp.covariance[c * d + c]!
      }
    }
    return withExtra(summarize({ n, d, values }, weights, offset, true), extra)
  },
  conditionalMeanInto: (comp, data, i, out, offset) => {
    const d = data.d
    for (let c = 0; c < d; c++) out[offset + c] = data.missing?.[i * d + c] === 1 ? comp.mean[c]! : data.values[i * d + c]!
  },
}

/** The statistics with `extra` (Σᵢ gᵢ Cov[x_m | x_o], in the scatter's layout) added into the scatter. */
const withExtra = (stats: Statistics, extra: Float64Array): Statistics => {
  if (!(stats.weight > 0)) return stats
  const scatter = new Float64Array(stats.scatter.length)
  for (let t = 0; t < scatter.length; t++) scatter[t] = stats.scatter[t]! + extra[t]!
  return { weight: stats.weight, origin: stats.origin, offset: stats.offset, scatter }
}

/** A full Σ (full, tied): per pattern the factor of Σ_oo, conditional means and covariance. */
const generalIncomplete = (
  complete: (data: Dataset.Dataset, components: readonly Component[], out: Float64Array) => void,
  diagonal: boolean,
): IncompleteData<Component, Statistics> => ({
  logDensityInto: (data, components, out) => {
    const { n, d } = data
    const grouping = groupRows(data)
    const x = data.values
    // The rows without missing cells through the structure's own kernel, gathered (when some rows
    // have missing cells) so that it runs over them alone.
    const c = grouping.complete
    if (c.length === n) complete(data, components, out)
    else if (c.length > 0) {
      const values = new Float64Array(c.length * d)
      for (let t = 0; t < c.length; t++) values.set(x.subarray(c[t]! * d, c[t]! * d + d), t * d)
      const local = new Float64Array(components.length * c.length)
      complete({ n: c.length, d, values }, components, local)
      for (let j = 0; j < components.length; j++) for (let t = 0; t < c.length; t++) out[j * n + c[t]!] = local[j * c.length + t]!
    }
    const z = new Float64Array(d)
    for (let j = 0; j < components.length; j++) {
      const comp = components[j]!
      const o = j * n
      for (const pattern of grouping.patterns) {
        const f = factorOf(comp.covariance, d, pattern)
        const base = -pattern.observed.length * Linalg.HALF_LOG_2PI + f.logDetPrecision
        const rows = pattern.rows
        const observed = pattern.observed
        const l = f.l
        const mean = comp.mean
        for (let t = 0; t < rows.length; t++) {
          const i = rows[t]!
          out[o + i] = base - 0.5 * whiten(x, i, d, mean, observed, l, z)
        }
      }
    }
  },
  summarize: (data, weights, offset, comp) => {
    const { n, d } = data
    const grouping = groupRows(data)
    const values = Float64Array.from(data.values)
    const z = new Float64Array(d)
    const extra = new Float64Array(diagonal ? d : d * d)
    for (const pattern of grouping.patterns) {
      const f = factorOf(comp.covariance, d, pattern)
      const m = pattern.absent
      const q = m.length
      const p = pattern.observed.length
      let g = 0
      const rows = pattern.rows
      const observed = pattern.observed
      const { l, b } = f
      const mean = comp.mean
      for (let r = 0; r < rows.length; r++) {
        const i = rows[r]!
        const w = weights[offset + i]!
        g += w
        if (w === 0) {
          // A row of weight 0 is not read by the moments; its cells only need to be finite.
          for (let t = 0; t < q; t++) values[i * d + m[t]!] = mean[m[t]!]!
          continue
        }
        whiten(data.values, i, d, mean, observed, l, z)
        for (let t = 0; t < q; t++) {
          let v = mean[m[t]!]!
          const bt = t * p
          for (let c = 0; c < p; c++) v += b[bt + c]! * z[c]!
          values[i * d + m[t]!] = v
        }
      }
      if (!(g > 0)) continue
      for (let s = 0; s < q; s++) {
        if (diagonal) extra[m[s]!] = extra[m[s]!]! + g * f.conditional[s * q + s]!
        else for (let t = 0; t < q; t++) extra[m[s]! * d + m[t]!] = extra[m[s]! * d + m[t]!]! + g * f.conditional[s * q + t]!
      }
    }
    return withExtra(summarize({ n, d, values }, weights, offset, diagonal), extra)
  },
  conditionalMeanInto: (comp, data, i, out, offset) => {
    const d = data.d
    const mask = data.missing
    const x = data.values
    for (let c = 0; c < d; c++) out[offset + c] = x[i * d + c]!
    if (mask === undefined) return
    const observed: number[] = []
    const absent: number[] = []
    let key = ''
    for (let c = 0; c < d; c++) {
      const missing = mask[i * d + c] === 1
      ;(missing ? absent : observed).push(c)
      key += missing ? '1' : '0'
    }
    if (absent.length === 0) return
    const pattern: Pattern = { key, observed: Int32Array.from(observed), absent: Int32Array.from(absent), rows: Int32Array.of(i) }
    const f = factorOf(comp.covariance, d, pattern)
    const z = new Float64Array(observed.length)
    whiten(x, i, d, comp.mean, pattern.observed, f.l, z)
    const p = observed.length
    for (let t = 0; t < absent.length; t++) {
      let v = comp.mean[absent[t]!]!
      for (let c = 0; c < p; c++) v += f.b[t * p + c]! * z[c]!
      out[offset + absent[t]!] = v
    }
  },
})
