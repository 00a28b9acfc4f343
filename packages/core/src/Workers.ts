/**
 * Threads outside Node: how the `threads` engine runs on Web Workers in browsers (and other
 * runtimes that have them). Node needs none of this — its worker threads rebuild a family from the
 * family's worker recipe by themselves.
 *
 * In a browser, a fit runs on several threads when all of these hold; otherwise it runs on one
 * thread and its `warnings` hold a `threadsUnavailable` entry saying which one failed:
 * - the page is cross-origin isolated (served with `Cross-Origin-Opener-Policy: same-origin` and
 *   `Cross-Origin-Embedder-Policy: require-corp`), so `SharedArrayBuffer` exists;
 * - the fit runs inside a Web Worker (a page's main thread may not block in `Atomics.wait`, which the
 *   synchronous engine does while the other threads work) — which also keeps the page responsive;
 * - Web Workers have been started with {@link start}, on a module script, bundled like the rest
 *   of your code, that imports the families it needs and calls {@link serve}.
 *
 * The result equals the one-thread fit up to summation order (the engine law checks 1e-12).
 * See docs/browser.md for a complete setup with esbuild.
 *
 * @packageDocumentation
 */
import { platform as runtime } from '#platform'
import type { ComponentFamily } from './Family.js'

/**
 * Starts Web Workers for the threads engine of this thread and keeps them for every fit it runs
 * afterwards, until {@link stop}: `count` workers (default: the logical cores less one, the calling
 * thread being one of the fit's threads) on the module script at `url` (resolved as
 * `new Worker(url, { type: 'module' })` resolves it), a module that imports the families it needs
 * and calls {@link serve}. Call it in the Web Worker that fits, and await it before fitting: a
 * browser starts a worker only when its parent returns to the event loop, which a thread in a
 * synchronous fit does not. A fit with `workers: t` then uses t − 1 of them; asking for more than
 * are started is an `EngineFailure` naming how many are.
 *
 * @returns a promise of the number of workers kept (0 where threads cannot run: not cross-origin
 *   isolated, no Web Workers; always 0 in Node, whose worker threads need no start). Rejects when
 *   the script does not load within 30 s or fails to.
 * @throws RangeError (synchronously) for a `count` that is not an integer ≥ 1.
 * @example
 * ```ts
 * import { Workers } from '@emkit/core'
 * // In the Web Worker that runs your fits (pool-worker.js is built from the example of Workers.serve):
 * await Workers.start(new URL('./pool-worker.js', import.meta.url), 3)
 * const r = Mixture.fit(Gaussian.family(), data, { k: 3, workers: 4 })
 * ```
 * @category Engines
 * @since 0.2.0
 */
export const start = (url: string | URL, count: number = Math.max(1, runtime.cores() - 1)): Promise<number> => {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be an integer ≥ 1, got ${String(count)}`)
  return runtime.start(url, count)
}

/**
 * Stops the Web Workers {@link start} kept (the threads engine of this thread then runs on one
 * thread). Does nothing in Node.
 *
 * @example
 * ```ts
 * import { Workers } from '@emkit/core'
 * Workers.stop()
 * ```
 * @category Engines
 * @since 0.2.0
 */
export const stop = (): void => runtime.stop()

/**
 * Makes the current Web Worker one of the threads engine's workers, able to rebuild the given
 * families: the whole body of the script given to {@link start}. Keys are family names
 * (`ComponentFamily.name`: `'gaussian'`, `'exponential'`, `'multinomial'`, or your family's),
 * values the factories that build a family from its worker recipe's options (the functions named by
 * its `worker.factory`). A fit whose family is not listed fails with `EngineFailure` naming it.
 *
 * @throws Error outside a Web Worker, and in Node (whose worker threads need no script).
 * @example
 * ```ts
 * // pool-worker.ts, bundled on its own (esbuild pool-worker.ts --bundle --format=esm)
 * import { Workers } from '@emkit/core'
 * Workers.serve({ gaussian: Gaussian.family, exponential: Exponential.family })
 * ```
 * @category Engines
 * @since 0.2.0
 */
export const serve = (factories: Readonly<Record<string, (options: never) => Pick<ComponentFamily<unknown, unknown>, 'name'>>>): void =>
  runtime.serve(factories)

/**
 * Why the threads engine cannot run more than one thread here (one sentence naming what is
 * missing: worker threads, `SharedArrayBuffer` and cross-origin isolation, a thread that may block,
 * or started Web Workers), or `undefined` when it can.
 *
 * @example
 * ```ts
 * import { Workers } from '@emkit/core'
 * const why = Workers.unavailable()
 * if (why !== undefined) console.warn(`fitting on one thread: ${why}`)
 * ```
 * @category Engines
 * @since 0.2.0
 */
export const unavailable = (): string | undefined => runtime.threadsUnavailable()

/**
 * The platform the threads engine was built for, chosen when the package is resolved (the `node`
 * condition of its `imports` map gives `'node'`, `browser` and `default` give `'web'`).
 *
 * @example
 * ```ts
 * import { Workers } from '@emkit/core'
 * console.log(Workers.platform) // 'node' in Node, 'web' in a browser bundle
 * ```
 * @category Engines
 * @since 0.2.0
 */
export const platform: 'node' | 'web' = runtime.name
