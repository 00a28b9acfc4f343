// `pnpm bench`: the benchmark of record. Generates the data sets (bench/datasets.mjs), fits each in
// fresh child processes with emkit (bench/emkit-run.mjs) on 1 and on 2 threads and, when
// /usr/bin/python3 has scikit-learn, with scikit-learn (bench/sklearn_run.py) on the same bytes from
// the same start; checks the final mean log-likelihoods agree to 1e-9 relative; prints a table of
// median time per iteration, ratios, and one fit's peak resident memory over Node's baseline against
// the memory target; and appends one JSON line per measurement to bench/results/results.jsonl.
//
//   node bench/run.mjs                      every data set, 1 and 2 threads
//   node bench/run.mjs s2 s10               a subset (s10:diag names one structure only)
//   node bench/run.mjs --runs 7             fits per process (default 5; the median is reported)
//   node bench/run.mjs --threads 1          emkit's `workers` option, a comma-separated list of
//                                           integers or `auto` (default 1,2); --workers is a synonym
//   node bench/run.mjs --no-sklearn         emkit alone
//   node bench/run.mjs --baseline DIR       also time the emkit built in checkout DIR (e.g. a git
//                                           worktree of an older commit, built with `npx tsc -b`) on
//                                           the same data files, in alternating processes
//   node bench/run.mjs --rounds 3           processes per checkout and thread count (default 1),
//                                           alternating which checkout goes first
//   node bench/run.mjs --tree DIR           measure the emkit built in DIR instead of this checkout
//   node bench/run.mjs --no-sql             leave out bench/sql.mjs (EM inside DuckDB and PostgreSQL,
//                                           side by side with the in-memory engine, and the 10⁷-row
//                                           Parquet fit's memory), which a full run ends with
//
// Medians pool every fit of every round; memory is the median over the rounds of one fit's peak.
// The memory target (issue: engine layer) is peak RSS over baseline ≤ 1.25 × the data size + 16 MB
// per worker thread (threads − 1 of them); sizes in MiB.
import { execFileSync, spawnSync } from 'node:child_process'
import { appendFileSync, existsSync, mkdirSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { resolve } from 'node:path'
import { ensure } from './datasets.mjs'

const here = new URL('.', import.meta.url).pathname
const PYTHON = '/usr/bin/python3'
const TOLERANCE = 1e-9

/** What a plain `node bench/run.mjs` measures: [data set, covariance, with scikit-learn]. */
const DEFAULT_JOBS = [
  ['s2', 'full', true],
  ['s10', 'full', true],
  ['s10', 'diag', true],
  ['s50', 'full', true],
  ['big', 'full', true],
  // Linearity in n (s2 at n = 10⁴ and 10⁶, with s2 itself at 10⁵): emkit alone, to keep the run short.
  ['s2-1e4', 'full', false],
  ['s2-1e6', 'full', false],
]

/** The memory target in MiB for `dataMb` of data on `threads` threads. */
export const memoryTarget = (dataMb, threads) => 1.25 * dataMb + 16 * Math.max(0, threads - 1)

const args = process.argv.slice(2)
let runs = 5
let rounds = 1
let threadList = ['1', '2']
let withSklearn = true
let withSql = true
let tree = resolve(here, '..')
let baseline
const names = []
for (let a = 0; a < args.length; a++) {
  const arg = args[a]
  const [flag, inline] =
    arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
  const value = () => inline ?? args[++a]
  if (flag === '--runs') runs = Number(value())
  else if (flag === '--rounds') rounds = Number(value())
  else if (flag === '--threads' || flag === '--workers') threadList = value().split(',')
  else if (flag === '--baseline') baseline = resolve(value())
  else if (flag === '--tree') tree = resolve(value())
  else if (flag === '--no-sklearn') withSklearn = false
  else if (flag === '--no-sql') withSql = false
  else if (flag.startsWith('-')) throw new Error(`unknown flag ${arg}`)
  else names.push(arg)
}
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer')
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer')
for (const t of threadList)
  if (t !== 'auto' && !(Number.isInteger(Number(t)) && Number(t) >= 1)) throw new Error(`--threads: ${t} is not an integer ≥ 1 or auto`)
for (const dir of [tree, baseline]) {
  if (dir !== undefined && !existsSync(resolve(dir, 'packages/core/dist/index.js')))
    throw new Error(`${dir} has no built emkit (run npx tsc -b there)`)
}
const jobs =
  names.length === 0
    ? DEFAULT_JOBS
    : names.flatMap((name) => {
        const [set, cov] = name.split(':')
        const matching = DEFAULT_JOBS.filter((j) => j[0] === set && (cov === undefined || j[1] === cov))
        return matching.length > 0 ? matching : [[set, cov ?? 'full', true]]
      })

// Is scikit-learn there?
let sklearnVersion
let sklearnWhy
if (!withSklearn) sklearnWhy = 'skipped (--no-sklearn)'
else if (!existsSync(PYTHON)) sklearnWhy = `${PYTHON} does not exist`
else {
  const probe = spawnSync(PYTHON, ['-c', 'import sklearn, numpy; print(sklearn.__version__)'], { encoding: 'utf8' })
  if (probe.status === 0) sklearnVersion = probe.stdout.trim()
  else sklearnWhy = `${PYTHON} cannot import scikit-learn (install Debian's python3-sklearn): ${probe.stderr.trim().split('\n').pop()}`
}
if (sklearnWhy !== undefined) console.log(`scikit-learn: not run — ${sklearnWhy}; emkit's figures alone.`)

const git = (cwd, ...a) => {
  try {
    return execFileSync('git', a, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return undefined
  }
}
const describe = (dir) => ({
  dir,
  commit: git(dir, 'rev-parse', 'HEAD'),
  dirty: (git(dir, 'status', '--porcelain', '--untracked-files=no', '--', 'packages') ?? '') !== '',
})
const trees = [{ label: 'emkit', ...describe(tree) }]
if (baseline !== undefined) trees.push({ label: 'baseline', ...describe(baseline) })
const commit = trees[0].commit
const dirty = trees[0].dirty
const short = (t) => `${t.commit?.slice(0, 10) ?? '?'}${t.dirty ? ' (packages/ dirty)' : ''}`
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memGb: Math.round(totalmem() / 2 ** 30), node: process.version }
console.log(
  `emkit bench: ${rounds} × ${runs} fits × 50 EM iterations per checkout and thread count; emkit ${short(trees[0])}` +
    `${baseline !== undefined ? `, baseline ${short(trees[1])} (alternating processes)` : ''}; threads ${threadList.join(', ')}; ` +
    `${machine.cpus} × ${machine.cpu}; node ${machine.node}${sklearnVersion ? `; scikit-learn ${sklearnVersion}` : ''}; load average ${loadavg()[0].toFixed(1)}`,
)

const child = (cmd, argv, env) => {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 24 })
  if (r.status !== 0)
    return { error: `${cmd} exited with ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}` }
  const line = r.stdout.trim().split('\n').pop()
  try {
    return JSON.parse(line)
  } catch {
    return { error: `unreadable output: ${line}` }
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? undefined : s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** Pools a checkout's processes for one (set, covariance, threads): median time, median memory. */
const pool = (results) => {
  const failed = results.find((r) => r.error !== undefined)
  if (failed !== undefined) return { error: failed.error }
  const perIteration = results.flatMap((r) => r.perIteration)
  const overBaseline = results.map((r) => r.peakRssMb - r.baselineRssMb)
  return {
    median: median(perIteration),
    perIteration,
    overBaselineMb: median(overBaseline),
    overBaselineRoundsMb: overBaseline,
    peakRssMb: median(results.map((r) => r.peakRssMb)),
    baselineRssMb: median(results.map((r) => r.baselineRssMb)),
    dataMb: results[0].dataMb,
    threads: results[0].threads,
    meanLogLikelihood: results[0].meanLogLikelihood,
  }
}

mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
const resultsFile = new URL('./results/results.jsonl', import.meta.url).pathname
const date = new Date().toISOString()
const rows = []
for (const [name, covariance, compare] of jobs) {
  const set = ensure(name)
  process.stdout.write(`${name} ${covariance} (n = ${set.n}, d = ${set.d}, k = ${set.k}):`)
  let s
  if (compare && sklearnVersion !== undefined) {
    process.stdout.write(' scikit-learn…')
    s = child(
      PYTHON,
      [
        new URL('./sklearn_run.py', import.meta.url).pathname,
        name,
        covariance,
        String(runs),
        set.bin,
        set.init,
        String(set.n),
        String(set.d),
        String(set.k),
      ],
      {
        OPENBLAS_CORETYPE: 'SkylakeX',
      },
    )
  }
  for (const threads of threadList) {
    const results = trees.map(() => [])
    for (let r = 0; r < rounds; r++) {
      // Alternate which checkout goes first, so that neither always meets the machine in the same state.
      const order = trees.map((_, i) => i)
      if (r % 2 === 1) order.reverse()
      for (const i of order) {
        process.stdout.write(` ${trees[i].label}@${threads}…`)
        const argv = [
          '--expose-gc',
          new URL('./emkit-run.mjs', import.meta.url).pathname,
          name,
          covariance,
          String(runs),
          threads,
          '--tree',
          trees[i].dir,
        ]
        results[i].push(child(process.execPath, argv, {}))
      }
    }
    const [e, b] = results.map(pool)
    const row = { name, covariance, threads, set, emkit: e, baseline: b, sklearn: s }
    if (e.error === undefined) {
      row.target = memoryTarget(e.dataMb, e.threads ?? Number(threads))
      row.memoryOk = e.overBaselineMb <= row.target
    }
    if (e.error === undefined && s !== undefined && s.error === undefined) {
      row.relDiff = Math.abs(e.meanLogLikelihood - s.meanLogLikelihood) / Math.abs(s.meanLogLikelihood)
      row.agree = row.relDiff <= TOLERANCE
      row.ratio = e.median / s.median
    }
    if (e.error === undefined && b !== undefined && b.error === undefined) {
      row.baselineRelDiff = Math.abs(e.meanLogLikelihood - b.meanLogLikelihood) / Math.abs(b.meanLogLikelihood)
      row.baselineAgree = row.baselineRelDiff <= TOLERANCE
      row.baselineRatio = e.median / b.median
      row.baselineMemoryRatio = e.overBaselineMb / b.overBaselineMb
    }
    rows.push(row)
    const record = { date, machine, runs, rounds, threads, set: name, covariance, n: set.n, d: set.d, k: set.k, loadAverage: loadavg()[0] }
    const write = (tool, r, extra) => appendFileSync(resultsFile, JSON.stringify({ ...record, ...r, tool, ...extra }) + '\n')
    write('emkit', e, {
      commit,
      dirty,
      ratio: row.ratio ?? null,
      relDiff: row.relDiff ?? null,
      target: row.target ?? null,
      baselineRatio: row.baselineRatio ?? null,
    })
    if (b !== undefined) write('emkit-baseline', b, { commit: trees[1].commit, dirty: trees[1].dirty })
  }
  if (s !== undefined)
    appendFileSync(
      resultsFile,
      JSON.stringify({ date, machine, runs, set: name, covariance, n: set.n, d: set.d, k: set.k, ...s, tool: 'scikit-learn' }) + '\n',
    )
  process.stdout.write('\n')
}

const ms = (s) => (s === undefined ? '—' : `${(s * 1000).toFixed(s < 0.01 ? 2 : 1)}`)
const mb = (x) => (x === undefined ? '—' : x.toFixed(1))
const ok = (r) => (r.emkit.error !== undefined ? '' : r.memoryOk ? ' ✓' : ' ✗')
const withBaseline = baseline !== undefined
const header = ['data set', 'n × d, k', 'cov', 'thr', 'emkit ms/it']
if (withBaseline) header.push('baseline ms/it', 'emkit/baseline')
header.push('sklearn ms/it', 'emkit/sklearn', 'RSS over base MB')
if (withBaseline) header.push('baseline RSS over base MB')
header.push('target MB', 'data MB', 'sklearn RSS MB', 'rel. diff vs sklearn')
if (withBaseline) header.push('rel. diff vs baseline')
const table = [header]
let failed = false
for (const r of rows) {
  const e = r.emkit
  const b = r.baseline
  const s = r.sklearn
  if (e.error !== undefined || b?.error !== undefined) failed = true
  if (r.agree === false || r.baselineAgree === false) failed = true
  const line = [
    r.name,
    `${r.set.n} × ${r.set.d}, ${r.set.k}`,
    r.covariance,
    String(e.threads ?? r.threads),
    e.error !== undefined ? 'error' : ms(e.median),
  ]
  if (withBaseline)
    line.push(b.error !== undefined ? 'error' : ms(b.median), r.baselineRatio === undefined ? '—' : r.baselineRatio.toFixed(2))
  line.push(s === undefined ? '—' : s.error !== undefined ? 'error' : ms(s.median), r.ratio === undefined ? '—' : r.ratio.toFixed(2))
  line.push(e.error !== undefined ? '—' : mb(e.overBaselineMb))
  if (withBaseline) line.push(b.error !== undefined ? '—' : mb(b.overBaselineMb))
  line.push(
    r.target === undefined ? '—' : `${mb(r.target)}${ok(r)}`,
    e.error !== undefined ? '—' : mb(e.dataMb),
    s === undefined || s.error !== undefined ? '—' : s.peakRssMb.toFixed(0),
  )
  line.push(r.relDiff === undefined ? '—' : `${r.relDiff.toExponential(1)}${r.agree ? '' : ' MISMATCH'}`)
  if (withBaseline)
    line.push(r.baselineRelDiff === undefined ? '—' : `${r.baselineRelDiff.toExponential(1)}${r.baselineAgree ? '' : ' MISMATCH'}`)
  table.push(line)
}
const widths = table[0].map((_, c) => Math.max(...table.map((row) => String(row[c]).length)))
console.log()
for (const [i, row] of table.entries()) {
  console.log(row.map((v, c) => (c < 3 ? String(v).padEnd(widths[c]) : String(v).padStart(widths[c]))).join('  '))
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '))
}
for (const r of rows) {
  if (r.emkit.error !== undefined) console.log(`emkit ${r.name} ${r.covariance} @${r.threads}: ${r.emkit.error}`)
  if (r.baseline?.error !== undefined) console.log(`baseline ${r.name} ${r.covariance} @${r.threads}: ${r.baseline.error}`)
  if (r.agree === false)
    console.log(
      `${r.name} ${r.covariance} @${r.threads}: final mean log-likelihoods of emkit and scikit-learn differ by ${r.relDiff.toExponential(2)} relative (> ${TOLERANCE})`,
    )
  if (r.baselineAgree === false)
    console.log(
      `${r.name} ${r.covariance} @${r.threads}: final mean log-likelihoods of emkit and the baseline differ by ${r.baselineRelDiff.toExponential(2)} relative (> ${TOLERANCE})`,
    )
}
for (const r of rows.filter((x) => x.sklearn?.error !== undefined && x.threads === threadList[0]))
  console.log(`scikit-learn ${r.name} ${r.covariance}: ${r.sklearn.error}`)
console.log(
  `\nmedian per-iteration time over ${rounds} process(es) × ${runs} fits of 50 iterations; ratio = emkit / scikit-learn (one scikit-learn process per data set, ` +
    `OpenBLAS on every core with OPENBLAS_CORETYPE=SkylakeX)${withBaseline ? ' and emkit / baseline' : ''}.` +
    `\nRSS over base = one fit's peak resident memory minus the process's before the data are read (median over processes), MiB;` +
    ` target = 1.25 × data + 16 per worker thread (✓ met, ✗ missed). load average now ${loadavg()[0].toFixed(1)}.`,
)
console.log(`results appended to ${resultsFile}`)
if (failed) process.exitCode = 1

// EM inside the database, side by side with the in-memory engine (a full run of this checkout only).
if (withSql && names.length === 0 && baseline === undefined && tree === resolve(here, '..')) {
  const sql = spawnSync(process.execPath, [resolve(here, 'sql.mjs')], { stdio: 'inherit' })
  if (sql.status !== 0) process.exitCode = 1
}
