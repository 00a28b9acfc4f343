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
//                                           integers or `auto` (default 1,auto); --workers is a synonym
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
//   node bench/run.mjs --kernels wasm       the Gaussian kernels to time, a comma-separated list of wasm
//                                           and js (default wasm,js; the EMKIT_KERNEL of each process)
//   node bench/run.mjs --no-profile         skip the profile (shares of the E-step, normalisation,
//                                           statistics and the rest, bench/profile.mjs, one thread)
//
// Each round runs scikit-learn once per data set and every emkit process (kernel × thread count ×
// checkout) once, in alternating order, so that every tool meets the machine in the same states;
// the hardware bound of each set comes from bench/probe.mjs (before and after the sets, the best kept): the
// arithmetic of one iteration, n·k·(2d² + 7d + 27) flops (log-densities d² + 4d, normalisation with
// its exp ~25, statistics d² + 3d + 2), over the measured WebAssembly SIMD throughput of every core,
// or the data's bytes over the measured read bandwidth, whichever is longer.
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
  ['s2o', 'full', true],
  ['s10', 'full', true],
  ['s10o', 'full', true],
  ['s10', 'diag', true],
  ['s50', 'full', true],
  ['s50o', 'full', true],
  ['big', 'full', true],
  ['bigo', 'full', true],
  // Linearity in n (s2 at n = 10⁴ and 10⁶, with s2 itself at 10⁵): emkit alone, to keep the run short.
  ['s2-1e4', 'full', false],
  ['s2-1e6', 'full', false],
]

/** The memory target in MiB for `dataMb` of data on `threads` threads. */
export const memoryTarget = (dataMb, threads) => 1.25 * dataMb + 16 * Math.max(0, threads - 1)

const args = process.argv.slice(2)
let runs = 5
let rounds = 1
let threadList = ['1', 'auto']
let kernelList = ['wasm', 'js']
let withProfile = true
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
  else if (flag === '--kernels') kernelList = value().split(',')
  else if (flag === '--no-profile') withProfile = false
  else if (flag.startsWith('-')) throw new Error(`unknown flag ${arg}`)
  else names.push(arg)
}
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer')
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer')
for (const k of kernelList) if (k !== 'wasm' && k !== 'js') throw new Error(`--kernels: ${k} is not wasm or js`)
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

/** Pools scikit-learn's processes: the median over every fit of every round. */
const poolSklearn = (results) => ({
  ...results[0],
  perIteration: results.flatMap((r) => r.perIteration),
  median: median(results.flatMap((r) => r.perIteration)),
  peakRssMb: median(results.map((r) => r.peakRssMb)),
})

mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
const resultsFile = new URL('./results/results.jsonl', import.meta.url).pathname
const date = new Date().toISOString()

// The machine's measured arithmetic throughput and read bandwidth (bench/probe.mjs), for the bound:
// probed before the sets and again after them, the best of each figure kept (on a shared machine a
// probe that meets other work measures less than the machine can do, which would flatter emkit).
const probes = []
const runProbe = (when) => {
  const p = child(process.execPath, [new URL('./probe.mjs', import.meta.url).pathname], {})
  if (p.error !== undefined) console.log(`hardware probe (${when}) failed: ${p.error}`)
  else {
    probes.push(p)
    console.log(
      `hardware probe (${when}; WebAssembly SIMD, ${p.threads} threads): ${(p.flops1 / 1e9).toFixed(1)} GFLOP/s on 1 thread, ` +
        `${(p.flops / 1e9).toFixed(1)} on all together; read ${(p.bandwidth1 / 1e9).toFixed(1)} GB/s on 1 thread, ${(p.bandwidth / 1e9).toFixed(1)} on all`,
    )
    appendFileSync(resultsFile, JSON.stringify({ date, machine, tool: 'probe', when, ...p, loadAverage: loadavg()[0] }) + '\n')
  }
}
/** The capacity the bound uses: the cores are alike, so one core's best figure times the cores (or the all-core figure, when higher). */
const capacityOf = () =>
  probes.length === 0
    ? undefined
    : {
        flops: Math.max(...probes.map((p) => Math.max(p.flops, p.flops1 * p.threads))),
        bandwidth: Math.max(...probes.map((p) => Math.max(p.bandwidth, p.bandwidth1))),
      }
runProbe('before')
let capacity = capacityOf()
/** The hardware bound of one iteration in seconds (see the header), or undefined. */
const boundOf = (set, covariance) => {
  if (capacity === undefined) return undefined
  const { n, d, k } = set
  const perPair = covariance === 'full' || covariance === 'tied' ? 2 * d * d + 7 * d + 27 : 7 * d + 27
  return Math.max((n * k * perPair) / capacity.flops, (n * d * 8) / capacity.bandwidth)
}

/** Every emkit process of a round: one per checkout and kernel. */
const variants = trees.flatMap((t) => kernelList.map((kernel) => ({ ...t, kernel, key: `${t.label}/${kernel}` })))

const rows = []
for (const [name, covariance, compare] of jobs) {
  const set = ensure(name)
  process.stdout.write(`${name} ${covariance} (n = ${set.n}, d = ${set.d}, k = ${set.k}):`)
  const sklearnRuns = []
  const results = new Map(threadList.flatMap((threads) => variants.map((v) => [`${threads} ${v.key}`, []])))
  for (let r = 0; r < rounds; r++) {
    if (compare && sklearnVersion !== undefined) {
      process.stdout.write(' scikit-learn…')
      sklearnRuns.push(
        child(
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
          { OPENBLAS_CORETYPE: 'SkylakeX' },
        ),
      )
    }
    // Alternate the order of the emkit processes, so that none always meets the machine in the same state.
    const order = threadList.flatMap((threads) => variants.map((v) => [threads, v]))
    if (r % 2 === 1) order.reverse()
    for (const [threads, v] of order) {
      process.stdout.write(` ${v.key}@${threads}…`)
      const argv = [
        '--expose-gc',
        new URL('./emkit-run.mjs', import.meta.url).pathname,
        name,
        covariance,
        String(runs),
        threads,
        '--tree',
        v.dir,
      ]
      results.get(`${threads} ${v.key}`).push(child(process.execPath, argv, { EMKIT_KERNEL: v.kernel }))
    }
  }
  const s = sklearnRuns.length === 0 ? undefined : (sklearnRuns.find((x) => x.error !== undefined) ?? poolSklearn(sklearnRuns))
  const profiles = new Map()
  if (withProfile && trees.length === 1)
    for (const kernel of kernelList) {
      process.stdout.write(` profile ${kernel}…`)
      profiles.set(kernel, child(process.execPath, [new URL('./profile.mjs', import.meta.url).pathname, name, covariance, kernel, '5'], {}))
    }
  const main = pool(results.get(`${threadList[0]} ${variants[0].key}`))
  for (const threads of threadList)
    for (const v of variants) {
      const e = pool(results.get(`${threads} ${v.key}`))
      const row = {
        name,
        covariance,
        threads,
        kernel: v.kernel,
        label: v.label,
        set,
        emkit: e,
        sklearn: s,
        profile: profiles.get(v.kernel),
      }
      if (e.error === undefined) {
        row.target = memoryTarget(e.dataMb, e.threads ?? Number(threads))
        row.memoryOk = e.overBaselineMb <= row.target
      }
      if (e.error === undefined && s !== undefined && s.error === undefined) {
        row.relDiff = Math.abs(e.meanLogLikelihood - s.meanLogLikelihood) / Math.abs(s.meanLogLikelihood)
        row.agree = row.relDiff <= TOLERANCE
        row.ratio = e.median / s.median
      }
      if (v.label === 'baseline' && e.error === undefined && main.error === undefined) {
        row.baselineRelDiff = Math.abs(e.meanLogLikelihood - main.meanLogLikelihood) / Math.abs(main.meanLogLikelihood)
        row.baselineAgree = row.baselineRelDiff <= TOLERANCE
      }
      rows.push(row)
      const record = {
        date,
        machine,
        runs,
        rounds,
        threads,
        kernel: v.kernel,
        set: name,
        covariance,
        n: set.n,
        d: set.d,
        k: set.k,
        loadAverage: loadavg()[0],
      }
      appendFileSync(
        resultsFile,
        JSON.stringify({
          ...record,
          ...e,
          tool: v.label === 'baseline' ? 'emkit-baseline' : 'emkit',
          commit: v.commit,
          dirty: v.dirty,
          ratio: row.ratio ?? null,
          relDiff: row.relDiff ?? null,
          target: row.target ?? null,
          profile: row.profile ?? null,
        }) + '\n',
      )
    }
  if (s !== undefined)
    appendFileSync(
      resultsFile,
      JSON.stringify({ date, machine, runs, rounds, set: name, covariance, n: set.n, d: set.d, k: set.k, ...s, tool: 'scikit-learn' }) +
        '\n',
    )
  process.stdout.write('\n')
}

runProbe('after')
capacity = capacityOf()
if (capacity !== undefined)
  console.log(
    `hardware bound from the best probes: ${(capacity.flops / 1e9).toFixed(1)} GFLOP/s (WebAssembly SIMD, every core), ${(capacity.bandwidth / 1e9).toFixed(1)} GB/s`,
  )
for (const r of rows) {
  r.bound = boundOf(r.set, r.covariance)
  if (r.bound !== undefined && r.emkit.error === undefined) r.boundRatio = r.emkit.median / r.bound
}

const ms = (s) => (s === undefined ? '—' : `${(s * 1000).toFixed(s < 0.01 ? 2 : 1)}`)
const mb = (x) => (x === undefined ? '—' : x.toFixed(1))
const pct = (x, total) => (x === undefined || total === undefined ? '—' : `${Math.round((100 * x) / total)}`)
const ok = (r) => (r.emkit.error !== undefined ? '' : r.memoryOk ? ' ✓' : ' ✗')
const header = ['data set', 'n × d, k', 'cov', 'thr', 'kernel']
if (baseline !== undefined) header.push('tree')
header.push('emkit ms/it', 'sklearn ms/it', 'emkit/sklearn', 'bound ms', 'emkit/bound')
header.push('E %', 'norm %', 'stats %', 'rest %', 'RSS over base MB', 'target MB', 'rel. diff vs sklearn')
const table = [header]
let failed = false
for (const r of rows) {
  const e = r.emkit
  const s = r.sklearn
  if (e.error !== undefined) failed = true
  if (r.agree === false || r.baselineAgree === false) failed = true
  const line = [r.name, `${r.set.n} × ${r.set.d}, ${r.set.k}`, r.covariance, String(e.threads ?? r.threads), r.kernel]
  if (baseline !== undefined) line.push(r.label)
  line.push(
    e.error !== undefined ? 'error' : ms(e.median),
    s === undefined ? '—' : s.error !== undefined ? 'error' : ms(s.median),
    r.ratio === undefined ? '—' : r.ratio.toFixed(2),
    ms(r.bound),
    r.boundRatio === undefined ? '—' : r.boundRatio.toFixed(1),
  )
  // The profile's shares of one iteration (one thread; shown on the one-thread rows only).
  const p = r.profile !== undefined && r.profile.error === undefined && (e.threads ?? Number(r.threads)) === 1 ? r.profile : undefined
  line.push(
    pct(p?.logDensity, p?.iteration),
    pct(p?.normalize, p?.iteration),
    pct(p?.statistics, p?.iteration),
    p === undefined ? '—' : pct(p.iteration - p.logDensity - p.normalize - p.statistics, p.iteration),
    e.error !== undefined ? '—' : mb(e.overBaselineMb),
    r.target === undefined ? '—' : `${mb(r.target)}${ok(r)}`,
    r.relDiff === undefined ? '—' : `${r.relDiff.toExponential(1)}${r.agree ? '' : ' MISMATCH'}`,
  )
  table.push(line)
}
const widths = table[0].map((_, c) => Math.max(...table.map((row) => String(row[c]).length)))
console.log()
for (const [i, row] of table.entries()) {
  console.log(row.map((v, c) => (c < 3 ? String(v).padEnd(widths[c]) : String(v).padStart(widths[c]))).join('  '))
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '))
}
for (const r of rows) {
  if (r.emkit.error !== undefined) console.log(`emkit ${r.name} ${r.covariance} ${r.kernel}@${r.threads}: ${r.emkit.error}`)
  if (r.profile?.error !== undefined) console.log(`profile ${r.name} ${r.kernel}: ${r.profile.error}`)
  if (r.agree === false)
    console.log(
      `${r.name} ${r.covariance} ${r.kernel}@${r.threads}: final mean log-likelihoods of emkit and scikit-learn differ by ${r.relDiff.toExponential(2)} relative (> ${TOLERANCE})`,
    )
  if (r.baselineAgree === false)
    console.log(
      `${r.name} ${r.covariance} @${r.threads}: final mean log-likelihoods of emkit and the baseline differ by ${r.baselineRelDiff.toExponential(2)} relative (> ${TOLERANCE})`,
    )
}
for (const r of rows.filter((x) => x.sklearn?.error !== undefined && x.threads === threadList[0] && x.kernel === kernelList[0]))
  console.log(`scikit-learn ${r.name} ${r.covariance}: ${r.sklearn.error}`)
console.log(
  `\nmedian per-iteration time over ${rounds} round(s) × ${runs} fits of 50 iterations; ratio = emkit / scikit-learn (OpenBLAS on every core ` +
    `with OPENBLAS_CORETYPE=SkylakeX, one process per round). bound = the measured hardware bound of one iteration (bench/probe.mjs; ` +
    `WebAssembly SIMD arithmetic on every core, or one read of the data); E / norm / stats / rest = shares of one iteration on one thread ` +
    `(bench/profile.mjs): log-densities, normalisation, statistics, the rest (M-step, merges, EM loop).` +
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
