/**
 * The executable entry of `emkit` (run by `bin/emkit.js`): runs the command on the process's
 * arguments and sets the exit code.
 *
 * @packageDocumentation
 */
import { run } from './Program.js'

// A closed pipe (`emkit predict … | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0)
  throw e
})

process.exitCode = await run(process.argv.slice(2))
