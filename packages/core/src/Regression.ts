/**
 * Mixtures of regressions (flexmix's `FLXMRglm`, mixtools' `regmixEM`): y given x follows one of k
 * regressions, chosen by a latent class whose probabilities are constant or depend on concomitant
 * variables z through a multinomial logit; rows sharing a group id share one class.
 *
 * One job per file, all re-exported here: the formula subset and design ({@link parseFormula},
 * {@link design}), the conditional families ({@link gaussian}, {@link poisson}, {@link logistic}),
 * the mergeable QR factors of the Gaussian M-step ({@link Qr}), the EM model and its generalised
 * M-step ({@link model}), fitting and starts ({@link fit}), prediction and sampling given
 * covariates, and the model file ({@link toJSON}, {@link fromJSON}). See the guide
 * "Mixtures of regressions" (docs/mixtures-of-regressions.md).
 *
 * @module
 */
import { either as E } from 'fp-ts'
import type { Dataset } from './Dataset.js'
import { EmException } from './Errors.js'
import type { RegressionData, Roles } from './regression/Model.js'
import { design } from './regression/Model.js'

export type { Formula, Term } from './regression/Formula.js'
export { parseFormula, designMatrix, INTERCEPT } from './regression/Formula.js'
export type { ConditionalFamily, Design, RegressionComponent, VarianceEstimator } from './regression/Families.js'
export { gaussian, poisson, logistic, byName, FAMILY_NAMES, VARIANCE_ESTIMATORS, IRLS_MAX_ITERATIONS } from './regression/Families.js'
export * as Qr from './regression/Qr.js'
export type { RegressionData, Roles, RegressionParams, RegressionPosterior } from './regression/Model.js'
export {
  design,
  model,
  maximize,
  posteriorOf,
  posteriorFromRows,
  logPriorsInto,
  logJoint,
  freeParameters,
  validateParams,
  toVector,
  CONCOMITANT_MAX_ITERATIONS,
} from './regression/Model.js'
export type { RegressionStart, RegressionFitOptions, RegressionFit } from './regression/Fit.js'
export {
  fit,
  fitOrThrow,
  partition,
  randomStart,
  fromPosterior,
  predict,
  predictProba,
  priorProba,
  scoreSamples,
  sample,
  DEFAULT_RESTARTS,
} from './regression/Fit.js'
export type { RegressionModel } from './regression/Json.js'
export { toJSON, fromJSON } from './regression/Json.js'

/**
 * {@link design}, throwing an {@link EmException} on failure.
 *
 * @category Data
 * @since 0.2.0
 */
export const designOrThrow = (data: Dataset, roles: Roles): RegressionData => {
  const r = design(data, roles)
  if (E.isLeft(r)) throw new EmException(r.left)
  return r.right
}
