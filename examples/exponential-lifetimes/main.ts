/**
 * Component lifetimes from two failure modes, fitted by a mixture of exponentials.
 *
 * A batch of 1 500 components fails either early (a manufacturing defect: mean lifetime 40 hours)
 * or late (wear-out: mean lifetime 900 hours). We only see the lifetimes, not the mode. A mixture of
 * exponentials with k chosen by BIC recovers both modes and their shares.
 *
 * Run: `npx tsc -b && node scripts/run-examples.mjs exponential-lifetimes`
 */
import { Dataset, Mixture, Rng } from '@emkit/core'
import * as Exponential from '@emkit/exponential'
import { check, close, fmt } from '../shared/check.js'

// #region data
const truth = [
  { mode: 'early (defects)', weight: 0.3, meanHours: 40 },
  { mode: 'late (wear-out)', weight: 0.7, meanHours: 900 },
]
const rng = Rng.seeded(2024)
const n = 1500
const lifetimes = new Float64Array(n)
const modes = new Int32Array(n)
for (let i = 0; i < n; i++) {
  const m = rng.uniform() < truth[0]!.weight ? 0 : 1
  modes[i] = m
  lifetimes[i] = rng.exponential() * truth[m]!.meanHours // rate = 1 / mean
}
const data = Dataset.fromColumnOrThrow(lifetimes, { columns: ['hours'] })
// #endregion data

// #region select
const family = Exponential.family() // quantile seeding is the default initialisation
const fits = [1, 2, 3, 4].map((k) => Mixture.fitOrThrow(family, data, { k, restarts: 5, seed: 7 }))
console.log(' k   log-likelihood        BIC   params')
for (const f of fits)
  console.log(
    `${String(f.params.components.length).padStart(2)}  ${fmt(f.logLikelihood, 10).padStart(15)}  ${fmt(f.bic, 8).padStart(9)}   ${f.parameters}`,
  )
const best = fits.reduce((a, b) => (b.bic < a.bic ? b : a))
// #endregion select

const k = best.params.components.length
check(k === 2, `BIC should choose k = 2, chose k = ${k}`)
check(best.parameters === 2 * 1 + 2 - 1, 'free parameters k·d + k − 1 = 3')

// #region compare
// Order fitted components by mean lifetime (1 / rate) to line them up with the truth.
const order = [0, 1].sort((a, b) => 1 / best.params.components[a]!.rate[0]! - 1 / best.params.components[b]!.rate[0]!)
console.log('\nmode               true share  fitted   true mean (h)  fitted mean (h)')
order.forEach((j, t) => {
  const meanHours = 1 / best.params.components[j]!.rate[0]!
  const share = best.params.weights[j]!
  console.log(
    `${truth[t]!.mode.padEnd(18)} ${fmt(truth[t]!.weight, 3).padStart(9)}  ${fmt(share, 3).padStart(7)}  ${fmt(truth[t]!.meanHours, 4).padStart(13)}  ${fmt(meanHours, 4).padStart(15)}`,
  )
  close(meanHours, truth[t]!.meanHours, 0.15, 0, `mean lifetime of the ${truth[t]!.mode} mode`)
  close(share, truth[t]!.weight, 0, 0.05, `share of the ${truth[t]!.mode} mode`)
})
// #endregion compare

// How often does the most likely mode match the true one?
const labels = Mixture.predictOrThrow(family, best.params, data)
let agree = 0
for (let i = 0; i < n; i++) if ((labels[i] === order[0] ? 0 : 1) === modes[i]) agree++
console.log(
  `\nmost likely mode = true mode for ${fmt((100 * agree) / n, 3)}% of components (overlap limits this: short wear-out lifetimes look like defects)`,
)
check(agree / n > 0.8, 'most lifetimes are attributed to their true mode')
console.log(`converged: ${best.converged} after ${best.iterations} iterations`)
check(best.converged, 'the chosen fit converged')
