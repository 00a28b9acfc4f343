/**
 * Regression tests for issue 19 ("the API keeps its promise on hostile input"), the kinds that do
 * not depend on a particular family: one named test per kind of failure the issue lists, each
 * asserting the exact typed outcome — the `_tag`, the row, column, option or path named, and a
 * bounded message. The family-specific kinds (far rows, overflowing densities, support, the
 * library's own initialisation) are in the Gaussian, exponential and multinomial packages'
 * `hostile.test.ts`.
 */
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import type { Dataset as DatasetT } from './Dataset.js'
import * as Dataset from './Dataset.js'
import type { EmError } from './Errors.js'
import { EmException } from './Errors.js'
import * as Mixture from './Mixture.js'
import * as Validate from './Validate.js'
import type { Normal } from './test/normalFamily.js'
import { normalFamily } from './test/normalFamily.js'
import { right, start, twoClusters } from './test/helpers.js'

/** Error messages are one line for a person: never the serialisation of an unbounded input. */
const MAX_MESSAGE = 400

/** The Left of `r`, checked to be `tag` with a bounded message; a test failure otherwise. */
const leftOf = <A>(r: E.Either<EmError, A>, tag: EmError['_tag']): EmError => {
  if (E.isRight(r)) throw new Error(`expected Left(${tag}), got a Right`)
  expect(r.left._tag, r.left.message).toBe(tag)
  expect(typeof r.left.message).toBe('string')
  expect(r.left.message.length).toBeGreaterThan(0)
  expect(r.left.message.length).toBeLessThanOrEqual(MAX_MESSAGE)
  return r.left
}

/** Runs `f`; an escaped throw is reported as a test failure naming what escaped. */
const noThrow = <A>(f: () => A): A => {
  try {
    return f()
  } catch (e) {
    throw new Error(`escaped throw: ${e instanceof Error ? `${e.name}: ${e.message.slice(0, 200)}` : String(e)}`, { cause: e })
  }
}

const data = Dataset.fromColumnOrThrow(twoClusters(200, 3))
const params: Mixture.Params<Normal> = start

/** A dataset built by hand, bypassing the validating constructors, as a careless caller might. */
const raw = (values: number[], d: number, sampleWeights?: number[]): DatasetT => ({
  n: values.length / d,
  d,
  values: Float64Array.from(values),
  ...(sampleWeights === undefined ? {} : { sampleWeights: Float64Array.from(sampleWeights) }),
})

describe('issue 19: throws that escape', () => {
  it('an unknown init method (a string, number, bigint, symbol or function) is Left(InvalidOptions "init"); a malformed start object is Left(InvalidParameters)', async () => {
    for (const init of ['banana', 'toString', 'x'.repeat(100_000), 5, 1n, Symbol('kmeans++'), () => 'kmeans++']) {
      const e = leftOf(
        noThrow(() => Mixture.fit(normalFamily, data, { k: 2, init: init as never })),
        'InvalidOptions',
      )
      expect(e, Validate.show(init)).toMatchObject({ option: 'init' })
      const a = leftOf(await Mixture.fitAsync(normalFamily, data, { k: 2, init: init as never }), 'InvalidOptions')
      expect(a).toMatchObject({ option: 'init' })
    }
    // Objects are taken as starting parameters: a malformed one is the caller's start at fault.
    for (const init of [{}, new String('kmeans++'), ['kmeans++'], { weights: [1], components: 'x' }]) {
      const e = leftOf(
        noThrow(() => Mixture.fit(normalFamily, data, { k: 2, init: init as never })),
        'InvalidParameters',
      )
      expect(e, Validate.show(init)).toMatchObject({ path: 'components' })
    }
    // The documented throwing constructor throws an EmException, never a TypeError.
    expect(() => Mixture.initializer(Mixture.model(normalFamily, 2), 'banana' as never)).toThrow(EmException)
  })

  it('a model JSON with a field nested 10 000 deep is Left(InvalidModel) naming the path, not a RangeError', () => {
    let deep: unknown = 1
    for (let i = 0; i < 10_000; i++) deep = [deep]
    const base = Mixture.toJSON(normalFamily, params) as unknown as Record<string, unknown>
    for (const field of ['format', 'weights', 'components', 'fit']) {
      const e = leftOf(
        noThrow(() => Mixture.fromJSON(normalFamily, { ...base, [field]: deep })),
        'InvalidModel',
      )
      expect((e as { path?: string }).path?.startsWith(field)).toBe(true)
      expect(e.message).toContain(`${Validate.MAX_JSON_DEPTH} levels`)
    }
  })

  it('Dataset constructors given null, [null], bigints or a negative, NaN or null shape are Left(InvalidData), never a throw', () => {
    const cases: [string, () => E.Either<EmError, DatasetT>, { row?: number; column?: number }][] = [
      ['fromRows(null)', () => Dataset.fromRows(null as never), {}],
      ['fromRows(undefined)', () => Dataset.fromRows(undefined as never), {}],
      ['fromRows([null])', () => Dataset.fromRows([null] as never), { row: 0 }],
      ['fromRows([[1, 2], null])', () => Dataset.fromRows([[1, 2], null] as never), { row: 1 }],
      ['fromRows([[1n]])', () => Dataset.fromRows([[1n]] as never), { row: 0, column: 0 }],
      [
        'fromRows([[1, 2], [3, 4n]])',
        () =>
          Dataset.fromRows([
            [1, 2],
            [3, 4n],
          ] as never),
        { row: 1, column: 1 },
      ],
      ['fromColumn(null)', () => Dataset.fromColumn(null as never), {}],
      ['fromColumn([1, 2n])', () => Dataset.fromColumn([1, 2n] as never), { row: 1, column: 0 }],
      ['fromColumn({ length: -1 })', () => Dataset.fromColumn({ length: -1 }), {}],
      ['fromColumn({ length: NaN })', () => Dataset.fromColumn({ length: NaN }), {}],
      ['fromColumn({ length: null })', () => Dataset.fromColumn({ length: null } as never), {}],
      ['fromFlat([1, 2], NaN)', () => Dataset.fromFlat([1, 2], NaN), {}],
      ['fromFlat([1, 2], -1)', () => Dataset.fromFlat([1, 2], -1), {}],
      ['fromFlat({ length: -2 }, 1)', () => Dataset.fromFlat({ length: -2 }, 1), {}],
      ['fromMatrix(null)', () => Dataset.fromMatrix(null as never), {}],
      ['fromMatrix rows -1', () => Dataset.fromMatrix({ rows: -1, columns: 1, get: () => 1 }), {}],
      ['fromMatrix rows NaN', () => Dataset.fromMatrix({ rows: NaN, columns: 1, get: () => 1 }), {}],
      ['fromMatrix rows null', () => Dataset.fromMatrix({ rows: null, columns: 1, get: () => 1 } as never), {}],
      ['fromMatrix columns null', () => Dataset.fromMatrix({ rows: 2, columns: null, get: () => 1 } as never), {}],
      ['fromMatrix columns -1', () => Dataset.fromMatrix({ rows: 2, columns: -1, get: () => 1 }), {}],
      ['fromMatrix rows 2.5', () => Dataset.fromMatrix({ rows: 2.5, columns: 1, get: () => 1 }), {}],
      [
        'fromMatrix get 1n',
        () => Dataset.fromMatrix({ rows: 2, columns: 2, get: (i: number, c: number) => (i === 1 && c === 1 ? 1n : 1) } as never),
        { row: 1, column: 1 },
      ],
    ]
    for (const [what, f, at] of cases) {
      const r = noThrow(f)
      if (E.isRight(r)) throw new Error(`${what}: expected Left(InvalidData), got a dataset of ${String(r.right.n)} × ${String(r.right.d)}`)
      const e = leftOf(r, 'InvalidData') as { row?: number; column?: number }
      expect({ row: e.row, column: e.column }, what).toEqual({ row: at.row, column: at.column })
    }
  })

  it('Mixture.sample with n = −1, 2.5, NaN or Infinity is Left(InvalidOptions "n"); k = 0 is Left(InvalidParameters)', () => {
    for (const n of [-1, 2.5, NaN, Infinity, -Infinity, '3', 2 ** 31]) {
      const e = leftOf(
        noThrow(() => Mixture.sample(normalFamily, params, n as number, 1)),
        'InvalidOptions',
      )
      expect(e, String(n)).toMatchObject({ option: 'n' })
    }
    const none: Mixture.Params<Normal> = { weights: new Float64Array(0), components: [] }
    const e = leftOf(
      noThrow(() => Mixture.sample(normalFamily, none, 10, 1)),
      'InvalidParameters',
    )
    expect(e).toMatchObject({ path: 'components' })
    expect(() => Mixture.sampleOrThrow(normalFamily, params, -1, 1)).toThrow(EmException)
    // n = 0 is valid: no draws.
    expect(right(Mixture.sample(normalFamily, params, 0, 1)).values.length).toBe(0)
  })
})

describe('issue 19: invalid input accepted', () => {
  it('an unknown collapse policy is Left(InvalidOptions "collapse"), not silently "reseed"', async () => {
    const e = leftOf(
      noThrow(() => Mixture.fit(normalFamily, data, { k: 2, init: start, collapse: 'sometimes' as never })),
      'InvalidOptions',
    )
    expect(e).toMatchObject({ option: 'collapse' })
    expect(e.message).toContain('"sometimes"')
    const a = leftOf(await Mixture.fitAsync(normalFamily, data, { k: 2, init: start, collapse: 'sometimes' as never }), 'InvalidOptions')
    expect(a).toMatchObject({ option: 'collapse' })
    // Values that are not strings, or unbounded ones, are refused the same way (no TypeError from
    // serialising a bigint, no message holding the whole value).
    for (const collapse of [1n, 'x'.repeat(100_000), Symbol('drop'), { policy: 'drop' }]) {
      const e = leftOf(
        noThrow(() => Mixture.fit(normalFamily, data, { k: 2, init: start, collapse: collapse as never })),
        'InvalidOptions',
      )
      expect(e, Validate.show(collapse)).toMatchObject({ option: 'collapse' })
    }
    // Mixture.model is a documented throwing constructor.
    expect(() => Mixture.model(normalFamily, 2, { collapse: 'sometimes' as never })).toThrow(EmException)
  })

  /** A matrix whose every cell is NaN, counting the `get` calls. */
  const nanMatrix = (rows: number, columns: number): { readonly calls: () => number; readonly m: Dataset.MatrixLike } => {
    let calls = 0
    return {
      calls: () => calls,
      m: {
        rows,
        columns,
        get: () => {
          calls++
          return NaN
        },
      },
    }
  }

  /** ArrayBuffer memory (bytes) `f` leaves allocated while its result is alive. */
  const allocatedBy = <A>(f: () => A): { readonly result: A; readonly bytes: number } => {
    const before = process.memoryUsage().arrayBuffers
    const result = f()
    return { result, bytes: process.memoryUsage().arrayBuffers - before }
  }

  it('fromMatrix({ rows: 1e8, columns: 2, get }) whose first cell is NaN is Left naming row 0, column 0 after exactly one get call and without allocating the declared shape', () => {
    const { calls, m } = nanMatrix(1e8, 2)
    const { result, bytes } = allocatedBy(() => noThrow(() => Dataset.fromMatrix(m)))
    expect(leftOf(result, 'InvalidData')).toMatchObject({ row: 0, column: 0 })
    expect(calls()).toBe(1)
    // 1e8 × 2 doubles would be 1.6 GB; the constructor reads into a small buffer that grows as rows come.
    expect(bytes).toBeLessThan(64 * 2 ** 20)
  })

  // Found by the regression suite after c3787f7: readCells grew its buffer to hold the whole first
  // row before reading it (≈ 4.0e9 bytes for this shape); it now grows cell by cell.
  it('fromMatrix({ rows: 2, columns: 5e8, get }) whose first cell is NaN is Left after one get call without allocating gigabytes', () => {
    const { calls, m } = nanMatrix(2, 5e8)
    const { result, bytes } = allocatedBy(() => noThrow(() => Dataset.fromMatrix(m)))
    expect(leftOf(result, 'InvalidData')).toMatchObject({ row: 0, column: 0 })
    expect(calls()).toBe(1)
    expect(bytes).toBeLessThan(64 * 2 ** 20)
  })

  it('fromMatrix({ rows: 2, columns: 1e9, get }) exceeds Validate.MAX_VALUES: Left(InvalidData) before any get call or allocation', () => {
    const { calls, m } = nanMatrix(2, 1e9)
    const { result, bytes } = allocatedBy(() => noThrow(() => Dataset.fromMatrix(m)))
    expect(leftOf(result, 'InvalidData').message).toContain(String(Validate.MAX_VALUES))
    expect(calls()).toBe(0)
    expect(bytes).toBeLessThan(64 * 2 ** 20)
  })

  it('a dataset whose sample weights sum above Validate.MAX_TOTAL_WEIGHT is Left(InvalidData) saying to rescale', () => {
    for (const w of [1e300, Number.MAX_VALUE, 2 ** 53]) {
      const e = leftOf(
        noThrow(() => Dataset.fromColumn([1, 2, 3], { sampleWeights: [w, w, w] })),
        'InvalidData',
      )
      expect(e.message).toContain('rescale')
    }
    // The cap itself is a valid total.
    expect(E.isRight(Dataset.fromColumn([1, 2], { sampleWeights: [2 ** 52, 2 ** 52] }))).toBe(true)
  })
})

describe('issue 19: non-finite results', () => {
  const xs = twoClusters(100, 5)
  const finiteCriteria = (f: Mixture.MixtureFit<Normal>): void => {
    for (const x of [f.bic, f.aic, f.icl, ...f.trace]) expect(Number.isFinite(x)).toBe(true)
  }

  it('a fit with very large sample weights (hand-built dataset, 1e300 each) is a typed Left, never Infinity in bic/aic/icl', () => {
    const huge = raw(
      xs,
      1,
      xs.map(() => 1e300),
    )
    const r = noThrow(() => Mixture.fit(normalFamily, huge, { k: 2, init: start, maxIterations: 20 }))
    if (E.isRight(r)) finiteCriteria(r.right)
    else expect(r.left._tag).toBe('InvalidData')
    const c = noThrow(() => Mixture.criteria(normalFamily, huge, params))
    if (E.isRight(c)) for (const x of [c.right.bic, c.right.aic, c.right.icl]) expect(Number.isFinite(x)).toBe(true)
    else expect(leftOf(c, 'InvalidData').message).toContain('rescale')
  })

  it('a fit with sample weights just under Validate.MAX_TOTAL_WEIGHT gives finite bic/aic/icl, or a typed Left', () => {
    const w = (Validate.MAX_TOTAL_WEIGHT / xs.length) * 0.999
    const heavy = right(Dataset.fromColumn(xs, { sampleWeights: xs.map(() => w) }))
    for (const init of [start, 'kmeans++'] as const) {
      const r = noThrow(() => Mixture.fit(normalFamily, heavy, { k: 2, init, seed: 1, maxIterations: 50 }))
      if (E.isRight(r)) finiteCriteria(r.right)
      else expect(['InvalidData', 'CollapsedComponent', 'NonFinite']).toContain(r.left._tag)
    }
    const c = noThrow(() => Mixture.criteria(normalFamily, heavy, params))
    if (E.isRight(c)) for (const x of [c.right.logLikelihood, c.right.bic, c.right.aic, c.right.icl]) expect(Number.isFinite(x)).toBe(true)
    else expect(c.left._tag).toBe('InvalidData')
    const s = noThrow(() => Mixture.score(normalFamily, params, heavy))
    expect(Number.isFinite(right(s))).toBe(true)
    const ll = noThrow(() => Mixture.logLikelihood(normalFamily, params, heavy))
    expect(Number.isFinite(right(ll))).toBe(true)
  })

  it('a model of dimension 1 applied to 2-column data is Left(InvalidData) about the dimension, in every prediction function', () => {
    const two = right(
      Dataset.fromRows([
        [1, 2],
        [3, 4],
      ]),
    )
    const calls: [string, () => E.Either<EmError, unknown>][] = [
      ['predictProba', () => Mixture.predictProba(normalFamily, params, two)],
      ['predict', () => Mixture.predict(normalFamily, params, two)],
      ['responsibilities', () => Mixture.responsibilities(normalFamily, two, params)],
      ['scoreSamples', () => Mixture.scoreSamples(normalFamily, params, two)],
      ['score', () => Mixture.score(normalFamily, params, two)],
      ['logLikelihood', () => Mixture.logLikelihood(normalFamily, params, two)],
      ['criteria', () => Mixture.criteria(normalFamily, two, params)],
    ]
    for (const [what, f] of calls) {
      const e = leftOf(noThrow(f), 'InvalidData')
      expect(e.message, what).toMatch(/2 columns.*dimension 1/)
    }
  })
})

describe('issue 19: options taken unchecked', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['seed', { seed: 'x' }],
    ['seed', { seed: NaN }],
    ['rng', { rng: {} }],
    ['rng', { rng: 5 }],
    ['signal', { signal: 5 }],
    ['signal', { signal: {} }],
    ['onIteration', { onIteration: 3 }],
    ['maxIterations', { maxIterations: -1 }],
    ['tolerance', { tolerance: NaN }],
    ['restarts', { restarts: 0 }],
  ]
  for (const [option, given] of cases) {
    const what = `${option}: ${Validate.show(Object.values(given)[0])}`
    it(`Mixture.fit with ${what} is Left(InvalidOptions "${option}")`, () => {
      const e = leftOf(
        noThrow(() => Mixture.fit(normalFamily, data, { k: 2, init: 'kmeans++', ...given })),
        'InvalidOptions',
      )
      expect(e).toMatchObject({ option })
    })
    // Found by the regression suite after 55bd03b: Em.iterate wired options.signal before the options
    // were checked, so `signal: 5` rejected the promise with a TypeError; it now checks them first.
    it(`Mixture.fitAsync with ${what} resolves to Left(InvalidOptions "${option}")`, async () => {
      const r = await Mixture.fitAsync(normalFamily, data, { k: 2, init: 'kmeans++', ...given }).catch((e: unknown) => {
        throw new Error(`escaped throw (rejected promise): ${String(e)}`)
      })
      expect(leftOf(r, 'InvalidOptions')).toMatchObject({ option })
    })
  }
})
