import { describe, expect, it } from 'vitest'
import { either as E } from 'fp-ts'
import { Regression } from '@emkit/core'
import { MODEL_LAWS } from './ModelLaws.js'
import { assertRegressionLaws, checkRegressionLaws, regressionCases } from './RegressionLaws.js'

const families = [Regression.gaussian(), Regression.poisson(), Regression.logistic()]

describe('the EM model laws hold for mixtures of regressions', () => {
  for (const family of families) {
    it(`${family.name}, k = 2: all seven laws (Q never decreases within an iteration, also for the IRLS GEM steps)`, () => {
      const report = assertRegressionLaws(family, 2, { cases: regressionCases(family, 2), parameters: { numRuns: 12, seed: 18 } })
      expect(report.results.map((r) => r.law)).toEqual([...MODEL_LAWS])
      expect(report.results.filter((r) => r.law !== 'fixedPoint').every((r) => r.status === 'passed' && r.runs > 0)).toBe(true)
    })
  }
  it('with concomitant weights and groups of 3 rows (poisson-glm)', () => {
    const family = Regression.poisson()
    const report = assertRegressionLaws(family, 2, {
      cases: regressionCases(family, 2, { concomitant: true, groupSize: 3, n: 90 }),
      laws: ['logLikelihoodNonDecreasing', 'qAscent', 'posteriorIsDistribution', 'decomposition', 'mStepMaximizes', 'determinism'],
      parameters: { numRuns: 10, seed: 18 },
    })
    expect(report.results.every((r) => r.status === 'passed' && r.runs > 0)).toBe(true)
  })
  it('catches an IRLS step that lowers Q (law 2): one full Newton step with no halving, from far away', () => {
    const family = Regression.poisson()
    const broken: Regression.ConditionalFamily = {
      ...family,
      maximize: (data, weights, offset, previous) => {
        const good = family.maximize(data, weights, offset, previous)
        // Overshoot: three times the move the GEM step made (what IRLS without its step-halving safeguard can do).
        return E.isLeft(good) || previous === undefined
          ? good
          : E.right({
              coefficients: good.right.coefficients.map((b, c) => previous.coefficients[c]! + 3 * (b - previous.coefficients[c]!)),
            })
      },
    }
    const report = checkRegressionLaws(broken, 2, {
      cases: regressionCases(broken, 2),
      laws: ['qAscent'],
      parameters: { numRuns: 25, seed: 18 },
    })
    expect(report.ok).toBe(false)
    expect(report.results[0]!.message).toContain('qAscent')
  })
})
