/**
 * The command's failures: plain tagged data with the exit code they map to.
 *
 * - exit code 1: bad data, a bad or mismatched model file, or a fit that cannot proceed;
 * - exit code 2: a usage error (unknown flag, malformed option value, conflicting options).
 *
 * Pure modules return them as the `Left` of an fp-ts `Either`; the command handlers raise them once
 * with {@link orFail} and the entry point catches them once, printing one line on stderr.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'

/**
 * A user-facing failure of the `emkit` command.
 *
 * @category Errors
 * @since 0.1.0
 */
export interface CliError {
  readonly _tag: 'CliError'
  /** 1 for bad data / model / fit, 2 for usage errors. */
  readonly exitCode: 1 | 2
  /** One readable line naming the file, row, column or option at fault. */
  readonly message: string
}

/**
 * A failure caused by the input (data file, model file) or by a fit that cannot proceed: exit code 1.
 *
 * @category Errors
 * @since 0.1.0
 */
export const dataError = (message: string): CliError => ({ _tag: 'CliError', exitCode: 1, message })

/**
 * A usage error (bad flag or flag value): exit code 2.
 *
 * @category Errors
 * @since 0.1.0
 */
export const usageError = (message: string): CliError => ({ _tag: 'CliError', exitCode: 2, message })

/**
 * The exception that carries a {@link CliError} from a command handler to the entry point.
 *
 * @category Errors
 * @since 0.1.0
 */
export class CliFailure extends Error {
  /** The failure. */
  readonly error: CliError
  constructor(error: CliError) {
    super(error.message)
    this.name = 'CliFailure'
    this.error = error
  }
}

/**
 * Unwraps a `Right`, or raises the `Left` as a {@link CliFailure} (caught once by the entry point).
 *
 * @category Errors
 * @since 0.1.0
 */
export const orFail = <A>(r: E.Either<CliError, A>): A => {
  if (E.isLeft(r)) throw new CliFailure(r.left)
  return r.right
}
