// One benchmark process: fits data set argv[2] with covariance argv[3] for exactly 50 EM iterations,
// argv[4] times, and prints one JSON line: per-run seconds per iteration, final mean log-likelihood,
// and peak resident memory (with the runtime's own baseline measured before the data are loaded).
import { Dataset, Mixture } from '../packages/core/dist/index.js'
import * as Gaussian from '../packages/gaussian/dist/index.js'
import { load } from './datasets.mjs'

const [name, covariance = 'full', runsArg = '5', workersArg] = process.argv.slice(2)
const runs = Number(runsArg)
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
if (workersArg !== undefined) options.workers = Number(workersArg)
const perIteration = []
let meanLogLikelihood = NaN
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
  if (r === 0) oneFitPeakKb = process.resourceUsage().maxRSS
}
const sorted = [...perIteration].sort((a, b) => a - b)
console.log(
  JSON.stringify({
    tool: 'emkit',
    set: name,
    covariance,
    n: set.n,
    d: set.d,
    k: set.k,
    runs,
    perIteration,
    median: sorted[Math.floor(sorted.length / 2)],
    meanLogLikelihood,
    peakRssMb: oneFitPeakKb / 1024,
    peakRssAllRunsMb: process.resourceUsage().maxRSS / 1024,
    baselineRssMb: baselineKb / 1024,
    dataMb: (set.n * set.d * 8) / 2 ** 20,
    respMb: (set.n * set.k * 8) / 2 ** 20,
  }),
)
