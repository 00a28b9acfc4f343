// Deterministic benchmark data sets: Gaussian mixtures with fixed seeds, and a fixed starting point
// for each (the true parameters perturbed, equal weights). Written as raw little-endian float64
// files so that emkit and scikit-learn read identical bytes. The set list, paths and the reader live
// in files.mjs, which loads no emkit code (so a runner measuring another checkout loads only that
// checkout's emkit); this module adds the generator, which uses this checkout's seeded Rng.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { Rng } from '../packages/core/dist/index.js'
import { DATA_DIR, SETS, load as loadFiles, paths } from './files.mjs'

export { DATA_DIR, SETS }

const randomSpd = (rng, d, scale) => {
  // A·Aᵀ/d + 0.3·I, scaled: well conditioned, correlated.
  const a = Array.from({ length: d * d }, () => rng.normal())
  const s = []
  for (let i = 0; i < d; i++) {
    s.push([])
    for (let j = 0; j < d; j++) {
      let v = i === j ? 0.3 : 0
      for (let m = 0; m < d; m++) v += (a[i * d + m] * a[j * d + m]) / d
      s[i].push(v * scale)
    }
  }
  return s
}

const choleskyRows = (s) => {
  const d = s.length
  const l = Array.from({ length: d }, () => new Array(d).fill(0))
  for (let i = 0; i < d; i++)
    for (let j = 0; j <= i; j++) {
      let v = s[i][j]
      for (let m = 0; m < j; m++) v -= l[i][m] * l[j][m]
      l[i][j] = i === j ? Math.sqrt(v) : v / l[j][j]
    }
  return l
}

/** Generates (or reuses) data set `name`; returns paths and shape. */
export const ensure = (name) => {
  const set = paths(name)
  const { n, d, k, seed, bin, init, overlap = false } = set
  if (existsSync(bin) && existsSync(init)) return set
  mkdirSync(DATA_DIR, { recursive: true })
  const rng = Rng.seeded(seed)
  // Separated sets: means 4·N(0, 1) per coordinate (pairwise distances ~5.7·√d, far apart for large
  // d); overlapping sets: (2/√d)·N(0, 1), pairwise distances ~2.8 whatever d.
  const spread = overlap ? 2 / Math.sqrt(d) : 4
  const means = Array.from({ length: k }, () => Array.from({ length: d }, () => spread * rng.normal()))
  // Overlapping sets share one covariance shape, scaled by 1 … 1.2 per component (separate random
  // shapes are told apart by their shape alone in d = 50, however close the means).
  const shape = overlap ? randomSpd(rng, d, 1) : undefined
  const covs = Array.from({ length: k }, () =>
    shape === undefined
      ? randomSpd(rng, d, 1 + rng.uniform())
      : ((f) => shape.map((row) => row.map((v) => v * f)))(1 + 0.2 * rng.uniform()),
  )
  const chol = covs.map(choleskyRows)
  const raw = Array.from({ length: k }, () => 0.5 + rng.uniform())
  const total = raw.reduce((a, b) => a + b, 0)
  const weights = raw.map((w) => w / total)
  const x = new Float64Array(n * d)
  const z = new Float64Array(d)
  for (let i = 0; i < n; i++) {
    let u = rng.uniform()
    let j = 0
    while (j < k - 1 && u >= weights[j]) {
      u -= weights[j]
      j++
    }
    for (let c = 0; c < d; c++) z[c] = rng.normal()
    for (let c = 0; c < d; c++) {
      let v = means[j][c]
      for (let m = 0; m <= c; m++) v += chol[j][c][m] * z[m]
      x[i * d + c] = v
    }
  }
  writeFileSync(bin, new Uint8Array(x.buffer))
  // Fixed start: true means shifted by N(0, 1) (overlapping sets: by N(0, spread²)), identity covariances scaled by the mean variance, equal weights.
  const start = {
    weights: Array.from({ length: k }, () => 1 / k),
    means: means.map((m) => m.map((v) => v + (overlap ? spread : 1) * rng.normal())),
    covariances: Array.from({ length: k }, () =>
      Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1.5 : 0))),
    ),
  }
  writeFileSync(init, JSON.stringify(start))
  return set
}

/** {@link ensure}, then the data set's values in a SharedArrayBuffer and its start (see files.mjs). */
export const load = (name) => {
  ensure(name)
  return loadFiles(name)
}
