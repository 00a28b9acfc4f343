/**
 * Incomplete data (docs/incomplete-data.md): R's airquality (153 days, 44 missing cells in 42 rows)
 * fitted by missing-data EM on its four numeric columns, against listwise deletion, with the
 * conditional-mean completion of the missing cells; from the documented start it reproduces the
 * independent reference of scripts/incomplete-data-reference.py.
 */
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { either as E } from 'fp-ts'
import Papa from 'papaparse'
import { Dataset, Mixture } from '@emkit/core'
import * as Gaussian from '@emkit/gaussian'
import { check, close, fmt } from '../shared/check.js'

const right = <A>(r: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
}
// The repository's root: three folders up from the compiled examples/dist/incomplete-data/main.js.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const fixtures = pathToFileURL(join(root, 'packages', 'gaussian', 'fixtures', 'incomplete') + '/')

// #region read
const columns = ['Ozone', 'Solar.R', 'Wind', 'Temp']
const table = Papa.parse<Record<string, string>>(readFileSync(new URL('airquality.csv', fixtures), 'utf8'), {
  header: true,
  skipEmptyLines: true,
})
const rows = table.data.map((r) => columns.map((c) => (r[c] === 'NA' || r[c] === '' ? Number.NaN : Number(r[c]))))
const data = right(Dataset.fromRows(rows, { columns, allowMissing: true })) // NaN cells become data.missing
const complete = right(
  Dataset.fromRows(
    rows.filter((r) => r.every(Number.isFinite)),
    { columns },
  ),
) // listwise deletion
console.log(`airquality: ${data.n} rows, ${data.missing!.reduce((s, v) => s + v, 0)} missing cells; ${complete.n} complete rows`)
// #endregion read
check(data.n === 153 && complete.n === 111, 'airquality has 153 rows, 111 of them complete')

// #region fit
const family = Gaussian.family({ covariance: 'full' })
const fit = Mixture.fitOrThrow(family, data, { k: 2, restarts: 5, seed: 1 })
const deleted = Mixture.fitOrThrow(family, complete, { k: 2, restarts: 5, seed: 1 })
for (const [name, f] of [
  ['missing-data EM (153 rows)', fit],
  ['listwise deletion (111 rows)', deleted],
] as const) {
  const means = f.params.components.map((c) =>
    Gaussian.meanAndCovariance(c)
      .mean.map((v) => fmt(v, 4))
      .join(', '),
  )
  console.log(
    `${name}: ℓ = ${fmt(f.logLikelihood, 8)}, weights ${Array.from(f.params.weights, (w) => fmt(w, 3)).join(', ')}; means [${means.join('] [')}]`,
  )
}
// #endregion fit
for (let t = 1; t < fit.trace.length; t++)
  check(fit.trace[t]! >= fit.trace[t - 1]! - 1e-9 * Math.abs(fit.trace[t]!), 'the trace never decreases')

// #region impute
const filled = Mixture.imputeOrThrow(family, fit.params, data)
console.log(`row 5 (Ozone and Solar.R missing): [${Array.from(filled.values.subarray(4 * 4, 5 * 4), (v) => fmt(v, 4)).join(', ')}]`)
// #endregion impute
check(filled.values[4 * 4 + 2] === 14.3 && filled.values[4 * 4 + 3] === 56, 'observed cells are kept')
check(filled.values.every(Number.isFinite), 'every missing cell is filled')

// The documented start of the reference (docs/incomplete-data.md), 100 iterations, regularisation 0.
const reference = JSON.parse(readFileSync(new URL('reference.json', fixtures), 'utf8')) as {
  start: { weights: number[]; means: number[][]; covariances: number[][][] }
  full: { trace: number[] }
}
const exact = Gaussian.family({ covariance: 'full', regularization: 0 })
const start = {
  weights: Float64Array.from(reference.start.weights),
  components: reference.start.means.map((m, j) => right(Gaussian.component(m, reference.start.covariances[j]!))),
}
const same = Mixture.fitOrThrow(exact, data, { k: 2, init: start, tolerance: 0, maxIterations: 100 })
for (let t = 0; t <= 100; t++) close(same.trace[t]!, reference.full.trace[t]!, 1e-10, 0, `trace[${t}] against the reference`)
console.log(
  `from the documented start: ℓ after 100 iterations ${fmt(same.logLikelihood, 12)} (reference ${fmt(reference.full.trace[100]!, 12)})`,
)
