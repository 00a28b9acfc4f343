/**
 * A component that collapses during initialisation follows the collapse policy, with its warning
 * at iteration 0, like a collapse at any later iteration (issue 10's fault, fixed as a kind: the
 * initialiser runs the same M-step with the same policy and reports to the same warnings).
 */
import { either as E } from 'fp-ts'
import { describe, expect, test } from 'vitest'
import { Dataset, Mixture, Rng } from '@emkit/core'
import * as Gaussian from './index.js'

// 100 N(0, 1) draws plus 10 copies of 10.0: k-means++ puts the copies in a cluster of their own,
// whose covariance is exactly 0 with regularisation 0.
const rng = Rng.seeded(0)
const data = Dataset.fromColumnOrThrow([...Array.from({ length: 100 }, () => rng.normal()), ...Array.from({ length: 10 }, () => 10)])
const family = Gaussian.family({ regularization: 0 })

describe('collapse during initialisation', () => {
  test("'drop' gives k − 1 components and a componentDropped warning at iteration 0", () => {
    const f = Mixture.fit(family, data, { k: 2, seed: 0, collapse: 'drop' })
    if (E.isLeft(f)) throw new Error(f.left.message)
    expect(f.right.params.components.length).toBe(1)
    expect(f.right.warnings.filter((w) => w.kind === 'componentDropped').map((w) => w.iteration)).toEqual([0])
    expect(f.right.trace.every(Number.isFinite)).toBe(true)
  })

  test("'reseed' records componentReseeded at iteration 0", () => {
    const f = Mixture.fit(family, data, { k: 2, seed: 0, collapse: 'reseed' })
    if (E.isLeft(f)) throw new Error(f.left.message)
    expect(f.right.warnings.some((w) => w.kind === 'componentReseeded' && w.iteration === 0)).toBe(true)
  })

  test("'error' is a CollapsedComponent at iteration 0", () => {
    expect(Mixture.fit(family, data, { k: 2, seed: 0, collapse: 'error' })).toMatchObject({
      left: { _tag: 'CollapsedComponent', iteration: 0 },
    })
  })

  test('the same holds through the asynchronous face and the stream engine', async () => {
    const f = await Mixture.fitAsync(family, data, { k: 2, seed: 0, collapse: 'drop', engine: 'stream', blockRows: 16 })
    if (E.isLeft(f)) throw new Error(f.left.message)
    expect(f.right.params.components.length).toBe(1)
    expect(f.right.warnings.filter((w) => w.kind === 'componentDropped').map((w) => w.iteration)).toEqual([0])
  })
})
