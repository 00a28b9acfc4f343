/**
 * The fuzz targets: every public entry point of the library that takes input from a caller —
 * datasets, fitting (sync and async, every family and structure), prediction, scoring, sampling,
 * criteria, model JSON, family options and components, the univariate fit, row sources and
 * stepwise EM — each fed by `@emkit/testkit`'s hostile arbitraries.
 *
 * Family kernels (`logDensityInto`, `summarize`, `estimate`, …) are not targets: they are the
 * family contract's hot path, called by the mixture layer on data and parameters it has already
 * validated (see docs/errors-and-guarantees.md).
 */
import type { ComponentFamily, Dataset as DatasetNs, Mixture as MixtureNs } from '@emkit/core'
import { Dataset, Datasets, Em, Engine, Mixture, Product, Rng, Source, Stepwise, Validate } from '@emkit/core'
import * as Exponential from '@emkit/exponential'
import { Bernoulli, Categorical, Gamma, Poisson } from '@emkit/families'
import * as Gaussian from '@emkit/gaussian'
import * as Multinomial from '@emkit/multinomial'
import { Fuzz, Hostile } from '@emkit/testkit'
import fc from 'fast-check'
import { either as E } from 'fp-ts'

type AnyFamily = ComponentFamily<unknown, unknown>

/** A family under test, with the kind of data it reads and parameters fitted once on valid data. */
interface Subject {
  readonly name: string
  readonly family: AnyFamily
  readonly counts: boolean
  readonly params: MixtureNs.Params<unknown>
  readonly d: number
}

const erase = <C, S>(f: ComponentFamily<C, S>): AnyFamily => f as unknown as AnyFamily

const counts = Dataset.fromRowsOrThrow([
  [3, 0, 1],
  [0, 4, 1],
  [2, 1, 0],
  [0, 3, 2],
  [4, 0, 0],
  [1, 3, 1],
])
const lifetimes = Dataset.fromColumnOrThrow([0.1, 0.5, 2.3, 0.05, 4.1, 1.2, 0.7, 3.3, 0.2, 6.5])
const answers = Dataset.fromRowsOrThrow([
  [1, 0, 1],
  [1, 1, 1],
  [0, 0, 1],
  [0, 1, 0],
  [1, 1, 0],
  [0, 0, 0],
  [1, 0, 0],
])
const levels = Dataset.fromColumnOrThrow([0, 1, 2, 3, 0, 0, 2, 1, 3, 3])
const mixed = Dataset.fromRowsOrThrow([
  [0.1, 2.3, 4],
  [1.5, 0.2, 0],
  [3.1, 2.2, 7],
  [0.4, 1.9, 1],
  [2.8, 0.7, 6],
  [0.9, 1.1, 2],
  [3.3, 2.9, 9],
])

const subject = (name: string, family: AnyFamily, data: DatasetNs.Dataset, isCounts: boolean): Subject => ({
  name,
  family,
  counts: isCounts,
  params: Mixture.fitOrThrow(family, data, { k: 2, seed: 1, maxIterations: 50 }).params,
  d: data.d,
})

/** The families and structures under test. */
export const subjects: readonly Subject[] = [
  ...Gaussian.COVARIANCE_TYPES.map((c) => subject(`gaussian/${c}`, erase(Gaussian.family({ covariance: c })), Datasets.faithful, false)),
  subject('exponential', erase(Exponential.family()), lifetimes, false),
  subject('multinomial', erase(Multinomial.family({ smoothing: 0.5 })), counts, true),
  subject('poisson', erase(Poisson.family()), counts, true),
  subject('bernoulli', erase(Bernoulli.family()), answers, true),
  subject('categorical', erase(Categorical.family({ levels: 4 })), levels, true),
  subject('gamma', erase(Gamma.family()), lifetimes, false),
  subject(
    'product',
    erase(
      Product.family([
        { family: Gaussian.family({ covariance: 'diag' }), columns: [0, 1] },
        { family: Poisson.family(), columns: [2] },
      ]),
    ),
    mixed,
    false,
  ),
]

/** Datasets for a subject: hostile-but-valid data of its kind (often, of its dimension), or anything at all. */
const dataFor = (s: Subject): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 6, arbitrary: Hostile.dataset({ dimension: fc.constant(s.d), counts: s.counts }) },
    { weight: 2, arbitrary: Hostile.dataset({ counts: s.counts }) },
    { weight: 1, arbitrary: Hostile.anything() },
  )

/** Fit options: valid values are those the family accepts (`'family'` only for a family with its own initialisation). */
const fitOptionsFor = (family: AnyFamily): fc.Arbitrary<unknown> =>
  Hostile.options(
    {
      k: fc.integer({ min: 1, max: 4 }),
      maxIterations: fc.integer({ min: 0, max: 60 }),
      tolerance: fc.constantFrom(0, 1e-8, 1e-3),
      restarts: fc.integer({ min: 1, max: 2 }),
      init: fc.constantFrom('kmeans++', 'random', 'random-rows', ...(family.initialResponsibilities === undefined ? [] : ['family'])),
      collapse: fc.constantFrom('reseed', 'drop', 'error'),
      seed: fc.integer({ min: 0, max: 1000 }),
      workers: fc.constant(1),
    },
    ['k'],
  )
const fitOptions = fitOptionsFor(erase(Gaussian.family()))

const withStream = (options: unknown, blockRows: unknown): unknown => {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return options
  try {
    return { ...options, engine: 'stream', blockRows }
  } catch {
    return options // a hostile Proxy: the library gets it as it is
  }
}

const probabilityRows = (k: number) => (value: unknown) => Fuzz.checkProbabilityRows(value as Float64Array, k)

const fitCheck = (value: unknown): string | undefined => {
  const fit = value as MixtureNs.MixtureFit<unknown>
  let s = 0
  for (const w of fit.params.weights) s += w
  return Math.abs(s - 1) > 1e-9 ? `weights sum to ${s}` : undefined
}

/** Targets on one subject: fitting, prediction, criteria, sampling and JSON. */
const subjectTargets = (s: Subject): Array<Fuzz.Target<unknown>> => {
  const { family } = s
  const k = s.params.components.length
  const params = Hostile.params(s.params)
  const valid = JSON.parse(JSON.stringify(Mixture.toJSON(family, s.params))) as unknown
  const predictInput = fc.record({ params, data: dataFor(s) })
  type P = { params: unknown; data: unknown }
  const on = (f: (p: MixtureNs.Params<unknown>, d: DatasetNs.Dataset) => unknown) => (x: P) =>
    f(x.params as MixtureNs.Params<unknown>, x.data as DatasetNs.Dataset)
  return [
    Fuzz.target({
      name: `Mixture.fit ${s.name}`,
      input: fc.record({ data: dataFor(s), options: fitOptionsFor(family) }),
      call: ({ data, options }) => Mixture.fit(family, data as DatasetNs.Dataset, options as MixtureNs.MixtureFitOptions<unknown>),
      check: fitCheck,
    }),
    Fuzz.target({
      name: `Mixture.fitAsync(stream) ${s.name}`,
      input: fc.record({
        data: dataFor(s),
        options: fitOptionsFor(family),
        blockRows: fc.oneof(fc.integer({ min: 1, max: 8 }), Hostile.count()),
      }),
      // The stream engine's options are added only to plain option objects (spreading a hostile
      // Proxy would throw here, in the harness); others go to the library as they are.
      call: ({ data, options, blockRows }) =>
        Mixture.fitAsync(family, data as DatasetNs.Dataset, withStream(options, blockRows) as MixtureNs.MixtureFitAsyncOptions<unknown>),
      check: fitCheck,
    }),
    Fuzz.target({
      name: `Mixture.predictProba ${s.name}`,
      input: predictInput,
      call: on((p, d) => Mixture.predictProba(family, p, d)),
      check: probabilityRows(k),
    }),
    Fuzz.target({ name: `Mixture.predict ${s.name}`, input: predictInput, call: on((p, d) => Mixture.predict(family, p, d)) }),
    Fuzz.target({ name: `Mixture.scoreSamples ${s.name}`, input: predictInput, call: on((p, d) => Mixture.scoreSamples(family, p, d)) }),
    Fuzz.target({ name: `Mixture.score ${s.name}`, input: predictInput, call: on((p, d) => Mixture.score(family, p, d)) }),
    Fuzz.target({ name: `Mixture.logLikelihood ${s.name}`, input: predictInput, call: on((p, d) => Mixture.logLikelihood(family, p, d)) }),
    Fuzz.target({ name: `Mixture.criteria ${s.name}`, input: predictInput, call: on((p, d) => Mixture.criteria(family, d, p)) }),
    Fuzz.target({
      name: `Mixture.responsibilities ${s.name}`,
      input: predictInput,
      call: on((p, d) => E.map((q: MixtureNs.Responsibilities) => q.logDensity)(Mixture.responsibilities(family, d, p))),
    }),
    Fuzz.target({
      name: `Mixture.freeParameters ${s.name}`,
      input: params,
      call: (p) => Mixture.freeParameters(family, p as MixtureNs.Params<unknown>),
    }),
    Fuzz.target({
      name: `Mixture.predictProbaOrThrow ${s.name}`,
      input: predictInput,
      call: on((p, d) => Mixture.predictProbaOrThrow(family, p, d)),
      check: probabilityRows(k),
      throws: true,
    }),
    Fuzz.target({
      name: `Mixture.sample ${s.name}`,
      input: fc.record({
        params,
        n: fc.oneof(
          fc.integer({ min: 0, max: 200 }),
          fc.constantFrom<unknown>(-1, 0.5, Number.NaN, Infinity, 2 ** 53, 1e300, null, '3', 3n),
        ),
        rng: fc.oneof(fc.integer(), Hostile.anything()),
      }),
      call: ({ params: p, n, rng }) => Mixture.sample(family, p as MixtureNs.Params<unknown>, n as number, rng as number),
    }),
    Fuzz.target({ name: `Mixture.fromJSON ${s.name}`, input: Hostile.modelJson(valid), call: (json) => Mixture.fromJSON(family, json) }),
  ]
}

/** Targets of the data constructors, validation and the families' own entry points. */
const sharedTargets = (): Array<Fuzz.Target<unknown>> => [
  Fuzz.target({
    name: 'Dataset.fromRows',
    input: fc.record({ rows: Hostile.rows(), options: Hostile.anything() }),
    call: ({ rows, options }) => Dataset.fromRows(rows as number[][], options as DatasetNs.DatasetOptions),
  }),
  Fuzz.target({
    name: 'Dataset.fromRows(weights)',
    input: fc.record({ rows: Hostile.rows(), w: Hostile.rows() }),
    call: ({ rows, w }) => Dataset.fromRows(rows as number[][], { sampleWeights: w as number[] }),
  }),
  Fuzz.target({ name: 'Dataset.fromColumn', input: Hostile.rows(), call: (xs) => Dataset.fromColumn(xs as number[]) }),
  Fuzz.target({
    name: 'Dataset.fromFlat',
    input: fc.record({ values: Hostile.rows(), d: Hostile.count() }),
    call: ({ values, d }) => Dataset.fromFlat(values as number[], d as number),
  }),
  Fuzz.target({ name: 'Dataset.fromMatrix', input: Hostile.matrixLike(), call: (m) => Dataset.fromMatrix(m as DatasetNs.MatrixLike) }),
  Fuzz.target({
    name: 'Dataset.check',
    input: fc.oneof(Hostile.dataset(), Hostile.anything()),
    call: (d) => Dataset.check(d as DatasetNs.Dataset),
  }),
  Fuzz.target({
    name: 'Validate.show',
    input: Hostile.anything(),
    call: (v) => Validate.show(v),
    check: (s) => ((s as string).length > 80 ? `${(s as string).length} characters` : undefined),
  }),
  Fuzz.target({ name: 'Validate.jsonBounds', input: Hostile.modelJson({ a: [1, { b: [2] }] }), call: (v) => Validate.jsonBounds(v) }),
  Fuzz.target({
    name: 'Gaussian.checkOptions',
    input: Hostile.options({ covariance: fc.constantFrom(...Gaussian.COVARIANCE_TYPES), regularization: fc.constantFrom(0, 1e-6) }),
    call: (o) => Gaussian.checkOptions(o as Gaussian.FamilyOptions),
  }),
  Fuzz.target({
    name: 'Multinomial.fromOptions',
    input: Hostile.options({ smoothing: fc.constantFrom(0, 1), trials: fc.integer({ min: 1, max: 5 }) }),
    call: (o) => E.map(() => 'ok')(Multinomial.fromOptions(o as Multinomial.Options)),
  }),
  Fuzz.target({
    name: 'Categorical.fromOptions',
    input: Hostile.options({ levels: fc.integer({ min: 2, max: 9 }) }, ['levels']),
    call: (o) => E.map(() => 'ok')(Categorical.fromOptions(o as Categorical.Options)),
  }),
  Fuzz.target({
    name: 'Product.fromParts',
    input: fc.oneof(
      fc.array(
        fc.record({
          family: fc.oneof(fc.constant(Poisson.family()), fc.constant(Gamma.family()), Hostile.anything()),
          columns: fc.oneof(fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 3 }), Hostile.anything()),
        }),
        { maxLength: 4 },
      ),
      Hostile.anything(),
    ),
    call: (parts) => E.map(() => 'ok')(Product.fromParts(parts as Product.Part[])),
  }),
  Fuzz.target({
    name: 'Gaussian.component',
    input: fc.record({ mean: Hostile.rows(), covariance: Hostile.rows() }),
    call: ({ mean, covariance }) => E.map(() => 'ok')(Gaussian.component(mean as number[], covariance as number[][])),
  }),
  Fuzz.target({
    name: 'Gaussian.fit1d',
    input: fc.record({
      xs: fc.oneof(
        Hostile.rows(),
        Hostile.dataset({ dimension: fc.constant(1) }).map((d) => Array.from(d.values)),
      ),
      options: fitOptions,
    }),
    call: ({ xs, options }) => Gaussian.fit1d(xs as number[], options as Gaussian.UnivariateOptions),
  }),
  Fuzz.target({
    name: 'Source.fromDataset',
    input: fc.record({ data: fc.oneof(Hostile.dataset(), Hostile.anything()), blockRows: Hostile.count() }),
    call: ({ data, blockRows }) => E.map(() => 'ok')(Source.fromDataset(data as DatasetNs.Dataset, blockRows as number)),
  }),
  Fuzz.target({
    name: 'Stepwise.fit gaussian/diag',
    input: fc.record({
      data: Hostile.dataset({ dimension: fc.constant(2) }),
      options: Hostile.options(
        {
          k: fc.integer({ min: 1, max: 3 }),
          batchSize: fc.integer({ min: 1, max: 8 }),
          passes: fc.integer({ min: 1, max: 3 }),
          alpha: fc.constantFrom(0.6, 1),
        },
        ['k'],
      ),
    }),
    call: async ({ data, options }) => {
      const source = Source.fromDataset(data, 4)
      if (E.isLeft(source)) return source
      return Stepwise.fit(Gaussian.family({ covariance: 'diag' }), source.right, options as Stepwise.StepwiseOptions<Gaussian.Component>)
    },
  }),
]

/** Targets of the generic loop, randomness, sources and engines. */
const loopTargets = (): Array<Fuzz.Target<unknown>> => {
  const family = Gaussian.family({ covariance: 'diag' })
  const model = Mixture.model(family, 2)
  const loopOptions = Hostile.options({
    maxIterations: fc.integer({ min: 0, max: 40 }),
    tolerance: fc.constantFrom(0, 1e-6),
    restarts: fc.integer({ min: 1, max: 2 }),
    seed: fc.integer(),
    accelerate: fc.constantFrom('none', 'squarem'),
    stop: fc.constantFrom('loglik', 'parameters', 'aitken'),
  })
  return [
    Fuzz.target({
      name: 'Em.fit (mixture model)',
      input: fc.record({ data: Hostile.dataset({ dimension: fc.constant(2) }), options: loopOptions }),
      call: ({ data, options }) => {
        const given = typeof options === 'object' && options !== null && !Array.isArray(options) ? options : {}
        let o: unknown
        try {
          o = { ...given, init: Mixture.initializer(model, 'kmeans++') }
        } catch {
          o = options // a hostile Proxy: the library gets it as it is
        }
        return Em.fit(model, data, o as Em.FitOptions<DatasetNs.Dataset, MixtureNs.Params<Gaussian.Component>>)
      },
    }),
    Fuzz.target({ name: 'Rng.seeded', input: Hostile.anything(), call: (seed) => Rng.seeded(seed as number).uniform(), throws: true }),
    Fuzz.target({
      name: 'Source.fromBlocks',
      input: fc.record({
        d: Hostile.count(),
        blocks: fc.array(
          fc.oneof(
            Hostile.anything(),
            fc.array(Hostile.extremeNumber()).map((a) => Float64Array.from(a)),
          ),
          { maxLength: 3 },
        ),
      }),
      call: async ({ d, blocks }) => {
        const s = Source.fromBlocks(d as number, () => blocks as Float64Array[])
        if (E.isLeft(s)) return s
        return Mixture.fitAsync(family, s.right, { k: 1, maxIterations: 3 })
      },
    }),
    Fuzz.target({
      name: 'Engine.resolveWorkers',
      input: fc.record({ n: Hostile.count(), d: Hostile.count(), k: Hostile.count(), workers: Hostile.anything() }),
      call: ({ n, d, k, workers }) => Engine.resolveWorkers(family, n as number, d as number, k as number, workers),
    }),
  ]
}

/** Every target of the library's API. */
export const apiTargets = (): Array<Fuzz.Target<unknown>> => [...sharedTargets(), ...loopTargets(), ...subjects.flatMap(subjectTargets)]
