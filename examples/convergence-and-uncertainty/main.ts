/**
 * Convergence and uncertainty on Old Faithful (docs/convergence-and-uncertainty.md): plain EM and
 * SQUAREM from the same documented start (k = 3, full covariance, the M-step from the k-means++
 * partition of Rng.seeded(2)); where each stopping rule stops; the linear rate; standard errors
 * of k = 2 from the observed information and from the bootstrap.
 */
import { either as E } from 'fp-ts'
import { Datasets, Em, Mixture, Rng, Squarem } from '@emkit/core'
import * as Gaussian from '@emkit/gaussian'
import { check, close, fmt } from '../shared/check.js'

const right = <A>(r: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
}

// #region squarem
const family = Gaussian.family({ covariance: 'full', regularization: 0 })
const model = Mixture.model(family, 3)
const start = right(Mixture.initializer(model, 'kmeans++')(Datasets.faithful, Rng.seeded(2)))
const options = { init: start, stop: 'parameters', tolerance: 1e-8, maxIterations: 10_000 } as const
const plain = Em.fitOrThrow(model, Datasets.faithful, options)
const accelerated = Em.fitOrThrow(model, Datasets.faithful, { ...options, accelerate: 'squarem' })
console.log(`plain EM: ${plain.iterations} iterations, ${plain.evaluations} E-steps, ℓ = ${fmt(plain.logLikelihood, 12)}`)
console.log(
  `SQUAREM:  ${accelerated.iterations} accepted steps, ${accelerated.evaluations} E-steps, ℓ = ${fmt(accelerated.logLikelihood, 12)}`,
)
console.log(`plain EM's rate of convergence ≈ ${fmt(plain.convergenceRate ?? NaN, 4)} (the largest fraction of missing information)`)
// #endregion squarem
check(accelerated.evaluations < plain.evaluations / 2, 'SQUAREM needs under half the E-steps')
close(accelerated.logLikelihood, plain.logLikelihood, 1e-9, 0, 'the same optimum')
check(Squarem.relativeChange(model.toVector(plain.params), model.toVector(accelerated.params)) < 1e-5, 'the same parameters')

// #region stopping
for (const stop of ['loglik', 'parameters', 'aitken'] as const) {
  const f = Em.fitOrThrow(model, Datasets.faithful, { init: start, stop, tolerance: 1e-8, maxIterations: 10_000 })
  const gap = Squarem.relativeChange(model.toVector(accelerated.params), model.toVector(f.params))
  console.log(`stop: '${stop}' at 1e-8 → ${f.iterations} iterations, largest relative parameter gap to the optimum ${gap.toExponential(1)}`)
}
// #endregion stopping

// #region errors
const two = Mixture.fitOrThrow(family, Datasets.faithful, { k: 2, seed: 1, restarts: 3, stop: 'parameters', tolerance: 1e-12 })
const observed = Mixture.standardErrorsOrThrow(family, Datasets.faithful, two.params)
const boot = right(Mixture.bootstrap(family, Datasets.faithful, two.params, { replicates: 199, seed: 7 }))
console.log(
  `π₁ = ${fmt(two.params.weights[0]!, 4)} ± ${fmt(observed.weights[0]!, 3)} (observed information), ± ${fmt(boot.weights[0]!, 3)} (bootstrap, ${boot.replicates} refits)`,
)
const json = Mixture.withStandardErrors(family, Mixture.toJSON(family, two.params, two), two.params, observed)
console.log(JSON.stringify(json.fit?.standardErrors?.components[0]))
// #endregion errors
close(boot.weights[0]!, observed.weights[0]!, 0.2, 0, 'bootstrap and observed SE of π₁ agree within 20 %')
