/**
 * The three faces of the EM loop — `fit` (synchronous), `fitAsync` and `iterate` — run one stepping
 * logic, so they must pass the same tests: the trace contract, tolerance 0 = exactly maxIterations,
 * the stopping rule, abort, restarts and decrease warnings. An asynchronous model (every hook a
 * promise) runs under the asynchronous faces with identical results.
 */
import { either as E } from 'fp-ts'
import { describe, expect, test } from 'vitest'
import type { Dataset } from './Dataset.js'
import { fromColumnOrThrow } from './Dataset.js'
import type { AsyncFitOptions, Fit, FitOptions, Step } from './Em.js'
import { fit, fitAsync, iterate } from './Em.js'
import type { EmError } from './Errors.js'
import * as Mixture from './Mixture.js'
import type { AsyncModel, Model } from './Model.js'
import type { Normal } from './test/normalFamily.js'
import { normalFamily } from './test/normalFamily.js'
import { right, start, twoClusters } from './test/helpers.js'

type P = Mixture.Params<Normal>
type M = Model<Dataset, P, Mixture.Responsibilities, Int32Array>

const data = fromColumnOrThrow(twoClusters(400, 5))
const model = Mixture.model(normalFamily, 2)

/** Every hook of `m` answered through a promise. */
const asAsync = (m: M): AsyncModel<Dataset, P, Mixture.Responsibilities> => ({
  name: m.name,
  observations: (d) => m.observations(d),
  validate: (d, p) => m.validate(d, p),
  posterior: async (d, p) => {
    await new Promise((r) => setTimeout(r, 0))
    return m.posterior(d, p)
  },
  maximize: async (d, q, c) => m.maximize(d, q, c),
  toVector: (p) => m.toVector(p),
})

interface Face {
  readonly name: string
  run(m: M, options: FitOptions<Dataset, P>): Promise<{ result: E.Either<EmError, Fit<P>>; steps: Step<P>[] }>
}
const faces: Face[] = [
  { name: 'fit', run: async (m, o) => ({ result: fit(m, data, o), steps: [] }) },
  { name: 'fitAsync', run: async (m, o) => ({ result: await fitAsync(asAsync(m), data, o as AsyncFitOptions<Dataset, P>), steps: [] }) },
  {
    name: 'iterate',
    run: async (m, o) => {
      const run = iterate(asAsync(m), data, o as AsyncFitOptions<Dataset, P>)
      const steps: Step<P>[] = []
      for await (const s of run) steps.push(s)
      return { result: await run.result, steps }
    },
  },
]

describe.each(faces)('$name', (face) => {
  const reference = right(fit(model, data, { init: start, tolerance: 0, maxIterations: 30 }))

  test('trace contract: iterations + 1 entries, tolerance 0 runs exactly maxIterations, the same trace as fit', async () => {
    const { result, steps } = await face.run(model, { init: start, tolerance: 0, maxIterations: 30 })
    const f = right(result)
    expect(f.iterations).toBe(30)
    expect(f.trace).toEqual(reference.trace)
    expect(f.stopReason).toBe('maxIterations')
    expect(f.logLikelihood).toBe(f.trace[30])
    if (face.name === 'iterate') {
      expect(steps.map((s) => s.iteration)).toEqual(Array.from({ length: 30 }, (_, t) => t + 1))
      steps.forEach((s) => {
        expect(s.logLikelihood).toBe(f.trace[s.iteration])
        expect(s.delta).toBe(f.trace[s.iteration]! - f.trace[s.iteration - 1]!)
        expect(s.milliseconds).toBeGreaterThanOrEqual(0)
        expect(s.params.components.length).toBe(2)
      })
      expect(steps[29]!.params).toBe(f.params)
    }
  })

  test('the stopping rule and maxIterations 0', async () => {
    const sync = right(fit(model, data, { init: start, tolerance: 1e-6 }))
    const f = right((await face.run(model, { init: start, tolerance: 1e-6 })).result)
    expect(f.converged).toBe(true)
    expect(f.stopReason).toBe('tolerance')
    expect(f.iterations).toBe(sync.iterations)
    const zero = right((await face.run(model, { init: start, maxIterations: 0 })).result)
    expect(zero.iterations).toBe(0)
    expect(zero.trace.length).toBe(1)
  })

  test('an AbortSignal stops after the current iteration with stopReason aborted', async () => {
    const controller = new AbortController()
    const { result } = await face.run(model, {
      init: start,
      tolerance: 0,
      maxIterations: 100,
      signal: controller.signal,
      onIteration: (p) => {
        if (p.iteration === 3) controller.abort()
      },
    })
    const f = right(result)
    expect(f.stopReason).toBe('aborted')
    expect(f.iterations).toBe(3)
    expect(f.trace.length).toBe(4)
  })

  test('restarts keep the best, and the same seed gives the synchronous fit bit for bit', async () => {
    const options = { init: Mixture.initializer(model, 'random'), restarts: 4, seed: 9, maxIterations: 100 }
    const sync = right(fit(model, data, options))
    const f = right((await face.run(model, options)).result)
    expect(f.restart).toBe(sync.restart)
    expect(f.trace).toEqual(sync.trace)
    expect(f.params).toEqual(sync.params)
    expect(f.warnings).toEqual(sync.warnings)
  })

  test('a decrease is a warning with iteration and size, never convergence', async () => {
    const broken: M = {
      ...model,
      maximize: (d, q, ctx) => {
        const r = model.maximize(d, q, ctx)
        if (E.isLeft(r) || ctx.iteration !== 6) return r
        return E.right({ ...r.right, components: r.right.components.map((c) => ({ ...c, variance: c.variance * 3 })) })
      },
    }
    const { result, steps } = await face.run(broken, { init: start, tolerance: 1e-8, maxIterations: 200 })
    const f = right(result)
    const w = f.warnings.find((x) => x.kind === 'logLikelihoodDecreased')
    expect(w?.iteration).toBe(6)
    expect(w?.size).toBe(f.trace[5]! - f.trace[6]!)
    expect(f.iterations).toBeGreaterThan(6)
    if (face.name === 'iterate') expect(steps[5]!.warnings.map((x) => x.kind)).toEqual(['logLikelihoodDecreased'])
  })

  test('invalid options and a failing M-step are typed Lefts', async () => {
    expect((await face.run(model, { init: start, maxIterations: -1 })).result).toMatchObject({
      left: { _tag: 'InvalidOptions', option: 'maxIterations' },
    })
    const failing: M = {
      ...model,
      maximize: (d, q, ctx) =>
        ctx.iteration === 2 ? E.left({ _tag: 'NonFinite', iteration: 2, message: 'no' }) : model.maximize(d, q, ctx),
    }
    expect((await face.run(failing, { init: start, tolerance: 0, maxIterations: 5 })).result).toMatchObject({
      left: { _tag: 'NonFinite', iteration: 2 },
    })
  })
})

describe('iterate', () => {
  test('leaving the loop early stops the fit: result holds it with stopReason aborted', async () => {
    const run = iterate(model, data, { init: start, tolerance: 0, maxIterations: 50 })
    let seen = 0
    for await (const step of run) {
      seen = step.iteration
      if (step.iteration === 4) break
    }
    const f = right(await run.result)
    expect(seen).toBe(4)
    expect(f.stopReason).toBe('aborted')
    expect(f.iterations).toBe(4)
    expect(f.trace.length).toBe(5)
  })

  test('awaiting result alone runs the fit to its end', async () => {
    const f = right(await iterate(model, data, { init: start, maxIterations: 7, tolerance: 0 }).result)
    expect(f.iterations).toBe(7)
  })

  test('a sequence can be consumed only once', async () => {
    const run = iterate(model, data, { init: start, maxIterations: 2, tolerance: 0 })
    for await (const _ of run) void _
    expect(() => run[Symbol.asyncIterator]()).toThrow(/only once/)
  })
})
