/**
 * The threads engine where the runtime cannot run it: one thread, the same fit, and a warning
 * saying why. The browser's side runs in headless Chromium (examples/browser); here the platform
 * is Node's, with its answer replaced.
 */
import { either as E } from 'fp-ts'
import { describe, expect, it, vi } from 'vitest'
import { Dataset, Engine, Mixture, Workers } from './index.js'
import { platform as web } from './internal/platform.web.js'
import { platform as node } from './internal/platform.node.js'
import { right, start, twoClusters } from './test/helpers.js'
import { normalFamily } from './test/normalFamily.js'

describe('Workers in Node', () => {
  it('the package resolves the Node platform, which can run threads', async () => {
    expect(Workers.platform).toBe('node')
    expect(Workers.unavailable()).toBeUndefined()
    expect(() => Workers.serve({})).toThrow(/Web Workers/)
    // Node's worker threads need no start.
    await expect(Workers.start('file:///pool-worker.js', 2)).resolves.toBe(0)
    expect(() => Workers.start('file:///pool-worker.js', 0)).toThrow(RangeError)
    Workers.stop()
  })

  it('the web platform says what is missing, in Node: Web Workers', async () => {
    expect(web.name).toBe('web')
    expect(web.threadsUnavailable()).toMatch(/no Web Workers/)
    expect(web.cores()).toBeGreaterThanOrEqual(1)
    expect(() => web.serve({})).toThrow(/inside a Web Worker/)
    await expect(web.start('file:///pool-worker.js', 2)).resolves.toBe(0)
    // With no Web Worker started, the calling thread is all a fit can have.
    expect(web.threadLimit()).toBe(1)
    expect(node.threadLimit()).toBe(Number.POSITIVE_INFINITY)
  })
})

describe('a fit asking for threads where none can run', () => {
  const data = right(Dataset.fromColumn(twoClusters(500, 3)))
  // A recipe, so that the family could run on threads; it is never loaded here.
  const family = { ...normalFamily, worker: { module: 'file:///nowhere.js', factory: 'family' } }

  it('runs on one thread, equals the one-thread fit, and says why in its warnings', () => {
    const why = 'SharedArrayBuffer is unavailable because the page is not cross-origin isolated'
    const spy = vi.spyOn(node, 'threadsUnavailable').mockReturnValue(why)
    try {
      const engine = right(Engine.threads(family, data, 3))
      expect(engine.kind).toBe('memory')
      expect(engine.fallback).toBe(`running on 1 thread instead of 3: ${why}`)
      const one = right(Mixture.fit(family, data, { k: 2, init: start, workers: 1, tolerance: 0, maxIterations: 20 }))
      const asked = right(Mixture.fit(family, data, { k: 2, init: start, workers: 3, tolerance: 0, maxIterations: 20 }))
      expect(asked.threads).toBe(1)
      expect(asked.trace).toEqual(one.trace)
      expect(one.warnings).toEqual([])
      expect(asked.warnings).toEqual([{ kind: 'threadsUnavailable', iteration: 0, message: `running on 1 thread instead of 3: ${why}` }])
      // 'auto' never asks for threads that cannot run.
      expect(right(Engine.resolveWorkers(family, 1e7, 10, 8, 'auto'))).toBe(1)
    } finally {
      spy.mockRestore()
    }
    expect(E.isRight(Engine.threads(family, data, 1))).toBe(true)
  })
})
