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
 * - a worker script has been named with {@link script}: a module, bundled like the rest of your
 *   code, that imports the families it needs and calls {@link serve}.
 *
 * The result equals the one-thread fit up to summation order (the engine law checks 1e-12).
 * See docs/browser.md for a complete setup with esbuild.
 *
 * @packageDocumentation
 */
import { platform as runtime } from '#platform'
import type { ComponentFamily } from './Family.js'

/**
 * Names the module script that Web Workers of the threads engine run (a URL, resolved as
 * `new Worker(url, { type: 'module' })` resolves it); `undefined` forgets it. Call it once, in the
 * thread that fits, before fitting with `workers` > 1. Ignored in Node.
 *
 * @example
 * ```ts
 * import { Workers } from '@emkit/core'
 * // In the Web Worker that runs your fits (bundled, with pool-worker.js built from the next example):
 * Workers.script(new URL('./pool-worker.js', import.meta.url))
 * const r = Mixture.fit(Gaussian.family(), data, { k: 3, workers: 4 })
 * ```
 * @category Engines
 * @since 0.2.0
 */
export const script = (url: string | URL | undefined): void => runtime.setScript(url)

/**
 * Makes the current Web Worker one of the threads engine's workers, able to rebuild the given
 * families: the whole body of the script named with {@link script}. Keys are family names
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
 * or the worker script), or `undefined` when it can.
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
