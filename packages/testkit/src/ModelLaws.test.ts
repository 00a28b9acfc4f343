import { describe, expect, it } from 'vitest'
import { Mixture } from '@emkit/core'
import type { ModelLaw } from './ModelLaws.js'
import { assertMixtureLaws, assertModelLaws, checkMixtureLaws, checkModelLaws, MODEL_LAWS, mixturePosterior } from './ModelLaws.js'
import { mixture as mixturePerturbation } from './Perturb.js'
import { LawError } from './Report.js'
import * as Fx from './test/fixtures.js'

const broken = <M extends Mixture.MixtureModel<Fx.Normal, Fx.NormalStats>>(
  model: M,
  law: ModelLaw,
  weighted: boolean | 'maybe' = 'maybe',
) =>
  checkModelLaws({
    model,
    cases: Fx.normalCases(2, weighted),
    perturb: mixturePerturbation(Fx.normalFamily),
    checkPosterior: mixturePosterior,
    initializer: Mixture.initializer(model),
    laws: [law],
    parameters: { numRuns: 25 },
  })

const expectCaught = (report: ReturnType<typeof broken>, law: ModelLaw): void => {
  expect(report.ok).toBe(false)
  const r = report.results.find((x) => x.law === law)!
  expect(r.status).toBe('failed')
  // The failure names the law, the iteration (where there is one), the size and the replay data.
  expect(r.message).toContain(law)
  expect(r.message).toContain('replay: { seed:')
  expect(r.message).toMatch(/violation: \d/)
  expect(r.violation!.size).toBeGreaterThan(r.violation!.allowed)
}

describe('model laws on a correct mixture (core test-normal family)', () => {
  it('all seven laws hold for k = 1, 2, 3', () => {
    for (const k of [1, 2, 3]) {
      const report = assertMixtureLaws(Fx.normalFamily, k, { cases: Fx.normalCases(k), parameters: { numRuns: 20 } })
      expect(report.results.map((r) => r.law)).toEqual([...MODEL_LAWS])
      expect(report.results.every((r) => r.status === 'passed' && r.runs > 0)).toBe(true)
    }
  })
})

describe('the laws can fail: broken models are caught by the law that should catch them', () => {
  it('an M-step that ignores the sample weights is not a maximiser (law 5)', () => {
    expectCaught(broken(Fx.mStepIgnoresSampleWeights(2), 'mStepMaximizes', true), 'mStepMaximizes')
  })
  it('an M-step that reverses the mixing weights lowers the log-likelihood (law 1) and Q (law 2)', () => {
    expectCaught(broken(Fx.mStepReversedMixingWeights(2), 'logLikelihoodNonDecreasing'), 'logLikelihoodNonDecreasing')
    expectCaught(broken(Fx.mStepReversedMixingWeights(2), 'qAscent'), 'qAscent')
  })
  it('an E-step that forgets the mixing weights breaks log p = Q + H (law 4)', () => {
    expectCaught(broken(Fx.eStepForgetsMixingWeights(2), 'decomposition'), 'decomposition')
  })
  it('an E-step that does not normalise is not a distribution (law 3)', () => {
    expectCaught(broken(Fx.eStepUnnormalised(2), 'posteriorIsDistribution'), 'posteriorIsDistribution')
  })
  it('an M-step that relabels the components never reaches a fixed point (law 6)', () => {
    expectCaught(broken(Fx.mStepRelabels(2), 'fixedPoint'), 'fixedPoint')
  })
  it('an M-step that uses Math.random is not deterministic (law 7)', () => {
    expectCaught(broken(Fx.mStepUnseededRandom(2), 'determinism'), 'determinism')
  })
  it('the correct model passes each of those single-law runs', () => {
    for (const law of MODEL_LAWS) expect(broken(Mixture.model(Fx.normalFamily, 2), law).ok).toBe(true)
  })
})

describe('failures are readable', () => {
  it('assertMixtureLaws throws a LawError listing the failed law with its iteration and replay path', () => {
    const model = Fx.mStepReversedMixingWeights(2)
    let caught: unknown
    try {
      assertModelLaws({
        model,
        cases: Fx.normalCases(2),
        laws: ['logLikelihoodNonDecreasing', 'decomposition'],
        parameters: { numRuns: 25 },
      })
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(LawError)
    const message = (caught as LawError).message
    expect(message).toMatch(/logLikelihoodNonDecreasing failed at iteration \d+: log p\(X \| θ\) decreased from/)
    expect(message).toMatch(/violation: [\d.]+e[+-]\d+ \(allowed [\d.]+e[+-]\d+, [\d.]+×\)/)
    expect(message).toMatch(/replay: \{ seed: -?\d+, path: "[\d:]+" \}/)
    expect(message).toContain('✓ decomposition')
    expect((caught as LawError).report.results.map((r) => r.status)).toEqual(['failed', 'passed'])
  })
  it('replaying with the reported seed and path reproduces the same counterexample', () => {
    const model = Fx.mStepReversedMixingWeights(2)
    const first = checkModelLaws({ model, cases: Fx.normalCases(2), laws: ['qAscent'], parameters: { numRuns: 25 } }).results[0]!
    expect(first.status).toBe('failed')
    const again = checkModelLaws({
      model,
      cases: Fx.normalCases(2),
      laws: ['qAscent'],
      parameters: { seed: first.seed, path: first.path! },
    }).results[0]!
    expect(again.status).toBe('failed')
    expect(again.violation).toEqual(first.violation)
  })
  it('a mixture report lists every law that held', () => {
    const report = checkMixtureLaws(Fx.normalFamily, 2, {
      cases: Fx.normalCases(2),
      laws: ['qAscent', 'decomposition'],
      parameters: { numRuns: 5 },
    })
    expect(report.ok).toBe(true)
    expect(report.results.map((r) => r.law)).toEqual(['qAscent', 'decomposition'])
  })
})
