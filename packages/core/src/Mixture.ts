/**
 * The mixture layer: turns any {@link ComponentFamily} into an EM model.
 *
 * p(x | θ) = Σⱼ πⱼ f(x | θⱼ). The E-step computes responsibilities γᵢⱼ = πⱼ f(xᵢ | θⱼ) / p(xᵢ | θ)
 * by log-sum-exp; the M-step asks the family for its weighted MLE from per-component sufficient
 * statistics, with πⱼ = Σᵢ wᵢγᵢⱼ / Σᵢ wᵢ. Fitting runs each iteration as one fused pass over the
 * data on an engine (see `Engine`), so the n × k responsibilities matrix is built only when asked
 * for ({@link responsibilities}, {@link predictProba}, and the verification {@link model}).
 *
 * One job per file, all re-exported here: the model and its M-step with the collapse policy
 * (`mixture/Model.ts`, `mixture/MStep.ts`), fitting (`mixture/Fit.ts`), initialisation
 * (`mixture/Init.ts`), information criteria (`mixture/Criteria.ts`), prediction and sampling
 * (`mixture/Predict.ts`) and the model JSON (`mixture/Json.ts`).
 *
 * Responsibilities are stored component-major: `values[j * n + i]` = γᵢⱼ, so each component's
 * weight vector is contiguous for the family's M-step kernels.
 *
 * @packageDocumentation
 */
export type { Params, Responsibilities, CollapsePolicy } from './mixture/Types.js'
export type { ModelOptions, MixtureModel } from './mixture/Model.js'
export { model, NEGLIGIBLE_RESPONSIBILITY } from './mixture/Model.js'
export { EMPTY as EMPTY_COMPONENT_WEIGHT } from './mixture/MStep.js'
export { initializer, sampleRows, sourceInitializer } from './mixture/Init.js'
export type { MixtureFitOptions, MixtureFitAsyncOptions, MixtureFit, EngineChoice } from './mixture/Fit.js'
export { fit, fitAsync, fitOrThrow, checkData, DEFAULT_INIT_SAMPLE } from './mixture/Fit.js'
export type { FixedOptions, FixedSummary } from './mixture/Fixed.js'
export { AUTO_WORKERS_WORK } from './Engine.js'
export type { Criteria } from './mixture/Criteria.js'
export { criteria, criteriaOrThrow } from './mixture/Criteria.js'
export {
  checkPrediction,
  responsibilities,
  responsibilitiesOrThrow,
  freeParameters,
  predictProba,
  predictProbaOrThrow,
  predict,
  predictOrThrow,
  scoreSamples,
  scoreSamplesOrThrow,
  score,
  scoreOrThrow,
  logLikelihood,
  logLikelihoodOrThrow,
  sample,
  sampleOrThrow,
  impute,
  imputeOrThrow,
} from './mixture/Predict.js'
export type { FitSummary, ModelJson } from './mixture/Json.js'
export { FORMAT, toJSON, fromJSON } from './mixture/Json.js'
export type { StandardErrors, StandardErrorMethod, Information } from './mixture/StandardErrors.js'
export {
  observedInformation,
  standardErrors,
  standardErrorsOrThrow,
  standardErrorsJSON,
  withStandardErrors,
} from './mixture/StandardErrors.js'
export type { MixtureBootstrapOptions } from './mixture/Bootstrap.js'
export { bootstrap } from './mixture/Bootstrap.js'
