/**
 * Named regression tests for what the fuzz suite (`fuzz/`) found in core after the issue-19
 * regression tests passed: each was an escaped throw, a non-finite value in a Right or a case
 * far over its time budget, on the input written here.
 */
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import * as Dataset from './Dataset.js'
import type { EmError } from './Errors.js'
import { EmException } from './Errors.js'
import * as Mixture from './Mixture.js'
import * as Rng from './Rng.js'
import * as Source from './Source.js'
import * as Stepwise from './Stepwise.js'
import * as Validate from './Validate.js'
import { normalFamily } from './test/normalFamily.js'
import { twoClusters as twoClusterValues } from './test/helpers.js'

const twoClusters = (): Dataset.Dataset => Dataset.fromColumnOrThrow(twoClusterValues(60, 1))

/** A Proxy whose every string-keyed read throws (the fuzz suite's `Hostile.anything` has one). */
const hostileProxy = (): object =>
  new Proxy(
    {},
    {
      get: (_, key) => {
        if (typeof key === 'symbol') return undefined
        throw new Error('hostile proxy: get')
      },
      ownKeys: () => {
        throw new Error('hostile proxy: ownKeys')
      },
    },
  )

const tagOf = <A>(r: E.Either<EmError, A>): string => (E.isLeft(r) ? r.left._tag : 'Right')

describe('fuzz findings: inputs that used to escape as throws', () => {
  it('Mixture.fit and fitAsync with options that are a throwing Proxy give Left(InvalidOptions "options")', async () => {
    const data = twoClusters()
    const options = hostileProxy() as Mixture.MixtureFitOptions<never>
    expect(Mixture.fit(normalFamily, data, options)).toMatchObject({ left: { _tag: 'InvalidOptions', option: 'options' } })
    expect(await Mixture.fitAsync(normalFamily, data, options)).toMatchObject({ left: { _tag: 'InvalidOptions', option: 'options' } })
  })

  it('Mixture.fit with a start that is a throwing Proxy gives a typed Left', () => {
    const r = Mixture.fit(normalFamily, twoClusters(), { k: 2, init: hostileProxy() as never })
    expect(['InvalidParameters', 'InvalidOptions']).toContain(tagOf(r))
  })

  it('Mixture.fit and fitAsync on something that is not a dataset give Left(InvalidData)', async () => {
    for (const data of [-2.5e-323, null, 'x'.repeat(1000), [[1, 2]]]) {
      expect(tagOf(Mixture.fit(normalFamily, data as never, { k: 1 }))).toBe('InvalidData')
      expect(tagOf(await Mixture.fitAsync(normalFamily, data as never, { k: 1 }))).toBe('InvalidData')
    }
  })

  it('Mixture.sample with a random stream that is a throwing Proxy gives a typed Left', () => {
    const fitted = Mixture.fitOrThrow(normalFamily, twoClusters(), { k: 2, seed: 1 })
    expect(tagOf(Mixture.sample(normalFamily, fitted.params, 3, hostileProxy() as never))).toBe('InvalidOptions')
  })

  it('Source.fromDataset(null) and a throwing Proxy give Left(InvalidData)', () => {
    expect(tagOf(Source.fromDataset(null as never))).toBe('InvalidData')
    expect(tagOf(Source.fromDataset(hostileProxy() as never, 4))).toBe('InvalidData')
  })

  it('a stream declared with d = 10⁹ is a typed Left, not a RangeError from allocating its buffers', async () => {
    const huge = Source.fromBlocks(1e9, () => [])
    const r = E.isLeft(huge) ? huge : await Mixture.fitAsync(normalFamily, huge.right, { k: 1, maxIterations: 3 })
    expect(['InvalidOptions', 'InvalidData']).toContain(tagOf(r))
    expect(tagOf(Source.fromBlocks(2 ** 31, () => []))).toBe('InvalidOptions')
  })

  it('Rng.seeded refuses a seed that is not a finite number with EmException(InvalidOptions "seed")', () => {
    for (const seed of ['abc', Number.NaN, Infinity, 1n, null]) {
      expect(() => Rng.seeded(seed as number)).toThrow(EmException)
    }
    expect(Rng.seeded(42).uniform()).toBe(Rng.seeded(42).uniform())
  })
})

describe('fuzz findings: results that were not finite, and cases far over budget', () => {
  it('stepwise EM on data whose density underflows is Left(NonFinite) naming the mini-batch, never −∞ in the trace', async () => {
    const rows: number[][] = []
    for (let i = 0; i < 8; i++) rows.push(i % 2 === 0 ? [1e150, 1e150] : [5e-324, 5e-324])
    const source = Source.fromDataset(Dataset.fromRowsOrThrow(rows), 4)
    if (E.isLeft(source)) throw new Error(source.left.message)
    const r = await Stepwise.fit(normalFamily, source.right, { k: 1, batchSize: 2 })
    if (E.isRight(r)) for (const v of r.right.trace) expect(Number.isFinite(v)).toBe(true)
    else expect(['NonFinite', 'CollapsedComponent', 'InvalidData']).toContain(r.left._tag)
  })

  it('Dataset.fromMatrix({ rows: 1e9, columns: 0 }) is Left at once (it looped over 10⁹ empty rows for 13 s)', () => {
    let calls = 0
    const t0 = performance.now()
    const r = Dataset.fromMatrix({ rows: 1e9, columns: 0, get: () => (calls++, 1) })
    expect(tagOf(r)).toBe('InvalidData')
    expect(calls).toBe(0)
    expect(performance.now() - t0).toBeLessThan(1000)
  })

  it('Validate.show and Validate.thrown keep messages on one bounded line', () => {
    expect(Validate.show(`a\nb${'x'.repeat(100)}`)).not.toContain('\n')
    expect(Validate.show(`a\nb${'x'.repeat(100)}`).length).toBeLessThanOrEqual(60)
    const message = Validate.thrown(new Error(`Unexpected token 'x', "x,y\n1,2\n3" is not valid JSON${'!'.repeat(500)}`))
    expect(message).not.toContain('\n')
    expect(message.length).toBeLessThanOrEqual(201)
  })
})
