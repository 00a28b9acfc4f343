import { either as E } from 'fp-ts'
import { describe, expect, test } from 'vitest'
import type { Dataset } from './Dataset.js'
import type { EmError } from './Errors.js'
import type { ComponentFamily } from './Family.js'
import * as Mixture from './Mixture.js'
import { seeded } from './Rng.js'
import type { RowSource } from './Source.js'
import * as Source from './Source.js'
import * as Stepwise from './Stepwise.js'
import type { Normal, NormalStats } from './test/normalFamily.js'
import { normalFamily } from './test/normalFamily.js'

const right = <A>(r: E.Either<EmError, A>): A => {
  if (E.isLeft(r)) throw new Error(`unexpected Left: ${r.left._tag}: ${r.left.message}`)
  return r.right
}

/** n draws from a univariate normal mixture (seeded): weights, means, standard deviations. */
const mixtureColumn = (n: number, weights: number[], means: number[], sds: number[], seed: number): Dataset => {
  const rng = seeded(seed)
  const values = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const u = rng.uniform()
    let j = 0
    let c = weights[0]!
    while (u >= c && j < weights.length - 1) c += weights[++j]!
    values[i] = means[j]! + sds[j]! * rng.normal()
  }
  return { n, d: 1, values }
}

const params = (weights: number[], means: number[], variances: number[]): Mixture.Params<Normal> => ({
  weights: Float64Array.from(weights),
  components: means.map((mean, j) => ({ mean, variance: variances[j]! })),
})

const sourceOf = (data: Dataset, blockRows: number): RowSource => right(Source.fromDataset(data, blockRows))

/** A source that can be read only once: a second pass yields nothing. */
const oneShot = (data: Dataset, blockRows: number): RowSource => {
  let used = false
  return right(
    Source.fromBlocks(data.d, function* () {
      if (used) return
      used = true
      for (let s = 0; s < data.n; s += blockRows) yield data.values.slice(s * data.d, Math.min(data.n, s + blockRows) * data.d)
    }),
  )
}

const small = mixtureColumn(20_000, [0.5, 0.3, 0.2], [-4, 0, 4], [1, 0.7, 1.2], 11)
const smallStart = params([1 / 3, 1 / 3, 1 / 3], [-3, 0.5, 3], [2, 2, 2])

describe('Stepwise.fit: one pass over 10⁶ rows reaches the batch EM optimum', () => {
  // 10⁶ rows, d = 1, k = 3 (core's test family is univariate; the Gaussian package repeats this
  // with d = 2). Batches of 1000, α = 0.6, one pass; batch EM from the same start to |Δℓ|/n < 1e-7
  // (its log-likelihood then lies within ~1e-5 per row of the converged value, measured).
  const cases = [
    {
      name: 'well separated',
      weights: [0.5, 0.3, 0.2],
      means: [-6, 0, 6],
      sds: [1, 0.7, 1.2],
      start: params([1 / 3, 1 / 3, 1 / 3], [-5, 1, 5], [2, 2, 2]),
    },
    // 8.8 % of the rows have no component with posterior ≥ 0.9 under the true parameters.
    {
      name: 'overlapping',
      weights: [0.5, 0.3, 0.2],
      means: [-3.5, 0, 3.5],
      sds: [1, 0.7, 1.2],
      start: params([1 / 3, 1 / 3, 1 / 3], [-3, 0.5, 3], [1.5, 1.5, 1.5]),
    },
  ]
  for (const c of cases) {
    test(`${c.name}: mean log-likelihood per row within 0.01 of batch EM's, trace finite`, async () => {
      const n = 1_000_000
      const data = mixtureColumn(n, c.weights, c.means, c.sds, 2024)
      const fit = right(await Stepwise.fit(normalFamily, sourceOf(data, 65_536), { k: 3, init: c.start, batchSize: 1000 }))
      expect(fit.batches).toBe(1000)
      expect(fit.rows).toBe(n)
      expect(fit.trace).toHaveLength(1000)
      expect(fit.trace.every(Number.isFinite)).toBe(true)
      expect(fit.stopReason).toBe('completed')
      const batch = right(Mixture.fit(normalFamily, data, { k: 3, init: c.start, tolerance: 1e-7, maxIterations: 200, workers: 1 }))
      expect(batch.converged).toBe(true)
      const stepwise = Mixture.logLikelihoodOrThrow(normalFamily, fit.params, data) / n
      const optimum = batch.logLikelihood / n
      const gap = optimum - stepwise
      expect(Number.isFinite(stepwise)).toBe(true)
      if (!(gap <= 0.01)) throw new Error(`${c.name}: stepwise ${stepwise} vs batch EM ${optimum} per row (gap ${gap})`)
      // The prequential trace of the last batches estimates the same quantity from unseen rows.
      const tail = fit.trace.slice(-100).reduce((a, b) => a + b, 0) / 100
      if (!(Math.abs(tail - optimum) <= 0.05)) throw new Error(`${c.name}: prequential tail ${tail} vs ${optimum}`)
    })
  }
})

describe('Stepwise.fit: batches, passes and determinism', () => {
  test('the fit does not depend on how the source cuts its blocks (regrouped into batches)', async () => {
    const a = right(await Stepwise.fit(normalFamily, sourceOf(small, 1000), { k: 3, init: smallStart, batchSize: 500 }))
    for (const blockRows of [1, 777, 65_536]) {
      const b = right(await Stepwise.fit(normalFamily, sourceOf(small, blockRows), { k: 3, init: smallStart, batchSize: 500 }))
      expect(b.trace).toEqual(a.trace)
      expect(b.params).toEqual(a.params)
    }
    expect(a.batches).toBe(40)
  })

  test('same seed, same fit (initialisation method on the first rows); a seed changes the start', async () => {
    const run = (seed: number) => Stepwise.fit(normalFamily, sourceOf(small, 4096), { k: 3, init: 'random-rows', seed, batchSize: 200 })
    const a = right(await run(5))
    const b = right(await run(5))
    expect(b.params).toEqual(a.params)
    expect(b.trace).toEqual(a.trace)
    const c = right(await run(6))
    expect(c.trace[0]).not.toBe(a.trace[0])
    const viaRng = right(
      await Stepwise.fit(normalFamily, sourceOf(small, 4096), { k: 3, init: 'random-rows', rng: seeded(5), batchSize: 200 }),
    )
    expect(viaRng.params).toEqual(a.params)
  })

  test('an initialisation method runs on at least max(batchSize, 10·k) rows before the first update', async () => {
    for (const [batchSize, k, wanted] of [
      [5, 3, 30],
      [200, 3, 200],
    ] as const) {
      let pulled = 0
      const counting = right(
        Source.fromBlocks(1, function* () {
          for (let i = 0; i < 2000; i++) {
            pulled++
            yield small.values.slice(i, i + 1)
          }
        }),
      )
      let atFirst = -1
      right(
        await Stepwise.fit(normalFamily, counting, {
          k,
          batchSize,
          init: 'kmeans++',
          onBatch: (p) => {
            if (p.batch === 1) atFirst = pulled
          },
        }),
      )
      expect(atFirst).toBeGreaterThanOrEqual(wanted)
    }
  })

  test('step sizes follow (t + 2)^(−α), the last short batch a proportional step; onBatch sees every batch', async () => {
    const data = mixtureColumn(2_250, [0.5, 0.5], [-3, 3], [1, 1], 3)
    const seen: Stepwise.StepwiseProgress<Normal>[] = []
    const fit = right(
      await Stepwise.fit(normalFamily, sourceOf(data, 300), {
        k: 2,
        init: params([0.5, 0.5], [-1, 1], [4, 4]),
        batchSize: 1000,
        alpha: 0.75,
        onBatch: (p) => seen.push(p),
      }),
    )
    expect(seen.map((p) => p.rows)).toEqual([1000, 2000, 2250])
    expect(seen[0]!.stepSize).toBe(1)
    expect(seen[1]!.stepSize).toBe(Stepwise.stepSize(1, 0.75))
    expect(seen[2]!.stepSize).toBeCloseTo(Stepwise.stepSize(2, 0.75) * 0.25, 15)
    expect(seen.map((p) => p.logLikelihood)).toEqual(fit.trace)
    expect(seen[2]!.params).toBe(fit.params)
  })

  test('passes > 1 re-read the source; a source read only once gives a typed Left on the second pass', async () => {
    const twice = right(await Stepwise.fit(normalFamily, sourceOf(small, 4096), { k: 3, init: smallStart, passes: 2 }))
    expect(twice.rows).toBe(2 * small.n)
    expect(twice.batches).toBe(40)
    expect(twice.passes).toBe(2)
    expect(twice.observations).toBe(small.n)
    const once = await Stepwise.fit(normalFamily, oneShot(small, 4096), { k: 3, init: smallStart, passes: 2 })
    expect(once).toMatchObject({ left: { _tag: 'InvalidData' } })
    expect(E.isLeft(once) && once.left.message).toMatch(/pass 2 read no rows.*passes: 1/)
    expect(right(await Stepwise.fit(normalFamily, oneShot(small, 4096), { k: 3, init: smallStart })).rows).toBe(small.n)
  })

  test('cancelling between batches returns the parameters so far and releases the source', async () => {
    const controller = new AbortController()
    let released = false
    const source = right(
      Source.fromBlocks(1, function* () {
        try {
          for (let s = 0; s < small.n; s += 4096) yield small.values.slice(s, Math.min(small.n, s + 4096))
        } finally {
          released = true
        }
      }),
    )
    const fit = right(
      await Stepwise.fit(normalFamily, source, {
        k: 3,
        init: smallStart,
        batchSize: 1000,
        signal: controller.signal,
        onBatch: (p) => {
          if (p.batch === 5) controller.abort()
        },
      }),
    )
    expect(fit.stopReason).toBe('aborted')
    expect(fit.batches).toBe(5)
    expect(fit.rows).toBe(5000)
    expect(released).toBe(true)
  })
})

describe('Stepwise.fit: collapse policy', () => {
  // A third component 1000 sd away gets no responsibility in the first batch.
  const far = params([0.4, 0.4, 0.2], [-4, 4, 1000], [1, 1, 1])

  test("'reseed' re-seeds from the current batch's worst-explained rows and goes on", async () => {
    const fit = right(await Stepwise.fit(normalFamily, sourceOf(small, 4096), { k: 3, init: far, batchSize: 1000 }))
    expect(fit.params.components).toHaveLength(3)
    expect(fit.warnings.some((w) => w.kind === 'componentReseeded' && w.iteration === 1 && w.component === 2)).toBe(true)
    expect(fit.trace.every(Number.isFinite)).toBe(true)
    for (const c of fit.params.components) expect(Math.abs(c.mean)).toBeLessThan(10)
  })

  test("'drop' removes it; 'error' stops with CollapsedComponent", async () => {
    const dropped = right(await Stepwise.fit(normalFamily, sourceOf(small, 4096), { k: 3, init: far, collapse: 'drop' }))
    expect(dropped.params.components).toHaveLength(2)
    expect(dropped.warnings.some((w) => w.kind === 'componentDropped')).toBe(true)
    const error = await Stepwise.fit(normalFamily, sourceOf(small, 4096), { k: 3, init: far, collapse: 'error' })
    expect(error).toMatchObject({ left: { _tag: 'CollapsedComponent', component: 2, iteration: 1 } })
  })
})

describe('Stepwise.fit: typed errors', () => {
  const source = sourceOf(small, 4096)
  test.each([
    ['k', { k: 0 }],
    ['k', { k: 1.5 }],
    ['batchSize', { k: 2, batchSize: 0 }],
    ['batchSize', { k: 2, batchSize: 10.5 }],
    ['alpha', { k: 2, alpha: 0.5 }],
    ['alpha', { k: 2, alpha: 1.01 }],
    ['alpha', { k: 2, alpha: Number.NaN }],
    ['passes', { k: 2, passes: 0 }],
    ['collapse', { k: 2, collapse: 'keep' }],
    ['init', { k: 2, init: 'bogus' }],
    ['init', { k: 2, init: 'family' }],
    ['seed', { k: 2, seed: Number.POSITIVE_INFINITY }],
    ['rng', { k: 2, rng: {} }],
    ['signal', { k: 2, signal: {} }],
    ['onBatch', { k: 2, onBatch: 3 }],
  ])('bad %s gives Left(InvalidOptions) naming it', async (option, options) => {
    const r = await Stepwise.fit(normalFamily, source, options as unknown as Stepwise.StepwiseOptions<Normal>)
    expect(r).toMatchObject({ left: { _tag: 'InvalidOptions', option } })
  })

  test('starting parameters with the wrong k give Left(InvalidParameters); a bad source Left(InvalidOptions)', async () => {
    expect(await Stepwise.fit(normalFamily, source, { k: 2, init: smallStart })).toMatchObject({ left: { _tag: 'InvalidParameters' } })
    expect(await Stepwise.fit(normalFamily, {} as RowSource, { k: 2 })).toMatchObject({
      left: { _tag: 'InvalidOptions', option: 'source' },
    })
  })

  test('a family without scale gives Left(InvalidOptions) naming the family', async () => {
    const { scale: _scale, ...rest } = normalFamily
    const noScale: ComponentFamily<Normal, NormalStats> = rest
    const r = await Stepwise.fit(noScale, source, { k: 2 })
    expect(r).toMatchObject({ left: { _tag: 'InvalidOptions', option: 'family' } })
    expect(E.isLeft(r) && r.left.message).toMatch(/test-normal family has no scale/)
    await expect(Stepwise.fitOrThrow(noScale, source, { k: 2 })).rejects.toThrow(/no scale/)
  })

  test('bad rows name the global row and column; an empty source and too few rows for k are InvalidData', async () => {
    const values = Float64Array.from(small.values.subarray(0, 3000))
    values[2345] = Number.NaN
    // A source read in blocks finds the bad row as it streams (Source.fromDataset refuses such a dataset up front).
    expect(Source.fromDataset({ n: 3000, d: 1, values }, 700)).toMatchObject({ left: { _tag: 'InvalidData', row: 2345, column: 0 } })
    const blocks = right(
      Source.fromBlocks(1, function* () {
        for (let s = 0; s < 3000; s += 700) yield values.slice(s, Math.min(3000, s + 700))
      }),
    )
    const bad = await Stepwise.fit(normalFamily, blocks, { k: 2, init: 'kmeans++', batchSize: 500 })
    expect(bad).toMatchObject({ left: { _tag: 'InvalidData', row: 2345, column: 0 } })
    const wide = await Stepwise.fit(normalFamily, right(Source.fromBlocks(2, () => [Float64Array.of(1, 2, 3, 4)])), { k: 1 })
    expect(wide).toMatchObject({ left: { _tag: 'InvalidData' } })
    expect(await Stepwise.fit(normalFamily, right(Source.fromBlocks(1, () => [])), { k: 1 })).toMatchObject({
      left: { _tag: 'InvalidData' },
    })
    expect(await Stepwise.fit(normalFamily, right(Source.fromBlocks(1, () => [Float64Array.of(1, 2)])), { k: 3 })).toMatchObject({
      left: { _tag: 'InvalidData' },
    })
  })

  test('a failing read gives Left(EngineFailure), not a rejection', async () => {
    const failing = right(
      Source.fromBlocks(1, function* () {
        yield small.values.slice(0, 1500)
        throw new Error('disk gone')
      }),
    )
    const r = await Stepwise.fit(normalFamily, failing, { k: 2, init: params([0.5, 0.5], [-1, 1], [1, 1]), batchSize: 1000 })
    expect(r).toMatchObject({ left: { _tag: 'EngineFailure', engine: 'stream' } })
    expect(E.isLeft(r) && r.left.message).toMatch(/row 1500: disk gone/)
  })

  test('rows of weight 0 are no observations: a batch of weight 0 is skipped with a warning', async () => {
    const n = 3000
    const sampleWeights = new Float64Array(n).fill(1)
    sampleWeights.fill(0, 1000, 2000)
    const data: Dataset = { n, d: 1, values: small.values.slice(0, n), sampleWeights }
    const fit = right(await Stepwise.fit(normalFamily, sourceOf(data, 256), { k: 3, init: smallStart, batchSize: 1000 }))
    expect(fit.batches).toBe(2)
    expect(fit.rows).toBe(n)
    expect(fit.observations).toBe(2000)
    expect(fit.warnings.map((w) => w.kind)).toContain('batchSkipped')
  })
})
