// Writes a large, deterministic CSV for out-of-core benchmarks (bench/stream.mjs): N rows × 4 columns
// drawn from a seeded mixture of 6 Gaussians in R⁴ (correlated covariances, neighbouring components
// overlapping), streamed to disk block by block (never held in memory), plus a fixed start model in
// the emkit.mixture/v1 format (family gaussian, covariance full, k = 6) so that every fit of the file
// starts from the same parameters.
//
//   node scripts/generate-large-csv.mjs                       10⁷ rows (~800 MB) to /tmp/emkit-large.csv
//   node scripts/generate-large-csv.mjs --rows 100000 --out /tmp/small.csv --seed 7
//
// Writes OUT (header `x1,x2,x3,x4`, then one row per line, every value in JavaScript's shortest
// round-trip form, so parsing gives back exactly the doubles drawn), OUT minus `.csv` plus
// `.start.json` (or --start PATH), and prints one JSON line: rows, bytes, SHA-256 of the CSV, the
// true parameters and seconds taken. The same --rows and --seed give the same bytes on any machine:
// the generator is self-contained (xoshiro128** seeded by splitmix32, Box–Muller normals) and depends
// on no emkit build. Files are written to a temporary name and renamed when complete.
import { createHash } from 'node:crypto'
import { closeSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs'

const args = process.argv.slice(2)
let rows = 10_000_000
let seed = 1
let out = '/tmp/emkit-large.csv'
let startPath
for (let a = 0; a < args.length; a++) {
  const arg = args[a]
  const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
  const value = () => inline ?? args[++a]
  if (flag === '--rows') rows = Number(value())
  else if (flag === '--seed') seed = Number(value())
  else if (flag === '--out') out = value()
  else if (flag === '--start') startPath = value()
  else throw new Error(`unknown argument ${arg} (use --rows N --seed S --out FILE.csv --start FILE.json)`)
}
if (!Number.isInteger(rows) || rows < 6) throw new Error(`--rows must be an integer ≥ 6, got ${rows}`)
if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`--seed must be an integer in [0, 2³²), got ${seed}`)
startPath ??= `${out.replace(/\.csv$/, '')}.start.json`

const D = 4
const K = 6

/** xoshiro128** (Blackman & Vigna), state filled by splitmix32 from the seed. */
const generator = (s) => {
  let x = s >>> 0
  const splitmix = () => {
    x = (x + 0x9e3779b9) >>> 0
    let z = x
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
  let a = splitmix()
  let b = splitmix()
  let c = splitmix()
  let d = splitmix()
  const next = () => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0
    const t = b << 9
    c ^= a
    d ^= b
    b ^= c
    a ^= d
    c ^= t
    d = rotl(d, 11)
    return r
  }
  /** Uniform in [0, 1) with 53 random bits. */
  const uniform = () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992
  let spare = NaN
  /** Standard normal (Box–Muller, the second value kept for the next call). */
  const normal = () => {
    if (!Number.isNaN(spare)) {
      const v = spare
      spare = NaN
      return v
    }
    let u = uniform()
    while (u === 0) u = uniform()
    const r = Math.sqrt(-2 * Math.log(u))
    const theta = 2 * Math.PI * uniform()
    spare = r * Math.sin(theta)
    return r * Math.cos(theta)
  }
  return { uniform, normal }
}
const rotl = (v, k) => ((v << k) | (v >>> (32 - k))) >>> 0

const rng = generator(seed)

// True parameters: means spread by 3·N(0, I) (close enough that neighbours overlap), covariances
// A·Aᵀ/d + 0.3·I scaled by 0.5 + U (correlated, well conditioned), weights ∝ 0.5 + U.
const means = Array.from({ length: K }, () => Array.from({ length: D }, () => 3 * rng.normal()))
const covariances = Array.from({ length: K }, () => {
  const a = Array.from({ length: D * D }, () => rng.normal())
  const scale = 0.5 + rng.uniform()
  return Array.from({ length: D }, (_, i) =>
    Array.from({ length: D }, (_, j) => {
      let v = i === j ? 0.3 : 0
      for (let m = 0; m < D; m++) v += (a[i * D + m] * a[j * D + m]) / D
      return v * scale
    }),
  )
})
const raw = Array.from({ length: K }, () => 0.5 + rng.uniform())
const total = raw.reduce((s, w) => s + w, 0)
const weights = raw.map((w) => w / total)
const chol = covariances.map((s) => {
  const l = Array.from({ length: D }, () => new Array(D).fill(0))
  for (let i = 0; i < D; i++)
    for (let j = 0; j <= i; j++) {
      let v = s[i][j]
      for (let m = 0; m < j; m++) v -= l[i][m] * l[j][m]
      l[i][j] = i === j ? Math.sqrt(v) : v / l[j][j]
    }
  return l
})
// The fixed start, drawn before the rows: true means shifted by N(0, I), covariances 1.5·I, equal weights.
const start = {
  format: 'emkit.mixture/v1',
  family: 'gaussian',
  covariance: 'full',
  dimension: D,
  columns: Array.from({ length: D }, (_, c) => `x${c + 1}`),
  weights: Array.from({ length: K }, () => 1 / K),
  components: means.map((m) => ({
    mean: m.map((v) => v + rng.normal()),
    covariance: Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => (i === j ? 1.5 : 0))),
  })),
}

const t0 = process.hrtime.bigint()
const tmp = `${out}.tmp-${process.pid}`
const fd = openSync(tmp, 'w')
const hash = createHash('sha256')
let bytes = 0
const write = (text) => {
  const buf = Buffer.from(text, 'latin1')
  hash.update(buf)
  let off = 0
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off)
  bytes += buf.length
}
write(`${start.columns.join(',')}\n`)
const BLOCK = 16_384
const z = new Float64Array(D)
const counts = new Array(K).fill(0)
try {
  for (let s = 0; s < rows; s += BLOCK) {
    const e = Math.min(rows, s + BLOCK)
    const lines = []
    for (let i = s; i < e; i++) {
      let u = rng.uniform()
      let j = 0
      while (j < K - 1 && u >= weights[j]) {
        u -= weights[j]
        j++
      }
      counts[j]++
      for (let c = 0; c < D; c++) z[c] = rng.normal()
      const l = chol[j]
      const m = means[j]
      const x0 = m[0] + l[0][0] * z[0]
      const x1 = m[1] + l[1][0] * z[0] + l[1][1] * z[1]
      const x2 = m[2] + l[2][0] * z[0] + l[2][1] * z[1] + l[2][2] * z[2]
      const x3 = m[3] + l[3][0] * z[0] + l[3][1] * z[1] + l[3][2] * z[2] + l[3][3] * z[3]
      lines.push(`${x0},${x1},${x2},${x3}`)
    }
    write(lines.join('\n') + '\n')
  }
} finally {
  closeSync(fd)
}
renameSync(tmp, out)
const startTmp = `${startPath}.tmp-${process.pid}`
writeFileSync(startTmp, JSON.stringify(start, null, 2) + '\n')
renameSync(startTmp, startPath)
const seconds = Number(process.hrtime.bigint() - t0) / 1e9
console.log(
  JSON.stringify({
    csv: out,
    start: startPath,
    rows,
    columns: D,
    components: K,
    seed,
    bytes,
    sha256: hash.digest('hex'),
    seconds: Math.round(seconds * 10) / 10,
    truth: { weights, means, covariances, counts },
  }),
)
