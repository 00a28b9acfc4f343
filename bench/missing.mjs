// Missing-data benchmark (issue 15): the time of one fused pass (an EM iteration's E-step and
// statistics on the memory engine, single-threaded) on a bench data set at its fixed start, with
// every cell observed and with a fraction of the cells missing at random (never a whole row), side
// by side in one run. Rows with missing cells go through the Gaussian `incomplete` capability: the
// marginal density by the Cholesky factor of each pattern's observed block, computed once per
// pattern and component, and the expected statistics.
//
//   node bench/missing.mjs [set] [covariance] [reps] [rates]     e.g. node bench/missing.mjs s10 full 9 0.05,0.2
import { Dataset, Engine, Mixture, Rng } from '../packages/core/dist/index.js'
import * as Gaussian from '../packages/gaussian/dist/index.js'
import { load } from './datasets.mjs'
import { medianMs } from './files.mjs'

const [name = 's10', covariance = 'full', repsArg = '9', ratesArg = '0.05,0.2'] = process.argv.slice(2)
const reps = Number(repsArg)
const set = load(name)
const { n, d } = set
const family = Gaussian.family({ covariance, regularization: 1e-6 })
const covs = covariance === 'tied' ? set.start.means.map(() => set.start.covariances[0]) : set.start.covariances
const init = Mixture.fromJSON(family, {
  format: 'emkit.mixture/v1',
  family: 'gaussian',
  covariance,
  dimension: d,
  weights: set.start.weights,
  components: set.start.means.map((mean, j) => ({ mean, covariance: covs[j] })),
})
if (init._tag === 'Left') throw new Error(init.left.message)
const params = init.right.params

const withHoles = (rate) => {
  const rng = Rng.seeded(15)
  const values = Float64Array.from(set.values)
  for (let i = 0; i < n; i++) {
    let absent = 0
    for (let c = 0; c < d; c++) {
      if (absent === d - 1 || !(rng.uniform() < rate)) continue
      values[i * d + c] = Number.NaN
      absent++
    }
  }
  const r = Dataset.fromFlat(values, d, { allowMissing: true })
  if (r._tag === 'Left') throw new Error(r.left.message)
  return r.right
}

const time = (f) => medianMs(f, reps)

const complete = { n, d, values: Float64Array.from(set.values) }
const cases = [['observed', complete], ...ratesArg.split(',').map((r) => [`${Number(r) * 100}% missing`, withHoles(Number(r))])]
console.log(`${name} (n = ${n}, d = ${d}, k = ${set.k}), ${covariance}: median of ${reps} fused passes (ms), one thread`)
let base
for (const [label, data] of cases) {
  const engine = Engine.memory(family, data)
  engine.pass(params) // warm-up (and the patterns' grouping, kept per mask)
  const ms = time(() => engine.pass(params))
  base ??= ms
  const rows =
    data.missing === undefined ? 0 : new Set(Array.from({ length: n }, (_, i) => data.missing.subarray(i * d, (i + 1) * d).join(''))).size
  console.log(
    `  ${label.padEnd(14)} ${ms.toFixed(1).padStart(8)} ms   ×${(ms / base).toFixed(2)}${rows > 0 ? `   (${rows} patterns)` : ''}`,
  )
}
