/**
 * Atomic output: every file the command writes goes to a temporary file in the same directory,
 * is flushed, then renamed over the target. A failed run leaves no partial file, and never
 * replaces a good file with a broken one.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { either as E } from 'fp-ts'
import type { CliError } from './Failure.js'
import { dataError } from './Failure.js'

/**
 * The temporary name used for `path` (same directory, so the rename is atomic; `.emkit-tmp-`
 * prefix, git-ignored).
 *
 * @category Output
 * @since 0.1.0
 */
export const temporaryPath = (path: string): string =>
  join(dirname(path), `.emkit-tmp-${basename(path)}-${process.pid}-${randomBytes(4).toString('hex')}`)

/**
 * Writes `contents` to `path` atomically (temporary file, fsync, rename). On failure the temporary
 * file is removed and the target is untouched.
 *
 * @example
 * ```ts
 * writeFileAtomic('model.json', JSON.stringify(json)) // Right(undefined)
 * ```
 * @category Output
 * @since 0.1.0
 */
export const writeFileAtomic = (path: string, contents: string): E.Either<CliError, void> => {
  const tmp = temporaryPath(path)
  let fd: number | undefined
  try {
    fd = openSync(tmp, 'wx', 0o644)
    writeSync(fd, contents)
    fsyncSync(fd)
    closeSync(fd)
    fd = undefined
    renameSync(tmp, path)
    return E.right(undefined)
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd)
      } catch {
        // already failing: the first error is the one to report
      }
    }
    rmSync(tmp, { force: true })
    const code = (e as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : e instanceof Error ? e.message : String(e)
    return E.left(dataError(`cannot write ${path}: ${why}`))
  }
}
