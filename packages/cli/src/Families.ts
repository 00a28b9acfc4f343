/**
 * The family registry: a family name and its options (from flags or from a model file's `family`
 * and `covariance` fields) → a {@link ComponentFamily}. Every sub-command goes through it, so adding
 * a family to the command is one entry here.
 *
 * @packageDocumentation
 */
import type { ComponentFamily } from '@emkit/core'
import * as Exponential from '@emkit/exponential'
import * as Gaussian from '@emkit/gaussian'
import * as Multinomial from '@emkit/multinomial'
import { either as E } from 'fp-ts'
import type { CliError } from './Failure.js'
import { usageError } from './Failure.js'

/**
 * The families the command knows.
 *
 * @category Families
 * @since 0.1.0
 */
export const FAMILIES = ['gaussian', 'exponential', 'multinomial'] as const

/**
 * A family name.
 *
 * @category Families
 * @since 0.1.0
 */
export type FamilyName = (typeof FAMILIES)[number]

/**
 * The Gaussian covariance structures.
 *
 * @category Families
 * @since 0.1.0
 */
export const COVARIANCES = ['full', 'diag', 'spherical', 'tied'] as const

/**
 * A Gaussian covariance structure.
 *
 * @category Families
 * @since 0.1.0
 */
export type Covariance = (typeof COVARIANCES)[number]

/**
 * What identifies a family and its options.
 *
 * @category Families
 * @since 0.1.0
 */
export interface FamilySpec {
  /** The family. */
  readonly family: FamilyName
  /** The covariance structure (gaussian only). */
  readonly covariance?: Covariance
  /** Added to covariance diagonals (gaussian; `--reg-covar`). Family default when absent. */
  readonly regularization?: number
  /** Additive smoothing of multinomial probabilities (`--smoothing`). Family default when absent. */
  readonly smoothing?: number
  /** Row total of sampled multinomial rows (`sample --trials`). Family default (1) when absent. */
  readonly trials?: number
}

/**
 * A component family with its parameter and statistics types erased (the command handles every
 * family alike).
 *
 * @category Families
 * @since 0.1.0
 */
export type AnyFamily = ComponentFamily<unknown, unknown>

/**
 * Builds a family from its name and options (the registry a command runs with).
 *
 * @category Families
 * @since 0.1.0
 */
export type Registry = (spec: FamilySpec) => E.Either<CliError, AnyFamily>

/**
 * A readable name: `gaussian/full`, `exponential`.
 *
 * @category Families
 * @since 0.1.0
 */
export const label = (spec: FamilySpec): string => (spec.family === 'gaussian' ? `gaussian/${spec.covariance ?? 'full'}` : spec.family)

/**
 * The registry of the families in this repository: gaussian (full, diag, spherical, tied),
 * exponential, multinomial.
 *
 * @category Families
 * @since 0.1.0
 */
export const registry: Registry = (spec) => {
  switch (spec.family) {
    case 'gaussian': {
      const options: { covariance: Covariance; regularization?: number } = { covariance: spec.covariance ?? 'full' }
      if (spec.regularization !== undefined) options.regularization = spec.regularization
      return E.right(Gaussian.family(options) as unknown as AnyFamily)
    }
    case 'exponential':
      return E.right(Exponential.family() as unknown as AnyFamily)
    case 'multinomial': {
      const options: { smoothing?: number; trials?: number } = {}
      if (spec.smoothing !== undefined) options.smoothing = spec.smoothing
      if (spec.trials !== undefined) options.trials = spec.trials
      const f = Multinomial.fromOptions(options)
      return E.isLeft(f) ? E.left(usageError(f.left.message)) : E.right(f.right as unknown as AnyFamily)
    }
    default:
      return E.left(usageError(`unknown family ${JSON.stringify(spec.family)}; choose one of ${FAMILIES.join(', ')}`))
  }
}
