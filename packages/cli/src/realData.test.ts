/**
 * The command on the files people actually have: R's and mclust's data sets as R writes them
 * (fixtures/datasets, sources in its README), pandas' index column, decimal commas, missing cells,
 * headers of numbers, standard input, Parquet, and models that remember their columns. Each case is
 * a kind of input the command mishandled before it read data through DuckDB by column name.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Datasets } from '@emkit/core'
import { DuckDBInstance } from '@duckdb/node-api'
import { describe, expect, test } from 'vitest'
import type { Io } from './Options.js'
import { run } from './Program.js'
import type { ProgressSink } from './Progress.js'
import { csvRecords, dataset, emkit } from './test/run.js'

const work = mkdtempSync(join(tmpdir(), 'emkit-real-'))
const file = (name: string, text: string): string => {
  const p = join(work, name)
  writeFileSync(p, text)
  return p
}
const close = (a: number, b: number, rel = 1e-6): void => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)))
const model = (stdout: string): { fit: { n: number; logLikelihood: number; bic: number }; dimension: number; columns?: string[] } =>
  JSON.parse(stdout) as never

/** Old Faithful as R's write.csv writes it: a row-name column, quoted names. */
const faithfulR = (): string => {
  const { n, values } = Datasets.faithful
  const lines = ['"","eruptions","waiting"']
  for (let i = 0; i < n; i++) lines.push(`"${i + 1}",${values[2 * i]},${values[2 * i + 1]}`)
  return lines.join('\n') + '\n'
}

describe("R's write.csv files", () => {
  test('iris with row names and Species: --columns by name skips the text column, --truth compares; mclust VVV,3 ℓ', async () => {
    const cols = 'Sepal.Length,Sepal.Width,Petal.Length,Petal.Width'
    const r = await emkit(['fit', dataset('iris.csv'), '--k', '3', '--columns', cols, '--truth', 'Species'])
    expect(r.code, r.stderr).toBe(0)
    const m = model(r.stdout)
    expect(m.fit.n).toBe(150)
    expect(m.columns).toEqual(cols.split(','))
    close(m.fit.logLikelihood, -180.1855, 1e-6) // mclust's VVV,3 on iris
    expect(r.stderr).toMatch(/note: column 1 has no name \(R's write\.csv or pandas' index\): read as row names, not data/)
    expect(r.stderr).toMatch(/agreement with Species \(150 rows\): adjusted Rand index 0\.9039/)
    expect(r.stderr).toMatch(/setosa +50 +0 +0/)
  })

  test('without --columns, the row names and the text column are not data (a note names them)', async () => {
    const r = await emkit(['fit', dataset('iris.csv'), '--k', '3'])
    expect(r.code, r.stderr).toBe(0)
    expect(model(r.stdout).dimension).toBe(4)
    expect(r.stderr).toMatch(/note: text column "Species" not read \(name known classes with --truth\)/)
  })

  test('Old Faithful with a row-name column fits d = 2, ℓ = −1130.26 (was d = 3, ℓ = −2836.7)', async () => {
    const r = await emkit(['fit', file('faithful-r.csv', faithfulR()), '--k', '2'])
    expect(r.code, r.stderr).toBe(0)
    expect(model(r.stdout).dimension).toBe(2)
    close(model(r.stdout).fit.logLikelihood, -1130.264, 1e-6)
  })

  test("pandas' unnamed index column is row names too", async () => {
    const { n, values } = Datasets.faithful
    const lines = [',eruptions,waiting', ...Array.from({ length: n }, (_, i) => `${i},${values[2 * i]},${values[2 * i + 1]}`)]
    const r = await emkit(['fit', file('faithful-pandas.csv', lines.join('\n') + '\n'), '--k', '2'])
    expect(r.code, r.stderr).toBe(0)
    close(model(r.stdout).fit.logLikelihood, -1130.264, 1e-6)
  })

  test('a named text column is a readable error naming row, line and column', async () => {
    const r = await emkit(['fit', dataset('iris.csv'), '--columns', 'Species'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^emkit: .*iris\.csv: row 1 \(line 2\), column 1 \("Species"\): "setosa" is not a number\n$/)
  })
})

describe("R's write.csv2: ';' and decimal commas", () => {
  test('iris read from write.csv2 gives the fit of write.csv', async () => {
    const a = await emkit(['fit', dataset('iris-csv2.csv'), '--k', '3', '--truth', 'Species'])
    const b = await emkit(['fit', dataset('iris.csv'), '--k', '3', '--truth', 'Species'])
    expect(a.code, a.stderr).toBe(0)
    expect(a.stderr).toMatch(/note: read with delimiter ";" and decimal mark ","/)
    expect(model(a.stdout).fit.logLikelihood).toBe(model(b.stdout).fit.logLikelihood)
  })

  test('a tab-separated file is detected', async () => {
    const { n, values } = Datasets.faithful
    const lines = ['eruptions\twaiting', ...Array.from({ length: n }, (_, i) => `${values[2 * i]}\t${values[2 * i + 1]}`)]
    const r = await emkit(['fit', file('faithful.tsv', lines.join('\n') + '\n'), '--k', '2'])
    expect(r.code, r.stderr).toBe(0)
    close(model(r.stdout).fit.logLikelihood, -1130.264, 1e-6)
  })
})

describe('missing cells (airquality)', () => {
  test('by default, one line naming row, column and the options', async () => {
    const r = await emkit(['fit', dataset('airquality.csv'), '--k', '2'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /^emkit: .*airquality\.csv: row 5 \(line 6\), column 1 \("Ozone"\): missing value \(empty, NA or NaN\); --missing drop .*\n$/,
    )
  })

  test("--missing drop is listwise deletion: 111 complete rows, as R's na.omit", async () => {
    const r = await emkit(['fit', dataset('airquality.csv'), '--k', '1', '--missing', 'drop'])
    expect(r.code, r.stderr).toBe(0)
    expect(model(r.stdout).fit.n).toBe(111)
    expect(r.stderr).toMatch(/note: dropped 42 of 153 rows with a missing value/)
  })

  test('--missing em fits the 153 rows by missing-data EM: the reference trace of scripts/incomplete-data-reference.py; --impute writes the completed data', async () => {
    // The documented start of the reference (issue 15), as a model file.
    const reference = JSON.parse(readFileSync(new URL('../../gaussian/fixtures/incomplete/reference.json', import.meta.url), 'utf8')) as {
      start: { weights: number[]; means: number[][]; covariances: number[][][] }
      full: { trace: number[] }
    }
    const start = file(
      'airquality-start.json',
      JSON.stringify({
        format: 'emkit.mixture/v1',
        family: 'gaussian',
        covariance: 'full',
        dimension: 4,
        weights: reference.start.weights,
        components: reference.start.means.map((mean, j) => ({ mean, covariance: reference.start.covariances[j] })),
      }),
    )
    const imputed = join(work, 'airquality-imputed.csv')
    const cols = 'Ozone,Solar.R,Wind,Temp'
    const args = ['fit', dataset('airquality.csv'), '--columns', cols, '--missing', 'em', '--init', start, '--reg-covar', '0', '--tol', '0']
    const r = await emkit([...args, '--max-iter', '100', '--impute', imputed])
    expect(r.code, r.stderr).toBe(0)
    const m = model(r.stdout)
    expect(m.fit.n).toBe(153)
    close(m.fit.logLikelihood, reference.full.trace[100]!, 1e-10)
    expect(r.stderr).toMatch(/note: 42 of 153 rows have missing cells: fitted by missing-data EM/)
    const rows = readFileSync(imputed, 'utf8').trim().split('\n')
    expect(rows[0]).toBe(cols)
    expect(rows.length).toBe(154)
    // Row 5 of airquality is NA, NA, 14.3, 56: the observed cells are kept, the missing ones filled.
    const fifth = rows[5]!.split(',').map(Number)
    expect(fifth.slice(2)).toEqual([14.3, 56])
    expect(fifth.every(Number.isFinite)).toBe(true)
    expect(rows.slice(1).every((line) => line.split(',').every((x) => Number.isFinite(Number(x))))).toBe(true)
  })

  test('predict and score with --missing em answer every row from its observed cells; select fits with --missing em', async () => {
    const cols = 'Ozone,Solar.R,Wind,Temp'
    const saved = join(work, 'airquality-model.json')
    const fitted = await emkit(['fit', dataset('airquality.csv'), '--columns', cols, '--missing', 'em', '--k', '2', '--out', saved])
    expect(fitted.code, fitted.stderr).toBe(0)
    const predicted = await emkit(['predict', saved, dataset('airquality.csv'), '--missing', 'em'])
    expect(predicted.code, predicted.stderr).toBe(0)
    const lines = predicted.stdout.trim().split('\n')
    expect(lines.length).toBe(154)
    expect(lines.slice(1).every((l) => l.split(',').every((x) => Number.isFinite(Number(x))))).toBe(true)
    const scored = await emkit(['score', saved, dataset('airquality.csv'), '--missing', 'em'])
    expect(scored.code, scored.stderr).toBe(0)
    const refused = await emkit(['predict', saved, dataset('airquality.csv')])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/missing value \(empty, NA or NaN\); --missing drop leaves out incomplete rows, --missing em fits them/)
    const selected = await emkit([
      'select',
      dataset('airquality.csv'),
      '--columns',
      cols,
      '--missing',
      'em',
      '--k',
      '1..2',
      '--covariance',
      'diag',
    ])
    expect(selected.code, selected.stderr).toBe(0)
  })

  test('--missing em on a row whose every cell is missing drops it with a note', async () => {
    const p = file('holes.csv', 'a,b\n1,2\nNA,NA\n3,NA\n2,2.5\n4,4\n5,3\n6,6.5\n')
    const r = await emkit(['fit', p, '--k', '1', '--missing', 'em'])
    expect(r.code, r.stderr).toBe(0)
    expect(model(r.stdout).fit.n).toBe(6)
    expect(r.stderr).toMatch(/note: dropped 1 of 7 rows whose every cell is missing/)
  })

  test('a family without missing-data EM says so, naming the row and column', async () => {
    const p = file('counts-holes.csv', 'a,b\n1,2\n3,NA\n2,2\n')
    const r = await emkit(['fit', p, '--k', '1', '--missing', 'em', '--family', 'multinomial'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/row 2 .*column 2 .*the value is missing and the multinomial family cannot fit data with missing cells/)
  })
})

describe('headers', () => {
  test('a first line of numbers is data, with a note when it looks like names; --header yes makes it the header', async () => {
    const p = file('numbers.csv', '0,1\n1.5,2.25\n2.5,1.75\n3.5,4.25\n4.5,3.5\n5.5,6.75\n')
    const auto = await emkit(['fit', p, '--k', '1', '--covariance', 'diag'])
    expect(auto.code, auto.stderr).toBe(0)
    expect(model(auto.stdout).fit.n).toBe(6)
    expect(auto.stderr).toMatch(
      /note: the first line \(2 numbers such as 0, 1, …\) is read as data; if it names the columns, pass --header yes/,
    )
    const yes = await emkit(['fit', p, '--k', '1', '--covariance', 'diag', '--header', 'yes'])
    expect(model(yes.stdout).fit.n).toBe(5)
    expect(model(yes.stdout).columns).toEqual(['0', '1'])
  })

  test("pandas' integer column names after its index column are a header", async () => {
    const p = file('pandas-numbers.csv', ',0,1\n0,1.5,2.25\n1,2.5,1.75\n2,3.5,4.25\n3,4.5,3.5\n4,5.5,6.75\n')
    const r = await emkit(['fit', p, '--k', '1', '--covariance', 'diag'])
    expect(r.code, r.stderr).toBe(0)
    expect(model(r.stdout).fit.n).toBe(5)
    expect(model(r.stdout).columns).toEqual(['0', '1'])
  })
})

describe('standard input and Parquet', () => {
  test('- reads standard input; without DATA a piped input is not read silently', async () => {
    const r = await emkit(['fit', '-', '--k', '2'], faithfulR())
    expect(r.code, r.stderr).toBe(0)
    close(model(r.stdout).fit.logLikelihood, -1130.264, 1e-6)
    expect(r.stderr).toMatch(/ on standard input \(n = 272, d = 2\)/)
    const quiet = await emkit(['fit', '--k', '2'], faithfulR())
    expect(quiet.stderr).toMatch(/note: no DATA given: fitting the embedded Old Faithful data; standard input is read only when DATA is -/)
  })

  test('a .parquet file is read by column name', async () => {
    const csv = file('for-parquet.csv', faithfulR())
    const parquet = join(work, 'faithful.parquet')
    const instance = await DuckDBInstance.create(':memory:')
    const connection = await instance.connect()
    await connection.run(`COPY (SELECT eruptions, waiting FROM read_csv('${csv}')) TO '${parquet}' (FORMAT parquet)`)
    connection.closeSync()
    instance.closeSync()
    const r = await emkit(['fit', parquet, '--k', '2', '--columns', 'waiting,eruptions'])
    expect(r.code, r.stderr).toBe(0)
    expect(model(r.stdout).columns).toEqual(['waiting', 'eruptions'])
    close(model(r.stdout).fit.logLikelihood, -1130.264, 1e-6)
  })
})

describe('models remember their columns', () => {
  test('score and predict match columns by name, refuse a file without them; sample writes the names', async () => {
    const fit = await emkit(['fit', '--k', '2', '--out', join(work, 'faithful.json'), '--quiet'])
    expect(fit.code).toBe(0)
    const m = JSON.parse(readFileSync(join(work, 'faithful.json'), 'utf8')) as { columns: string[] }
    expect(m.columns).toEqual(['eruptions', 'waiting'])
    const straight = file('straight.csv', 'eruptions,waiting\n3.6,79\n1.8,54\n')
    const swapped = file('swapped.csv', 'waiting,eruptions\n79,3.6\n54,1.8\n')
    const a = await emkit(['score', join(work, 'faithful.json'), straight])
    const b = await emkit(['score', join(work, 'faithful.json'), swapped])
    expect(b.code, b.stderr).toBe(0)
    expect(b.stdout).toBe(a.stdout)
    const pa = await emkit(['predict', join(work, 'faithful.json'), straight])
    const pb = await emkit(['predict', join(work, 'faithful.json'), swapped])
    expect(pb.stdout).toBe(pa.stdout)
    expect(new Set(csvRecords(pb.stdout).map((row) => row['label']))).toEqual(new Set(['0', '1']))
    const lacking = await emkit(['score', join(work, 'faithful.json'), file('ab.csv', 'a,b\n79,3.6\n')])
    expect(lacking.code).toBe(1)
    expect(lacking.stderr).toMatch(
      /^emkit: .*ab\.csv: no column named "eruptions" for the columns of .*faithful\.json \(columns: a, b\)\n$/,
    )
    const s = await emkit(['sample', join(work, 'faithful.json'), '--n', '3'])
    expect(s.stdout.split('\n')[0]).toBe('eruptions,waiting')
  })
})

describe('select on the data sets as a user types it (mclust’s choices)', () => {
  test("mclust's diabetes (with class): VVV, k = 3, non-degenerate, BIC no worse than our fit of VVV,3; agreement with class", async () => {
    const data = dataset('diabetes.csv')
    const r = await emkit(['select', data, '--k', '1..9', '--truth', 'class', '--format', 'csv'])
    expect(r.code, r.stderr).toBe(0)
    const best = csvRecords(r.stdout).find((row) => row['best'] === '*')!
    expect([best['structure'], best['k']]).toEqual(['full', '3'])
    const vvv3 = await emkit(['fit', data, '--k', '3', '--restarts', '20'])
    expect(vvv3.stderr).not.toMatch(/degenerate/)
    expect(Number(best['bic'])).toBeLessThanOrEqual(model(vvv3.stdout).fit.bic * (1 + 1e-9))
    expect(r.stderr).toMatch(/agreement with class \(145 rows\): adjusted Rand index 0\.\d+/)
  })

  test('airquality (complete rows of the four measurements) and iris: a non-degenerate pick', async () => {
    for (const args of [
      ['select', dataset('airquality.csv'), '--columns', 'Ozone,Solar.R,Wind,Temp', '--missing', 'drop', '--k', '1..9', '--format', 'csv'],
      ['select', dataset('iris-csv2.csv'), '--truth', 'Species', '--k', '1..9', '--format', 'csv'],
    ]) {
      const r = await emkit(args)
      expect(r.code, r.stderr).toBe(0)
      const rows = csvRecords(r.stdout)
      expect(rows.filter((row) => row['best'] === '*')).toHaveLength(1)
      expect(rows.find((row) => row['best'] === '*')!['bic']).not.toBe('')
    }
  })
})

describe('progress while reading', () => {
  test('a terminal is told the rows read so far, then the fit', async () => {
    const reads: number[] = []
    const sink: ProgressSink = {
      start: () => undefined,
      update: () => undefined,
      rowsRead: () => undefined,
      reading: (_file, rows) => void reads.push(rows),
      stop: () => undefined,
    }
    const io: Io = { stdout: () => undefined, stderr: () => undefined, progress: () => sink }
    expect(await run(['fit', dataset('iris.csv'), '--k', '2'], io)).toBe(0)
    expect(reads.at(-1)).toBe(150)
  })
})

describe('partly known labels (--labels)', () => {
  const reference = JSON.parse(
    readFileSync(new URL('../../gaussian/fixtures/incomplete/semi-supervised-iris.json', import.meta.url), 'utf8'),
  ) as { labelled_rows: number[]; labels: number[]; trace: number[] }
  const irisLines = readFileSync(new URL('../../gaussian/fixtures/iris-k3/data.csv', import.meta.url), 'utf8')
    .trim()
    .split('\n')
  const known = new Map(reference.labelled_rows.map((r, t) => [r, reference.labels[t]!]))
  const labelled = file(
    'iris-labelled.csv',
    [`${irisLines[0]},known`, ...irisLines.slice(1).map((l, i) => `${l},${known.get(i) ?? ''}`)].join('\n') + '\n',
  )

  test('10 labelled rows per species: the objective after 100 iterations is the reference semi-supervised trace', async () => {
    const r = await emkit(['fit', labelled, '--k', '3', '--labels', 'known', '--reg-covar', '0', '--tol', '0', '--max-iter', '100'])
    expect(r.code, r.stderr).toBe(0)
    const m = model(r.stdout)
    expect(m.dimension).toBe(4)
    close(m.fit.logLikelihood, reference.trace[100]!, 1e-10)
  })

  test('a label that is not a component number, or not below k, names its row', async () => {
    const bad = file(
      'iris-bad-label.csv',
      [`${irisLines[0]},known`, ...irisLines.slice(1).map((l, i) => `${l},${i === 3 ? 'x' : ''}`)].join('\n') + '\n',
    )
    const r = await emkit(['fit', bad, '--k', '3', '--labels', 'known'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/row 4 \(line 5\), --labels column "known": "x" is not a label/)
    const high = await emkit(['fit', labelled, '--k', '2', '--labels', 'known'])
    expect(high.code).toBe(1)
    expect(high.stderr).toMatch(/row 101 \(line 102\), --labels column "known": label 2 but k = 2/)
  })
})
