/**
 * The API fuzz suite: hostile inputs against every target of `targets.ts`. In the test command it
 * runs a fixed-seed portion (FUZZ_RUNS cases per target, default 40: a few thousand in all);
 * `pnpm fuzz` runs ≥ 10⁵ cases with a time budget and prints the counts by outcome.
 */
import { Fuzz } from '@emkit/testkit'
import { describe, expect, it } from 'vitest'
import { apiTargets } from './targets.js'

const runs = Number(process.env['FUZZ_RUNS'] ?? 40)
const seed = Number(process.env['FUZZ_SEED'] ?? 20261201)
const budgetMs = Number(process.env['FUZZ_BUDGET_MS'] ?? 600_000)

describe('fuzz: the API keeps its promise on hostile input', () => {
  it(
    `${runs} cases per target: no escaped throw, no non-finite value in a Right, probability rows sum to 1, no case over budget`,
    async () => {
      // With FUZZ_VERBOSE=1, each target's counts are written to stderr as it finishes (long runs).
      const targets = apiTargets()
      const reports: Fuzz.TargetReport[] = []
      const started = performance.now()
      for (let t = 0; t < targets.length; t++) {
        const left = budgetMs - (performance.now() - started)
        const [report] = await Fuzz.run([targets[t]!], {
          runs,
          seed: seed + t,
          totalBudgetMs: left / (targets.length - t),
          caseBudgetMs: 2000,
        })
        reports.push(report!)
        if (process.env['FUZZ_VERBOSE'] === '1') process.stderr.write(`${Fuzz.format([report!]).split('\n')[0]}\n`)
      }
      const text = Fuzz.format(reports)
      console.log(text)
      expect(Fuzz.failureCount(reports), text).toBe(0)
      // The suite reached every target and every target saw both successes and typed errors overall.
      expect(reports.every((r) => r.cases > 0)).toBe(true)
    },
    budgetMs + 300_000,
  )
})
