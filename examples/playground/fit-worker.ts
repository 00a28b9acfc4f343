/**
 * The playground's EM, in a Web Worker so that the page stays responsive: a fit runs through the
 * iteration API (`Em.iterate` over `Mixture.model`), posting every step as it comes (the page draws
 * the trace live); a BIC selection fits k = 1…K with `Mixture.fit`. The pictures are the command
 * line's own Vega-Lite specifications (`@emkit/cli/plots`).
 */
import type { Dataset as DatasetNs, Mixture as MixtureNs } from '@emkit/core'
import { Dataset, Datasets, Em, Mixture } from '@emkit/core'
import * as Plots from '@emkit/cli/plots'
import * as Exponential from '@emkit/exponential'
import * as Gaussian from '@emkit/gaussian'
import { either as E } from 'fp-ts'
import type { FitRequest, WorkerMessage } from './protocol.js'

interface WorkerScope {
  addEventListener(type: 'message', listener: (event: { data: FitRequest }) => void): void
  postMessage(message: WorkerMessage): void
}
const scope = globalThis as unknown as WorkerScope
type Family = Plots.ModelPlotInput['family']

const orFail = <A>(r: E.Either<{ readonly message: string }, A>): A => {
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
}

/** Lets the worker's messages leave (they go when it returns to its event loop), at most every 30 ms. */
let lastYield = 0
const breathe = async (): Promise<void> => {
  if (performance.now() - lastYield < 30) return
  await new Promise((resolve) => setTimeout(resolve, 0))
  lastYield = performance.now()
}

const familyOf = (request: FitRequest): Family =>
  (request.family === 'gaussian' ? Gaussian.family({ covariance: request.covariance }) : Exponential.family()) as unknown as Family

const dataOf = (request: FitRequest): { data: DatasetNs.Dataset; columns: readonly string[]; name: string } =>
  request.data === 'faithful'
    ? { data: Datasets.faithful, columns: ['eruptions', 'waiting'], name: 'Old Faithful' }
    : { data: orFail(Dataset.fromFlat(request.data.values, request.data.columns.length)), columns: request.data.columns, name: 'your data' }

/** One k through the iteration API, every step posted. */
const fitLive = async (family: Family, data: DatasetNs.Dataset, request: FitRequest): Promise<MixtureNs.MixtureFit<unknown>> => {
  const model = Mixture.model(family, request.k)
  const run = Em.iterate(model, data, {
    init: Mixture.initializer(model),
    restarts: request.restarts,
    seed: request.seed,
    maxIterations: 500,
  })
  for await (const step of run) {
    scope.postMessage({
      kind: 'step',
      restart: step.restart,
      iteration: step.iteration,
      logLikelihood: step.logLikelihood,
      delta: step.delta,
    })
    await breathe()
  }
  const fit = orFail(await run.result)
  const c = orFail(Mixture.criteria(family, data, fit.params))
  return { ...fit, ...c, engine: 'memory', threads: 1 }
}

const handle = async (request: FitRequest): Promise<WorkerMessage> => {
  const family = familyOf(request)
  const { data, columns, name } = dataOf(request)
  const label = request.family === 'gaussian' ? `gaussian/${request.covariance}` : request.family
  let fitted: MixtureNs.MixtureFit<unknown>
  let selectSpec: Plots.VlSpec | undefined
  if (request.mode === 'fit') fitted = await fitLive(family, data, request)
  else {
    const points: Plots.SelectPoint[] = []
    let best: MixtureNs.MixtureFit<unknown> | undefined
    for (let k = 1; k <= request.k; k++) {
      const r = Mixture.fit(family, data, { k, restarts: request.restarts, seed: request.seed, maxIterations: 500 })
      if (E.isLeft(r)) continue
      points.push({ structure: label, k, value: r.right.bic, best: false })
      scope.postMessage({ kind: 'candidate', k, bic: r.right.bic })
      await breathe()
      if (best === undefined || r.right.bic < best.bic) best = r.right
    }
    if (best === undefined) throw new Error('no k could be fitted')
    const k = best.params.components.length
    selectSpec = Plots.selectSpec(
      points.map((p) => ({ ...p, best: p.k === k })),
      'bic',
    )
    fitted = best
  }
  const k = fitted.params.components.length
  const title = `${label}, k = ${k}`
  const input: Plots.ModelPlotInput = { family, params: fitted.params, data, columns, trace: fitted.trace, title }
  return {
    kind: 'done',
    title,
    summary: `${name}: ${data.n} rows × ${data.d} columns; ${title}; log-likelihood ${fitted.logLikelihood.toFixed(3)}, BIC ${fitted.bic.toFixed(2)}, ${fitted.iterations} iterations, ${fitted.converged ? 'converged' : `stopped (${fitted.stopReason})`}`,
    warnings: fitted.warnings.map((w) => w.message),
    model: Mixture.toJSON(family, fitted.params, fitted),
    trace: [...fitted.trace],
    dataSpec: Plots.dataSpec(input),
    traceSpec: Plots.traceSpec(fitted.trace),
    ...(selectSpec === undefined ? {} : { selectSpec }),
  }
}

scope.addEventListener('message', (event) => {
  lastYield = performance.now()
  handle(event.data).then(
    (message) => scope.postMessage(message),
    (e: unknown) => scope.postMessage({ kind: 'error', message: e instanceof Error ? e.message : String(e) }),
  )
})
