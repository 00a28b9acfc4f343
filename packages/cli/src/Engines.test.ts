import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import { parseWorkers, planEngine, STREAM_THRESHOLD_ENV, streamThreshold } from './Engines.js'

describe('parseWorkers', () => {
  it('reads auto and integers ≥ 1', () => {
    expect(parseWorkers('auto')).toBe('auto')
    expect(parseWorkers('1')).toBe(1)
    expect(parseWorkers(' 8 ')).toBe(8)
  })
  it.each(['0', '-1', '1.5', 'x', '', '1e3', 'Auto'])('refuses %j naming the flag', (s) => {
    expect(() => parseWorkers(s)).toThrow('--workers must be an integer ≥ 1 or auto.')
  })
})

describe('streamThreshold', () => {
  it('is 1/32 of the heap limit, at most 512 MiB, unless the environment says otherwise', () => {
    const t = streamThreshold({})
    expect(E.isRight(t) && t.right > 0 && t.right <= 512 * 2 ** 20).toBe(true)
    expect(streamThreshold({ [STREAM_THRESHOLD_ENV]: '1000' })).toEqual(E.right(1000))
    expect(streamThreshold({ [STREAM_THRESHOLD_ENV]: '0' })).toEqual(E.right(0))
  })
  it('refuses a threshold that is not a whole number of bytes (usage error)', () => {
    const t = streamThreshold({ [STREAM_THRESHOLD_ENV]: '1.5GB' })
    expect(E.isLeft(t) && t.left.exitCode === 2 && t.left.message).toBe(
      'EMKIT_STREAM_THRESHOLD must be a whole number of bytes, got "1.5GB"',
    )
  })
})

describe('planEngine', () => {
  const env = { [STREAM_THRESHOLD_ENV]: '100' }
  const size = (bytes: number | undefined) => () => bytes
  it('follows --engine whatever the size', () => {
    expect(planEngine({ engine: 'memory' }, 'big.csv', env, size(1e12))).toEqual(E.right({ engine: 'memory', workers: 'auto' }))
    expect(planEngine({ engine: 'stream' }, 'small.csv', env, size(1))).toEqual(E.right({ engine: 'stream', reason: { by: 'flag' } }))
  })
  it('streams a file larger than the threshold, and nothing else, without --engine', () => {
    expect(planEngine({}, 'big.csv', env, size(101))).toEqual(
      E.right({ engine: 'stream', reason: { by: 'size', bytes: 101, threshold: 100 } }),
    )
    expect(planEngine({ workers: 3 }, 'small.csv', env, size(100))).toEqual(E.right({ engine: 'memory', workers: 3 }))
    expect(planEngine({}, undefined, env, size(1e12))).toEqual(E.right({ engine: 'memory', workers: 'auto' }))
    // A file that cannot be read is left to the reader, which says why.
    expect(planEngine({}, 'nope.csv', env, size(undefined))).toEqual(E.right({ engine: 'memory', workers: 'auto' }))
  })
  it('refuses several workers for the stream engine (usage error), and takes one', () => {
    const flag = planEngine({ engine: 'stream', workers: 4 }, 'a.csv', env, size(1))
    expect(E.isLeft(flag) && flag.left.exitCode === 2 && flag.left.message).toBe(
      '--workers 4: the stream engine reads on one thread, with --engine stream; use --engine memory to fit in memory on 4 threads',
    )
    const bySize = planEngine({ workers: 2 }, 'big.csv', env, size(2 ** 21))
    expect(E.isLeft(bySize) && bySize.left.message).toMatch(
      /^--workers 2: the stream engine reads on one thread, and big\.csv \(2\.0 MiB\) is larger than the stream threshold \(100 bytes\), so it streams; use --engine memory/,
    )
    expect(E.isRight(planEngine({ engine: 'stream', workers: 1 }, 'a.csv', env, size(1)))).toBe(true)
  })
})
