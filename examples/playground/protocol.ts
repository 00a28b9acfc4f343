/**
 * The messages between the playground's page and its EM worker (plain data: they cross by
 * `postMessage`).
 */
import type * as Plots from '@emkit/cli/plots'

/** A numeric table: n × d, row-major, with its column names. */
export interface Table {
  readonly columns: readonly string[]
  readonly values: Float64Array
  readonly n: number
}

/** What to fit. */
export interface FitRequest {
  readonly kind: 'fit'
  /** The data: a table, or `'faithful'` for the Old Faithful data embedded in `@emkit/core`. */
  readonly data: Table | 'faithful'
  readonly family: 'gaussian' | 'exponential'
  readonly covariance: 'full' | 'diag' | 'spherical' | 'tied'
  /** Fit this k, or select k = 1…k by BIC. */
  readonly mode: 'fit' | 'select'
  readonly k: number
  readonly restarts: number
  readonly seed: number
}

/** What the worker says while it works and when it is done. */
export type WorkerMessage =
  | { readonly kind: 'step'; readonly restart: number; readonly iteration: number; readonly logLikelihood: number; readonly delta: number }
  | { readonly kind: 'candidate'; readonly k: number; readonly bic: number }
  | {
      readonly kind: 'done'
      readonly title: string
      readonly summary: string
      readonly warnings: readonly string[]
      /** The fitted model, `emkit.mixture/v1` JSON. */
      readonly model: unknown
      readonly trace: readonly number[]
      /** The command line's pictures: the data by component (ellipses for Gaussians), the trace, and the selection. */
      readonly dataSpec: Plots.VlSpec
      readonly traceSpec: Plots.VlSpec
      readonly selectSpec?: Plots.VlSpec
    }
  | { readonly kind: 'error'; readonly message: string }
