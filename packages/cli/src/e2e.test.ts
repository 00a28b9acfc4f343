/**
 * End-to-end: spawn the built `emkit` binary (bin/emkit.js) on real files in a temporary directory.
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const bin = join(here, '..', 'bin', 'emkit.js')
const fixtures = join(here, '..', 'fixtures', 'iris-k3')
const work = mkdtempSync(join(tmpdir(), 'emkit-e2e-'))
/** `emkit --version` prints the package's version, read here from the file itself. */
const version = (JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')) as { version: string }).version

interface Run {
  status: number | null
  stdout: string
  stderr: string
}
const emkit = (...args: string[]): Run => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', maxBuffer: 64 << 20 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}
const file = (name: string, text: string): string => {
  writeFileSync(join(work, name), text)
  return name
}
const read = (name: string): string => readFileSync(join(work, name), 'utf8')
/** One readable line on stderr, no stack trace. */
const expectOneLine = (r: Run, code: number, pattern: RegExp): void => {
  expect(r.status, r.stderr).toBe(code)
  const lines = r.stderr.trimEnd().split('\n')
  expect(lines, r.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(pattern)
  expect(r.stderr).not.toMatch(/\n\s+at /)
}

/** A deterministic pseudo-random stream for test data. */
const lcg = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return (seed + 0.5) / 2147483648
}

beforeAll(() => {
  // Builds dist on demand the first time (the build note goes to stderr, never stdout).
  const r = emkit('--version')
  expect(r.status, r.stderr).toBe(0)
  expect(r.stdout).toBe(`${version}\n`)
  for (const f of ['data.csv', 'init.full.v1.json']) copyFileSync(join(fixtures, f), join(work, f))
  const rnd = lcg(7)
  const expo = ['lifetime']
  for (let i = 0; i < 300; i++) expo.push(String(-Math.log(rnd()) * (i % 3 === 0 ? 4 : 0.25)))
  file('expo.csv', expo.join('\n') + '\n')
  const counts = ['a,b,c,d']
  for (let i = 0; i < 200; i++) {
    const p = i % 2 === 0 ? [0.7, 0.1, 0.1, 0.1] : [0.1, 0.1, 0.1, 0.7]
    const row = [0, 0, 0, 0]
    for (let t = 0; t < 20; t++) {
      let u = rnd()
      let j = 0
      while (j < 3 && u >= p[j]!) u -= p[j++]!
      row[j]!++
    }
    counts.push(row.join(','))
  }
  file('counts.csv', counts.join('\r\n') + '\r\n')
})

describe('emkit fit', () => {
  it('with no data fits Old Faithful and writes the model JSON to stdout, one summary line to stderr', () => {
    const r = emkit('fit')
    expect(r.status, r.stderr).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json).toMatchObject({ format: 'emkit.mixture/v1', family: 'gaussian', covariance: 'full', dimension: 2 })
    expect(json.weights).toHaveLength(2)
    expect(json.fit.n).toBe(272)
    expect(json.fit.trace).toHaveLength(json.fit.iterations + 1)
    expect(json.fit.logLikelihood).toBeCloseTo(-1130.264, 2)
    expect(r.stderr).toMatch(
      /^emkit fit: gaussian\/full, k = 2 on Old Faithful \(embedded\) \(n = 272, d = 2\): log-likelihood -1130\.26\d* after \d+ iterations \(converged\), BIC 2322\.\d+\n$/,
    )
  })

  it("the README's main job writes a model and an HTML picture; --quiet prints nothing on stderr", () => {
    const r = emkit('fit', '--k', '2', '--out', 'faithful.json', '--plot', 'faithful.html', '--quiet')
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe('')
    expect(JSON.parse(read('faithful.json')).format).toBe('emkit.mixture/v1')
    const html = read('faithful.html')
    expect(html).toMatch(/^<!doctype html>/)
    expect((html.match(/<svg/g) ?? []).length).toBe(2)
    expect(html).not.toMatch(/<script|<link|src="http|href="http/)
    expect(html).toContain('<caption>Parameters</caption>')
  })

  it('reproduces the iris-k3 reference trace (full covariance, exact EM, 50 iterations)', () => {
    const r = emkit(
      'fit',
      'data.csv',
      '--family',
      'gaussian',
      '--covariance',
      'full',
      '--k',
      '3',
      '--init',
      'init.full.v1.json',
      '--reg-covar',
      '0',
      '--tol',
      '0',
      '--max-iter',
      '50',
      '--out',
      'fit.json',
    )
    expect(r.status, r.stderr).toBe(0)
    const trace: number[] = JSON.parse(read('fit.json')).fit.trace
    const expected: number[] = JSON.parse(readFileSync(join(fixtures, 'expected-trace.full.json'), 'utf8')).loglik_trajectory
    expect(trace).toHaveLength(51)
    for (let t = 0; t <= 50; t++) {
      const e = expected[t]!
      expect(Math.abs(trace[t]! - e), `trace[${t}]`).toBeLessThanOrEqual(1e-9 + 1e-9 * Math.abs(e))
    }
  })

  it.each(['full', 'diag', 'spherical', 'tied'])('gaussian/%s on a 4-column file with an SVG picture', (cov) => {
    const r = emkit(
      'fit',
      'data.csv',
      '--covariance',
      cov,
      '--k',
      '3',
      '--restarts',
      '2',
      '--seed',
      '3',
      '--out',
      `iris.${cov}.json`,
      '--plot',
      `iris.${cov}.svg`,
    )
    expect(r.status, r.stderr).toBe(0)
    const json = JSON.parse(read(`iris.${cov}.json`))
    expect(json).toMatchObject({ family: 'gaussian', covariance: cov, dimension: 4 })
    expect(json.components[0].covariance).toHaveLength(4)
    const svg = read(`iris.${cov}.svg`)
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('scatter-plot matrix of 4 columns')
    expect(svg).toContain('log-likelihood per iteration')
  })

  it('exponential on 1-D data', () => {
    const r = emkit('fit', 'expo.csv', '--family', 'exponential', '--k', '2', '--restarts', '3', '--out', 'expo.json', '--plot', 'expo.svg')
    expect(r.status, r.stderr).toBe(0)
    const json = JSON.parse(read('expo.json'))
    expect(json).toMatchObject({ family: 'exponential', dimension: 1 })
    expect(json.covariance).toBeUndefined()
    const rates = json.components.map((c: { rate: number[] }) => c.rate[0]).sort((a: number, b: number) => a - b)
    expect(rates[0]).toBeGreaterThan(0.1)
    expect(rates[0]).toBeLessThan(0.5) // mean 4
    expect(rates[1]).toBeGreaterThan(2.5) // mean 0.25
    expect(read('expo.svg')).toContain('data and mixture density')
  })

  it('multinomial on counts (CRLF file) with smoothing', () => {
    const r = emkit(
      'fit',
      'counts.csv',
      '--family',
      'multinomial',
      '--k',
      '2',
      '--smoothing',
      '0.5',
      '--restarts',
      '3',
      '--out',
      'counts.json',
      '--plot',
      'counts.html',
    )
    expect(r.status, r.stderr).toBe(0)
    const json = JSON.parse(read('counts.json'))
    expect(json).toMatchObject({ family: 'multinomial', dimension: 4 })
    const big = json.components.map((c: { probabilities: number[] }) => Math.max(...c.probabilities))
    for (const p of big) expect(p).toBeGreaterThan(0.6)
    expect(read('counts.html')).toContain('category probabilities by component')
  })

  it('--columns picks columns by name', () => {
    const r = emkit('fit', 'data.csv', '--columns', 'Petal.Length,Petal.Width', '--k', '2', '--quiet')
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).dimension).toBe(2)
  })
})

describe('emkit select', () => {
  it('prints the grid with log-likelihood, BIC, AIC and ICL and marks the best; writes the best model and a picture', () => {
    const r = emkit('select', '--k', '1..3', '--covariance', 'full,tied', '--restarts', '2', '--out', 'best.json', '--plot', 'select.svg')
    expect(r.status, r.stderr).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^structure\s+k\s+parameters\s+logLikelihood\s+bic\s+aic\s+icl\s+iterations\s+converged\s+best$/)
    expect(lines).toHaveLength(7)
    const best = lines.filter((l) => l.endsWith('*'))
    expect(best).toHaveLength(1)
    // The marked row has the smallest BIC.
    const bics = lines.slice(1).map((l) => Number(l.trim().split(/\s+/)[4]))
    expect(Number(best[0]!.trim().split(/\s+/)[4])).toBe(Math.min(...bics))
    const json = JSON.parse(read('best.json'))
    expect(json.fit.bic).toBeCloseTo(Math.min(...bics), 2)
    expect(read('select.svg')).toContain('BIC against k')
    expect(r.stderr).toMatch(/^emkit select: 6 cells on Old Faithful/)
  })

  it('--criterion aic, csv format, exponential family', () => {
    const r = emkit('select', 'expo.csv', '--family', 'exponential', '--k', '1,2,3', '--criterion', 'aic', '--format', 'csv', '--quiet')
    expect(r.status, r.stderr).toBe(0)
    const rows = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split(','))
    expect(rows[0]).toEqual(['structure', 'k', 'parameters', 'logLikelihood', 'bic', 'aic', 'icl', 'iterations', 'converged', 'best'])
    expect(rows.slice(1).map((x) => x[0])).toEqual(['exponential', 'exponential', 'exponential'])
    const aics = rows.slice(1).map((x) => Number(x[5]))
    expect(Number(rows.find((x) => x[9] === '*')![5])).toBe(Math.min(...aics))
  })
})

describe('emkit predict, score, sample', () => {
  it.each([
    ['iris.full.json', 'data.csv', 150, 3],
    ['expo.json', 'expo.csv', 300, 2],
    ['counts.json', 'counts.csv', 200, 2],
  ])('predict %s: one row per observation, label then probabilities summing to 1', (model, data, n, k) => {
    const r = emkit('predict', model, data)
    expect(r.status, r.stderr).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe(['label', ...Array.from({ length: k }, (_, j) => `p${j}`)].join(','))
    expect(lines).toHaveLength(n + 1)
    for (const l of lines.slice(1)) {
      const v = l.split(',').map(Number)
      const p = v.slice(1)
      expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12)
      expect(v[0]).toBe(p.indexOf(Math.max(...p)))
    }
  })

  it.each([
    ['iris.full.json', 'data.csv', 150],
    ['expo.json', 'expo.csv', 300],
    ['counts.json', 'counts.csv', 200],
  ])('score %s: per-row log-likelihood then the total, which matches the fit', (model, data, n) => {
    const r = emkit('score', model, data)
    expect(r.status, r.stderr).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe('row,logLikelihood')
    expect(lines).toHaveLength(n + 2)
    const rows = lines.slice(1, -1).map((l) => Number(l.split(',')[1]))
    const [label, total] = lines[n + 1]!.split(',')
    expect(label).toBe('total')
    const sum = rows.reduce((a, b) => a + b, 0)
    expect(Math.abs(Number(total) - sum)).toBeLessThanOrEqual(1e-9 * Math.abs(sum))
    const fit = JSON.parse(read(model)).fit
    // The fit's log-likelihood includes the smoothing prior for multinomial; gaussian/exponential equal the score total.
    if (!model.startsWith('counts'))
      expect(Math.abs(Number(total) - fit.logLikelihood)).toBeLessThanOrEqual(1e-8 * Math.abs(fit.logLikelihood))
  })

  it.each([
    ['iris.full.json', 4],
    ['expo.json', 1],
    ['faithful.json', 2],
  ])('sample %s: N rows of d columns, reproducible under a seed, refittable', (model, d) => {
    const a = emkit('sample', model, '--n', '50', '--seed', '9')
    const b = emkit('sample', model, '--n', '50', '--seed', '9')
    expect(a.status, a.stderr).toBe(0)
    expect(a.stdout).toBe(b.stdout)
    const lines = a.stdout.trimEnd().split('\n')
    // The header is the model's columns (recorded from the data it was fitted on), else x1 … xd.
    const columns = (JSON.parse(read(model)) as { columns?: string[] }).columns
    expect(lines[0]).toBe((columns ?? Array.from({ length: d }, (_, c) => `x${c + 1}`)).join(','))
    expect(lines).toHaveLength(51)
    for (const l of lines.slice(1)) expect(l.split(',').map(Number).every(Number.isFinite)).toBe(true)
    file(`sample-${model}.csv`, a.stdout)
    const refit = emkit(
      'fit',
      `sample-${model}.csv`,
      '--family',
      model.startsWith('expo') ? 'exponential' : 'gaussian',
      '--k',
      '1',
      '--quiet',
    )
    expect(refit.status, refit.stderr).toBe(0)
    expect(JSON.parse(refit.stdout).dimension).toBe(d)
  })

  it('sample of a multinomial model with --trials and --labels', () => {
    const r = emkit('sample', 'counts.json', '--n', '20', '--trials', '15', '--labels', '--out', 'drawn.csv')
    expect(r.status, r.stderr).toBe(0)
    const lines = read('drawn.csv').trimEnd().split('\n')
    const columns = (JSON.parse(read('counts.json')) as { columns?: string[] }).columns ?? ['x1', 'x2', 'x3', 'x4']
    expect(lines[0]).toBe([...columns, 'component'].join(','))
    for (const l of lines.slice(1)) {
      const v = l.split(',').map(Number)
      expect(v.slice(0, 4).reduce((a, b) => a + b, 0)).toBe(15)
      expect([0, 1]).toContain(v[4])
    }
  })
})

describe('errors: one line on stderr, exit 1 for bad data / model / fit, 2 for usage', () => {
  it('non-numeric cell', () => {
    file('bad-cell.csv', 'a,b\n1,2\n3,x4\n')
    expectOneLine(emkit('fit', 'bad-cell.csv'), 1, /^emkit: bad-cell\.csv: row 2 \(line 3\), column 2 \("b"\): "x4" is not a number$/)
  })
  it('NaN', () => {
    file('nan.csv', 'a,b\n1,2\nNaN,4\n')
    expectOneLine(
      emkit('fit', 'nan.csv'),
      1,
      /^emkit: nan\.csv: row 2 \(line 3\), column 1 \("a"\): missing value \(empty, NA or NaN\); --missing drop leaves out incomplete rows/,
    )
  })
  it('negative value for exponential', () => {
    file('neg.csv', 'x\n1\n2\n-0.5\n3\n')
    expectOneLine(
      emkit('fit', 'neg.csv', '--family', 'exponential'),
      1,
      /^emkit: neg\.csv: row 3 \(line 4\), column 1 \("x"\): negative value -0\.5; the exponential family needs values ≥ 0$/,
    )
  })
  it('non-integer count for multinomial', () => {
    file('frac.csv', '1,2,3\n4,5.5,6\n')
    expectOneLine(
      emkit('fit', 'frac.csv', '--family', 'multinomial'),
      1,
      /^emkit: frac\.csv: row 2 \(line 2\), column 2: non-integer count 5\.5; the multinomial family needs non-negative integer counts$/,
    )
  })
  it('ragged row', () => {
    file('ragged.csv', 'a,b\n1,2\n3,4\n5\n')
    expectOneLine(emkit('fit', 'ragged.csv'), 1, /^emkit: ragged\.csv: row 3 \(line 4\) has 1 fields but the header has 2 \(ragged row\)$/)
  })
  it('missing data file', () => {
    expectOneLine(emkit('fit', 'nope.csv'), 1, /^emkit: cannot read data file nope\.csv: no such file$/)
  })
  it('model file that is not JSON, or not an emkit model', () => {
    file('broken.json', '{"format": "emkit.mixture/v1", ')
    expectOneLine(emkit('predict', 'broken.json', 'data.csv'), 1, /^emkit: broken\.json: not valid JSON/)
    file('other.json', '{"format": "something/v2"}')
    expectOneLine(emkit('score', 'other.json', 'data.csv'), 1, /^emkit: other\.json: not an emkit model: "format" is "something\/v2"/)
    const m = JSON.parse(read('faithful.json'))
    m.weights = [0.5, 0.6]
    file('badweights.json', JSON.stringify(m))
    expectOneLine(
      emkit('sample', 'badweights.json', '--n', '3'),
      1,
      /^emkit: badweights\.json: invalid model \(at weights\): weights sum to 1\.1/,
    )
  })
  it('model that does not match the data or the flags', () => {
    // faithful.json records its columns (eruptions, waiting): a file without them is refused by name.
    expectOneLine(
      emkit('predict', 'faithful.json', 'data.csv'),
      1,
      /^emkit: data\.csv: no column named "eruptions" for the columns of faithful\.json/,
    )
    expectOneLine(
      emkit('fit', 'data.csv', '--init', 'init.full.v1.json', '--covariance', 'diag'),
      1,
      /^emkit: init\.full\.v1\.json is a gaussian\/full model but --covariance diag was given$/,
    )
    expectOneLine(
      emkit('fit', 'data.csv', '--init', 'init.full.v1.json', '--k', '2'),
      1,
      /^emkit: init\.full\.v1\.json has 3 components but --k 2 was given$/,
    )
    expectOneLine(
      emkit('fit', 'data.csv', '--init', 'faithful.json'),
      1,
      /^emkit: faithful\.json has dimension 2 but data\.csv has 4 columns$/,
    )
  })
  it('a fit that cannot proceed', () => {
    file('tiny.csv', 'x\n1\n2\n')
    expectOneLine(emkit('fit', 'tiny.csv', '--k', '3'), 1, /^emkit: tiny\.csv: k = 3 components but only 2 rows/)
    file('far.csv', 'x\n1e300\n-1e300\n1e300\n-1e300\n')
    const r = emkit('fit', 'far.csv', '--k', '1', '--reg-covar', '0')
    expectOneLine(r, 1, /^emkit: far\.csv \(gaussian\/full, k = 1\): the fit cannot proceed: /)
  })
  it.each([
    [['fit', '--bogus'], /^error: unknown option '--bogus'/],
    [['fit', '--k', 'abc'], /^error: option '--k <k>' argument 'abc' is invalid\. --k must be an integer ≥ 1\.$/],
    [['fit', '--k', '0'], /--k must be an integer ≥ 1/],
    [['fit', '--tol', '-1'], /--tol must be a finite number ≥ 0/],
    [
      ['fit', '--family', 'poison'],
      /^error: option '--family <family>' argument 'poison' is invalid\. unknown family "poison"; choose gaussian, exponential, multinomial, poisson, bernoulli, categorical, gamma, a product such as gaussian:x,y\+poisson:n, or a path to a family module \(\.\/my-family\.js\)$/,
    ],
    [['fit', '--plot', 'x.png'], /the picture must be a \.svg or \.html file/],
    [
      ['fit', '--family', 'exponential', '--covariance', 'diag'],
      /^emkit: --covariance applies to --family gaussian only \(or a product's gaussian parts\), not --family exponential$/,
    ],
    [['select', '--k', '3..1'], /bad k range "3\.\.1"/],
    [['predict', 'faithful.json'], /^emkit: missing DATA \(a file, or - for standard input\), or --db URL --table NAME$/],
    [['sample', 'faithful.json'], /^error: required option '--n <n>' not specified$/],
    [['frobnicate'], /^error: unknown command 'frobnicate'$/],
    [['fit', 'a.csv', 'b.csv'], /^error: too many arguments for 'fit'/],
  ])('usage error %j exits 2', (args, pattern) => {
    expectOneLine(emkit(...args), 2, pattern)
  })
  it('--help for every sub-command is generated and exits 0', () => {
    for (const sub of ['fit', 'select', 'predict', 'score', 'sample']) {
      const r = emkit(sub, '--help')
      expect(r.status).toBe(0)
      expect(r.stdout).toMatch(new RegExp(`^Usage: emkit ${sub} `))
    }
    expect(emkit('fit', '--help').stdout).toContain('--reg-covar <x>')
    expect(emkit('select', '--help').stdout).toContain('--criterion <c>')
    const none = emkit()
    expect(none.status).toBe(2)
    expect(none.stderr).toMatch(/^Usage: emkit/)
  })
})

describe('atomic output', () => {
  it('a failed run leaves no partial file and does not overwrite a good one', () => {
    const good = read('faithful.json')
    file('bad.csv', 'a,b\n1,2\n3,oops\n')
    const before = readdirSync(work).sort()
    expectOneLine(emkit('fit', 'bad.csv', '--out', 'faithful.json', '--plot', 'faithful.html'), 1, /oops/)
    expect(read('faithful.json')).toBe(good)
    expectOneLine(emkit('fit', 'bad.csv', '--out', 'never.json'), 1, /oops/)
    expect(readdirSync(work).sort()).toEqual(before)
  })
  it('an unwritable picture path fails before the model is replaced', () => {
    const good = read('faithful.json')
    expectOneLine(
      emkit('fit', '--k', '3', '--out', 'faithful.json', '--plot', 'no/such/dir/p.svg'),
      1,
      /^emkit: cannot write no\/such\/dir\/p\.svg: no such directory$/,
    )
    expect(read('faithful.json')).toBe(good)
    expect(readdirSync(work).filter((f) => f.startsWith('.emkit-tmp-'))).toEqual([])
  })
})
