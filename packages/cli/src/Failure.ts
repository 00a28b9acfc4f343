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

/**
 * Why a file could not be read, in a few words: `no such file`, `it is a directory`,
 * `permission denied`, too large for one string (more than 2²⁹ − 24 characters), or the system's
 * message.
 *
 * @category Errors
 * @since 0.2.0
 */
export const readFailureReason = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ERR_STRING_TOO_LONG') return 'the file is too large to read into memory; fit it with --engine stream'
  return code === 'ENOENT'
    ? 'no such file'
    : code === 'EISDIR'
      ? 'it is a directory'
      : code === 'EACCES'
        ? 'permission denied'
        : e instanceof Error
          ? e.message
          : String(e)
}

/**
 * The failure for a file that cannot be read: `cannot read data file nope.csv: no such file`.
 *
 * @param path the file.
 * @param what what it is (`data file`, `model file`).
 * @param e the error from the file system.
 * @category Errors
 * @since 0.2.0
 */
export const readFailure = (path: string, what: string, e: unknown): CliError =>
  dataError(`cannot read ${what} ${path}: ${readFailureReason(e)}`)

/**
 * Turns a library error from applying a model to a file into a data error naming the file
 * (`file: message`), for `E.mapLeft`.
 *
 * @category Errors
 * @since 0.2.0
 */
export const modelOnData =
  (path: string) =>
  (e: { readonly message: string }): CliError =>
    dataError(`${path}: ${e.message}`)
