/**
 * The command line under fuzzing: random sub-commands, files (valid, messy and corrupt data and
 * model files) and flags with hostile values, run in-process through `run(argv, io)`. Every run
 * must end with exit code 0, 1 or 2 — never a throw — and a failure must say why on stderr in one
 * readable line (usage errors from the argument parser: at most three). Outputs go to a scratch
 * directory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '@emkit/cli'
import { Fuzz } from '@emkit/testkit'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const runs = Number(process.env['FUZZ_CLI_RUNS'] ?? 200)
const budgetMs = Number(process.env['FUZZ_BUDGET_MS'] ?? 600_000)
const seed = Number(process.env['FUZZ_SEED'] ?? 20261201)

let dir = ''
const files: Record<string, string> = {}

const faithfulLike = (): string => {
  const rows = ['eruptions,waiting']
  for (let i = 0; i < 30; i++) rows.push(`${(1.5 + (i % 2) * 3 + (i % 7) * 0.1).toFixed(2)},${50 + (i % 2) * 30 + (i % 5)}`)
  return rows.join('\n') + '\n'
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'emkit-fuzz-'))
  const write = (name: string, text: string): void => {
    files[name] = join(dir, name)
    writeFileSync(files[name], text)
  }
  write('good.csv', faithfulLike())
  write('counts.csv', 'a,b,c\n3,0,1\n0,4,1\n2,1,0\n0,3,2\n4,0,0\n1,3,1\n')
  write('na.csv', 'x,y\n1,2\nNA,3\n4,\n')
  write('text.csv', 'x,y,label\n1,2,a\n3,4,b\n5,6,c\n')
  write('ragged.csv', 'x,y\n1,2\n3\n4,5,6\n')
  write('empty.csv', '')
  write('header-only.csv', 'x,y\n')
  write('huge.csv', 'x,y\n1e300,1e300\n-1e300,2\n1e308,-1e308\n5,5\n')
  write('identical.csv', 'x,y\n1,1\n1,1\n1,1\n1,1\n')
  write('semicolon.csv', '\uFEFF"x";"y"\n"1,5";"2,5"\n"3,5";"4,5"\n"5,5";"1,0"\n')
  write('quote.csv', 'x,y\n"1,2\n3,4\n')
  let deep = '1'
  for (let i = 0; i < 5000; i++) deep = `[${deep}]`
  write(
    'deep.json',
    `{"format":"emkit.mixture/v1","family":"gaussian","covariance":"full","dimension":2,"weights":${deep},"components":[]}`,
  )
  write('truncated.json', '{"format":"emkit.mixture/v1","family":"gau')
  write('wrong.json', '{"format":"emkit.mixture/v1","family":"poisson","dimension":2,"weights":[1],"components":[{"rate":[1,2]}]}')
  write('nan.json', '{"format":"emkit.mixture/v1","family":"gaussian","covariance":"full","dimension":2,"weights":[NaN],"components":[]}')
  const out = join(dir, 'model.json')
  const quiet = { stdout: () => undefined, stderr: () => undefined }
  const code = await run(['fit', files['good.csv']!, '--k', '2', '--seed', '1', '--out', out, '--quiet'], quiet)
  if (code !== 0) throw new Error(`could not fit the model the fuzz suite reads (exit ${code})`)
  files['model.json'] = out
  write('dim1.json', `{"format":"emkit.mixture/v1","family":"exponential","dimension":1,"weights":[1],"components":[{"rate":[1]}]}`)
})

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true })
})

// Mostly plausible values (so that runs get past the argument parser and reach the data), and hostile ones.
const value = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom('1', '2', '3', '1..3', 'full', 'diag', 'spherical', 'tied', 'gaussian', 'bic', '1e-6', 'eruptions,waiting'),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '0',
      '-1',
      '2.5',
      'NaN',
      '1e999',
      '-0',
      'abc',
      '',
      '3..1',
      '1,2',
      'x',
      'auto',
      'bogus',
      'exponential',
      'multinomial',
    ),
  },
)
const flag = fc.oneof(
  fc.tuple(
    fc.constantFrom(
      '--k',
      '--covariance',
      '--family',
      '--max-iter',
      '--tol',
      '--restarts',
      '--seed',
      '--init-method',
      '--reg-covar',
      '--smoothing',
      '--columns',
      '--n',
      '--criterion',
      '--engine',
      '--trials',
      '--collapse',
    ),
    value,
  ),
  // --workers: one thread, auto and invalid values only. Two or more explicit threads on these
  // small files are a known slowness (a pass costs a worker round trip: `select --workers 2` on
  // Old Faithful takes ~40 s against ~2 s on one thread), reported, not yet fixed.
  fc.tuple(fc.constant('--workers'), fc.constantFrom('1', 'auto', '0', '-1', 'x', '1e9', '300')),
  fc.tuple(
    fc.constantFrom('--init'),
    fc.constantFrom('model.json', 'deep.json', 'truncated.json', 'wrong.json', 'nan.json', 'good.csv', 'missing.json'),
  ),
  fc.tuple(fc.constantFrom('--quiet', '--quiet', '--quiet', '--labels', '--help', '--version', '--bogus'), fc.constant(undefined)),
)

const dataFiles = [
  'good.csv',
  'counts.csv',
  'na.csv',
  'text.csv',
  'ragged.csv',
  'empty.csv',
  'header-only.csv',
  'huge.csv',
  'identical.csv',
  'semicolon.csv',
  'quote.csv',
  'missing.csv',
]
const modelFiles = ['model.json', 'model.json', 'deep.json', 'truncated.json', 'wrong.json', 'nan.json', 'dim1.json', 'missing.json']

/** Positional arguments with the command's arity most of the time (so that runs reach the data), any files otherwise. */
const positionalFor = (command: string): fc.Arbitrary<string[]> => {
  const data = fc.constantFrom(...dataFiles)
  const model = fc.constantFrom(...modelFiles)
  const arity =
    command === 'fit' || command === 'select'
      ? fc.array(data, { maxLength: 1 })
      : command === 'predict' || command === 'score'
        ? fc.tuple(model, data).map((t) => [...t])
        : command === 'sample'
          ? fc.tuple(model, fc.constantFrom('--n', '--n', '--seed'), fc.constantFrom('5', '0', '-1', 'x', '1e9')).map((t) => [...t])
          : fc.constant<string[]>([])
  return fc.oneof(
    { weight: 4, arbitrary: arity },
    { weight: 1, arbitrary: fc.array(fc.constantFrom(...dataFiles, ...modelFiles), { maxLength: 3 }) },
  )
}

const argv = fc
  .constantFrom('fit', 'fit', 'select', 'predict', 'predict', 'score', 'sample', 'sample', 'bogus', '')
  .chain((command) =>
    fc.record({ command: fc.constant(command), positional: positionalFor(command), flags: fc.array(flag, { maxLength: 3 }) }),
  )
  .map(({ command, positional, flags }) => {
    const path = (name: string): string => (name.startsWith('-') || /^[-0-9x]/.test(name) ? name : (files[name] ?? join(dir, name)))
    const out: string[] = command === '' ? [] : [command]
    for (const p of positional) out.push(path(p))
    for (const [f, v] of flags) {
      out.push(f)
      if (v !== undefined) out.push(f === '--init' ? path(v) : v)
    }
    out.push('--out', join(dir, 'out.txt'))
    return out
  })

describe('fuzz: the command line', () => {
  it(
    `${runs} command lines: exit 0, 1 or 2, never a throw; a failure says why in one line`,
    async () => {
      const target = Fuzz.target({
        name: 'emkit (in process)',
        input: argv,
        call: async (args: string[]) => {
          let stderr = ''
          const code = await run(args, { stdout: () => undefined, stderr: (t) => (stderr += t) })
          return { code, stderr }
        },
        label: (v) => `exit:${(v as { code: number }).code}`,
        check: (v) => {
          const { code, stderr } = v as { code: number; stderr: string }
          if (code !== 0 && code !== 1 && code !== 2) return `exit code ${code}`
          const lines = stderr.split('\n').filter((l) => l.trim() !== '')
          if (code === 1 && lines.length !== 1) return `exit 1 with ${lines.length} lines on stderr: ${stderr.slice(0, 300)}`
          if (code === 2 && (lines.length === 0 || lines.length > 3))
            return `exit 2 with ${lines.length} lines on stderr: ${stderr.slice(0, 300)}`
          if (lines.some((l) => l.length > 1000)) return 'a line of stderr over 1000 characters'
          return undefined
        },
      })
      const reports = await Fuzz.run([target], { runs, seed, caseBudgetMs: 20_000, totalBudgetMs: budgetMs })
      const text = Fuzz.format(reports)
      console.log(text)
      expect(Fuzz.failureCount(reports), text).toBe(0)
    },
    budgetMs + 300_000,
  )
})
