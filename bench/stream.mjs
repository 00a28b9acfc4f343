// Out-of-core benchmark: exact EM through the stream engine on a file larger than the fit should
// hold in memory, checked against the in-memory fit of the same rows.
//
//   node scripts/generate-large-csv.mjs                 # once: /tmp/emkit-large.csv + .start.json (10⁷ × 4, ~800 MB)
//   npx tsc -b && node bench/stream.mjs                 # the benchmark (defaults below)
//   node bench/stream.mjs --csv /tmp/small.csv --iterations 20 --workers 2
//
// 1. The CSV is converted once into a binary spill file next to it (`<csv>.f64`: raw Float64
//    little-endian rows, d values each), streamed line by line, never held in memory; reused while
//    it is newer than the CSV. (The CLI's `--engine stream` makes the same conversion from a CSV;
//    this benchmark calls the API directly so that it measures the engine, not the CLI.)
// 2. A child process fits the spill through the stream engine: a `Source.RowSource` whose every
//    pass reads the file in blocks of --block-rows rows with fs.promises FileHandle.read into one
//    reused buffer, `Mixture.fitAsync(family, source, { engine: 'stream' })` from the fixed start
//    (`<csv minus .csv>.start.json`), exactly --iterations iterations (tolerance 0). It reports the
//    time and its peak resident memory (getrusage maxRSS and /proc/self/status VmHWM).
// 3. Another child fits the same rows in memory (the spill read into one SharedArrayBuffer,
//    `Mixture.fit` with `workers` = --workers, default 1) from the same start for the same
//    iterations. The final log-likelihoods must agree to 1e-10 relative, and the stream's peak RSS
//    must be ≤ 300 MB (--rss-target); the exit code is 1 otherwise.
//
// Prints a summary and one JSON line, appended to bench/results/stream.jsonl (not committed).
import { execFileSync, spawnSync } from 'node:child_process'
import { appendFileSync, createReadStream, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { cpus, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'

const here = new URL('.', import.meta.url).pathname
const TOLERANCE = 1e-10
const MB = 2 ** 20

const options = {
  csv: '/tmp/emkit-large.csv',
  start: undefined,
  spill: undefined,
  iterations: 50,
  'block-rows': 65_536,
  workers: '1',
  'rss-target': 300,
  tree: resolve(here, '..'),
  child: undefined,
  'skip-memory': false,
}
const argv = process.argv.slice(2)
for (let a = 0; a < argv.length; a++) {
  const arg = argv[a]
  if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`)
  const eq = arg.indexOf('=')
  const key = eq < 0 ? arg.slice(2) : arg.slice(2, eq)
  if (!(key in options)) throw new Error(`unknown flag --${key}`)
  if (key === 'skip-memory') options[key] = true
  else options[key] = eq < 0 ? argv[++a] : arg.slice(eq + 1)
}
const csv = resolve(options.csv)
const startPath = resolve(options.start ?? `${csv.replace(/\.csv$/, '')}.start.json`)
const spill = resolve(options.spill ?? `${csv}.f64`)
const iterations = Number(options.iterations)
const blockRows = Number(options['block-rows'])
if (!Number.isInteger(iterations) || iterations < 1) throw new Error('--iterations must be an integer ≥ 1')
if (!Number.isInteger(blockRows) || blockRows < 1) throw new Error('--block-rows must be an integer ≥ 1')

/** Peak resident memory in MiB: getrusage's maxRSS and /proc/self/status VmHWM (Linux). */
const peakRss = () => {
  let vmHwm
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
    if (m) vmHwm = Number(m[1]) / 1024
  } catch {
    // not Linux
  }
  return { maxRss: process.resourceUsage().maxRSS / 1024, vmHwm }
}

if (options.child !== undefined) await runChild(options.child)
else await runParent()

async function runChild(kind) {
  const { Mixture, Source } = await import(pathToFileURL(join(options.tree, 'packages/core/dist/index.js')).href)
  const Gaussian = await import(pathToFileURL(join(options.tree, 'packages/gaussian/dist/index.js')).href)
  globalThis.gc?.()
  const baseline = peakRss()
  const json = JSON.parse(readFileSync(startPath, 'utf8'))
  const d = json.dimension
  const family = Gaussian.family({ covariance: json.covariance, regularization: 1e-6 })
  const init = Mixture.fromJSON(family, json)
  if (init._tag === 'Left') throw new Error(`${startPath}: ${init.left.message}`)
  const fitOptions = { k: json.weights.length, init: init.right.params, tolerance: 0, maxIterations: iterations }
  const bytes = statSync(spill).size
  if (bytes % (8 * d) !== 0) throw new Error(`${spill}: ${bytes} bytes is not a whole number of rows of ${d} doubles`)
  const n = bytes / (8 * d)
  let result
  let reads = 0
  let loadSeconds = 0
  let t0 = process.hrtime.bigint()
  if (kind === 'stream') {
    // One buffer for every block of every pass: the engine folds a block before asking for the next.
    const buffer = new Float64Array(blockRows * d)
    const bytesView = new Uint8Array(buffer.buffer)
    const source = Source.fromBlocks(
      d,
      async function* () {
        const fh = await open(spill, 'r')
        try {
          let position = 0
          while (position < bytes) {
            const want = Math.min(bytesView.length, bytes - position)
            let got = 0
            while (got < want) {
              const { bytesRead } = await fh.read(bytesView, got, want - got, position + got)
              if (bytesRead === 0) throw new Error(`${spill} ended at byte ${position + got} of ${bytes}`)
              got += bytesRead
            }
            reads++
            position += want
            yield want === bytesView.length ? buffer : buffer.subarray(0, want / 8)
          }
        } finally {
          await fh.close()
        }
      },
      { rows: n, columns: json.columns },
    )
    if (source._tag === 'Left') throw new Error(source.left.message)
    result = await Mixture.fitAsync(family, source.right, { ...fitOptions, engine: 'stream' })
  } else {
    const shared = new SharedArrayBuffer(bytes)
    const fh = await open(spill, 'r')
    try {
      const view = new Uint8Array(shared)
      let got = 0
      while (got < bytes) {
        const { bytesRead } = await fh.read(view, got, Math.min(1 << 24, bytes - got), got)
        if (bytesRead === 0) throw new Error(`${spill} ended early`)
        got += bytesRead
      }
    } finally {
      await fh.close()
    }
    const data = { n, d, values: new Float64Array(shared) }
    // The fit is timed alone; reading the file into memory is reported apart.
    const loaded = process.hrtime.bigint()
    loadSeconds = Number(loaded - t0) / 1e9
    t0 = loaded
    const workers = options.workers === 'auto' ? 'auto' : Number(options.workers)
    result = Mixture.fit(family, data, { ...fitOptions, workers })
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  if (result._tag === 'Left') throw new Error(result.left.message)
  const f = result.right
  if (f.iterations !== iterations) throw new Error(`ran ${f.iterations} iterations, expected ${iterations}`)
  const peak = peakRss()
  console.log(
    JSON.stringify({
      kind,
      engine: f.engine,
      threads: f.threads,
      n,
      d,
      k: fitOptions.k,
      iterations: f.iterations,
      seconds,
      secondsPerIteration: seconds / (f.iterations + 1),
      loadSeconds: kind === 'memory' ? loadSeconds : undefined,
      logLikelihood: f.logLikelihood,
      trace: f.trace,
      blockRows: kind === 'stream' ? blockRows : undefined,
      blockReads: kind === 'stream' ? reads : undefined,
      peakRssMb: peak.maxRss,
      vmHwmMb: peak.vmHwm,
      baselineRssMb: baseline.maxRss,
      dataMb: bytes / MB,
    }),
  )
}

/** CSV → binary spill (raw Float64 LE rows), streamed; returns rows, columns and seconds. */
async function convert() {
  const t0 = process.hrtime.bigint()
  const tmp = `${spill}.tmp-${process.pid}`
  const fh = await open(tmp, 'w')
  const lines = createInterface({ input: createReadStream(csv, { highWaterMark: 1 << 20 }), crlfDelay: Infinity })
  let d
  let rows = 0
  let line = 0
  let block
  let fill = 0
  const flush = async () => {
    const bytesView = new Uint8Array(block.buffer, 0, fill * 8)
    let off = 0
    while (off < bytesView.length) off += (await fh.write(bytesView, off, bytesView.length - off)).bytesWritten
    fill = 0
  }
  try {
    for await (const text of lines) {
      line++
      if (text === '') continue
      const cells = text.split(',')
      if (d === undefined) {
        d = cells.length
        block = new Float64Array(65_536 * d)
        if (cells.some((c) => c.trim() === '' || !Number.isFinite(Number(c)))) continue // header
      }
      if (cells.length !== d) throw new Error(`${csv}:${line}: ${cells.length} values, expected ${d}`)
      for (let c = 0; c < d; c++) {
        const v = Number(cells[c])
        if (cells[c].trim() === '' || !Number.isFinite(v))
          throw new Error(`${csv}:${line}, column ${c + 1}: ${JSON.stringify(cells[c])} is not a finite number`)
        block[fill++] = v
      }
      rows++
      if (fill === block.length) await flush()
    }
    if (fill > 0) await flush()
  } finally {
    await fh.close()
  }
  renameSync(tmp, spill)
  return { rows, d, seconds: Number(process.hrtime.bigint() - t0) / 1e9 }
}

async function runParent() {
  if (!existsSync(csv)) throw new Error(`${csv} does not exist; generate it with node scripts/generate-large-csv.mjs`)
  if (!existsSync(startPath))
    throw new Error(`${startPath} (the fixed start) does not exist; generate it with node scripts/generate-large-csv.mjs`)
  let conversion
  if (!existsSync(spill) || statSync(spill).mtimeMs < statSync(csv).mtimeMs) {
    process.stdout.write(`converting ${csv} to ${spill}… `)
    conversion = await convert()
    console.log(`${conversion.rows} rows × ${conversion.d} in ${conversion.seconds.toFixed(1)} s`)
  }
  const git = (...a) => {
    try {
      return execFileSync('git', a, { cwd: options.tree, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    } catch {
      return undefined
    }
  }
  const commit = git('rev-parse', 'HEAD')
  console.log(
    `emkit stream bench: commit ${commit?.slice(0, 10) ?? '?'}; ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}; load average ${loadavg()[0].toFixed(1)}`,
  )
  const child = (kind) => {
    process.stdout.write(`${kind} fit… `)
    const args = ['--expose-gc', new URL(import.meta.url).pathname, '--child', kind, '--csv', csv, '--start', startPath, '--spill', spill]
    args.push('--iterations', String(iterations), '--block-rows', String(blockRows), '--workers', options.workers, '--tree', options.tree)
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 })
    if (r.status !== 0)
      throw new Error(`${kind} child exited with ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n').slice(-5).join(' | ')}`)
    const out = JSON.parse(r.stdout.trim().split('\n').pop())
    console.log(`${out.seconds.toFixed(1)} s`)
    return out
  }
  const s = child('stream')
  const m = options['skip-memory'] ? undefined : child('memory')
  const fmt = (r) =>
    `${r.kind.padEnd(6)} ${r.engine}${r.threads > 1 ? ` × ${r.threads}` : ''}: n = ${r.n}, ${r.iterations} iterations in ${r.seconds.toFixed(1)} s ` +
    `(${(r.secondsPerIteration * 1000).toFixed(0)} ms per pass${r.loadSeconds !== undefined ? `; reading the file into memory ${r.loadSeconds.toFixed(1)} s more` : ''}), peak RSS ${r.peakRssMb.toFixed(0)} MB (VmHWM ${r.vmHwmMb?.toFixed(0) ?? '—'}; ` +
    `${(r.peakRssMb - r.baselineRssMb).toFixed(0)} over the baseline ${r.baselineRssMb.toFixed(0)}), data ${r.dataMb.toFixed(0)} MB, final log-likelihood ${r.logLikelihood}`
  console.log()
  console.log(fmt(s))
  if (m !== undefined) console.log(fmt(m))
  const target = Number(options['rss-target'])
  const rssOk = s.peakRssMb <= target
  let relDiff
  let maxTraceDiff
  if (m !== undefined) {
    relDiff = Math.abs(s.logLikelihood - m.logLikelihood) / Math.abs(m.logLikelihood)
    maxTraceDiff = Math.max(...s.trace.map((v, t) => Math.abs(v - m.trace[t]) / Math.abs(m.trace[t])))
    console.log(
      `final log-likelihoods: relative difference ${relDiff.toExponential(2)} (must be ≤ ${TOLERANCE}) ${relDiff <= TOLERANCE ? '✓' : '✗'}; largest over the trace ${maxTraceDiff.toExponential(2)}`,
    )
  }
  console.log(`stream peak RSS ${s.peakRssMb.toFixed(0)} MB (target ≤ ${target} MB) ${rssOk ? '✓' : '✗'}`)
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
  const record = {
    date: new Date().toISOString(),
    commit,
    csv,
    conversion,
    stream: { ...s, trace: undefined },
    memory: m === undefined ? undefined : { ...m, trace: undefined },
    relDiff,
    maxTraceDiff,
    rssTargetMb: target,
    loadAverage: loadavg()[0],
  }
  appendFileSync(new URL('./results/stream.jsonl', import.meta.url).pathname, JSON.stringify(record) + '\n')
  console.log(JSON.stringify(record))
  if (!rssOk || (relDiff !== undefined && !(relDiff <= TOLERANCE))) process.exitCode = 1
}
