/**
 * `emkit fit --accelerate`, `--stop` and `--se`: the contracts of the model JSON's fit block
 * (evaluations, standardErrors shaped like the parameters, standardErrorMethod) on the embedded
 * Old Faithful data.
 */
import { describe, expect, it } from 'vitest'
import { emkit } from './test/run.js'

interface FitBlock {
  logLikelihood: number
  iterations: number
  evaluations: number
  converged: boolean
  standardErrors?: { weights: number[]; components: Array<{ mean: number[]; covariance: number[][] }> }
  standardErrorMethod?: string
}
const fitOf = (stdout: string): FitBlock => (JSON.parse(stdout) as { fit: FitBlock }).fit
const base = ['fit', '--k', '2', '--reg-covar', '0', '--seed', '1', '--quiet']

describe('emkit fit: acceleration, stopping rules, standard errors', () => {
  it('--accelerate squarem reaches plain EM’s log-likelihood in fewer E-steps; fit.evaluations counts them', async () => {
    // k = 3, where plain EM crawls (k = 2 converges in under 20 iterations, too few to gain).
    const three = ['fit', '--k', '3', '--reg-covar', '0', '--seed', '2', '--quiet', '--stop', 'parameters', '--tol', '1e-10']
    const plain = await emkit(three)
    const fast = await emkit([...three, '--accelerate', 'squarem'])
    expect(plain.code).toBe(0)
    expect(fast.code).toBe(0)
    const a = fitOf(plain.stdout)
    const b = fitOf(fast.stdout)
    expect(a.evaluations).toBe(a.iterations + 1)
    expect(b.evaluations).toBeLessThan(a.evaluations / 2)
    expect(Math.abs(a.logLikelihood - b.logLikelihood)).toBeLessThanOrEqual(1e-9 * Math.abs(a.logLikelihood))
  })

  it.each(['observed', 'bootstrap'] as const)('--se %s writes fit.standardErrors shaped like the parameters', async (method) => {
    const r = await emkit([...base, '--stop', 'parameters', '--tol', '1e-10', '--se', method])
    expect(r.code).toBe(0)
    const f = fitOf(r.stdout)
    expect(f.standardErrorMethod).toBe(method)
    const se = f.standardErrors!
    expect(se.weights).toHaveLength(2)
    expect(se.weights[0]).toBeGreaterThan(0)
    for (const c of se.components) {
      expect(c.mean).toHaveLength(2)
      expect(c.covariance.map((row) => row.length)).toEqual([2, 2])
      expect(c.covariance[0]![1]).toBe(c.covariance[1]![0])
      expect([...c.mean, ...c.covariance.flat()].every((x) => Number.isFinite(x) && x > 0)).toBe(true)
    }
  })

  it('unknown choices are usage errors (exit 2) with one line on stderr', async () => {
    for (const args of [
      ['--accelerate', 'anderson'],
      ['--stop', 'likelihood'],
      ['--se', 'sandwich'],
    ]) {
      const r = await emkit([...base, ...args])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    }
  })
})
