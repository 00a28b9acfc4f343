/**
 * Running the command in-process for tests: `emkit(args)` gives the exit code, stdout and stderr.
 */
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import type { Io } from '../Options.js'
import { run } from '../Program.js'

/** The committed data sets (R's formats), by file name. */
export const dataset = (name: string): string => fileURLToPath(new URL(`../../fixtures/datasets/${name}`, import.meta.url))

/** What one run of the command gave. */
export interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs `emkit …args` in-process (no terminal: no progress bar), with `stdin` as piped standard input when given. */
export const emkit = async (args: readonly string[], stdin?: string): Promise<Ran> => {
  const out: string[] = []
  const err: string[] = []
  const io: Io = {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    ...(stdin === undefined ? {} : { stdin: () => Readable.from([stdin]), stdinPiped: true }),
  }
  const code = await run(args, io)
  return { code, stdout: out.join(''), stderr: err.join('') }
}

/** The rows of select's CSV table (`--format csv`), as records. */
export const csvRecords = (text: string): Array<Record<string, string>> => {
  const [head, ...lines] = text.trim().split('\n')
  const names = head!.split(',')
  return lines.map((l) => {
    const cells = l.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) =>
      c
        .replace(/,$/, '')
        .replace(/^"(.*)"$/, '$1')
        .replace(/""/g, '"'),
    )
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? '']))
  })
}
