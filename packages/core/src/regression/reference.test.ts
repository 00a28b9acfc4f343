import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import { byName } from './Families.js'
import { fit } from './Fit.js'
import { design } from './Model.js'
import { npreg, reference, relative, startOf } from './test/npreg.js'

const ref = reference()
const TOLERANCE: Record<string, number> = { 'gaussian-ml': 1e-9, 'gaussian-flexmix': 1e-9, poisson: 1e-8, logistic: 1e-8 }

describe('mixtures of regressions on NPreg reproduce the independent Python EM (scripts/regression-reference.py)', () => {
  for (const [name, c] of Object.entries(ref.cases)) {
    it(`${name} (${c.formula}): every trace entry and the final parameters to ${TOLERANCE[name]} relative`, () => {
      const family = byName(c.family, c.variance ?? 'ml')!
      const data = design(npreg(), { formula: c.formula })
      if (E.isLeft(data)) throw new Error(data.left.message)
      const result = fit(family, data.right, c.weights.length, { init: startOf(c), tolerance: 0, maxIterations: c.iterations })
      if (E.isLeft(result)) throw new Error(result.left.message)
      const f = result.right
      expect(f.trace.length).toBe(c.iterations + 1)
      let worst = 0
      f.trace.forEach((ll, t) => (worst = Math.max(worst, relative(ll, c.trace[t]!))))
      expect(worst, 'worst relative trace difference').toBeLessThan(TOLERANCE[name]!)
      let worstParam = 0
      c.components.forEach((comp, j) => {
        comp.coefficients.forEach((b, t) => (worstParam = Math.max(worstParam, relative(f.params.components[j]!.coefficients[t]!, b))))
        if (comp.variance !== undefined) worstParam = Math.max(worstParam, relative(f.params.components[j]!.variance!, comp.variance))
      })
      c.weights.forEach((w, j) => (worstParam = Math.max(worstParam, relative(f.params.weights[j]!, w))))
      expect(worstParam, 'worst relative parameter difference').toBeLessThan(1e3 * TOLERANCE[name]!)
      console.log(`${name}: worst trace ${worst.toExponential(2)}, parameters ${worstParam.toExponential(2)}`)
    })
  }
})
