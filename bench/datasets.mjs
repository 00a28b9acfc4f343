// Deterministic benchmark data sets: Gaussian mixtures with fixed seeds, and a fixed starting point
// for each (the true parameters perturbed, equal weights). Written as raw little-endian float64
// files so that emkit and scikit-learn read identical bytes.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Rng } from '../packages/core/dist/index.js'

/** The data sets of issue 7: name → n, d, k, seed. */
export const SETS = {
  s2: { n: 100_000, d: 2, k: 5, seed: 2 },
  s10: { n: 100_000, d: 10, k: 8, seed: 10 },
  s50: { n: 20_000, d: 50, k: 4, seed: 50 },
  big: { n: 1_000_000, d: 4, k: 6, seed: 4 },
  's2-1e4': { n: 10_000, d: 2, k: 5, seed: 2 },
  's2-1e6': { n: 1_000_000, d: 2, k: 5, seed: 2 },
}

export const DATA_DIR = new URL('./data/', import.meta.url).pathname

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
  const spec = SETS[name]
  if (spec === undefined) throw new Error(`unknown data set ${name}`)
  mkdirSync(DATA_DIR, { recursive: true })
  const bin = join(DATA_DIR, `${name}.f64`)
  const init = join(DATA_DIR, `${name}.init.json`)
  if (existsSync(bin) && existsSync(init)) return { ...spec, name, bin, init }
  const { n, d, k, seed } = spec
  const rng = Rng.seeded(seed)
  const means = Array.from({ length: k }, () => Array.from({ length: d }, () => 4 * rng.normal()))
  const covs = Array.from({ length: k }, () => randomSpd(rng, d, 1 + rng.uniform()))
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
  // Fixed start: true means shifted by N(0, 1), identity covariances scaled by the mean variance, equal weights.
  const start = {
    weights: Array.from({ length: k }, () => 1 / k),
    means: means.map((m) => m.map((v) => v + rng.normal())),
    covariances: Array.from({ length: k }, () => Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1.5 : 0)))),
  }
  writeFileSync(init, JSON.stringify(start))
  return { ...spec, name, bin, init }
}

/**
 * Reads a data set's values straight into a SharedArrayBuffer (no intermediate copy, so the peak
 * resident memory holds the data once, and worker threads use it in place) and its start.
 */
export const load = (name) => {
  const s = ensure(name)
  const bytes = s.n * s.d * 8
  const shared = new SharedArrayBuffer(bytes)
  const fd = openSync(s.bin, 'r')
  let read = 0
  while (read < bytes) read += readSync(fd, new Uint8Array(shared, read, Math.min(1 << 24, bytes - read)), 0, Math.min(1 << 24, bytes - read), read)
  closeSync(fd)
  return { ...s, values: new Float64Array(shared), start: JSON.parse(readFileSync(s.init, 'utf8')) }
}
