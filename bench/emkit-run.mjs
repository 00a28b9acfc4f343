// One benchmark process: fits data set argv[2] with covariance argv[3] for exactly 50 EM iterations,
// argv[4] times, on argv[5] threads (Mixture.fit's `workers`; absent: the library's choice), and
// prints one JSON line: per-run seconds per iteration, the final mean log-likelihood, the threads
// the fit ran on, and the peak resident memory of one fit with the runtime's own baseline (measured
// after emkit is loaded, before the data are).
//
//   node --expose-gc bench/emkit-run.mjs big full 5 2 [--tree DIR]
//
// The Gaussian kernel is the library's default: the EMKIT_KERNEL environment variable (wasm or js;
// bench/run.mjs sets it per process), else the WebAssembly one.
//
// `--tree DIR` loads emkit from another checkout's build (DIR/packages/*/dist), e.g. a git worktree
// of an older commit, so that bench/run.mjs --baseline DIR can time two commits on the same data
// files in alternating processes. The API used here (Mixture.fromJSON, Mixture.fit with `k`, `init`,
// `tolerance`, `maxIterations`, `workers`) is common to every commit the bench compares.
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { load } from './files.mjs'

const positional = []
let tree = new URL('..', import.meta.url).pathname
const argv = process.argv.slice(2)
for (let a = 0; a < argv.length; a++) {
  if (argv[a] === '--tree') tree = resolve(argv[++a])
  else positional.push(argv[a])
}
const [name, covariance = 'full', runsArg = '5', workersArg] = positional
const { Mixture } = await import(pathToFileURL(join(tree, 'packages/core/dist/index.js')).href)
const Gaussian = await import(pathToFileURL(join(tree, 'packages/gaussian/dist/index.js')).href)

const runs = Number(runsArg)
globalThis.gc?.()
const baselineKb = process.resourceUsage().maxRSS
const set = load(name)
const data = { n: set.n, d: set.d, values: set.values }
const family = Gaussian.family({ covariance, regularization: 1e-6 })
const json = {
  format: 'emkit.mixture/v1',
  family: 'gaussian',
  covariance,
  dimension: set.d,
  weights: set.start.weights,
  components: set.start.means.map((mean, j) => ({ mean, covariance: set.start.covariances[j] })),
}
const init = Mixture.fromJSON(family, json)
if (init._tag === 'Left') throw new Error(init.left.message)
const options = { k: set.k, init: init.right.params, tolerance: 0, maxIterations: 50 }
if (workersArg !== undefined && workersArg !== 'auto') options.workers = Number(workersArg)
const perIteration = []
let meanLogLikelihood = NaN
let threads
// Peak RSS of one fit: taken after the first run. Later runs would add the previous runs' garbage
// (V8 frees large typed arrays lazily), so with --expose-gc we also collect between runs.
let oneFitPeakKb = NaN
for (let r = 0; r < runs; r++) {
  if (r > 0) globalThis.gc?.()
  const t0 = process.hrtime.bigint()
  const f = Mixture.fit(family, data, options)
  const t1 = process.hrtime.bigint()
  if (f._tag === 'Left') throw new Error(f.left.message)
  if (f.right.iterations !== 50) throw new Error(`ran ${f.right.iterations} iterations`)
  perIteration.push(Number(t1 - t0) / 1e9 / 50)
  meanLogLikelihood = f.right.logLikelihood / set.n
  // `threads` is reported by the engine layer (e12d89f on); older commits ran on `workers` threads.
  threads = f.right.threads ?? options.workers ?? null
  if (r === 0) oneFitPeakKb = process.resourceUsage().maxRSS
}
const sorted = [...perIteration].sort((a, b) => a - b)
console.log(
  JSON.stringify({
    tool: 'emkit',
    tree,
    set: name,
    covariance,
    n: set.n,
    d: set.d,
    k: set.k,
    runs,
    workers: workersArg ?? 'auto',
    threads,
    // The Gaussian kernel that ran (EMKIT_KERNEL; absent before the WebAssembly kernel).
    kernel: family.kernel ?? null,
    perIteration,
    median: sorted[Math.floor(sorted.length / 2)],
    meanLogLikelihood,
    peakRssMb: oneFitPeakKb / 1024,
    peakRssAllRunsMb: process.resourceUsage().maxRSS / 1024,
    baselineRssMb: baselineKb / 1024,
    dataMb: (set.n * set.d * 8) / 2 ** 20,
  }),
)
