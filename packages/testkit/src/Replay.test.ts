import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { Mixture } from '@emkit/core'
import { afterAll, describe, expect, it, vi } from 'vitest'
import * as Arbitraries from './Arbitraries.js'
import { checkFamilyLaws } from './FamilyLaws.js'
import { checkModelLaws, MODEL_LAWS } from './ModelLaws.js'
import { ARTIFACTS_ENV, counterexampleFile, decodeValue, encodeValue, readCounterexample } from './Report.js'
import * as Fx from './test/fixtures.js'
import * as T from './test/templateFamilies.js'

const dir = mkdtempSync(join(tmpdir(), 'emkit-laws-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const counts = Arbitraries.dataset({ minRows: 2, maxRows: 30, dimension: fc.integer({ min: 1, max: 3 }), integer: true, min: 0, max: 12 })
const broken = (artifacts: string | false = dir) =>
  checkModelLaws({
    model: Fx.mStepReversedMixingWeights(2),
    cases: Fx.normalCases(2),
    laws: ['qAscent'],
    parameters: { numRuns: 25 },
    artifacts,
  })

describe('counterexamples are written whole to a file', () => {
  it('the report names the file; the file holds the seed, the path and the whole value (no 600-character cut)', () => {
    const r = broken().results[0]!
    expect(r.status).toBe('failed')
    expect(r.file).toBe(join(dir, counterexampleFile('broken: M-step reverses the mixing weights', 'qAscent', r.seed)))
    expect(r.file).toMatch(/broken-m-step-reverses-the-mixing-weights-qascent-\d+\.json$/)
    expect(r.message).toContain(
      `whole counterexample: ${r.file} (re-run exactly this case with the suite's option { replay: ${JSON.stringify(r.file)} })`,
    )
    // The excerpt in the message is short; the file is whole.
    const excerpt = r.message.split('\n').find((l) => l.includes('counterexample (after'))!
    expect(excerpt.length).toBeLessThan(400)
    const text = readFileSync(r.file!, 'utf8')
    expect(text.length).toBeGreaterThan(1000)
    const raw = JSON.parse(text) as { format: string; law: string; seed: number; path: string; subject: string }
    expect(raw).toMatchObject({
      format: 'emkit.counterexample/v1',
      law: 'qAscent',
      seed: r.seed,
      path: r.path,
      subject: 'broken: M-step reverses the mixing weights',
    })
    const cx = readCounterexample(r.file!)
    expect(cx.value).toEqual(r.counterexample)
    const value = cx.value as { data: { n: number; values: Float64Array }; init: { weights: Float64Array } }
    expect(value.data.values).toBeInstanceOf(Float64Array)
    expect(value.data.values.length).toBe(value.data.n)
    expect(value.init.weights).toBeInstanceOf(Float64Array)
  })
  it('replay re-runs exactly that case, once, and reproduces the violation', () => {
    const first = broken().results[0]!
    const again = checkModelLaws({ model: Fx.mStepReversedMixingWeights(2), cases: Fx.normalCases(2), replay: first.file! })
    expect(again.results.map((x) => [x.law, x.status, x.runs])).toEqual([['qAscent', 'failed', 1]])
    expect(again.results[0]!.violation).toEqual(first.violation)
    expect(again.results[0]!.message).toContain(`replayed from ${first.file}`)
    // The same case against the correct model holds: replay checks the code as it is now.
    const correct = checkModelLaws({
      model: Mixture.model(Fx.normalFamily, 2),
      cases: Fx.normalCases(2),
      replay: readCounterexample(first.file!),
    })
    expect(correct.results.map((x) => [x.law, x.status, x.runs])).toEqual([['qAscent', 'passed', 1]])
  })
  it('family laws: a biased Poisson estimate fails; its file replays the failure and passes on the correct family', () => {
    const r = checkFamilyLaws({ family: T.poissonBiased, data: counts, laws: ['estimateMaximizes'], artifacts: dir }).results[0]!
    expect(r.status).toBe('failed')
    const again = checkFamilyLaws({ family: T.poissonBiased, data: counts, replay: r.file! }).results[0]!
    expect([again.status, again.violation]).toEqual(['failed', r.violation])
    expect(checkFamilyLaws({ family: T.poisson, data: counts, replay: r.file! }).ok).toBe(true)
  })
  it('artifacts: false writes nothing; the environment variable chooses the directory', () => {
    const none = broken(false).results[0]!
    expect(none.file).toBeUndefined()
    expect(none.message).not.toContain('whole counterexample')
    const other = join(dir, 'from-env')
    process.env[ARTIFACTS_ENV] = other
    try {
      const r = checkModelLaws({
        model: Fx.mStepUnseededRandom(2),
        cases: Fx.normalCases(2),
        laws: ['determinism'],
        parameters: { numRuns: 25 },
      }).results[0]!
      expect(r.status).toBe('failed')
      expect(existsSync(r.file!)).toBe(true)
      expect(readdirSync(other)).toEqual([counterexampleFile('broken: M-step uses Math.random', 'determinism', r.seed)])
    } finally {
      delete process.env[ARTIFACTS_ENV]
    }
  })
  it('without a file system (a browser) nothing is written and the message says so', () => {
    const spy = vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined)
    try {
      const r = broken().results[0]!
      expect(r.status).toBe('failed')
      expect(r.file).toBeUndefined()
      expect(r.message).toContain('whole counterexample not written: no file system here')
    } finally {
      spy.mockRestore()
    }
  })
  it('a file for another suite’s law is refused', () => {
    const r = checkFamilyLaws({ family: T.poissonBiased, data: counts, laws: ['estimateMaximizes'], artifacts: dir }).results[0]!
    expect(() => checkModelLaws({ model: Fx.mStepReversedMixingWeights(2), cases: Fx.normalCases(2), replay: r.file! })).toThrow(
      `the counterexample is for law estimateMaximizes, which this suite does not run (${MODEL_LAWS.join(', ')})`,
    )
  })
})

describe('the value encoding round-trips exactly', () => {
  const leaf = fc.oneof(
    fc.double(),
    fc.constantFrom(Number.NaN, -0, Infinity, -Infinity, undefined, null),
    fc.string(),
    fc.boolean(),
    fc.bigInt(),
    fc.float64Array(),
    fc.int32Array(),
    fc.uint8Array(),
  )
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      leaf,
      fc.array(tie('node'), { maxLength: 4 }),
      fc.dictionary(fc.string(), tie('node'), { maxKeys: 4, noNullPrototype: true }),
    ),
  })).node
  it('numbers (NaN, ±∞, −0), typed arrays, bigints, undefined, nested arrays and objects', () => {
    fc.assert(
      fc.property(value, (v) => {
        const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(v))) as unknown)
        expect(back).toStrictEqual(v)
        return true
      }),
      { numRuns: 300 },
    )
    expect(Object.is(decodeValue(encodeValue(-0)), -0)).toBe(true)
    expect(decodeValue(encodeValue({ $typed: 'x', $number: 1 }))).toEqual({ $typed: 'x', $number: 1 })
  })
})
