/**
 * Named regression tests for what the command-line fuzz suite (`fuzz/cli.fuzz.test.ts`) found.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { emkit } from './test/run.js'

const dir = mkdtempSync(join(tmpdir(), 'emkit-fuzz-findings-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('fuzz findings: the command line', () => {
  it('a CSV file given as the model says it is not valid JSON in one line (the parser quoted the file, newlines and all)', async () => {
    const csv = join(dir, 'ragged.csv')
    writeFileSync(csv, 'x,y\n1,2\n3\n4,5,6\n')
    const data = join(dir, 'data.csv')
    writeFileSync(data, 'x,y\n1,2\n3,4\n')
    for (const command of ['predict', 'score']) {
      const r = await emkit([command, csv, data])
      expect(r.code).toBe(1)
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '')
      expect(lines, r.stderr).toHaveLength(1)
      expect(lines[0]).toMatch(/ragged\.csv: not valid JSON/)
    }
    const r = await emkit(['fit', data, '--k', '1', '--init', csv, '--quiet'])
    expect(r.code).toBe(1)
    expect(r.stderr.split('\n').filter((l) => l.trim() !== '')).toHaveLength(1)
  })
})
