/**
 * The command in-process (`run` with an injected `Io`): what the stream engine reports to the
 * progress display and to stderr.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Io } from './Cli.js'
import { run } from './Cli.js'
import type { ProgressSink } from './Progress.js'
import { liveSpills } from './Spill.js'

const work = mkdtempSync(join(tmpdir(), 'emkit-cli-test-'))
const data = join(work, 'two.csv')
{
  const rows = ['x,y']
  for (let i = 0; i < 400; i++) rows.push(`${(i % 2) * 5 + Math.sin(i)},${(i % 2) * -3 + Math.cos(3 * i)}`)
  writeFileSync(data, rows.join('\n') + '\n')
}

interface Recorded {
  io: Io
  stdout: string[]
  stderr: string[]
  events: Array<{ event: string; args: unknown[] }>
}

/** An Io whose stderr is a terminal: the progress display records what it is told. */
const recording = (terminal: boolean): Recorded => {
  const r: Recorded = { stdout: [], stderr: [], events: [], io: undefined as unknown as Io }
  const sink: ProgressSink = {
    start: (...args) => void r.events.push({ event: 'start', args }),
    update: (...args) => void r.events.push({ event: 'update', args }),
    rowsRead: (...args) => void r.events.push({ event: 'rowsRead', args }),
    stop: () => void r.events.push({ event: 'stop', args: [] }),
  }
  r.io = { stdout: (t) => void r.stdout.push(t), stderr: (t) => void r.stderr.push(t), ...(terminal ? { progress: () => sink } : {}) }
  return r
}

describe('emkit fit --engine stream', () => {
  it('shows the rows read in every pass on a terminal (the whole file per pass)', async () => {
    const r = recording(true)
    expect(await run(['fit', data, '--engine', 'stream', '--k', '2', '--tol', '0', '--max-iter', '3'], r.io)).toBe(0)
    expect(r.events[0]).toEqual({ event: 'start', args: ['gaussian/full, k = 2', 3, 400] })
    expect(r.events.at(-1)!.event).toBe('stop')
    const reads = r.events.filter((e) => e.event === 'rowsRead').map((e) => e.args as [number, number])
    // One block per pass (400 rows < 65 536): θ₀ and three iterations, each pass reading all rows.
    expect(reads.length).toBeGreaterThanOrEqual(4)
    for (const [rows] of reads) expect(rows).toBe(400)
    expect(reads.map(([, pass]) => pass)).toEqual(reads.map((_, t) => t + 1))
    expect(r.events.filter((e) => e.event === 'update')).toHaveLength(3)
    expect(r.stderr.join('')).toMatch(
      /^emkit fit: gaussian\/full, k = 2 on .*two\.csv \(n = 400, d = 2, stream engine\): log-likelihood \S+ after 3 iterations \(not converged: maxIterations\), BIC \S+\n$/,
    )
    expect(liveSpills()).toEqual([])
  })

  it('prints one summary line when stderr is not a terminal, and nothing with --quiet', async () => {
    const plain = recording(false)
    expect(await run(['fit', data, '--engine', 'stream', '--k', '2'], plain.io)).toBe(0)
    expect(plain.stderr.join('').split('\n')).toHaveLength(2)
    expect(JSON.parse(plain.stdout.join('')).fit.n).toBe(400)
    const quiet = recording(true)
    expect(await run(['fit', data, '--engine', 'stream', '--k', '2', '--quiet'], quiet.io)).toBe(0)
    expect(quiet.stderr).toEqual([])
    expect(quiet.events).toEqual([])
  })
})
