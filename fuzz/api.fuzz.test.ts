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
      const reports = await Fuzz.run(apiTargets(), { runs, seed, totalBudgetMs: budgetMs, caseBudgetMs: 2000 })
      const text = Fuzz.format(reports)
      console.log(text)
      expect(Fuzz.failureCount(reports), text).toBe(0)
      // The suite reached every target and every target saw both successes and typed errors overall.
      expect(reports.every((r) => r.cases > 0)).toBe(true)
    },
    budgetMs + 300_000,
  )
})
