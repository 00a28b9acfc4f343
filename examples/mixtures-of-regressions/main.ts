/**
 * Mixtures of regressions on flexmix's NPreg data: two latent classes, each with its own regression
 * of a response on x — a quadratic Gaussian one (yn), a Poisson one (yp) — fitted by EM from random
 * hard assignments, chosen by BIC, grouped by subject, and used to predict and to sample.
 *
 * Run: `npx tsc -b && node scripts/run-examples.mjs mixtures-of-regressions`
 */
import { readFileSync } from 'node:fs'
import { Dataset, Regression, Rng } from '@emkit/core'
import { check, fmt } from '../shared/check.js'

// #region data
const text = readFileSync('../../packages/core/fixtures/regression/npreg.csv', 'utf8') // run from examples/mixtures-of-regressions
  .trim()
  .split('\n')
const table = Dataset.fromRowsOrThrow(
  text.slice(1).map((line) => line.split(',').map(Number)),
  { columns: text[0]!.split(',') }, // x, yn, yp, yb, class, id1, id2
)
const data = Regression.designOrThrow(table, { formula: 'yn ~ x + I(x^2)' })
// #endregion data

// #region fit
const gaussian = Regression.gaussian() // ML variance, as mixtools' regmixEM; { variance: 'flexmix' } for flexmix's
const fits = [1, 2, 3].map((k) => Regression.fitOrThrow(gaussian, data, k, { seed: 1 })) // 10 random hard starts each
for (const f of fits)
  console.log(
    `k = ${f.params.components.length}: log-likelihood ${fmt(f.logLikelihood, 9)}, BIC ${fmt(f.bic, 7)}, ${f.freeParameters} parameters`,
  )
const best = fits.reduce((a, b) => (b.bic < a.bic ? b : a))
/** β as an equation over the design's terms: `14.7 + 9.85·x − 0.969·I(x^2)`. */
const equation = (beta: Float64Array, terms: readonly string[]): string =>
  terms
    .map(
      (t, c) =>
        `${c === 0 ? '' : beta[c]! < 0 ? ' − ' : ' + '}${fmt(c === 0 ? beta[c]! : Math.abs(beta[c]!), 4)}${t === '(Intercept)' ? '' : `·${t}`}`,
    )
    .join('')
for (const [j, c] of best.params.components.entries())
  console.log(
    `class ${j + 1} (weight ${fmt(best.params.weights[j]!, 3)}): yn = ${equation(c.coefficients, data.terms)}, σ² = ${fmt(c.variance!, 4)}`,
  )
// #endregion fit
check(best.params.components.length === 2, 'BIC chooses the two classes NPreg was drawn from')

// #region predict
const labels = Regression.predict(gaussian, best.params, data)
if (labels._tag === 'Left') throw new Error(labels.left.message)
const truth = Array.from({ length: table.n }, (_, i) => table.values[i * table.d + 4]! - 1)
const agree = truth.filter((t, i) => t === labels.right[i]).length
const accuracy = Math.max(agree, table.n - agree) / table.n // labels are defined up to a permutation
console.log(`agreement with the true classes: ${fmt(100 * accuracy, 3)}%`)
// #endregion predict
check(accuracy > 0.9, `the classes are recovered (${accuracy})`)

// #region grouped
// id2 names 50 subjects of 4 rows each: one latent class per subject.
const grouped = Regression.designOrThrow(table, { formula: 'yp ~ x', group: 'id2' })
const poisson = Regression.fitOrThrow(Regression.poisson(), grouped, 2, { seed: 1 })
console.log(
  `Poisson, grouped by id2: log-likelihood ${fmt(poisson.logLikelihood, 9)}; log-rates ${poisson.params.components.map((c) => equation(c.coefficients, grouped.terms)).join(' and ')}`,
)
// #endregion grouped
check(poisson.converged, 'the grouped Poisson fit converges')

// #region sample
// New responses at the observed x, each row from a class drawn by the weights.
const drawn = Regression.sample(gaussian, best.params, data, Rng.seeded(2))
if (drawn._tag === 'Left') throw new Error(drawn.left.message)
const refit = Regression.fitOrThrow(gaussian, { ...data, y: drawn.right.response }, 2, { init: best.params })
console.log(`refitted to a sample drawn given x: weights ${Array.from(refit.params.weights, (w) => fmt(w, 3)).join(', ')}`)
// #endregion sample
check(Math.abs(refit.params.weights[0]! - best.params.weights[0]!) < 0.15, 'the sample refits close to the model it came from')
