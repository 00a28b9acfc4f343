/**
 * Progress of long fits on stderr: a live bar (iteration, log-likelihood, Δ, restart i/N and, for
 * the stream engine, the rows read in the current pass) when stderr is a terminal, nothing while fitting otherwise (the command prints one summary line at the
 * end), nothing at all with `--quiet`.
 *
 * @packageDocumentation
 */
import type { Progress } from '@emkit/core'
import cliProgress from 'cli-progress'

/**
 * Receives the loop's per-iteration reports.
 *
 * @category Command line
 * @since 0.1.0
 */
export interface ProgressSink {
  /**
   * Starts a new fit (a `select` cell); `label` says which. `rows` is the number of rows of a
   * streamed data set (each pass reads them all), absent for in-memory data.
   */
  start(label: string, maxIterations: number, rows?: number): void
  /** Called after every iteration. */
  update(p: Progress): void
  /** Stream engine: called after every block with the rows read so far in pass `pass` (1-based). */
  rowsRead(rows: number, pass: number): void
  /** Optional: while the data are read into memory, the rows read so far from `file`. */
  reading?(file: string, rows: number): void
  /** Ends the display (clears the bar). */
  stop(): void
}

/**
 * A sink that shows nothing (non-terminal stderr, or `--quiet`).
 *
 * @category Command line
 * @since 0.1.0
 */
export const silent: ProgressSink = { start: () => undefined, update: () => undefined, rowsRead: () => undefined, stop: () => undefined }

const fmt = (x: number): string => (Number.isFinite(x) ? x.toPrecision(10) : String(x))

/**
 * A live progress bar on a terminal stream (cli-progress), redrawn at most every 50 ms.
 *
 * @param stream the terminal (process.stderr).
 * @category Command line
 * @since 0.1.0
 */
export const terminalBar = (stream: NodeJS.WritableStream): ProgressSink => {
  let bar: cliProgress.SingleBar | undefined
  let label = ''
  let total = 0
  let rows: number | undefined
  const pass = (read: number, p: number): string => (rows === undefined ? '' : `  pass ${p}: rows ${read}/${rows}`)
  return {
    start: (l, maxIterations, streamRows) => {
      label = l
      total = maxIterations
      rows = streamRows
      if (bar === undefined) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: '{label} restart {restart}/{restarts} |{bar}| iteration {value}/{total}  log-lik {ll}  Δ {delta}{pass}',
            barsize: 24,
            hideCursor: true,
            clearOnComplete: true,
            fps: 20,
            noTTYOutput: false,
          },
          cliProgress.Presets.shades_classic,
        )
        bar.start(total, 0, { label, restart: 1, restarts: 1, ll: '…', delta: '…', pass: pass(0, 1) })
      } else {
        bar.setTotal(total)
        bar.update(0, { label, restart: 1, restarts: 1, ll: '…', delta: '…', pass: pass(0, 1) })
      }
    },
    update: (p) => {
      bar?.update(p.iteration, {
        label,
        restart: p.restart + 1,
        restarts: p.restarts,
        ll: fmt(p.logLikelihood),
        delta: p.delta.toExponential(2),
      })
    },
    rowsRead: (read, p) => {
      // Only the payload changes; the bar keeps its iteration.
      bar?.update({ pass: pass(read, p) })
    },
    reading: (file, read) => {
      // A line of its own, rewritten in place, before any bar starts (cleared by the bar or stop).
      if (bar === undefined) stream.write(`\r\x1b[2Kreading ${file}: ${read.toLocaleString('en-US')} rows`)
    },
    stop: () => {
      if (bar === undefined) stream.write('\r\x1b[2K')
      bar?.stop()
      bar = undefined
    },
  }
}
