/**
 * `emkit select` never crowns a degenerate fit: cells whose best restart is degenerate, or that have
 * more free parameters than rows, are excluded (shown, not chosen), as mclust shows NA.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { csvRecords, dataset, emkit } from '../test/run.js'

const work = mkdtempSync(join(tmpdir(), 'emkit-select-'))
const file = (name: string, text: string): string => {
  const p = join(work, name)
  writeFileSync(p, text)
  return p
}

describe('emkit select sets degenerate and over-parameterised cells aside', () => {
  test('three rows: every cell with more free parameters than rows is excluded, before any fit', async () => {
    const r = await emkit(['select', file('three.csv', 'x,y\n1,2\n3,1\n2,5\n'), '--k', '1..4', '--format', 'csv'])
    expect(r.code).toBe(0)
    const rows = csvRecords(r.stdout)
    const best = rows.filter((row) => row['best'] === '*')
    expect(best).toHaveLength(1)
    expect(Number(best[0]!['parameters'])).toBeLessThanOrEqual(3)
    for (const row of rows) {
      if (Number(row['parameters']) > 3) expect(row['best']).toMatch(/^excluded: (\d+ free parameters|k = \d+ components) but only 3 rows$/)
    }
    expect(r.stderr).toMatch(/15 excluded/)
  })

  test('four identical rows: no usable fit, one line naming the reason (exit 1)', async () => {
    const r = await emkit(['select', file('four.csv', 'x\n5\n5\n5\n5\n'), '--k', '1..2'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^emkit: .*four\.csv: no fit in the grid is usable: .*coordinate 1 is constant in the data\)\n$/)
  })

  test("MASS's galaxies: the pick is not degenerate and its BIC is no worse than our best fit of mclust's choice (V, k = 4)", async () => {
    const data = dataset('galaxies.csv')
    const r = await emkit(['select', data, '--columns', 'dat', '--k', '1..9', '--format', 'csv'])
    expect(r.code).toBe(0)
    const rows = csvRecords(r.stdout)
    const best = rows.find((row) => row['best'] === '*')!
    expect(best['best']).toBe('*')
    // In 1-D the structures reduce to mclust's V (full) and E (tied).
    expect(new Set(rows.map((row) => row['structure']))).toEqual(new Set(['full', 'tied']))
    expect(rows.some((row) => /^excluded: degenerate: component \d+: /.test(row['best']!))).toBe(true)
    // Our fit of V, 4: many restarts from random starts, non-degenerate (fit would warn otherwise).
    const v4 = await emkit(['fit', data, '--columns', 'dat', '--k', '4', '--restarts', '100', '--init-method', 'random'])
    expect(v4.code).toBe(0)
    expect(v4.stderr).not.toMatch(/degenerate/)
    const v4Bic = JSON.parse(v4.stdout).fit.bic as number
    expect(Number(best['bic'])).toBeLessThanOrEqual(v4Bic + 1e-6 * Math.abs(v4Bic))
  })
})

describe('emkit fit', () => {
  test('refuses more free parameters than rows up front (exit 1, one line)', async () => {
    const r = await emkit(['fit', file('four2.csv', 'x,y\n1,2\n3,1\n2,5\n4,4\n'), '--k', '1'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^emkit: .*four2\.csv: cannot fit gaussian\/full, k = 1: 5 free parameters but only 4 rows; lower --k .*\n$/)
  })

  test('warns in one line when the fit is degenerate (identical rows)', async () => {
    const r = await emkit(['fit', file('same.csv', 'x,y\n1,2\n1,2\n1,2\n1,2\n'), '--k', '1', '--covariance', 'spherical'])
    expect(r.code).toBe(0)
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^emkit fit: warning: a degenerate fit \(component 1 is degenerate: coordinate 1 is constant in the data\)/)
  })
})
