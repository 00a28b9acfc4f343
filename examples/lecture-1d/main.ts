/**
 * The lecture's classic example: a two-component univariate Gaussian mixture (mixing coefficients
 * 0.3 and 0.7) fitted by EM from a deliberately poor start, printing the log-likelihood at every
 * iteration and the recovered parameters beside the true ones.
 *
 * Run: `npx tsc -b && node examples/dist/lecture-1d/main.js`
 */
import { either as E } from 'fp-ts'
import { Em, Rng } from '@emkit/core'
import * as Gaussian from '@emkit/gaussian'
import { check, close, fmt } from '../shared/check.js'

// #region data
const truth = { weights: [0.3, 0.7], means: [-2, 3], sds: [1, 1.5] }
const rng = Rng.seeded(20240101)
const xs: number[] = []
for (let i = 0; i < 500; i++) {
  const j = rng.uniform() < truth.weights[0]! ? 0 : 1
  xs.push(truth.means[j]! + truth.sds[j]! * rng.normal())
}
// #endregion data

// #region fit
const result = Gaussian.fit1d(xs, {
  k: 2,
  init: { weights: [0.5, 0.5], means: [-1, 1], variances: [1, 1] }, // a poor start on purpose
  tolerance: 1e-10, // on the mean per-row change of the log-likelihood
  maxIterations: 500,
})
if (E.isLeft(result)) {
  console.error(`fit failed: ${result.left.message}`)
  process.exit(1)
}
const { weights, means, variances, fit } = result.right
// #endregion fit

console.log('iteration  log-likelihood        change')
fit.trace.forEach((ll, t) => {
  const change = t === 0 ? '' : (ll - fit.trace[t - 1]!).toExponential(3)
  if (t < 15 || t === fit.iterations) console.log(`${String(t).padStart(9)}  ${ll.toFixed(8).padStart(18)}  ${change.padStart(12)}`)
  else if (t === 15) console.log('      …')
})
console.log(`\nstopped after ${fit.iterations} iterations (${fit.stopReason}); BIC ${fmt(fit.bic, 8)}, AIC ${fmt(fit.aic, 8)}\n`)
console.log('component   weight (true)      mean (true)       sd (true)')
for (let j = 0; j < 2; j++) {
  console.log(
    `${String(j).padStart(9)}   ${fmt(weights[j]!, 4)} (${truth.weights[j]})   ${fmt(means[j]!, 4).padStart(7)} (${truth.means[j]})   ${fmt(Math.sqrt(variances[j]!), 4).padStart(6)} (${truth.sds[j]})`,
  )
}

// Checks: EM never lowers the log-likelihood; the fit converged; the parameters are near the truth
// (500 points: standard errors ≈ 0.02 for the weights and ≈ 0.1 for the means and sds).
for (let t = 1; t < fit.trace.length; t++) {
  check(fit.trace[t]! >= fit.trace[t - 1]! - Em.decreaseSlack(fit.trace[t - 1]!), `log-likelihood decreased at iteration ${t}`)
}
check(fit.converged, 'the fit did not converge')
check(fit.warnings.length === 0, `unexpected warnings: ${fit.warnings.map((w) => w.message).join('; ')}`)
for (let j = 0; j < 2; j++) {
  close(weights[j]!, truth.weights[j]!, 0, 0.06, `weight ${j}`)
  close(means[j]!, truth.means[j]!, 0, 0.3, `mean ${j}`)
  close(Math.sqrt(variances[j]!), truth.sds[j]!, 0, 0.25, `sd ${j}`)
}
console.log('\nok: recovered the true parameters within their sampling error')
