/**
 * Atomic output: every file the command writes goes to a temporary file in the same directory,
 * is flushed, then renamed over the target. A failed run leaves no partial file, and never
 * replaces a good file with a broken one.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, openSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { either as E } from 'fp-ts'
import type { CliError } from './Failure.js'
import { dataError } from './Failure.js'

/**
 * The temporary name used for `path` (same directory, so the rename is atomic; `.emkit-tmp-`
 * prefix, git-ignored).
 *
 * @category Command line
 * @since 0.1.0
 */
export const temporaryPath = (path: string): string =>
  join(dirname(path), `.emkit-tmp-${basename(path)}-${process.pid}-${randomBytes(4).toString('hex')}`)

/**
 * Writes `contents` to `path` atomically (temporary file, fsync, rename). On failure the temporary
 * file is removed and the target is untouched.
 *
 * A symbolic link is followed (its target is replaced, not the link). A target that exists and is
 * not a regular file (`/dev/null`, `/dev/stdout`, a named pipe) cannot be replaced by a rename and
 * is written to directly; a directory is an error.
 *
 * @example
 * ```ts
 * const fit = Mixture.fitOrThrow(Gaussian.family(), Datasets.faithful, { k: 2, seed: 1 })
 * AtomicWrite.writeFileAtomic('model.json', JSON.stringify(Mixture.toJSON(Gaussian.family(), fit.params, fit))) // Right(undefined)
 * ```
 * @category Command line
 * @since 0.1.0
 */
export const writeFileAtomic = (path0: string, contents: string): E.Either<CliError, void> => {
  let path = path0
  let special = false
  try {
    const st = statSync(path0) // follows links
    if (st.isDirectory()) return E.left(dataError(`cannot write ${path0}: it is a directory`))
    special = !st.isFile()
    if (!special) path = realpathSync(path0)
  } catch {
    // does not exist yet: write at the name given
  }
  if (special) {
    try {
      writeFileSync(path0, contents)
      return E.right(undefined)
    } catch (e) {
      return E.left(dataError(`cannot write ${path0}: ${e instanceof Error ? e.message : String(e)}`))
    }
  }
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
    const why =
      code === 'ENOENT'
        ? 'no such directory'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : e instanceof Error
              ? e.message
              : String(e)
    return E.left(dataError(`cannot write ${path0}: ${why}`))
  }
}
