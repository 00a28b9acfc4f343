/**
 * Progress of long fits on stderr: a live bar (iteration, log-likelihood, Δ, restart i/N) when
 * stderr is a terminal, nothing while fitting otherwise (the command prints one summary line at the
 * end), nothing at all with `--quiet`.
 *
 * @packageDocumentation
 */
import type { Progress } from '@emkit/core'
import cliProgress from 'cli-progress'

/**
 * Receives the loop's per-iteration reports.
 *
 * @category Progress
 * @since 0.1.0
 */
export interface ProgressSink {
  /** Starts a new fit (a `select` cell); `label` says which. */
  start(label: string, maxIterations: number): void
  /** Called after every iteration. */
  update(p: Progress): void
  /** Ends the display (clears the bar). */
  stop(): void
}

/**
 * A sink that shows nothing (non-terminal stderr, or `--quiet`).
 *
 * @category Progress
 * @since 0.1.0
 */
export const silent: ProgressSink = { start: () => undefined, update: () => undefined, stop: () => undefined }

const fmt = (x: number): string => (Number.isFinite(x) ? x.toPrecision(10) : String(x))

/**
 * A live progress bar on a terminal stream (cli-progress), redrawn at most every 50 ms.
 *
 * @param stream the terminal (process.stderr).
 * @category Progress
 * @since 0.1.0
 */
export const terminalBar = (stream: NodeJS.WritableStream): ProgressSink => {
  let bar: cliProgress.SingleBar | undefined
  let label = ''
  let total = 0
  return {
    start: (l, maxIterations) => {
      label = l
      total = maxIterations
      if (bar === undefined) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: '{label} restart {restart}/{restarts} |{bar}| iteration {value}/{total}  log-lik {ll}  Δ {delta}',
            barsize: 24,
            hideCursor: true,
            clearOnComplete: true,
            fps: 20,
            noTTYOutput: false,
          },
          cliProgress.Presets.shades_classic,
        )
        bar.start(total, 0, { label, restart: 1, restarts: 1, ll: '…', delta: '…' })
      } else {
        bar.setTotal(total)
        bar.update(0, { label, restart: 1, restarts: 1, ll: '…', delta: '…' })
      }
    },
    update: (p) => {
      bar?.update(p.iteration, { label, restart: p.restart + 1, restarts: p.restarts, ll: fmt(p.logLikelihood), delta: p.delta.toExponential(2) })
    },
    stop: () => {
      bar?.stop()
      bar = undefined
    },
  }
}
