/**
 * The `emkit` program: the root command with its sub-commands (one file each under `commands/`),
 * and {@link run}, which turns every failure into an exit code and one line on stderr.
 *
 * @packageDocumentation
 */
import { Command, CommanderError } from 'commander'
import { registerFit } from './commands/Fit.js'
import { registerPredict } from './commands/Predict.js'
import { registerSample } from './commands/Sample.js'
import { registerScore } from './commands/Score.js'
import { registerSelect } from './commands/Select.js'
import { CliFailure } from './Failure.js'
import type { Registry } from './Families.js'
import { registry as defaultRegistry } from './Families.js'
import type { Io } from './Options.js'
import { processIo } from './Options.js'
import { version } from './Version.js'

/**
 * Builds the commander program; actions run against `io` and `registry`.
 *
 * @category Command line
 * @since 0.1.0
 */
export const program = (io: Io, registry: Registry = defaultRegistry): Command => {
  const root = new Command('emkit')
    .description('Fit, select, apply and sample mixture models (Gaussian, exponential, multinomial) by EM, from CSV files.')
    .version(version)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showSuggestionAfterError(true)
    .helpCommand(false)

  registerFit(root, io, registry)
  registerSelect(root, io, registry)
  registerPredict(root, io, registry)
  registerScore(root, io, registry)
  registerSample(root, io, registry)
  return root
}

/** A note line written by a sub-command (`emkit <command>: note: …`). */
const NOTE = /^emkit [a-z]+: note: /

/**
 * Runs the command on `argv` (the arguments after `emkit`) and returns the exit code. Never throws
 * for a user mistake: usage errors (exit 2) and bad data, models or fits (exit 1) are one line on
 * `io.stderr`. Notes about the input (row names skipped, a delimiter detected, …) are written only
 * when the command succeeds.
 *
 * @example
 * ```ts
 * process.exitCode = await run(process.argv.slice(2))
 * ```
 * @category Command line
 * @since 0.1.0
 */
export const run = async (argv: readonly string[], io: Io = processIo(), registry: Registry = defaultRegistry): Promise<number> => {
  // Notes ("emkit fit: note: …") are held back and written once the command has succeeded: a run
  // that fails says why in one line, as the contract promises, not after a note about its input.
  const notes: string[] = []
  const held: Io = { ...io, stderr: (text) => (NOTE.test(text) ? void notes.push(text) : io.stderr(text)) }
  const cmd = program(held, registry)
  try {
    await cmd.parseAsync([...argv], { from: 'user' })
    for (const note of notes) io.stderr(note)
    return 0
  } catch (e) {
    if (e instanceof CliFailure) {
      io.stderr(`emkit: ${e.error.message}\n`)
      return e.error.exitCode
    }
    if (e instanceof CommanderError) {
      // commander has already printed its message (help, version, or the usage error).
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0
      if (e.code === 'commander.help') return argv.length === 0 ? 2 : e.exitCode === 0 ? 0 : 2
      return 2
    }
    const message = e instanceof Error ? e.message : String(e)
    io.stderr(`emkit: internal error: ${message} (please report it; set EMKIT_DEBUG=1 for details)\n`)
    if (process.env['EMKIT_DEBUG'] === '1' && e instanceof Error && e.stack !== undefined) io.stderr(e.stack + '\n')
    return 1
  }
}
