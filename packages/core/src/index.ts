/**
 * `@emkit/core`: the EM loop over an abstract latent-variable model, the mixture layer that turns
 * any component family into such a model, datasets, seeded randomness and the flat linear-algebra
 * kernels families build on.
 *
 * Modules are re-exported as namespaces so that code reads as a sentence:
 * `Mixture.fit(Gaussian.family({ covariance: 'full' }), data, { k: 3 })`.
 *
 * @packageDocumentation
 */
export * as Bootstrap from './Bootstrap.js'
export * as Dataset from './Dataset.js'
export * as Datasets from './Datasets.js'
export * as Em from './Em.js'
export * as Engine from './Engine.js'
export * as Errors from './Errors.js'
export * as Family from './Family.js'
export * as Linalg from './Linalg.js'
export * as Mixture from './Mixture.js'
export * as Product from './Product.js'
export * as Regression from './Regression.js'
export * as Rng from './Rng.js'
export * as Source from './Source.js'
export * as Schema from './Schema.js'
export * as Special from './Special.js'
export * as Squarem from './Squarem.js'
export * as Stepwise from './Stepwise.js'
export * as Workers from './Workers.js'
export * as Validate from './Validate.js'
export type { EmError } from './Errors.js'
export { EmException } from './Errors.js'
export type {
  Model,
  LoopModel,
  AsyncModel,
  MaybePromise,
  Posterior,
  StepContext,
  FitWarning,
  FitWarningKind,
  Unconstrained,
} from './Model.js'
export type {
  BlockKernel,
  ComponentFamily,
  DataScale,
  Degenerate,
  Derivatives,
  FixedParameters,
  IncompleteData,
  InitMethod,
  SqlCapability,
  SqlExpressions,
} from './Family.js'
export type { Fit, FitOptions, AsyncFitOptions, Progress, StopReason, Initializer, AsyncInitializer, Step, Iteration } from './Em.js'
export { fit, fitOrThrow, fitAsync, iterate } from './Em.js'
