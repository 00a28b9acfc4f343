/**
 * The family registry: a family name and its options (from flags or from a model file's `family`,
 * `covariance` and `parts` fields) → a {@link ComponentFamily}. Every sub-command goes through it,
 * so adding a built-in family to the command is one entry here. Besides the built-ins it builds
 * products over columns (from their parts) and hands back families loaded from a user's module.
 *
 * @packageDocumentation
 */
import type { ComponentFamily } from '@emkit/core'
import { Product } from '@emkit/core'
import * as Exponential from '@emkit/exponential'
import { Bernoulli, Categorical, Gamma, Poisson } from '@emkit/families'
import * as Gaussian from '@emkit/gaussian'
import * as Multinomial from '@emkit/multinomial'
import { either as E } from 'fp-ts'
import type { CliError } from './Failure.js'
import { usageError } from './Failure.js'
import type { FamilyModule } from './FamilyModule.js'

/**
 * The built-in families the command knows.
 *
 * @category Families
 * @since 0.1.0
 */
export const FAMILIES = ['gaussian', 'exponential', 'multinomial', 'poisson', 'bernoulli', 'categorical', 'gamma'] as const

/**
 * The largest number of levels a categorical column may have (levels 0 … 2²⁰ − 1, the categorical
 * family's bound).
 *
 * @category Families
 * @since 0.2.0
 */
export const MAX_LEVELS = 2 ** 20

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
  /**
   * The family's name as the model JSON's `family` field says it: a built-in name, `product`, or
   * the name of a family loaded from a module.
   */
  readonly family: string
  /** The covariance structure (gaussian only). */
  readonly covariance?: Covariance
  /** Added to covariance diagonals (gaussian; `--reg-covar`). Family default when absent. */
  readonly regularization?: number
  /** Additive smoothing of multinomial probabilities (`--smoothing`). Family default when absent. */
  readonly smoothing?: number
  /** Row total of sampled multinomial rows (`sample --trials`). Family default (1) when absent. */
  readonly trials?: number
  /** The number of levels V of a categorical column (categorical only; required there). @since 0.2.0 */
  readonly levels?: number
  /** The family loaded from a user's module (`--family ./my-family.js`); `family` is its name. @since 0.2.0 */
  readonly module?: FamilyModule
  /** The parts of a product (`family` is `product`). @since 0.2.0 */
  readonly parts?: readonly PartSpec[]
}

/**
 * One part of a product family: its family and the 0-based indices of its columns in the data.
 *
 * @category Families
 * @since 0.2.0
 */
export interface PartSpec {
  /** The part's family (not itself a product). */
  readonly spec: FamilySpec
  /** The part's columns: 0-based indices into the data's columns. */
  readonly columns: readonly number[]
  /** The names of those columns, when the data have a header. */
  readonly names?: readonly string[]
}

/**
 * Whether a name is one of the built-in families.
 *
 * @category Families
 * @since 0.2.0
 */
export const isBuiltin = (name: string): name is FamilyName => (FAMILIES as readonly string[]).includes(name)

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
export const label = (spec: FamilySpec): string =>
  spec.module !== undefined
    ? `${spec.family} (${spec.module.path})`
    : spec.parts !== undefined
      ? spec.parts.map((p) => `${label(p.spec)}:${(p.names ?? p.columns).join(',')}`).join('+')
      : spec.family === 'gaussian'
        ? `gaussian/${spec.covariance ?? 'full'}`
        : spec.family

/**
 * The registry of the families in this repository: gaussian (full, diag, spherical, tied),
 * exponential, multinomial, poisson, bernoulli, categorical (with `levels`), gamma; a product of
 * them over columns (`parts`); and a family loaded from a module (`module`).
 *
 * @category Families
 * @since 0.1.0
 */
export const registry: Registry = (spec) => {
  if (spec.module !== undefined) return E.right(spec.module.family)
  if (spec.parts !== undefined) return product(registry, spec.parts)
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
    case 'poisson':
      return E.right(Poisson.family() as unknown as AnyFamily)
    case 'bernoulli':
      return E.right(Bernoulli.family() as unknown as AnyFamily)
    case 'gamma':
      return E.right(Gamma.family() as unknown as AnyFamily)
    case 'categorical': {
      if (spec.levels === undefined) return E.left(usageError('the categorical family needs its number of levels'))
      const f = Categorical.fromOptions({ levels: spec.levels })
      return E.isLeft(f) ? E.left(usageError(`categorical: ${f.left.message}`)) : E.right(f.right as unknown as AnyFamily)
    }
    default:
      return E.left(
        usageError(
          spec.family === 'product'
            ? 'a product family needs its parts'
            : `unknown family ${JSON.stringify(spec.family)}; choose one of ${FAMILIES.join(', ')}, or give the module that defines it (--family ./my-family.js)`,
        ),
      )
  }
}

/** A product of the parts' families (built by `parts`' registry). */
const product = (parts: Registry, specs: readonly PartSpec[]): E.Either<CliError, AnyFamily> => {
  if (specs.length === 0) return E.left(usageError('a product family needs at least one part'))
  const built: Array<{ family: AnyFamily; columns: readonly number[]; names?: readonly string[] }> = []
  for (const p of specs) {
    if (p.spec.parts !== undefined) return E.left(usageError('a part of a product cannot itself be a product'))
    const f = parts(p.spec)
    if (E.isLeft(f)) return f
    built.push({ family: f.right, columns: p.columns, ...(p.names === undefined ? {} : { names: p.names }) })
  }
  const f = Product.fromParts(built)
  return E.isLeft(f) ? E.left(usageError(`a product family: ${f.left.message}`)) : E.right(f.right as unknown as AnyFamily)
}
