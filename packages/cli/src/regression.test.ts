/**
 * `emkit fit --family regression|poisson-glm|logistic --formula …`: the committed references of
 * scripts/regression-reference.py through the command, starts from posteriors, and the one-line errors.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { emkit } from './test/run.js'

const fixture = (name: string): string => fileURLToPath(new URL(`../../core/fixtures/regression/${name}`, import.meta.url))
const npreg = fixture('npreg.csv')
const work = mkdtempSync(join(tmpdir(), 'emkit-regression-'))
interface Case {
  readonly family: string
  readonly formula: string
  readonly start: string
  readonly iterations: number
  readonly trace: readonly number[]
}
const cases = (JSON.parse(readFileSync(fixture('reference.json'), 'utf8')) as { cases: Record<string, Case> }).cases
/** The data and the Gaussian regression of NPreg's examples. */
const QUADRATIC = [npreg, '--family', 'regression', '--formula', 'yn ~ x + I(x^2)'] as const
const relative = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b)
const worst = (a: readonly number[], b: readonly number[]): number => Math.max(...b.map((v, t) => relative(a[t]!, v)))

interface ModelFile {
  readonly family: string
  readonly formula: string
  readonly terms: readonly string[]
  readonly weights: readonly number[]
  readonly components: ReadonlyArray<{ readonly coefficients: readonly number[]; readonly variance?: number }>
  readonly fit: { readonly trace: readonly number[]; readonly iterations: number; readonly bic: number; readonly logLikelihood: number }
}

const fitted = async (args: readonly string[]): Promise<ModelFile> => {
  const r = await emkit(['fit', ...args, '--quiet'])
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as ModelFile
}

/** One readable line on stderr with the exit code. */
const oneLine = async (args: readonly string[], code: number, pattern: RegExp, command: readonly string[] = ['fit']): Promise<void> => {
  const r = await emkit([...command, ...args])
  expect(r.code, r.stderr).toBe(code)
  expect(r.stdout).toBe('')
  const lines = r.stderr.trimEnd().split('\n')
  expect(lines, r.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(pattern)
}

describe('emkit fit: mixtures of regressions on NPreg', () => {
  it('emkit fit npreg.csv --family regression --formula "yn ~ x + I(x^2)" --k 2 --init start.json --tol 0 gives the regmixEM (ML variance) trace to 1e-9', async () => {
    const c = cases['gaussian-ml']!
    const m = await fitted([...QUADRATIC, '--k', '2', '--init', fixture(c.start), '--tol', '0'])
    expect(m.fit.trace).toHaveLength(c.iterations + 1)
    expect(worst(m.fit.trace, c.trace)).toBeLessThan(1e-9)
    expect(m.terms).toEqual(['(Intercept)', 'x', 'I(x^2)'])
    expect(m.components[0]!.variance).toBeGreaterThan(0)
  })
  it('--variance flexmix gives flexmix’s trace to 1e-9', async () => {
    const c = cases['gaussian-flexmix']!
    const m = await fitted([
      npreg,
      '--family',
      'regression',
      '--variance',
      'flexmix',
      '--formula',
      c.formula,
      '--init',
      fixture(c.start),
      '--tol',
      '0',
    ])
    expect(worst(m.fit.trace, c.trace)).toBeLessThan(1e-9)
    expect((m as unknown as { variance: string }).variance).toBe('flexmix')
  })
  for (const name of ['poisson', 'logistic']) {
    it(`${name}: the IRLS-EM trace to 1e-8, with the family read from the --init model`, async () => {
      const c = cases[name]!
      const m = await fitted([npreg, '--formula', c.formula, '--init', fixture(c.start), '--tol', '0', '--max-iter', String(c.iterations)])
      expect(m.family).toBe(c.family)
      expect(worst(m.fit.trace, c.trace)).toBeLessThan(1e-8)
    })
  }
  it('--init a CSV of posteriors (the true classes as a hard partition) starts from that partition’s M-step', async () => {
    const rows = readFileSync(npreg, 'utf8').trim().split('\n').slice(1)
    const posterior = join(work, 'posterior.csv')
    writeFileSync(posterior, 'p1,p2\n' + rows.map((l) => (l.split(',')[4] === '1' ? '1,0' : '0,1')).join('\n') + '\n')
    const one = await fitted([...QUADRATIC, '--init', posterior, '--tol', '0', '--max-iter', '1'])
    // One M-step from the true partition: per-class least squares; one EM step can only raise ℓ.
    expect(one.fit.trace).toHaveLength(2)
    expect(one.fit.trace[1]!).toBeGreaterThanOrEqual(one.fit.trace[0]! - 1e-9)
    const converged = await fitted([...QUADRATIC, '--init', posterior])
    const random = await fitted([...QUADRATIC, '--seed', '3'])
    // The default start (random hard assignments, 10 restarts) reaches the optimum the truth leads to.
    expect(relative(random.fit.logLikelihood, converged.fit.logLikelihood)).toBeLessThan(1e-8)
  })
  it('--group and --concomitant are written to the model', async () => {
    const g = (await fitted([...QUADRATIC, '--group', 'id2', '--seed', '1'])) as unknown as { group: string; weights: number[] }
    expect(g.group).toBe('id2')
    expect(g.weights).toHaveLength(2)
    const m = await fitted([...QUADRATIC, '--concomitant', 'x', '--seed', '1'])
    const j = m as unknown as { concomitant: { terms: string[]; coefficients: number[][] }; weights?: unknown }
    expect(j.concomitant.terms).toEqual(['(Intercept)', 'x'])
    expect(j.concomitant.coefficients[0]).toEqual([0, 0])
    expect(j.concomitant.coefficients[1]!.every(Number.isFinite)).toBe(true)
    expect(j.weights).toBeUndefined()
  })
  it('predict, score and sample read a regression model: posteriors given x and y, per-row (per-group) ℓ summing to the fit’s, draws given covariates', async () => {
    const model = join(work, 'model.json')
    const fit = await emkit(['fit', ...QUADRATIC, '--seed', '1', '--out', model, '--quiet'])
    expect(fit.code, fit.stderr).toBe(0)
    const m = JSON.parse(readFileSync(model, 'utf8')) as ModelFile
    const predicted = await emkit(['predict', model, npreg])
    expect(predicted.code, predicted.stderr).toBe(0)
    const lines = predicted.stdout.trim().split('\n')
    expect(lines[0]).toBe('label,p0,p1')
    expect(lines).toHaveLength(201)
    const truth = readFileSync(npreg, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(',')[4]) - 1)
    const labels = lines.slice(1).map((l) => Number(l.split(',')[0]))
    const agree = labels.filter((l, i) => l === truth[i]).length
    expect(Math.max(agree, 200 - agree)).toBeGreaterThan(180)
    const scored = await emkit(['score', model, npreg])
    expect(scored.code, scored.stderr).toBe(0)
    const total = Number(scored.stdout.trim().split('\n').at(-1)!.split(',')[1])
    expect(relative(total, m.fit.logLikelihood)).toBeLessThan(1e-12)
    const covariates = join(work, 'covariates.csv')
    writeFileSync(covariates, 'x\n' + Array.from({ length: 50 }, (_, i) => String(i / 5)).join('\n') + '\n')
    const sampled = await emkit(['sample', model, '--n', '400', '--covariates', covariates, '--labels', '--seed', '4'])
    expect(sampled.code, sampled.stderr).toBe(0)
    const rows = sampled.stdout.trim().split('\n')
    expect(rows[0]).toBe('x,yn,component')
    expect(rows).toHaveLength(401)
    // Each draw sits on its class's curve at its x: standardised residuals look N(0, 1).
    let z2 = 0
    for (const r of rows.slice(1)) {
      const [x, y, j] = r.split(',').map(Number) as [number, number, number]
      const c = m.components[j]!
      const mean = c.coefficients[0]! + c.coefficients[1]! * x + c.coefficients[2]! * x * x
      z2 += (y - mean) ** 2 / c.variance!
    }
    expect(z2 / 400).toBeGreaterThan(0.8)
    expect(z2 / 400).toBeLessThan(1.2)
    await oneLine(
      ['sample', model, '--n', '3'],
      2,
      /is a mixture of regressions: it is sampled given covariates; add --covariates FILE\.csv/,
      [],
    )
  })
  it('--plot draws the data by most likely class with each class’s fitted curve, and the trace', async () => {
    const svg = join(work, 'npreg.svg')
    const r = await emkit(['fit', ...QUADRATIC, '--plot', svg, '--out', join(work, 'plotted.json'), '--quiet'])
    expect(r.code, r.stderr).toBe(0)
    const text = readFileSync(svg, 'utf8')
    const curves = text.match(/aria-roledescription="line mark"/g) ?? []
    expect(curves.length).toBe(3) // one fitted curve per class, and the trace
    expect((text.match(/aria-roledescription="point"/g) ?? []).length).toBeGreaterThanOrEqual(200)
    expect(text).toContain('most likely class')
  })
  it('errors: one line, exit 2 for usage, 1 for data, naming the file, line, column or parameter', async () => {
    await oneLine([npreg, '--family', 'regression', '--formula', 'yn ~ x * z'], 2, /--formula: formula "yn ~ x \* z" at character 8/)
    await oneLine([npreg, '--family', 'regression', '--formula', 'yn ~ w'], 1, /npreg\.csv: --formula: term w: no column named "w"/)
    await oneLine(
      [npreg, '--family', 'poisson-glm', '--formula', 'yn ~ x'],
      1,
      /npreg\.csv: line 2: column "yn" \(the response\), row 0: the response 22\.38\d* is not a non-negative integer count/,
    )
    await oneLine([npreg, '--family', 'regression'], 2, /--formula "y ~ x \+ …" is required/)
    await oneLine(
      [...QUADRATIC, '--accelerate', 'squarem', '--se', 'observed'],
      2,
      /--accelerate, --se: not available for mixtures of regressions/,
    )
    const badStart = join(work, 'bad-start.json')
    const start = JSON.parse(readFileSync(fixture('gaussian-ml.start.json'), 'utf8')) as { components: Array<{ variance: number }> }
    start.components[1]!.variance = -1
    writeFileSync(badStart, JSON.stringify(start))
    await oneLine([...QUADRATIC, '--init', badStart], 1, /bad-start\.json: component 1: variance is -1; it must be finite and > 0/)
    await oneLine(
      [npreg, '--family', 'poisson', '--formula', 'yp ~ x'],
      2,
      /need --family regression, poisson-glm, logistic; got --family poisson/,
    )
    await oneLine(
      [npreg, '--family', 'regression', '--formula', 'yn ~ x', '--init', fixture('gaussian-ml.start.json')],
      1,
      /has terms \(Intercept\), x, I\(x\^2\) but --formula gives \(Intercept\), x/,
    )
    await oneLine([npreg, '--family', 'regression', '--formula', 'yn ~ x', '--group', 'nope'], 1, /--group: no column named "nope"/)
    await oneLine(
      [npreg, '--family', 'regression', '--formula', 'yn ~ x', '--group', 'id2', '--concomitant', 'x'],
      1,
      /npreg\.csv: line 3: row 1, column "x": a concomitant variable must be constant within a group/,
    )
  })
})
