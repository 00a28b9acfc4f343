/**
 * End-to-end tests of `--engine` and `--workers`: spawn the built `emkit` binary (bin/emkit.js) on
 * real files, each run with its own TMPDIR, so that the spill file of the stream engine can be
 * watched and shown to be removed.
 */
import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const bin = join(here, '..', 'bin', 'emkit.js')
const fixtures = join(here, '..', 'fixtures', 'iris-k3')
const work = mkdtempSync(join(tmpdir(), 'emkit-engines-e2e-'))

interface Run {
  status: number | null
  stdout: string
  stderr: string
  /** The TMPDIR the run had: empty afterwards when the spill file was removed. */
  spillDir: string
}
const emkit = (args: readonly string[], env: Record<string, string> = {}): Run => {
  const spillDir = mkdtempSync(join(work, 'tmp-'))
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: work,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, TMPDIR: spillDir, ...env },
  })
  // bin/emkit.js rebuilds dist when a source is newer, with a note on stderr: not the command's output.
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr.replace(/^emkit: building the command \(tsc -b packages\/cli\)…\n/, ''),
    spillDir,
  }
}
const read = (name: string): string => readFileSync(join(work, name), 'utf8')
const expectOneLine = (r: Run, code: number, pattern: RegExp): void => {
  expect(r.status, r.stderr).toBe(code)
  const lines = r.stderr.trimEnd().split('\n')
  expect(lines, r.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(pattern)
  expect(r.stderr).not.toMatch(/\n\s+at /)
}
const relative = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b))

/** A deterministic pseudo-random stream for test data. */
const lcg = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return (seed + 0.5) / 2147483648
}

/** Rows of a two-cluster 2-D data set, as CSV lines (with a header). */
const twoClusters = (n: number): string[] => {
  const rnd = lcg(11)
  const lines = ['x,y']
  for (let i = 0; i < n; i++) {
    const c = i % 3 === 0 ? 1 : 0
    lines.push(`${(c * 4 + rnd() + rnd() - 1).toFixed(6)},${(c * -3 + 2 * (rnd() + rnd() - 1)).toFixed(6)}`)
  }
  return lines
}

/** 140 000 rows: three blocks of the spill file (65 536 rows each). */
const N = 140_000

beforeAll(() => {
  // Builds dist on demand the first time (the build note goes to stderr, never stdout).
  const r = emkit(['--version'])
  expect(r.status, r.stderr).toBe(0)
  for (const f of ['data.csv', 'init.full.v1.json']) copyFileSync(join(fixtures, f), join(work, f))
  const lines = twoClusters(N)
  writeFileSync(join(work, 'big.csv'), lines.join('\n') + '\n')
  const bad = [...lines]
  bad[70_001] = bad[70_001]!.replace(/,.*/, ',x4')
  writeFileSync(join(work, 'bad-middle.csv'), bad.join('\n') + '\n')
  writeFileSync(
    join(work, 'init2.json'),
    JSON.stringify({
      format: 'emkit.mixture/v1',
      family: 'gaussian',
      covariance: 'full',
      dimension: 2,
      weights: [0.5, 0.5],
      components: [
        {
          mean: [0.5, 0.5],
          covariance: [
            [1, 0],
            [0, 1],
          ],
        },
        {
          mean: [3, -2],
          covariance: [
            [1, 0],
            [0, 1],
          ],
        },
      ],
    }),
  )
  const rnd = lcg(5)
  const expo = ['lifetime']
  for (let i = 0; i < 3000; i++) expo.push(String(-Math.log(rnd()) * (i % 3 === 0 ? 4 : 0.25)))
  writeFileSync(join(work, 'expo.csv'), expo.join('\n') + '\n')
  expo[1500] = '-0.5'
  writeFileSync(join(work, 'expo-neg.csv'), expo.join('\n') + '\n')
  const counts = ['a,b,c']
  for (let i = 0; i < 500; i++) counts.push(i % 2 === 0 ? `${5 + (i % 4)},1,${i % 3}` : `1,${2 + (i % 5)},6`)
  writeFileSync(join(work, 'counts.csv'), counts.join('\n') + '\n')
})

describe('emkit fit --engine stream', () => {
  it('gives the in-memory fit from the same --init, and exactly --max-iter iterations with --tol 0 (iris)', () => {
    const args = ['fit', 'data.csv', '--k', '3', '--init', 'init.full.v1.json', '--reg-covar', '0', '--tol', '0', '--max-iter', '40']
    const memory = emkit([...args, '--engine', 'memory', '--out', 'iris.memory.json'])
    const stream = emkit([...args, '--engine', 'stream', '--out', 'iris.stream.json'])
    expect(memory.status, memory.stderr).toBe(0)
    expect(stream.status, stream.stderr).toBe(0)
    const m = JSON.parse(read('iris.memory.json'))
    const s = JSON.parse(read('iris.stream.json'))
    expect(Object.keys(s)).toEqual(Object.keys(m))
    expect(Object.keys(s.fit)).toEqual(Object.keys(m.fit))
    expect(s.fit.n).toBe(150)
    expect(s.fit.iterations).toBe(40)
    expect(s.fit.trace).toHaveLength(41)
    expect(s.fit.stopReason).toBe('maxIterations')
    expect(relative(s.fit.logLikelihood, m.fit.logLikelihood)).toBeLessThanOrEqual(1e-10)
    expect(stream.stderr).toMatch(/\(n = 150, d = 4, stream engine\): .* after 40 iterations/)
    expect(readdirSync(stream.spillDir)).toEqual([])
  })

  it('reads a file of several blocks on every pass and matches the in-memory fit', () => {
    const args = ['fit', 'big.csv', '--init', 'init2.json', '--tol', '0', '--max-iter', '4', '--quiet']
    const memory = emkit([...args, '--engine', 'memory'])
    const stream = emkit([...args, '--engine', 'stream'])
    expect(memory.status, memory.stderr).toBe(0)
    expect(stream.status, stream.stderr).toBe(0)
    expect(stream.stderr).toBe('')
    const m = JSON.parse(memory.stdout).fit
    const s = JSON.parse(stream.stdout).fit
    expect(s.n).toBe(N)
    expect(s.trace).toHaveLength(5)
    for (let t = 0; t <= 4; t++) expect(relative(s.trace[t], m.trace[t]), `trace[${t}]`).toBeLessThanOrEqual(1e-10)
    expect(readdirSync(stream.spillDir)).toEqual([])
  })

  it('streams a file larger than the threshold without --engine (EMKIT_STREAM_THRESHOLD lowers it)', () => {
    const streamed = emkit(['fit', 'data.csv', '--k', '2'], { EMKIT_STREAM_THRESHOLD: '1000' })
    expect(streamed.status, streamed.stderr).toBe(0)
    expect(streamed.stderr).toMatch(/^emkit fit: gaussian\/full, k = 2 on data\.csv \(n = 150, d = 4, stream engine\)/)
    expect(readdirSync(streamed.spillDir)).toEqual([])
    const memory = emkit(['fit', 'data.csv', '--k', '2'], { EMKIT_STREAM_THRESHOLD: '100000' })
    expect(memory.stderr).toMatch(/^emkit fit: gaussian\/full, k = 2 on data\.csv \(n = 150, d = 4\):/)
    expectOneLine(
      emkit(['fit', 'data.csv'], { EMKIT_STREAM_THRESHOLD: 'lots' }),
      2,
      /^emkit: EMKIT_STREAM_THRESHOLD must be a whole number of bytes, got "lots"$/,
    )
  })

  it('names row, line and column of a bad cell in the middle of a streamed file (exit 1) and removes the spill file', () => {
    const r = emkit(['fit', 'bad-middle.csv', '--engine', 'stream', '--out', 'never.json'])
    expectOneLine(r, 1, /^emkit: bad-middle\.csv: row 70001 \(line 70002\), column 2 \("y"\): "x4" is not a number$/)
    expect(readdirSync(r.spillDir)).toEqual([])
    expect(readdirSync(work)).not.toContain('never.json')
  })

  it('fits exponential and multinomial mixtures through the stream, with their support checked', () => {
    const expo = emkit(['fit', 'expo.csv', '--family', 'exponential', '--k', '2', '--engine', 'stream', '--quiet'])
    expect(expo.status, expo.stderr).toBe(0)
    expect(JSON.parse(expo.stdout)).toMatchObject({ family: 'exponential', dimension: 1, fit: { n: 3000 } })
    const neg = emkit(['fit', 'expo-neg.csv', '--family', 'exponential', '--engine', 'stream'])
    expectOneLine(
      neg,
      1,
      /^emkit: expo-neg\.csv: row 1500 \(line 1501\), column 1 \("lifetime"\): negative value -0\.5; the exponential family needs values ≥ 0$/,
    )
    expect(readdirSync(neg.spillDir)).toEqual([])
    const args = ['fit', 'counts.csv', '--family', 'multinomial', '--k', '2', '--smoothing', '0.5', '--seed', '2', '--quiet']
    const memory = emkit([...args, '--engine', 'memory'])
    const stream = emkit([...args, '--engine', 'stream'])
    expect(stream.status, stream.stderr).toBe(0)
    // 500 rows: the initialisation sample is the whole file, so the fits agree.
    expect(relative(JSON.parse(stream.stdout).fit.logLikelihood, JSON.parse(memory.stdout).fit.logLikelihood)).toBeLessThanOrEqual(1e-10)
  })

  it('--plot draws a uniform sample of 10 000 rows of a larger streamed file', () => {
    const r = emkit(['fit', 'big.csv', '--engine', 'stream', '--init', 'init2.json', '--max-iter', '2', '--plot', 'big.html', '--quiet'])
    expect(r.status, r.stderr).toBe(0)
    expect(read('big.html')).toContain(`a uniform sample of 10000 of ${N} rows`)
    expect(readdirSync(r.spillDir)).toEqual([])
  })

  it('removes the spill file when interrupted (SIGINT) and ends by the signal', async () => {
    const spillDir = mkdtempSync(join(work, 'tmp-'))
    const child = spawn(process.execPath, [bin, 'fit', 'big.csv', '--engine', 'stream', '--tol', '0', '--max-iter', '100000', '--quiet'], {
      cwd: work,
      env: { ...process.env, TMPDIR: spillDir },
      stdio: 'ignore',
    })
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    )
    const deadline = Date.now() + 60_000
    while (readdirSync(spillDir).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    expect(readdirSync(spillDir)[0]).toMatch(/^emkit-spill-\d+-[0-9a-f-]+\.f64$/)
    await new Promise((r) => setTimeout(r, 300))
    child.kill('SIGINT')
    const { signal } = await exited
    expect(signal).toBe('SIGINT')
    expect(readdirSync(spillDir)).toEqual([])
  })
})

describe('--engine and --workers usage errors (exit 2, one line naming the flag)', () => {
  it.each([
    [['fit', '--workers', '0'], /^error: option '--workers <n>' argument '0' is invalid\. --workers must be an integer ≥ 1 or auto\.$/],
    [['fit', '--workers', 'x'], /^error: option '--workers <n>' argument 'x' is invalid\. --workers must be an integer ≥ 1 or auto\.$/],
    [['select', '--workers', '0'], /^error: option '--workers <n>' argument '0' is invalid/],
    [['select', '--workers', '2.5'], /^error: option '--workers <n>' argument '2\.5' is invalid/],
    [
      ['fit', '--engine', 'gpu'],
      /^error: option '--engine <engine>' argument 'gpu' is invalid\. Allowed choices are memory, stream, duckdb\.$/,
    ],
    [
      ['fit', 'data.csv', '--engine', 'stream', '--workers', '2'],
      /^emkit: --workers 2: the stream engine reads on one thread, with --engine stream; use --engine memory/,
    ],
  ])('%j', (args, pattern) => {
    expectOneLine(emkit(args), 2, pattern)
  })

  it('--workers N runs fit and select in memory on N threads', () => {
    const fit = emkit([
      'fit',
      'data.csv',
      '--k',
      '3',
      '--init',
      'init.full.v1.json',
      '--tol',
      '0',
      '--max-iter',
      '10',
      '--workers',
      '2',
      '--quiet',
    ])
    const one = emkit([
      'fit',
      'data.csv',
      '--k',
      '3',
      '--init',
      'init.full.v1.json',
      '--tol',
      '0',
      '--max-iter',
      '10',
      '--workers',
      '1',
      '--quiet',
    ])
    expect(fit.status, fit.stderr).toBe(0)
    expect(relative(JSON.parse(fit.stdout).fit.logLikelihood, JSON.parse(one.stdout).fit.logLikelihood)).toBeLessThanOrEqual(1e-10)
    const select = emkit(['select', '--k', '1..2', '--covariance', 'full', '--restarts', '1', '--workers', 'auto', '--quiet'])
    expect(select.status, select.stderr).toBe(0)
    expect(select.stdout.trimEnd().split('\n')).toHaveLength(3)
  })

  it('--help documents the engines and the stream threshold', () => {
    const r = emkit(['fit', '--help'])
    expect(r.stdout).toContain('--engine <engine>')
    expect(r.stdout).toContain('--workers <n>')
    expect(r.stdout).toMatch(/streams when the file is larger than the stream threshold/)
    expect(r.stdout).toContain('EMKIT_STREAM_THRESHOLD')
  })
})
