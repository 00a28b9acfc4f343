/**
 * Test fixtures on the family template: a correct Poisson family written with `Family.define` (the
 * built-in one), a Bernoulli family, a schema with every domain and field shape, and broken variants
 * the laws must catch.
 */
import { either as E } from 'fp-ts'
import type { ComponentFamily, Family as F } from '@emkit/core'
import { Family, Schema } from '@emkit/core'
// The built-in Poisson family, from source (test code; the testkit itself depends on core only).
import * as PoissonFamily from '../../../families/src/Poisson.js'

/** Poisson rates, one per column; a rate of 0 is admissible (a column of zeros). */
export const poissonParameters = PoissonFamily.parameters

/** The Poisson component type the schema gives. */
export type Poisson = Schema.Infer<typeof poissonParameters>

/**
 * A correct multivariate Poisson family (independent counts) written on the template: the built-in
 * one of `@emkit/families` (test code, outside this package's sources, as core's normal family is).
 */
export const poisson: F.DefinedFamily<typeof poissonParameters> = PoissonFamily.family()

/** Every domain, scalar and vector fields, `'d'` and fixed lengths. */
export const everyDomain = {
  location: Schema.vector('real'),
  scale: Schema.vector('positive'),
  rate: Schema.vector('nonNegative', 2),
  p: Schema.vector('probability'),
  levels: Schema.vector('simplex', 4),
  shift: Schema.scalar('real'),
  spread: Schema.scalar('positive'),
  count: Schema.scalar('nonNegative'),
  q: Schema.scalar('probability'),
}

/**
 * Broken: the M-step adds one to every weighted count sum, (S + 1) / W (a prior smuggled in): not
 * the maximiser of the weighted log-likelihood.
 */
export const poissonBiased: ComponentFamily<Poisson, F.FeatureStatistics> = {
  ...poisson,
  name: 'broken-poisson-biased',
  estimate: (stats) => E.right(stats.map((s) => ({ rate: s.sum.map((x) => (x + 1) / s.weight) }))),
}

/**
 * Broken: a hand-written estimate that returns NaN rates once the weight W is below 1e-9 (a
 * stand-in for any unguarded arithmetic on a vanishing weight) instead of a `Degenerate`.
 */
export const poissonUnguarded: ComponentFamily<Poisson, F.FeatureStatistics> = {
  ...poisson,
  name: 'broken-poisson-unguarded',
  estimate: (stats) => E.right(stats.map((s) => ({ rate: s.sum.map((x) => (s.weight < 1e-9 ? Number.NaN : x / s.weight)) }))),
}

/** Bernoulli probabilities, one per binary column. */
export const bernoulliParameters = { p: Schema.vector('probability') }

/** A multivariate Bernoulli family (independent binary columns). */
export const bernoulli: F.DefinedFamily<typeof bernoulliParameters> = Family.define({
  name: 'test-bernoulli',
  parameters: bernoulliParameters,
  support: Family.supports.binary,
  coordinates: 'independent',
  natural: (c, t, out, o) => void (out[o] = Math.log(c.p[t]!) - Math.log1p(-c.p[t]!)),
  logPartition: (c, t) => -Math.log1p(-c.p[t]!),
  estimate: (sum, weight) => ({ p: sum.map((s) => Math.min(1, s / weight)) }),
})

/** Poisson with strictly positive rates: a component whose weighted counts are all 0 is a `Degenerate`. */
export const positivePoisson = Family.define({
  ...poisson.spec,
  name: 'test-poisson-positive',
  parameters: { rate: Schema.vector('positive') },
})
