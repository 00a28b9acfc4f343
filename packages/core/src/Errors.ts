/**
 * Typed errors returned (as the `Left` of an fp-ts `Either`) by every emkit entry point.
 *
 * Errors are plain tagged data: switch on `_tag`. Each carries a one-line, user-facing `message`
 * that says what is wrong and, where there is one, what to do about it.
 *
 * @packageDocumentation
 */

/**
 * The data are unusable: empty, ragged, non-finite, outside a family's support, or too small for k.
 * `row` and `column` are 0-based indices of the offending cell when there is one.
 *
 * @category Errors
 * @since 0.1.0
 */
export interface InvalidData {
  readonly _tag: 'InvalidData'
  readonly message: string
  readonly row?: number
  readonly column?: number
}

/**
 * An option is out of range or inconsistent (e.g. `k < 1`, negative tolerance).
 *
 * @category Errors
 * @since 0.1.0
 */
export interface InvalidOptions {
  readonly _tag: 'InvalidOptions'
  readonly message: string
  readonly option: string
}

/**
 * Given parameters are invalid: wrong dimension, weights not on the simplex, a covariance that is
 * not positive definite, a rate that is not positive, …
 *
 * @category Errors
 * @since 0.1.0
 */
export interface InvalidParameters {
  readonly _tag: 'InvalidParameters'
  readonly message: string
  /** Index of the offending component, when there is one. */
  readonly component?: number
  /** JSON-pointer-like path to the offending field, e.g. `components/1/covariance`. */
  readonly path?: string
}

/**
 * A component collapsed during the fit (its responsibilities vanished or its estimate is
 * degenerate) and the collapse policy was `'error'` (or re-seeding failed).
 *
 * @category Errors
 * @since 0.1.0
 */
export interface CollapsedComponent {
  readonly _tag: 'CollapsedComponent'
  readonly message: string
  readonly component: number
  readonly iteration: number
}

/**
 * The fit produced a non-finite log-likelihood or non-finite parameters. emkit never returns
 * such parameters; it returns this error instead.
 *
 * @category Errors
 * @since 0.1.0
 */
export interface NonFinite {
  readonly _tag: 'NonFinite'
  readonly message: string
  readonly iteration: number
}

/**
 * A model file (`emkit.mixture/v1` JSON) could not be read: malformed, wrong format, wrong family.
 *
 * @category Errors
 * @since 0.1.0
 */
export interface InvalidModel {
  readonly _tag: 'InvalidModel'
  readonly message: string
  readonly path?: string
}

/**
 * The machinery that runs the passes over the data failed: a worker thread died or did not reply,
 * a data stream could not be read. `engine` names the engine (`'threads'`, `'stream'`, …).
 *
 * @category Errors
 * @since 0.2.0
 */
export interface EngineFailure {
  readonly _tag: 'EngineFailure'
  readonly message: string
  readonly engine: string
}

/**
 * The observed information matrix is not positive definite at the parameters, so the estimates have
 * no standard errors from it: a parameter on the boundary (a weight or a probability at 0), a
 * component with too few rows, or parameters that are not a maximum. `parameter` names the free
 * parameter with the smallest pivot (e.g. `"weights/1"`, `"components/0/free/3"`).
 *
 * @category Errors
 * @since 0.2.0
 */
export interface SingularInformation {
  readonly _tag: 'SingularInformation'
  readonly message: string
  readonly parameter?: string
}

/**
 * Every error emkit returns.
 *
 * @category Errors
 * @since 0.1.0
 */
export type EmError =
  InvalidData | InvalidOptions | InvalidParameters | CollapsedComponent | NonFinite | InvalidModel | EngineFailure | SingularInformation

/**
 * The exception thrown by the `…OrThrow` twins of emkit's `Either`-returning functions. It carries
 * the typed error in `error`.
 *
 * @example
 * ```ts
 * try {
 *   Mixture.fitOrThrow(Gaussian.family(), data, { k: 2 })
 * } catch (e) {
 *   if (e instanceof EmException) console.log(e.error._tag, e.error.message)
 * }
 * ```
 * @category Errors
 * @since 0.1.0
 */
export class EmException extends Error {
  /** The typed error. */
  readonly error: EmError
  constructor(error: EmError) {
    super(error.message)
    this.name = `EmException(${error._tag})`
    this.error = error
  }
}

/**
 * Builds an {@link InvalidData} error.
 *
 * @category Errors
 * @since 0.1.0
 */
export const invalidData = (message: string, row?: number, column?: number): InvalidData => {
  const e: { _tag: 'InvalidData'; message: string; row?: number; column?: number } = { _tag: 'InvalidData', message }
  if (row !== undefined) e.row = row
  if (column !== undefined) e.column = column
  return e
}

/**
 * Builds an {@link InvalidOptions} error.
 *
 * @category Errors
 * @since 0.1.0
 */
export const invalidOptions = (option: string, message: string): InvalidOptions => ({ _tag: 'InvalidOptions', option, message })

/**
 * Builds an {@link InvalidParameters} error.
 *
 * @category Errors
 * @since 0.1.0
 */
export const invalidParameters = (message: string, component?: number, path?: string): InvalidParameters => {
  const e: { _tag: 'InvalidParameters'; message: string; component?: number; path?: string } = { _tag: 'InvalidParameters', message }
  if (component !== undefined) e.component = component
  if (path !== undefined) e.path = path
  return e
}

/**
 * Builds an {@link InvalidModel} error.
 *
 * @category Errors
 * @since 0.1.0
 */
export const invalidModel = (message: string, path?: string): InvalidModel =>
  path === undefined ? { _tag: 'InvalidModel', message } : { _tag: 'InvalidModel', message, path }

/**
 * Builds an {@link EngineFailure} error.
 *
 * @category Errors
 * @since 0.2.0
 */
export const engineFailure = (engine: string, message: string): EngineFailure => ({ _tag: 'EngineFailure', engine, message })
