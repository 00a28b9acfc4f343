// `pnpm bench`: the benchmark of issue 7. Generates the data sets (bench/datasets.mjs), runs each
// in fresh child processes for emkit (bench/emkit-run.mjs) and, when /usr/bin/python3 has
// scikit-learn, for scikit-learn (bench/sklearn_run.py) on the same bytes and the same start,
// checks the final mean log-likelihoods agree to 1e-9 relative, prints a table of medians, ratios
// and memory, and appends one JSON line per measurement to bench/results/results.jsonl.
//
//   node bench/run.mjs                 every data set
//   node bench/run.mjs s2 s10          a subset (s10:diag names one structure only)
//   node bench/run.mjs --runs 7        runs per process (default 5; the median is reported)
//   node bench/run.mjs --workers 2     emkit's `workers` option (default: not set, i.e. the library's choice)
//   node bench/run.mjs --no-sklearn    emkit alone
import { execFileSync, spawnSync } from 'node:child_process'
import { appendFileSync, existsSync, mkdirSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
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

const args = process.argv.slice(2)
let runs = 5
let workers
let withSklearn = true
const names = []
for (let a = 0; a < args.length; a++) {
  const arg = args[a]
  if (arg === '--runs') runs = Number(args[++a])
  else if (arg.startsWith('--runs=')) runs = Number(arg.slice(7))
  else if (arg === '--workers') workers = args[++a]
  else if (arg.startsWith('--workers=')) workers = arg.slice(10)
  else if (arg === '--no-sklearn') withSklearn = false
  else if (arg.startsWith('-')) throw new Error(`unknown flag ${arg}`)
  else names.push(arg)
}
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer')
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

const git = (...a) => {
  try {
    return execFileSync('git', a, { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return undefined
  }
}
const commit = git('rev-parse', 'HEAD')
const dirty = (git('status', '--porcelain', '--untracked-files=no') ?? '') !== ''
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memGb: Math.round(totalmem() / 2 ** 30), node: process.version }
console.log(`emkit bench: ${runs} runs × 50 EM iterations per process; commit ${commit?.slice(0, 10) ?? '?'}${dirty ? ' (dirty)' : ''}; ${machine.cpus} × ${machine.cpu}; node ${machine.node}${sklearnVersion ? `; scikit-learn ${sklearnVersion}` : ''}`)

const child = (cmd, argv, env) => {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 24 })
  if (r.status !== 0) return { error: `${cmd} exited with ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}` }
  const line = r.stdout.trim().split('\n').pop()
  try {
    return JSON.parse(line)
  } catch {
    return { error: `unreadable output: ${line}` }
  }
}

mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
const resultsFile = new URL('./results/results.jsonl', import.meta.url).pathname
const date = new Date().toISOString()
const rows = []
for (const [name, covariance, compare] of jobs) {
  const set = ensure(name)
  process.stdout.write(`${name} ${covariance} (n = ${set.n}, d = ${set.d}, k = ${set.k}): emkit…`)
  const emkitArgs = ['--expose-gc', new URL('./emkit-run.mjs', import.meta.url).pathname, name, covariance, String(runs)]
  if (workers !== undefined) emkitArgs.push(String(workers))
  const e = child(process.execPath, emkitArgs, {})
  let s
  if (compare && sklearnVersion !== undefined) {
    process.stdout.write(' scikit-learn…')
    s = child(PYTHON, [new URL('./sklearn_run.py', import.meta.url).pathname, name, covariance, String(runs), set.bin, set.init, String(set.n), String(set.d), String(set.k)], {
      OPENBLAS_CORETYPE: 'SkylakeX',
    })
  }
  process.stdout.write('\n')
  const row = { name, covariance, set, emkit: e, sklearn: s }
  if (e.error === undefined && s !== undefined && s.error === undefined) {
    row.relDiff = Math.abs(e.meanLogLikelihood - s.meanLogLikelihood) / Math.abs(s.meanLogLikelihood)
    row.agree = row.relDiff <= TOLERANCE
    row.ratio = e.median / s.median
  }
  rows.push(row)
  const record = { date, commit, dirty, machine, runs, workers: workers ?? null, set: name, covariance, n: set.n, d: set.d, k: set.k }
  for (const [tool, r] of [['emkit', e], ['scikit-learn', s]]) {
    if (r === undefined) continue
    appendFileSync(resultsFile, JSON.stringify({ ...record, ...r, tool, ...(tool === 'emkit' ? { ratio: row.ratio ?? null, relDiff: row.relDiff ?? null } : {}) }) + '\n')
  }
}

const ms = (s) => (s === undefined ? '—' : `${(s * 1000).toFixed(s < 0.01 ? 2 : 1)}`)
const table = [['data set', 'n × d, k', 'cov', 'emkit ms/it', 'sklearn ms/it', 'ratio', 'emkit RSS MB (over baseline)', 'data+resp MB', 'sklearn RSS MB', 'mean log-lik (emkit)', 'rel. diff']]
let failed = false
for (const r of rows) {
  const e = r.emkit
  const s = r.sklearn
  if (e.error !== undefined) failed = true
  if (r.agree === false) failed = true
  table.push([
    r.name,
    `${r.set.n} × ${r.set.d}, ${r.set.k}`,
    r.covariance,
    e.error !== undefined ? 'error' : ms(e.median),
    s === undefined ? '—' : s.error !== undefined ? 'error' : ms(s.median),
    r.ratio === undefined ? '—' : r.ratio.toFixed(2),
    e.error !== undefined ? '—' : `${e.peakRssMb.toFixed(0)} (${(e.peakRssMb - e.baselineRssMb).toFixed(0)})`,
    e.error !== undefined ? '—' : (e.dataMb + e.respMb).toFixed(0),
    s === undefined || s.error !== undefined ? '—' : s.peakRssMb.toFixed(0),
    e.error !== undefined ? '—' : e.meanLogLikelihood.toFixed(9),
    r.relDiff === undefined ? '—' : `${r.relDiff.toExponential(1)}${r.agree ? '' : ' MISMATCH'}`,
  ])
}
const widths = table[0].map((_, c) => Math.max(...table.map((row) => String(row[c]).length)))
console.log()
for (const [i, row] of table.entries()) {
  console.log(row.map((v, c) => (c < 3 ? String(v).padEnd(widths[c]) : String(v).padStart(widths[c]))).join('  '))
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '))
}
for (const r of rows) {
  if (r.emkit.error !== undefined) console.log(`emkit ${r.name} ${r.covariance}: ${r.emkit.error}`)
  if (r.sklearn?.error !== undefined) console.log(`scikit-learn ${r.name} ${r.covariance}: ${r.sklearn.error}`)
  if (r.agree === false) console.log(`${r.name} ${r.covariance}: final mean log-likelihoods differ by ${r.relDiff.toExponential(2)} relative (> ${TOLERANCE})`)
}
console.log(`\nmedian per-iteration time over ${runs} runs of 50 iterations; ratio = emkit / scikit-learn (scikit-learn with OPENBLAS_CORETYPE=SkylakeX).`)
console.log(`results appended to ${resultsFile}`)
if (failed) process.exitCode = 1
