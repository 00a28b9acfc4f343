/**
 * A Web Worker that fits: the threads engine needs a thread that may block while its workers run,
 * which a page's main thread is not. It starts three Web Workers on the pool's worker script, runs
 * the threads scenario on one thread and on four, and posts both back.
 */
import { Engine, Mixture, Workers } from '@emkit/core'
import * as Gaussian from '@emkit/gaussian'
import { either as E } from 'fp-ts'
import { incompleteFit, threadsData, threadsFit } from './scenarios.js'

interface WorkerScope {
  addEventListener(type: 'message', listener: () => void): void
  postMessage(message: unknown): void
}
const scope = globalThis as unknown as WorkerScope

scope.addEventListener('message', () => {
  // Three Web Workers, started before the fit: a thread blocked in a fit cannot start workers.
  Workers.start(new URL('./pool-worker.js', import.meta.url), 3)
    .then((started) => {
      const data = threadsData()
      const tooMany = Mixture.fit(Gaussian.family(), data, { k: 3, workers: 6, maxIterations: 2 })
      // workers: 'auto' on work big enough for every core: the cores, at most the started workers and this thread.
      const auto = Engine.resolveWorkers(Gaussian.family(), 1e7, 10, 8, 'auto')
      scope.postMessage({
        started,
        unavailable: Workers.unavailable() ?? null,
        one: threadsFit(data, 1),
        many: threadsFit(data, 4),
        incompleteOne: incompleteFit(1),
        incompleteMany: incompleteFit(4),
        auto: E.isRight(auto) ? auto.right : auto.left.message,
        cores: (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1,
        tooMany: E.isLeft(tooMany) ? `${tooMany.left._tag}: ${tooMany.left.message}` : `fitted on ${tooMany.right.threads} thread`,
      })
    })
    .catch((e: unknown) => scope.postMessage({ error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) }))
})
