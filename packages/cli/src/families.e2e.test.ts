/**
 * End-to-end: the command line loads families (issue 13) — the new built-ins (poisson, bernoulli,
 * categorical, gamma), products over columns, and a user's module — spawning the built `emkit`
 * binary on the committed reference fixtures (packages/families/fixtures) in a temporary directory.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative as relativePath } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const bin = join(here, '..', 'bin', 'emkit.js')
const fixtures = join(here, '..', '..', 'families', 'fixtures')
const myPoisson = join(here, '..', 'fixtures', 'family-modules', 'my-poisson.mjs')
const work = mkdtempSync(join(tmpdir(), 'emkit-families-'))
/** The module as a path relative to the working directory (it imports @emkit/core, so it stays in the repository). */
const mine = relativePath(work, myPoisson)

interface Run {
  status: number | null
  stdout: string
  stderr: string
}
const emkit = (...args: string[]): Run => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', maxBuffer: 64 << 20 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}
const fixture = (name: string, file: string): string => join(fixtures, name, file)
const file = (name: string, text: string): string => {
  writeFileSync(join(work, name), text)
  return name
}
/** One readable line on stderr, no stack trace. */
const expectOneLine = (r: Run, code: number, pattern: RegExp): void => {
  expect(r.status, r.stderr).toBe(code)
  const lines = r.stderr.trimEnd().split('\n')
  expect(lines, r.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(pattern)
  expect(r.stderr).not.toMatch(/\n\s+at /)
}
const relative = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300)

interface Model {
  family: string
  dimension: number
  columns?: string[]
  weights: number[]
  components: Array<Record<string, unknown>>
  parts?: Array<Record<string, unknown>>
  fit: { n: number; logLikelihood: number; iterations: number; trace: number[] }
}
interface Reference {
  trace: number[]
  final: { weights: number[]; components: Array<Record<string, unknown>> }
}

/** Every number in two JSON values, paired in order (same shape). */
const numbers = (x: unknown): number[] =>
  typeof x === 'number'
    ? [x]
    : Array.isArray(x)
      ? x.flatMap(numbers)
      : typeof x === 'object' && x !== null
        ? Object.values(x).flatMap(numbers)
        : []

beforeAll(() => {
  const r = emkit('--version')
  expect(r.status, r.stderr).toBe(0)
})

describe('the reference fits (packages/families/fixtures) through emkit fit --init start.json --tol 0 --max-iter 50', () => {
  // Products take their parts from start.json (no --family); the reference's Gaussian part is exact
  // maximum likelihood, so --reg-covar 0.
  const cases: Array<[string, string[]]> = [
    ['poisson', ['--family', 'poisson']],
    ['bernoulli', ['--family', 'bernoulli']],
    ['categorical', ['--family', 'categorical']],
    ['gamma-1d', ['--family', 'gamma']],
    ['gamma-2d', ['--family', 'gamma']],
    ['product', ['--reg-covar', '0']],
    ['product-categorical', []],
  ]
  for (const [name, flags] of cases) {
    it(`${name}: the trace and the final parameters agree with the pure-Python EM to 1e-12 relative`, () => {
      const r = emkit('fit', fixture(name, 'data.csv'), ...flags, '--init', fixture(name, 'start.json'), '--tol', '0', '--max-iter', '50')
      expect(r.status, r.stderr).toBe(0)
      const model = JSON.parse(r.stdout) as Model
      const ref = JSON.parse(readFileSync(fixture(name, 'reference.json'), 'utf8')) as Reference & { family: string }
      expect(model.family).toBe(ref.family)
      expect(model.fit.iterations).toBe(50)
      expect(model.fit.trace).toHaveLength(51)
      const worst = Math.max(...model.fit.trace.map((t, i) => relative(t, ref.trace[i]!)))
      expect(worst).toBeLessThan(1e-12)
      const got = [...model.weights, ...numbers(model.components)]
      const want = [...ref.final.weights, ...numbers(ref.final.components)]
      expect(got).toHaveLength(want.length)
      expect(Math.max(...got.map((g, i) => relative(g, want[i]!)))).toBeLessThan(1e-12)
    })
  }
})

describe('fit, predict, score and sample with the new built-in families', () => {
  const cases = [
    { family: 'poisson', data: 'poisson', k: '3', field: 'rate', support: (x: number) => Number.isInteger(x) && x >= 0 },
    { family: 'bernoulli', data: 'bernoulli', k: '3', field: 'probabilities', support: (x: number) => x === 0 || x === 1 },
    {
      family: 'categorical',
      data: 'product-categorical',
      k: '2',
      field: 'probabilities',
      support: (x: number) => [0, 1, 2, 3].includes(x),
    },
    { family: 'gamma', data: 'gamma-2d', k: '2', field: 'shape', support: (x: number) => x > 0 },
  ]
  for (const c of cases) {
    it(`${c.family}: a fit round-trips through predict, score and sample`, () => {
      const data = fixture(c.data, 'data.csv')
      const args = c.family === 'categorical' ? ['--columns', 'level'] : []
      const fit = emkit('fit', data, '--family', c.family, '--k', c.k, '--seed', '1', '--out', `${c.family}.json`, ...args)
      expect(fit.status, fit.stderr).toBe(0)
      expect(fit.stderr).toMatch(new RegExp(`^emkit fit: ${c.family}, k = ${c.k} on `))
      const model = JSON.parse(readFileSync(join(work, `${c.family}.json`), 'utf8')) as Model
      expect(model.family).toBe(c.family)
      expect(model.components[0]).toHaveProperty(c.field)
      if (c.family === 'categorical') expect(model.components[0]!['probabilities']).toHaveLength(4)
      const n = model.fit.n

      const predict = emkit('predict', `${c.family}.json`, data)
      expect(predict.status, predict.stderr).toBe(0)
      const rows = predict.stdout.trim().split('\n')
      expect(rows).toHaveLength(n + 1)
      for (const line of rows.slice(1, 20)) {
        const [label, ...p] = line.split(',').map(Number)
        expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
        expect(p[label!]).toBe(Math.max(...p))
      }

      const score = emkit('score', `${c.family}.json`, data)
      expect(score.status, score.stderr).toBe(0)
      const total = Number(score.stdout.trim().split('\n').at(-1)!.split(',')[1])
      expect(relative(total, model.fit.logLikelihood)).toBeLessThan(1e-9)

      const sample = emkit('sample', `${c.family}.json`, '--n', '50', '--seed', '3')
      expect(sample.status, sample.stderr).toBe(0)
      const drawn = sample.stdout.trim().split('\n')
      expect(drawn[0]).toBe(model.columns!.join(','))
      expect(drawn).toHaveLength(51)
      for (const line of drawn.slice(1)) for (const x of line.split(',').map(Number)) expect(c.support(x), line).toBe(true)
    })
  }

  it('select runs a grid over k for a new family', () => {
    const r = emkit('select', fixture('poisson', 'data.csv'), '--family', 'poisson', '--k', '1..3', '--restarts', '2', '--format', 'csv')
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout.trim().split('\n')).toHaveLength(4)
    expect(r.stderr).toMatch(/best by BIC: poisson, k = /)
  })

  it('categorical: the number of levels comes from the data (largest level + 1), or from the --init model', () => {
    file('levels.csv', 'level\n0\n2\n2\n0\n1\n0\n2\n')
    const fitted = emkit('fit', 'levels.csv', '--family', 'categorical', '--k', '1', '--quiet')
    expect(fitted.status, fitted.stderr).toBe(0)
    expect((JSON.parse(fitted.stdout) as Model).components[0]!['probabilities']).toEqual([3 / 7, 1 / 7, 3 / 7])
    const start = file(
      'levels-start.json',
      JSON.stringify({
        format: 'emkit.mixture/v1',
        family: 'categorical',
        dimension: 1,
        weights: [1],
        components: [{ probabilities: [0.2, 0.2, 0.2, 0.2, 0.2] }],
      }),
    )
    const wider = emkit('fit', 'levels.csv', '--family', 'categorical', '--init', start, '--quiet')
    expect(wider.status, wider.stderr).toBe(0)
    expect((JSON.parse(wider.stdout) as Model).components[0]!['probabilities']).toHaveLength(5)
    file('level-out.csv', 'level\n0\n9\n')
    expectOneLine(
      emkit('score', 'levels-start.json', 'level-out.csv'),
      1,
      /^emkit: level-out\.csv: row 2 \(line 3\), column 1 \("level"\): .*integer levels 0 … 4/,
    )
  })

  it("data outside a family's support: one line naming file, row, line and column", () => {
    file('counts-bad.csv', 'n1,n2\n1,2\n3,2.5\n')
    expectOneLine(
      emkit('fit', 'counts-bad.csv', '--family', 'poisson'),
      1,
      /^emkit: counts-bad\.csv: row 2 \(line 3\), column 2 \("n2"\): value is 2\.5; the poisson family needs non-negative integer counts$/,
    )
    file('binary-bad.csv', 'a,b\n1,0\n0,2\n')
    expectOneLine(
      emkit('fit', 'binary-bad.csv', '--family', 'bernoulli'),
      1,
      /^emkit: binary-bad\.csv: row 2 \(line 3\), column 2 \("b"\): .*bernoulli family needs values 0 or 1$/,
    )
    file('positive-bad.csv', 'x\n1.5\n0\n')
    expectOneLine(
      emkit('fit', 'positive-bad.csv', '--family', 'gamma'),
      1,
      /^emkit: positive-bad\.csv: row 2 \(line 3\), column 1 \("x"\): .*gamma family needs finite values > 0$/,
    )
    file('level-bad.csv', 'level\n1\n-1\n')
    expectOneLine(
      emkit('fit', 'level-bad.csv', '--family', 'categorical'),
      1,
      /^emkit: level-bad\.csv: row 2 \(line 3\), column 1 \("level"\): .*categorical family needs integer levels/,
    )
  })

  it('flags meant for another family are usage errors', () => {
    expectOneLine(
      emkit('fit', fixture('poisson', 'data.csv'), '--family', 'poisson', '--covariance', 'diag'),
      2,
      /--covariance applies to --family gaussian only/,
    )
    expectOneLine(
      emkit('fit', fixture('poisson', 'data.csv'), '--family', 'gamma', '--smoothing', '1'),
      2,
      /--smoothing applies to --family multinomial only/,
    )
    expectOneLine(
      emkit('fit', fixture('poisson', 'data.csv'), '--family', 'poison'),
      2,
      /unknown family "poison"; choose gaussian, exponential, multinomial, poisson, bernoulli, categorical, gamma/,
    )
  })
})

describe("a family from a user's module (--family ./module.js)", () => {
  it('fits, and predict, score and sample need the module again', () => {
    const data = fixture('poisson', 'data.csv')
    expect(mine).toMatch(/^\.\.\//)
    const fit = emkit('fit', data, '--family', mine, '--k', '3', '--seed', '1', '--out', 'mine.json')
    expect(fit.status, fit.stderr).toBe(0)
    expect(fit.stderr.startsWith(`emkit fit: my-poisson (${mine}), k = 3 on `)).toBe(true)
    const model = JSON.parse(readFileSync(join(work, 'mine.json'), 'utf8')) as Model
    expect(model.family).toBe('my-poisson')
    // The same model as the built-in poisson family's, from the same start.
    const builtin = emkit('fit', data, '--family', 'poisson', '--k', '3', '--seed', '1', '--quiet')
    expect(relative(model.fit.logLikelihood, (JSON.parse(builtin.stdout) as Model).fit.logLikelihood)).toBeLessThan(1e-12)

    expectOneLine(
      emkit('predict', 'mine.json', data),
      1,
      /^emkit: mine\.json: unknown "family" "my-poisson"; expected one of .*, or a family from a module: give that module with --family \.\/module\.js$/,
    )
    const predict = emkit('predict', 'mine.json', data, '--family', mine)
    expect(predict.status, predict.stderr).toBe(0)
    expect(predict.stdout.trim().split('\n')).toHaveLength(151)
    const score = emkit('score', 'mine.json', data, '--family', mine)
    expect(score.status, score.stderr).toBe(0)
    expect(relative(Number(score.stdout.trim().split('\n').at(-1)!.split(',')[1]), model.fit.logLikelihood)).toBeLessThan(1e-9)
    const sample = emkit('sample', 'mine.json', '--n', '5', '--family', myPoisson)
    expect(sample.status, sample.stderr).toBe(0)
    expect(sample.stdout.trim().split('\n')).toHaveLength(6)
    expectOneLine(
      emkit('sample', 'mine.json', '--n', '5', '--family', 'poisson'),
      2,
      /the model file names its family; --family here gives only the module/,
    )
  })

  it('a module that exports something else, or cannot be loaded: exit 2 and one line naming the file and what it found', () => {
    const data = fixture('poisson', 'data.csv')
    const cases: Array<[string, string, RegExp]> = [
      [
        'number.mjs',
        'export const family = 42\n',
        /--family \.\/number\.mjs: expected the named export "family" or the default export to be a component family .*; found the export "family": the number 42$/,
      ],
      [
        'partial.mjs',
        'export default { name: "half", variant: {}, checkData() {} }\n',
        /--family \.\/partial\.mjs: expected .*; found the default export: an object without logDensityInto, statistics, summarize, weight and 7 more \(functions\)$/,
      ],
      ['nothing.mjs', 'export const helper = 1\n', /--family \.\/nothing\.mjs: expected .*; found neither \(its exports: helper\)$/],
      [
        'two.mjs',
        `import { family } from ${JSON.stringify(pathToFileURL(myPoisson).href)}\nexport const a = family()\nexport const b = family()\n`,
        /--family \.\/two\.mjs: the module exports several families \(a, b\) and no "family": export the one to fit as "family"/,
      ],
      ['factory.mjs', 'export default () => ({ name: "x" })\n', /found the default export: a function returning an object without variant/],
      [
        'throws.mjs',
        'export const family = () => { throw new Error("no options") }\n',
        /--family \.\/throws\.mjs: the export "family" is a function, and calling it with no arguments threw: no options$/,
      ],
      ['broken.mjs', 'export const family = (\n', /--family \.\/broken\.mjs: cannot load the family module: /],
    ]
    for (const [name, text, pattern] of cases) {
      file(name, text)
      expectOneLine(emkit('fit', data, '--family', `./${name}`), 2, pattern)
    }
    // A module without "family" or a default export may export exactly one family object, under any name.
    file('one.mjs', `import { family } from ${JSON.stringify(pathToFileURL(myPoisson).href)}\nexport const poisson = family()\n`)
    const one = emkit('fit', data, '--family', './one.mjs', '--k', '2', '--quiet')
    expect(one.status, one.stderr).toBe(0)
    expect((JSON.parse(one.stdout) as Model).family).toBe('my-poisson')
    expectOneLine(
      emkit('fit', data, '--family', './absent.mjs'),
      2,
      /^emkit: --family \.\/absent\.mjs: cannot load the family module: no such file/,
    )
  })
})

describe('a product over columns (--family gaussian:g1,g2+poisson:n+bernoulli:b)', () => {
  const data = fixture('product', 'data.csv')

  it('fits by column name, writes the parts with their names, and round-trips through predict, score and sample', () => {
    const fit = emkit('fit', data, '--family', 'gaussian:g1,g2+poisson:n+bernoulli:b', '--k', '2', '--seed', '1', '--out', 'mixed.json')
    expect(fit.status, fit.stderr).toBe(0)
    expect(fit.stderr).toMatch(/^emkit fit: gaussian\/full:g1,g2\+poisson:n\+bernoulli:b, k = 2 on .* \(n = 300, d = 4\)/)
    const model = JSON.parse(readFileSync(join(work, 'mixed.json'), 'utf8')) as Model
    expect(model.family).toBe('product')
    expect(model.columns).toEqual(['g1', 'g2', 'n', 'b'])
    expect(model.parts).toEqual([
      { family: 'gaussian', covariance: 'full', columns: ['g1', 'g2'] },
      { family: 'poisson', columns: ['n'] },
      { family: 'bernoulli', columns: ['b'] },
    ])
    expect(Object.keys(model.components[0]!)).toEqual(['parts'])
    // Recovers the generating parameters (label-matched, within sampling error).
    const truth = (
      JSON.parse(readFileSync(fixture('product', 'reference.json'), 'utf8')) as {
        truth: { weights: number[]; components: Array<{ parts: Array<Record<string, number[]>> }> }
      }
    ).truth
    const rateOf = (c: Record<string, unknown>): number => (c['parts'] as Array<Record<string, number[]>>)[1]!['rate']![0]!
    const order = rateOf(model.components[0]!) < rateOf(model.components[1]!) ? [0, 1] : [1, 0]
    const truthOrder = truth.components[0]!.parts[1]!['rate']![0]! < truth.components[1]!.parts[1]!['rate']![0]! ? [0, 1] : [1, 0]
    for (let j = 0; j < 2; j++) {
      const got = model.components[order[j]!]!['parts'] as Array<Record<string, number[]>>
      const want = truth.components[truthOrder[j]!]!.parts
      expect(Math.abs(got[1]!['rate']![0]! - want[1]!['rate']![0]!)).toBeLessThan(0.6)
      expect(Math.abs(got[2]!['probabilities']![0]! - want[2]!['probabilities']![0]!)).toBeLessThan(0.15)
      expect(Math.abs(model.weights[order[j]!]! - truth.weights[truthOrder[j]!]!)).toBeLessThan(0.1)
    }

    const predict = emkit('predict', 'mixed.json', data)
    expect(predict.status, predict.stderr).toBe(0)
    expect(predict.stdout.trim().split('\n')).toHaveLength(301)
    const score = emkit('score', 'mixed.json', data)
    expect(score.status, score.stderr).toBe(0)
    expect(relative(Number(score.stdout.trim().split('\n').at(-1)!.split(',')[1]), model.fit.logLikelihood)).toBeLessThan(1e-9)
    const sample = emkit('sample', 'mixed.json', '--n', '40', '--seed', '2', '--labels')
    expect(sample.status, sample.stderr).toBe(0)
    const rows = sample.stdout.trim().split('\n')
    expect(rows[0]).toBe('g1,g2,n,b,component')
    for (const row of rows.slice(1)) {
      const [, , n, b] = row.split(',').map(Number)
      expect(Number.isInteger(n) && n! >= 0 && (b === 0 || b === 1), row).toBe(true)
    }
  })

  it("columns by 0-based index and a structure per part: the model reads its columns in the parts' order, by name", () => {
    const fit = emkit('fit', data, '--family', 'poisson:2+gaussian/diag:0,1', '--k', '2', '--seed', '1', '--out', 'by-index.json')
    expect(fit.status, fit.stderr).toBe(0)
    const model = JSON.parse(readFileSync(join(work, 'by-index.json'), 'utf8')) as Model
    expect(model.columns).toEqual(['n', 'g1', 'g2'])
    expect(model.parts).toEqual([
      { family: 'poisson', columns: ['n'] },
      { family: 'gaussian', covariance: 'diag', columns: ['g1', 'g2'] },
    ])
    const score = emkit('score', 'by-index.json', data)
    expect(score.status, score.stderr).toBe(0)
    expect(relative(Number(score.stdout.trim().split('\n').at(-1)!.split(',')[1]), model.fit.logLikelihood)).toBeLessThan(1e-9)
    // --covariance gives the gaussian parts their structure; select fits a product over k.
    const spherical = emkit('fit', data, '--family', 'gaussian:g1,g2+poisson:n', '--covariance', 'spherical', '--k', '2', '--quiet')
    expect(spherical.status, spherical.stderr).toBe(0)
    expect((JSON.parse(spherical.stdout) as Model).parts![0]).toEqual({
      family: 'gaussian',
      covariance: 'spherical',
      columns: ['g1', 'g2'],
    })
    const select = emkit(
      'select',
      data,
      '--family',
      'gaussian:g1,g2+poisson:n+bernoulli:b',
      '--covariance',
      'diag',
      '--k',
      '1..2',
      '--restarts',
      '2',
      '--format',
      'csv',
    )
    expect(select.status, select.stderr).toBe(0)
    expect(select.stdout.trim().split('\n')).toHaveLength(3)
    expect(select.stderr).toMatch(/best by BIC: gaussian\/diag:g1,g2\+poisson:n\+bernoulli:b, k = 2/)
  })

  it('a part may be a module; predict then needs the module again', () => {
    const fit = emkit('fit', data, '--family', `gaussian:g1,g2+${mine}:n`, '--k', '2', '--seed', '1', '--out', 'with-module.json')
    expect(fit.status, fit.stderr).toBe(0)
    const model = JSON.parse(readFileSync(join(work, 'with-module.json'), 'utf8')) as Model
    expect(model.parts![1]).toEqual({ family: 'my-poisson', columns: ['n'] })
    expectOneLine(
      emkit('predict', 'with-module.json', data),
      1,
      /unknown "family" "my-poisson" \(at parts\/1\); .*give that module with --family/,
    )
    const predict = emkit('predict', 'with-module.json', data, '--family', mine)
    expect(predict.status, predict.stderr).toBe(0)
  })

  it('streams a product whose columns are named, as in memory; with columns by index --engine stream is a usage error', () => {
    const memory = emkit('fit', data, '--family', 'gaussian:g1,g2+poisson:n+bernoulli:b', '--k', '2', '--seed', '1', '--quiet')
    const stream = emkit('fit', data, '--family', 'gaussian:g1,g2+poisson:n+bernoulli:b', '--k', '2', '--seed', '1', '--engine', 'stream')
    expect(stream.status, stream.stderr).toBe(0)
    expect(stream.stderr).toMatch(/stream engine\)/)
    expect(
      relative((JSON.parse(stream.stdout) as Model).fit.logLikelihood, (JSON.parse(memory.stdout) as Model).fit.logLikelihood),
    ).toBeLessThan(1e-10)
    expectOneLine(
      emkit('fit', data, '--family', 'gaussian:0,1+poisson:2', '--engine', 'stream'),
      2,
      /^emkit: the stream engine cannot fit this family: a product with columns given by index .*; use --engine memory$/,
    )
  })

  it('bad product specifications: one line each, exit 2 for the syntax, 1 for columns the data lack', () => {
    const syntax: Array<[string, RegExp]> = [
      ['gausian:g1,g2+poisson:n', /the part "gausian:g1,g2": unknown family "gausian"; choose gaussian, /],
      ['gaussian:g1,g2++poisson:n', /the 2nd part of the product "gaussian:g1,g2\+\+poisson:n" is empty/],
      ['gaussian:g1,g2+poisson', /the part "poisson" has no columns: write FAMILY:COLUMNS/],
      ['gaussian:g1,g2+poisson:g2', /column g2 is used by two parts \(the 1st and the 2nd\)/],
      ['poisson/diag:n', /only gaussian takes a structure after "\/"/],
    ]
    for (const [spec, pattern] of syntax) expectOneLine(emkit('fit', data, '--family', spec), 2, pattern)
    expectOneLine(
      emkit('fit', data, '--family', 'gaussian:g1,g2+poisson:0'),
      2,
      /^emkit: --family: column "g1" is used twice \(by the 1st part and by the 2nd\)/,
    )
    expectOneLine(
      emkit('fit', data, '--family', 'gaussian:g1,gz+poisson:n'),
      1,
      /^emkit: .*data\.csv: no column named "gz" for the columns of --family \(columns: g1, g2, n, b\)$/,
    )
    expectOneLine(
      emkit('fit', data, '--family', 'gaussian:0,1+poisson:9'),
      1,
      /^emkit: --family part "poisson:9": column index 9 is out of range; .* has 4 columns \(0 … 3: g1, g2, n, b\)$/,
    )
    expectOneLine(
      emkit('fit', data, '--family', 'gaussian:g1,g2+bernoulli:n'),
      1,
      /^emkit: .*data\.csv: row 1 \(line 2\), column 3 \("n"\): value is 13; the bernoulli family needs values 0 or 1/,
    )
    expectOneLine(
      emkit('fit', data, '--family', 'poisson:n+bernoulli:b', '--covariance', 'diag'),
      2,
      /--covariance applies to .*not a product without a gaussian part/,
    )
    expectOneLine(
      emkit('select', data, '--family', 'gaussian:g1,g2+poisson:n', '--covariance', 'diag,full'),
      2,
      /--covariance takes a list of structures for --family gaussian only; give one/,
    )
    expectOneLine(
      emkit('fit', data, '--init', fixture('product', 'start.json'), '--family', 'gaussian:g1,g2+poisson:n+bernoulli:b'),
      2,
      /start\.json names the product's parts and their columns; leave out --family$/,
    )
  })
})
