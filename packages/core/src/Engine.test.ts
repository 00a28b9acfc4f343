import { either as E } from 'fp-ts'
import { describe, expect, test } from 'vitest'
import type { Dataset } from './Dataset.js'
import { fromColumnOrThrow, fromRowsOrThrow } from './Dataset.js'
import * as Engine from './Engine.js'
import type { ComponentFamily } from './Family.js'
import * as Mixture from './Mixture.js'
import * as Source from './Source.js'
import type { Normal, NormalStats } from './test/normalFamily.js'
import { normalFamily } from './test/normalFamily.js'
import { right, start, twoClusters } from './test/helpers.js'

const relClose = (a: number, b: number, rtol: number): boolean => Math.abs(a - b) <= rtol * Math.abs(b)

describe('one fused pass', () => {
  const data = fromColumnOrThrow(twoClusters(10_000, 3), { sampleWeights: Array.from({ length: 10_000 }, (_, i) => (i % 3) * 0.5) })

  test('gives the log-likelihood, statistics, weight and ICL term of the responsibilities pass', () => {
    const pass = Engine.memory(normalFamily, data).pass(start)
    const q = Mixture.responsibilitiesOrThrow(normalFamily, data, start)
    const sw = data.sampleWeights!
    let ll = 0
    let hard = 0
    const stats = [0, 1].map(() => ({ w: 0, sx: 0 }))
    for (let i = 0; i < data.n; i++) {
      if (sw[i]! === 0) continue
      ll += sw[i]! * q.logDensity[i]!
      hard += sw[i]! * Math.log(Math.max(q.values[i]!, q.values[data.n + i]!))
      for (let j = 0; j < 2; j++) {
        stats[j]!.w += sw[i]! * q.values[j * data.n + i]!
        stats[j]!.sx += sw[i]! * q.values[j * data.n + i]! * data.values[i]!
      }
    }
    expect(relClose(pass.logLikelihood, ll, 1e-13)).toBe(true)
    expect(relClose(pass.hardLogResponsibility, hard, 1e-12)).toBe(true)
    expect(pass.weight).toBe(sw.reduce((a, b) => a + b, 0))
    expect(pass.rows).toBe(data.n)
    expect(pass.impossibleRow).toBe(-1)
    pass.statistics.forEach((s, j) => {
      expect(relClose(s.w, stats[j]!.w, 1e-12)).toBe(true)
      expect(relClose(s.sx, stats[j]!.sx, 1e-12)).toBe(true)
    })
  })

  test('names the first row that no component can produce', () => {
    const pass = Engine.memory(normalFamily, fromColumnOrThrow([0, 1, 1e300, 2, 1e300])).pass({
      weights: Float64Array.of(1),
      components: [{ mean: 0, variance: 1e-300 }],
    })
    expect(pass.logLikelihood).toBe(-Infinity)
    // Row 1 is 10¹⁵⁰ standard deviations away, yet its log-density is finite; row 2's is −∞.
    expect(pass.impossibleRow).toBe(2)
  })

  test('threads and stream engines give the memory pass up to summation order, and the worst rows agree', async () => {
    const memory = Engine.memory(normalFamily, data)
    const threads = right(Engine.threads(normalFamily, data, 1))
    expect(threads.kind).toBe('memory')
    const stream = Engine.stream(normalFamily, right(Source.fromDataset(data, 333)))
    const a = memory.pass(start)
    const b = await stream.pass(start)
    expect(relClose(b.logLikelihood, a.logLikelihood, 1e-12)).toBe(true)
    expect(b.rows).toBe(a.rows)
    b.statistics.forEach((s, j) => expect(relClose(s.sxx, a.statistics[j]!.sxx, 1e-12)).toBe(true))
    // Re-seeding statistics: the heap over a stream picks exactly the rows the sort in memory picks.
    for (const m of [1, 2, 17, 5000]) {
      const x = memory.worstRows(start, m)
      const y = await stream.worstRows(start, m)
      expect(y.w).toBe(x.w)
      expect(relClose(y.sx, x.sx, 1e-12)).toBe(true)
    }
  })
})

describe('the threads engine', () => {
  const data = fromColumnOrThrow(twoClusters(3000, 4))
  const withRecipe = (factory: string): ComponentFamily<Normal, NormalStats> => ({
    ...normalFamily,
    worker: { module: new URL('./test/dyingWorkerFamily.mjs', import.meta.url).href, factory },
  })

  test('a worker thread that dies gives a typed EngineFailure, not a hang or a throw', () => {
    const r = Mixture.fit(withRecipe('dying'), data, { k: 2, init: start, workers: 2 })
    expect(r).toMatchObject({ left: { _tag: 'EngineFailure', engine: 'threads' } })
    expect(E.isLeft(r) && r.left.message).toMatch(/exited unexpectedly/)
  })

  test('a worker whose kernel throws gives a typed EngineFailure carrying its message', () => {
    const r = Mixture.fit(withRecipe('throwing'), data, { k: 2, init: start, workers: 2 })
    expect(r).toMatchObject({ left: { _tag: 'EngineFailure', engine: 'threads' } })
    expect(E.isLeft(r) && r.left.message).toMatch(/the kernel failed/)
  })

  test('workers is validated once, as a typed Left', () => {
    for (const workers of [0, -1, 1.5, Number.NaN]) {
      expect(Mixture.fit(normalFamily, data, { k: 2, init: start, workers })).toMatchObject({
        left: { _tag: 'InvalidOptions', option: 'workers' },
      })
    }
    expect(Mixture.fit(normalFamily, data, { k: 2, init: start, workers: 'many' as unknown as number })).toMatchObject({
      left: { _tag: 'InvalidOptions', option: 'workers' },
    })
    // The test family has no worker recipe.
    expect(Mixture.fit(normalFamily, data, { k: 2, init: start, workers: 2 })).toMatchObject({
      left: { _tag: 'InvalidOptions', option: 'workers' },
    })
    expect(Engine.threads(normalFamily, data, 2)).toMatchObject({ left: { _tag: 'InvalidOptions', option: 'workers' } })
    // auto falls back to one thread for a family without a recipe, and for small work.
    expect(right(Engine.resolveWorkers(normalFamily, 1e7, 1, 2, 'auto'))).toBe(1)
    expect(right(Engine.resolveWorkers(withRecipe('dying'), 100, 1, 2, 'auto'))).toBe(1)
  })
})

describe('the stream engine', () => {
  const xs = twoClusters(2000, 6)
  const data = fromColumnOrThrow(xs)

  test('a bad value in a later block is a typed error naming the global row and column', async () => {
    const source = right(
      Source.fromBlocks(1, function* () {
        yield Float64Array.from(xs.slice(0, 1000))
        yield Float64Array.of(1, 2, Number.NaN, 4)
      }),
    )
    const r = await Mixture.fitAsync(normalFamily, source, { k: 2, init: start })
    expect(r).toMatchObject({ left: { _tag: 'InvalidData', row: 1002, column: 0 } })
  })

  test("a value outside the family's support names the global row", async () => {
    const positive: ComponentFamily<Normal, NormalStats> = {
      ...normalFamily,
      checkData: (d: Dataset) => {
        for (let i = 0; i < d.n; i++)
          if (d.values[i]! < -100) return E.left({ _tag: 'InvalidData', message: `row ${i}: value below −100`, row: i, column: 0 })
        return E.right(d)
      },
    }
    const source = right(
      Source.fromBlocks(1, function* () {
        yield Float64Array.from(xs.slice(0, 700))
        yield Float64Array.of(1, -500)
      }),
    )
    const r = await Mixture.fitAsync(positive, source, { k: 2, init: start })
    expect(r).toMatchObject({ left: { _tag: 'InvalidData', row: 701, message: 'row 701: value below −100' } })
    // The same from the initialisation sample's pass, with an init method.
    const sampled = await Mixture.fitAsync(positive, source, { k: 2, init: 'random', initSample: 50 })
    expect(sampled).toMatchObject({ left: { _tag: 'InvalidData', row: 701, message: 'row 701: value below −100' } })
  })

  test('a source that fails mid-pass, a block of the wrong width, and an empty source are typed errors', async () => {
    const failing = right(
      Source.fromBlocks(1, async function* () {
        yield Float64Array.from(xs.slice(0, 10))
        throw new Error('disk on fire')
      }),
    )
    const r = await Mixture.fitAsync(normalFamily, failing, { k: 2, init: start })
    expect(r).toMatchObject({ left: { _tag: 'EngineFailure', engine: 'stream' } })
    expect(E.isLeft(r) && r.left.message).toMatch(/row 10: disk on fire/)
    const wide = right(Source.fromBlocks(1, () => [fromRowsOrThrow([[1, 2]])]))
    expect(await Mixture.fitAsync(normalFamily, wide, { k: 2, init: start })).toMatchObject({ left: { _tag: 'InvalidData' } })
    const ragged = right(Source.fromBlocks(2, () => [Float64Array.of(1, 2, 3)]))
    expect(await Mixture.fitAsync(normalFamily, ragged, { k: 2 })).toMatchObject({ left: { _tag: 'InvalidData' } })
    const empty = right(Source.fromBlocks(1, () => []))
    expect(await Mixture.fitAsync(normalFamily, empty, { k: 2, init: start })).toMatchObject({ left: { _tag: 'InvalidData' } })
    expect(await Mixture.fitAsync(normalFamily, empty, { k: 2 })).toMatchObject({ left: { _tag: 'InvalidData' } })
    // k against the rows of positive weight, with a start given and with an init method.
    const few = right(Source.fromDataset(fromColumnOrThrow([1, 2, 3, 4], { sampleWeights: [1, 0, 0, 0] })))
    const k2 = await Mixture.fitAsync(normalFamily, few, { k: 2, init: start })
    expect(k2).toMatchObject({ left: { _tag: 'InvalidData' } })
    expect(E.isLeft(k2) && k2.left.message).toMatch(/only 1 rows with positive weight/)
    expect(await Mixture.fitAsync(normalFamily, few, { k: 2, init: 'random' })).toMatchObject({ left: { _tag: 'InvalidData' } })
    expect(Source.fromDataset(data, 0)).toMatchObject({ left: { _tag: 'InvalidOptions', option: 'blockRows' } })
    expect(await Mixture.fitAsync(normalFamily, right(Source.fromDataset(data)), { k: 2, engine: 'memory' })).toMatchObject({
      left: { _tag: 'InvalidOptions', option: 'engine' },
    })
    expect(await Mixture.fitAsync(normalFamily, data, { k: 2, engine: 'gpu' as 'memory' })).toMatchObject({
      left: { _tag: 'InvalidOptions', option: 'engine' },
    })
  })

  test('with no more rows than the init sample, an init method gives the in-memory start and fit exactly', async () => {
    const memory = right(Mixture.fit(normalFamily, data, { k: 2, seed: 3, restarts: 3, init: 'random', tolerance: 0, maxIterations: 12 }))
    for (const blockRows of [1, 64, 5000]) {
      const streamed = right(
        await Mixture.fitAsync(normalFamily, right(Source.fromDataset(data, blockRows)), {
          k: 2,
          seed: 3,
          restarts: 3,
          init: 'random',
          tolerance: 0,
          maxIterations: 12,
        }),
      )
      expect(streamed.engine).toBe('stream')
      expect(streamed.restart).toBe(memory.restart)
      streamed.trace.forEach((v, t) => expect(relClose(v, memory.trace[t]!, 1e-12)).toBe(true))
      expect(relClose(streamed.bic, memory.bic, 1e-12)).toBe(true)
      expect(relClose(streamed.icl, memory.icl, 1e-12)).toBe(true)
    }
  })

  test('an init method on a sample of a larger stream gives a sound fit', async () => {
    const r = right(await Mixture.fitAsync(normalFamily, right(Source.fromDataset(data, 100)), { k: 2, seed: 1, initSample: 200 }))
    const memory = right(Mixture.fit(normalFamily, data, { k: 2, seed: 1 }))
    expect(r.converged).toBe(true)
    expect(relClose(r.logLikelihood, memory.logLikelihood, 1e-6)).toBe(true)
    expect(await Mixture.fitAsync(normalFamily, right(Source.fromDataset(data, 100)), { k: 2, initSample: 0 })).toMatchObject({
      left: { _tag: 'InvalidOptions', option: 'initSample' },
    })
  })

  test('re-seeding a collapsed component over a stream follows the memory engine step for step', async () => {
    const far: Mixture.Params<Normal> = {
      weights: Float64Array.of(0.5, 0.5),
      components: [
        { mean: 0, variance: 4 },
        { mean: 1e6, variance: 1 },
      ],
    }
    const memory = right(Mixture.fit(normalFamily, data, { k: 2, init: far, tolerance: 0, maxIterations: 20 }))
    expect(memory.warnings.map((w) => w.kind)).toContain('componentReseeded')
    const streamed = right(
      await Mixture.fitAsync(normalFamily, right(Source.fromDataset(data, 77)), { k: 2, init: far, tolerance: 0, maxIterations: 20 }),
    )
    expect(streamed.warnings).toEqual(memory.warnings)
    streamed.trace.forEach((v, t) => expect(relClose(v, memory.trace[t]!, 1e-12)).toBe(true))
  })
})

describe('k and the rows that carry weight', () => {
  test('k is checked against rows of positive weight, not the row count', () => {
    const data = fromColumnOrThrow([1, 2, 3, 4, 5], { sampleWeights: [1, 0, 0, 0, 2] })
    expect(Mixture.checkData(normalFamily, data, 2)).toMatchObject({ _tag: 'Right' })
    const r = Mixture.fit(normalFamily, data, { k: 3, init: 'random' })
    expect(r).toMatchObject({ left: { _tag: 'InvalidData' } })
    expect(E.isLeft(r) && r.left.message).toMatch(/only 2 rows with positive weight/)
  })
})
