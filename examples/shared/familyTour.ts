/**
 * What a new family gets from the framework, shown and checked: EM with restarts, the number of
 * components chosen by BIC, parameters recovered, prediction, sampling, the model JSON round trip,
 * and both testkit suites. Used by the custom-family examples.
 */
import { readFileSync } from 'node:fs'
import { either as E } from 'fp-ts'
import type fc from 'fast-check'
import type { Family, Schema } from '@emkit/core'
import { Dataset, Mixture, Rng } from '@emkit/core'
import { Arbitraries, FamilyLaws, ModelLaws } from '@emkit/testkit'
import { check, close, fmt } from './check.js'

/** A template family, the mixture that generates the data, and how to test it. */
export interface Tour<F extends Schema.Fields> {
  readonly family: Family.DefinedFamily<F>
  readonly truth: Mixture.Params<Schema.Infer<F>>
  /** The file holding the family, whose `#region family` must be at most 30 code lines. */
  readonly source: string
  /** JSON components for the laws (k components in dimension d). */
  readonly components: (d: number, k: number) => fc.Arbitrary<object[]>
  /** Data in the support, and data outside it, for the family contract. */
  readonly inSupport: fc.Arbitrary<Dataset.Dataset>
  readonly outOfSupport: fc.Arbitrary<Dataset.Dataset>
  /** The whole support of one coordinate (or enough of it), for the normalisation law. */
  readonly support: Dataset.Dataset
}

/** Non-blank, non-comment lines between `// #region family` and `// #endregion family`. */
export const codeLines = (file: string): number => {
  const text = readFileSync(file, 'utf8')
  const region = text.slice(text.indexOf('// #region family'), text.indexOf('// #endregion family'))
  return region
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('//') && !l.startsWith('/*') && !l.startsWith('*')).length
}

/** Runs the tour; throws (failing CI) when any check fails. */
export const tour = <F extends Schema.Fields>(t: Tour<F>): void => {
  const { family, truth } = t
  const lines = codeLines(t.source)
  console.log(`${family.name}: the family is ${lines} code lines`)
  check(lines <= 30, `the family fits in 30 code lines (it has ${lines})`)

  const k0 = truth.weights.length
  const draw = Mixture.sampleOrThrow(family, truth, 800, Rng.seeded(7))
  const data = Dataset.fromFlat(draw.values, draw.d)
  if (E.isLeft(data)) throw new Error(data.left.message)

  // EM with restarts for k = 1 … k₀ + 1; BIC chooses k.
  const fits = Array.from({ length: k0 + 1 }, (_, i) => Mixture.fitOrThrow(family, data.right, { k: i + 1, restarts: 8, seed: 1 }))
  for (const f of fits) console.log(`k = ${f.params.weights.length}: log-likelihood ${fmt(f.logLikelihood, 8)}, BIC ${fmt(f.bic, 7)}`)
  const best = fits.reduce((a, b) => (b.bic < a.bic ? b : a))
  check(best.params.weights.length === k0, `BIC chooses k = ${k0} (got ${best.params.weights.length})`)

  // Label-matched recovery: each true component to the fitted one nearest in parameters.
  const flat = (c: Schema.Infer<F>): ArrayLike<number> => family.toVector(c)
  const distance = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((s, x, i) => s + (x - b[i]!) ** 2, 0)
  const match = truth.components.map((c) => {
    const ds = best.params.components.map((f) => distance(flat(f), flat(c)))
    return ds.indexOf(Math.min(...ds))
  })
  check(new Set(match).size === k0, 'each true component has its own fitted component')
  match.forEach((j, i) => {
    close(best.params.weights[j]!, truth.weights[i]!, 0, 0.06, `weight of component ${i}`)
    const want = flat(truth.components[i]!)
    const got = flat(best.params.components[j]!)
    for (let p = 0; p < want.length; p++) close(got[p]!, want[p]!, 0.2, 0.08, `parameter ${p} of component ${i}`)
  })

  // Prediction, sampling and JSON come from the mixture layer.
  const labels = Mixture.predictOrThrow(family, best.params, data.right)
  const agree = draw.labels.reduce((s, z, i) => s + (match[z] === labels[i] ? 1 : 0), 0) / draw.labels.length
  console.log(`labels agree with the truth on ${fmt(100 * agree, 3)} % of rows`)
  check(agree > 0.85, 'predicted labels match the generating components')
  const json = JSON.parse(JSON.stringify(Mixture.toJSON(family, best.params, best))) as unknown
  const back = Mixture.fromJSON(family, json)
  check(
    E.isRight(back) && Mixture.logLikelihoodOrThrow(family, back.right.params, data.right) === best.logLikelihood,
    'saving and loading the model keeps its log-likelihood exactly',
  )
  const drawn = Dataset.fromFlat(Mixture.sampleOrThrow(family, best.params, 20, 3).values, draw.d)
  check(E.isRight(drawn) && E.isRight(family.checkData(drawn.right)), 'samples are in the support')

  // Verification: the family contract and the EM model laws.
  const laws = FamilyLaws.assertFamilyLaws({
    family,
    data: t.inSupport,
    outOfSupport: t.outOfSupport,
    normalization: {
      kind: 'sum',
      components: FamilyLaws.componentsFromJson(family, Arbitraries.mixtureJson({ family: family.name, dimension: 1 }, t.components(1, 1))),
      support: () => t.support,
    },
    parameters: { numRuns: 20, seed: 42 },
  })
  const model = ModelLaws.assertMixtureLaws(family, 2, {
    cases: Arbitraries.mixtureCase(family, Arbitraries.mixtureJson({ family: family.name, dimension: 3 }, t.components(3, 2)), {
      weighted: 'maybe',
    }),
    parameters: { numRuns: 15, seed: 42 },
  })
  console.log(`${laws.results.length} family laws and ${model.results.length} model laws held`)
  check(laws.ok && model.ok && laws.results.length === 8 && model.results.length === 7, 'both suites ran in full and held')
}
