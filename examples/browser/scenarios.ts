/**
 * The fits the browser test runs in Chromium and again in Node, in one module so that both run
 * the same code: the README's "In code" example, a 4-component fit with restarts, `predictProba`,
 * the model JSON's round trip, and the testkit's laws on a small model. Plain data comes back, so
 * that the test compares the two runtimes number by number.
 */
import { Dataset, Datasets, Mixture, Rng } from '@emkit/core'
import * as Gaussian from '@emkit/gaussian'
import { Arbitraries, ModelLaws } from '@emkit/testkit'
import { either as E } from 'fp-ts'

/** What {@link run} computes. */
export interface Outcome {
  /** The README's example: Old Faithful, k = 2, 5 restarts, seed 1. */
  readonly readme: { readonly logLikelihood: number; readonly bic: number; readonly trace: number[] }
  /** Old Faithful, k = 4, 3 restarts, seed 7. */
  readonly four: { readonly logLikelihood: number; readonly trace: number[]; readonly weights: number[]; readonly iterations: number }
  /** predictProba of the 4-component fit on the data, n × k. */
  readonly proba: number[]
  /** The largest difference of predictProba after toJSON → JSON text → fromJSON (0 when exact). */
  readonly roundTripDifference: number
  /** The model JSON's `format`. */
  readonly format: string
  /** The Gaussian kernel that ran the fits: `'wasm'` where the bundled WebAssembly kernel loads. */
  readonly kernel: 'wasm' | 'js'
  /** The testkit's mixture laws on a small 2-D, k = 2 model. */
  readonly laws: { readonly ok: boolean; readonly laws: string[]; readonly runs: number; readonly failed: string[] }
}

const orFail = <A>(r: E.Either<{ readonly message: string }, A>): A => {
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
}

/** Runs every scenario (a second or two). Throws on any failure. */
export const run = (): Outcome => {
  const family = Gaussian.family({ covariance: 'full' })
  // The README's "In code" example, verbatim.
  const result = Mixture.fit(Gaussian.family({ covariance: 'full' }), Datasets.faithful, { k: 2, restarts: 5, seed: 1 })
  const readme = orFail(result)

  const four = orFail(Mixture.fit(family, Datasets.faithful, { k: 4, restarts: 3, seed: 7 }))
  const proba = orFail(Mixture.predictProba(family, four.params, Datasets.faithful))

  const text = JSON.stringify(Mixture.toJSON(family, four.params, four))
  const back = orFail(Mixture.fromJSON(family, JSON.parse(text) as unknown))
  const again = orFail(Mixture.predictProba(family, back.params, Datasets.faithful))
  let roundTripDifference = 0
  for (let i = 0; i < proba.length; i++) roundTripDifference = Math.max(roundTripDifference, Math.abs(again[i]! - proba[i]!))

  const small = Gaussian.family({ covariance: 'full', regularization: 0 })
  const report = ModelLaws.checkMixtureLaws(small, 2, {
    cases: Arbitraries.mixtureCase(
      small,
      Arbitraries.mixtureJson(
        { family: 'gaussian', variant: { covariance: 'full' }, dimension: 2 },
        Arbitraries.gaussianComponents(2, 2, 'full', { maxCondition: 30 }),
      ),
      { minRows: 30, maxRows: 60 },
    ),
    parameters: { numRuns: 10, seed: 20261122 },
  })

  return {
    readme: { logLikelihood: readme.logLikelihood, bic: readme.bic, trace: [...readme.trace] },
    four: {
      logLikelihood: four.logLikelihood,
      trace: [...four.trace],
      weights: Array.from(four.params.weights),
      iterations: four.iterations,
    },
    proba: Array.from(proba),
    roundTripDifference,
    format: (JSON.parse(text) as { format: string }).format,
    kernel: family.kernel,
    laws: {
      ok: report.ok,
      laws: report.results.map((r) => r.law),
      runs: report.results.reduce((sum, r) => sum + r.runs, 0),
      failed: report.results.filter((r) => r.status !== 'passed').map((r) => `${r.law} (${r.status}): ${r.message}`),
    },
  }
}

/** Six thousand rows in three dimensions from three clusters (deterministic): data worth cutting into blocks. */
export const threadsData = (): Dataset.Dataset => {
  const rng = Rng.seeded(11)
  const centres = [
    [0, 0, 0],
    [4, 1, -2],
    [-3, 5, 2],
  ]
  const rows = Array.from({ length: 6000 }, (_, i) => centres[i % 3]!.map((c, j) => c + (j + 1) * 0.7 * rng.normal()))
  return orFail(Dataset.fromRows(rows))
}

/** What a threads fit reports, as plain data. */
export interface ThreadsOutcome {
  readonly engine: string
  readonly threads: number
  readonly trace: number[]
  readonly warnings: { readonly kind: string; readonly message: string }[]
}

/** A 3-component full-covariance fit of {@link threadsData} on `workers` threads, 40 iterations exactly. */
export const threadsFit = (data: Dataset.Dataset, workers: number): ThreadsOutcome => {
  const r = orFail(Mixture.fit(Gaussian.family({ covariance: 'full' }), data, { k: 3, workers, seed: 5, tolerance: 0, maxIterations: 40 }))
  return {
    engine: r.engine,
    threads: r.threads,
    trace: [...r.trace],
    warnings: r.warnings.map((w) => ({ kind: w.kind, message: w.message })),
  }
}

/**
 * {@link threadsData} with about 15 % of its cells missing (never a whole row) and every tenth
 * row's cluster known: the mask and the labels travel to the Web Workers with the rows.
 */
export const incompleteData = (): { readonly data: Dataset.Dataset; readonly labels: number[] } => {
  const full = threadsData()
  const rng = Rng.seeded(15)
  const rows: number[][] = []
  for (let i = 0; i < full.n; i++) {
    const row = Array.from(full.values.subarray(i * 3, i * 3 + 3))
    const keep = Math.floor(rng.uniform() * 3)
    rows.push(row.map((v, c) => (c !== keep && rng.uniform() < 0.15 ? Number.NaN : v)))
  }
  return {
    data: orFail(Dataset.fromRows(rows, { allowMissing: true })),
    labels: rows.map((_, i) => (i % 10 === 0 ? i % 3 : -1)),
  }
}

/** A 3-component full-covariance semi-supervised fit of {@link incompleteData} on `workers` threads, 20 iterations exactly. */
export const incompleteFit = (workers: number): ThreadsOutcome => {
  const { data, labels } = incompleteData()
  const r = orFail(
    Mixture.fit(Gaussian.family({ covariance: 'full' }), data, { k: 3, workers, labels, seed: 5, tolerance: 0, maxIterations: 20 }),
  )
  return {
    engine: r.engine,
    threads: r.threads,
    trace: [...r.trace],
    warnings: r.warnings.map((w) => ({ kind: w.kind, message: w.message })),
  }
}
