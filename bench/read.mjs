// The read benchmark: how long emkit takes to read a 10⁶ × 4 CSV (79 MB, scripts/generate-large-csv.mjs)
// into memory, against pandas `read_csv` on the same file, side by side in alternating fresh processes,
// with each process's peak resident memory over its baseline (the runtime with the reader loaded, before
// the file is read). Also times the previous in-memory reader (csv-parse over the whole text, Csv.readCsv)
// for reference.
//
//   node bench/read.mjs                 5 rounds (the median is reported), 10⁶ rows
//   node bench/read.mjs --rounds 7 --rows 2000000
//
// Needs a build (`npx tsc -b`); pandas from /usr/bin/python3 (Debian's python3-pandas) when present.
// Prints a table and appends one JSON line per measurement to bench/results/read.jsonl.
import { execFileSync, spawnSync } from 'node:child_process'
import { appendFileSync, existsSync, mkdirSync, statSync } from 'node:fs'
import { resolve } from 'node:path'

const here = new URL('.', import.meta.url).pathname
const root = resolve(here, '..')
const args = process.argv.slice(2)
const opt = (name, fallback) => {
  const i = args.indexOf(name)
  return i < 0 ? fallback : Number(args[i + 1])
}
const rounds = opt('--rounds', 5)
const rows = opt('--rows', 1_000_000)
const file = `/tmp/emkit-read-${rows}.csv`
if (!existsSync(file))
  execFileSync(process.execPath, [resolve(root, 'scripts/generate-large-csv.mjs'), '--rows', String(rows), '--out', file], {
    stdio: 'ignore',
  })
const bytes = statSync(file).size
const dataMiB = (rows * 4 * 8) / 2 ** 20

const cli = resolve(root, 'packages/cli/dist/index.js')
const node = (reader) => `
const { Read, Csv } = await import(${JSON.stringify(cli)})
const { readFileSync } = await import('node:fs')
const file = ${JSON.stringify(file)}
if (${JSON.stringify(reader)} === 'emkit') { const { DuckDBInstance } = await import('@duckdb/node-api'); (await DuckDBInstance.create(':memory:')).closeSync() }
globalThis.gc?.()
const base = process.memoryUsage().rss
const t0 = performance.now()
const n = ${JSON.stringify(reader)} === 'emkit' ? (await Read.readData(file)).table.n : (() => { const r = Csv.readCsv(readFileSync(file, 'utf8'), file); if (r._tag === 'Left') throw new Error(r.left.message); return r.right.n })()
const ms = performance.now() - t0
console.log(JSON.stringify({ n, ms, peakMiB: (process.resourceUsage().maxRSS * 1024 - base) / 2 ** 20 }))
`
const python = `
import resource, time, sys, pandas as pd
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter(); df = pd.read_csv(${JSON.stringify(file)}); ms = (time.perf_counter() - t0) * 1000
x = df.to_numpy(dtype='float64')
print('{"n": %d, "ms": %f, "peakMiB": %f}' % (x.shape[0], ms, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024))
`
const hasPandas =
  existsSync('/usr/bin/python3') &&
  spawnSync('/usr/bin/python3', ['-c', 'import pandas'], { env: { ...process.env, OPENBLAS_CORETYPE: 'SkylakeX' } }).status === 0
const readers = [
  [
    'emkit (DuckDB)',
    () =>
      spawnSync(process.execPath, ['--input-type=module', '-e', node('emkit')], { cwd: resolve(root, 'packages/cli'), encoding: 'utf8' }),
  ],
  [
    'emkit before (csv-parse)',
    () =>
      spawnSync(process.execPath, ['--input-type=module', '-e', node('csv-parse')], {
        cwd: resolve(root, 'packages/cli'),
        encoding: 'utf8',
      }),
  ],
  ...(hasPandas
    ? [
        [
          'pandas read_csv',
          () => spawnSync('/usr/bin/python3', ['-c', python], { encoding: 'utf8', env: { ...process.env, OPENBLAS_CORETYPE: 'SkylakeX' } }),
        ],
      ]
    : []),
]
const results = new Map(readers.map(([name]) => [name, []]))
mkdirSync(resolve(here, 'results'), { recursive: true })
for (let r = 0; r < rounds; r++) {
  // Alternate which reader goes first, so that all meet the machine in the same state.
  const order = r % 2 === 0 ? readers : [...readers].reverse()
  for (const [name, go] of order) {
    const p = go()
    if (p.status !== 0) throw new Error(`${name}: ${p.stderr}`)
    const m = JSON.parse(p.stdout.trim().split('\n').at(-1))
    if (m.n !== rows) throw new Error(`${name} read ${m.n} rows, expected ${rows}`)
    results.get(name).push(m)
    appendFileSync(
      resolve(here, 'results/read.jsonl'),
      JSON.stringify({ date: new Date().toISOString(), reader: name, rows, bytes, ...m }) + '\n',
    )
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
console.log(
  `${rows} × 4 CSV, ${(bytes / 2 ** 20).toFixed(1)} MiB; data ${dataMiB.toFixed(1)} MiB as doubles; median of ${rounds} alternating processes`,
)
console.log('| reader | read s | peak over baseline MiB | peak / data |')
console.log('|---|---|---|---|')
for (const [name, ms] of results) {
  const t = median(ms.map((m) => m.ms)) / 1000
  const mem = median(ms.map((m) => m.peakMiB))
  console.log(`| ${name} | ${t.toFixed(2)} | ${mem.toFixed(0)} | ${(mem / dataMiB).toFixed(2)} |`)
}
