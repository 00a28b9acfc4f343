import { describe, expect, it } from 'vitest'
import { terminalBar } from './Progress.js'

/** A terminal that records what is drawn on it. */
const terminal = (): { stream: NodeJS.WritableStream; text: () => string } => {
  const out: string[] = []
  const stream = {
    isTTY: true,
    columns: 200,
    write: (s: string) => (out.push(s), true),
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
    on: () => stream,
    removeListener: () => stream,
  }
  return { stream: stream as unknown as NodeJS.WritableStream, text: () => out.join('') }
}

describe('terminalBar', () => {
  it('shows the iteration, log-likelihood and Δ, and for a stream the rows read in the current pass', async () => {
    const t = terminal()
    const bar = terminalBar(t.stream)
    bar.start('gaussian/full, k = 2', 10, 100_000)
    bar.update({ iteration: 1, logLikelihood: -5, delta: 1, restart: 0, restarts: 1 })
    bar.rowsRead(65_536, 2)
    await new Promise((r) => setTimeout(r, 120))
    bar.stop()
    expect(t.text()).toContain('pass 1: rows 0/100000')
    expect(t.text()).toMatch(/iteration 1\/10 {2}log-lik -5\.000000000 {2}Δ 1\.00e\+0 {2}pass 2: rows 65536\/100000/)
  })
  it('shows no pass for in-memory data', async () => {
    const t = terminal()
    const bar = terminalBar(t.stream)
    bar.start('exponential, k = 3', 5)
    bar.update({ iteration: 2, logLikelihood: -1, delta: 0.5, restart: 0, restarts: 2 })
    await new Promise((r) => setTimeout(r, 120))
    bar.stop()
    expect(t.text()).toMatch(/exponential, k = 3 restart 1\/2 .*iteration 2\/5/)
    expect(t.text()).not.toContain('pass')
  })
})
