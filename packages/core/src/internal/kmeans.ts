/**
 * Initial responsibilities for the mixture layer: k-means++ (+ Lloyd), random, random rows.
 * Each returns a k × n component-major matrix of responsibilities (rows sum to 1).
 *
 * @internal
 */
import type { Dataset } from '../Dataset.js'
import type { Rng } from '../Rng.js'

const sqDist = (x: Float64Array, i: number, centres: Float64Array, j: number, d: number): number => {
  let s = 0
  const a = i * d
  const b = j * d
  for (let c = 0; c < d; c++) {
    const t = x[a + c]! - centres[b + c]!
    s += t * t
  }
  return s
}

/** Hard assignment of each row to its nearest centre, as one-hot responsibilities (k × n). */
export const assignNearest = (
  data: Dataset,
  centres: Float64Array,
  k: number,
  labels: Int32Array = new Int32Array(data.n),
): Float64Array => {
  const { n, d, values } = data
  const resp = new Float64Array(k * n)
  for (let i = 0; i < n; i++) {
    let best = 0
    let bestD = Infinity
    for (let j = 0; j < k; j++) {
      const s = sqDist(values, i, centres, j, d)
      if (s < bestD) {
        bestD = s
        best = j
      }
    }
    labels[i] = best
    resp[best * n + i] = 1
  }
  return resp
}

/** Picks a row with probability proportional to `p[i]` (p ≥ 0, total > 0). */
const pick = (p: Float64Array, total: number, rng: Rng): number => {
  let u = rng.uniform() * total
  for (let i = 0; i < p.length; i++) {
    u -= p[i]!
    if (u < 0) return i
  }
  for (let i = p.length - 1; i >= 0; i--) if (p[i]! > 0) return i
  return p.length - 1
}

/** k-means++ seeding (D² sampling, sample weights honoured) then up to `lloyd` Lloyd iterations. */
export const kmeansPlusPlus = (data: Dataset, k: number, rng: Rng, lloyd = 20): Float64Array => {
  const { n, d, values } = data
  const w = data.sampleWeights
  const centres = new Float64Array(k * d)
  const dist = new Float64Array(n)
  const p = new Float64Array(n)
  let total = 0
  for (let i = 0; i < n; i++) {
    p[i] = w === undefined ? 1 : w[i]!
    total += p[i]!
  }
  let first = pick(p, total, rng)
  centres.set(values.subarray(first * d, first * d + d), 0)
  for (let i = 0; i < n; i++) dist[i] = sqDist(values, i, centres, 0, d)
  for (let j = 1; j < k; j++) {
    total = 0
    for (let i = 0; i < n; i++) {
      p[i] = dist[i]! * (w === undefined ? 1 : w[i]!)
      total += p[i]!
    }
    // All rows coincide with chosen centres: fall back to a uniform pick.
    first = total > 0 ? pick(p, total, rng) : rng.int(n)
    centres.set(values.subarray(first * d, first * d + d), j * d)
    for (let i = 0; i < n; i++) {
      const s = sqDist(values, i, centres, j, d)
      if (s < dist[i]!) dist[i] = s
    }
  }
  const labels = new Int32Array(n)
  let resp = assignNearest(data, centres, k, labels)
  const sums = new Float64Array(k * d)
  const counts = new Float64Array(k)
  for (let it = 0; it < lloyd; it++) {
    sums.fill(0)
    counts.fill(0)
    for (let i = 0; i < n; i++) {
      const j = labels[i]!
      const wi = w === undefined ? 1 : w[i]!
      counts[j] = counts[j]! + wi
      for (let c = 0; c < d; c++) sums[j * d + c] = sums[j * d + c]! + wi * values[i * d + c]!
    }
    for (let j = 0; j < k; j++) {
      if (counts[j]! > 0) for (let c = 0; c < d; c++) centres[j * d + c] = sums[j * d + c]! / counts[j]!
    }
    const before = labels.slice()
    resp = assignNearest(data, centres, k, labels)
    let changed = false
    for (let i = 0; i < n; i++)
      if (labels[i] !== before[i]) {
        changed = true
        break
      }
    if (!changed) break
  }
  return resp
}

/** Each row's responsibilities uniform on the simplex (normalised exponentials). */
export const randomResponsibilities = (data: Dataset, k: number, rng: Rng): Float64Array => {
  const n = data.n
  const resp = new Float64Array(k * n)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let j = 0; j < k; j++) {
      const e = rng.exponential()
      resp[j * n + i] = e
      s += e
    }
    for (let j = 0; j < k; j++) resp[j * n + i] = resp[j * n + i]! / s
  }
  return resp
}

/** k distinct rows as centres (uniform without replacement), each row assigned to the nearest. */
export const randomRows = (data: Dataset, k: number, rng: Rng): Float64Array => {
  const { n, d, values } = data
  const chosen = new Set<number>()
  const centres = new Float64Array(k * d)
  let j = 0
  while (j < k) {
    const i = rng.int(n)
    if (chosen.has(i)) continue
    chosen.add(i)
    centres.set(values.subarray(i * d, i * d + d), j * d)
    j++
  }
  return assignNearest(data, centres, k)
}
