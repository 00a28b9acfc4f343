/**
 * Every command in the command-line guide's console examples (`$ emkit …` in docs/command-line.md)
 * runs as written — in order, in one folder holding the committed data sets and Old Faithful as
 * faithful.csv, with `emkit` on the PATH — exits 0, and prints every output line the guide shows
 * (lines with "…" are elisions), numbers equal to 10⁻⁶ relative (the last digits of a sum may move
 * with the order of floating-point additions).
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Datasets } from '@emkit/core'
import { describe, expect, test } from 'vitest'

const guide = readFileSync(fileURLToPath(new URL('../../../docs/command-line.md', import.meta.url)), 'utf8')
const bin = fileURLToPath(new URL('../bin/emkit.js', import.meta.url))
const datasets = fileURLToPath(new URL('../fixtures/datasets/', import.meta.url))

const NUMBER = /(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)/

/** Whether a printed line is the shown one: the same text, numbers to 10⁻⁶ relative. */
const sameLine = (shown: string, printed: string): boolean => {
  const a = shown.trimEnd().split(NUMBER)
  const b = printed.trimEnd().split(NUMBER)
  if (a.length !== b.length) return false
  return a.every((part, i) => {
    if (i % 2 === 0) return part === b[i]
    const x = Number(part)
    const y = Number(b[i])
    return Math.abs(x - y) <= 1e-6 * Math.max(Math.abs(x), Math.abs(y)) || Math.abs(x - y) <= 1e-300
  })
}

/** The console blocks' commands, each with the output lines the guide shows after it. */
const examples = (): Array<{ command: string; shown: string[] }> => {
  const out: Array<{ command: string; shown: string[] }> = []
  for (const block of guide.matchAll(/```console\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split('\n')) {
      if (line.startsWith('$ ')) out.push({ command: line.slice(2), shown: [] })
      else if (line.trim() !== '' && out.length > 0) out.at(-1)!.shown.push(line)
    }
  }
  return out
}

describe('docs/command-line.md', () => {
  const work = mkdtempSync(join(tmpdir(), 'emkit-docs-'))
  for (const f of readdirSync(datasets)) if (f.endsWith('.csv')) copyFileSync(join(datasets, f), join(work, f))
  const { n, values } = Datasets.faithful
  writeFileSync(
    join(work, 'faithful.csv'),
    ['eruptions,waiting', ...Array.from({ length: n }, (_, i) => `${values[2 * i]},${values[2 * i + 1]}`)].join('\n') + '\n',
  )
  const binDir = mkdtempSync(join(tmpdir(), 'emkit-bin-'))
  writeFileSync(join(binDir, 'emkit'), `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`)
  chmodSync(join(binDir, 'emkit'), 0o755)
  const cases = examples()

  test('has console examples', () => expect(cases.length).toBeGreaterThanOrEqual(10))

  test.each(cases.map((c) => [c.command, c] as const))('$ %s', (_, { command, shown }) => {
    const r = spawnSync('/bin/sh', ['-c', command], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${binDir}:${process.env['PATH']}` },
    })
    expect(r.status, r.stderr).toBe(0)
    const printed = [...r.stdout.split('\n'), ...r.stderr.split('\n')]
    for (const line of shown) {
      if (line.includes('…')) continue
      expect(
        printed.some((p) => sameLine(line, p)),
        `the guide shows\n${line}\n--- printed:\n${r.stdout}${r.stderr}`,
      ).toBe(true)
    }
  })
})
