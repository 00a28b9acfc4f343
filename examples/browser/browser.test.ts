/**
 * emkit in a real browser: the scenarios (the README's example, a 4-component fit with restarts,
 * predictProba, the JSON round trip, the testkit's laws) bundled with esbuild for the browser and
 * run in headless Chromium, served from 127.0.0.1 with and without cross-origin isolation, and
 * compared number by number with the same scenarios run here in Node. In the isolated page a fit in
 * a Web Worker runs on four Web Workers and equals the one-thread fit; without isolation it runs
 * on one thread and says why. Skipped, with a message, where no Chromium is installed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundle, nodeLeftovers } from './build.js'
import { CHROMIUM, withBrowser } from './chromium.js'
import type { Outcome, ThreadsOutcome } from './scenarios.js'
import { incompleteFit, run, threadsData, threadsFit } from './scenarios.js'
import { serve } from './server.js'

const here = dirname(fileURLToPath(import.meta.url))
const site = mkdtempSync(join(tmpdir(), 'emkit-browser-test-'))

if (CHROMIUM === undefined)
  console.warn("browser.test: skipped — no Chromium at /usr/bin/chromium (install Debian's `chromium`; .ci/run does)")

/** |a − b| ≤ atol + rtol·max(|a|, |b|), elementwise, with the first offending index in the message. */
const expectClose = (what: string, a: readonly number[], b: readonly number[], rtol: number, atol = 0): void => {
  expect(a.length, `${what}: length`).toBe(b.length)
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!
    const y = b[i]!
    const ok = x === y || Math.abs(x - y) <= atol + rtol * Math.max(Math.abs(x), Math.abs(y))
    expect(ok, `${what}[${i}]: ${x} vs ${y}`).toBe(true)
  }
}

interface PageResults {
  readonly error?: string
  readonly isolated: boolean
  readonly platform: string
  readonly outcome: Outcome
  readonly mainThread: ThreadsOutcome
  readonly worker: {
    readonly error?: string
    readonly started: number
    readonly unavailable: string | null
    readonly tooMany: string
    readonly auto: number
    readonly cores: number
    readonly one: ThreadsOutcome
    readonly many: ThreadsOutcome
    readonly incompleteOne: ThreadsOutcome
    readonly incompleteMany: ThreadsOutcome
  }
}

beforeAll(async () => {
  const r = await bundle({
    entries: { page: join(here, 'page.ts'), 'fit-worker': join(here, 'fit-worker.ts'), 'pool-worker': join(here, 'pool-worker.ts') },
    outdir: site,
  })
  const outputs = new Map(Object.keys(r.metafile.outputs).map((f) => [f, readFileSync(f, 'utf8')]))
  expect(nodeLeftovers(r.metafile, outputs)).toEqual([])
  writeFileSync(
    join(site, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>emkit browser test</title><link rel="icon" href="data:,"><script type="module" src="page.js"></script>\n',
  )
})
afterAll(() => rmSync(site, { recursive: true, force: true }))

describe.skipIf(CHROMIUM === undefined)('emkit in headless Chromium', () => {
  // The same scenarios in Node, once.
  const node = run()
  const data = threadsData()
  const nodeOne = threadsFit(data, 1)
  const nodeMany = threadsFit(data, 4)
  const nodeIncomplete = incompleteFit(4)

  it('Node runs the threads scenario on four worker threads, equal to one thread to 1e-12', () => {
    expect(nodeMany.threads).toBe(4)
    expectClose('Node: 4 threads vs 1', nodeMany.trace, nodeOne.trace, 1e-12)
  })

  it.each([true, false])('cross-origin isolated: %s', async (isolated) => {
    const server = await serve(site, { isolated })
    try {
      const results = await withBrowser(async (open) => {
        const { page, errors } = await open(server.url)
        await page.waitForFunction(() => (globalThis as { emkitResults?: unknown }).emkitResults !== undefined, undefined, {
          timeout: 90_000,
        })
        const r = (await page.evaluate(() => (globalThis as { emkitResults?: unknown }).emkitResults)) as PageResults
        expect(errors).toEqual([])
        return r
      })
      expect(results.error).toBeUndefined()
      expect(results.isolated).toBe(isolated)
      expect(results.platform).toBe('web')

      // The scenarios: the browser's numbers are Node's.
      const b = results.outcome
      expectClose('README trace', b.readme.trace, node.readme.trace, 1e-12)
      expectClose(
        'README log-likelihood and BIC',
        [b.readme.logLikelihood, b.readme.bic],
        [node.readme.logLikelihood, node.readme.bic],
        1e-12,
      )
      expectClose('k = 4 trace', b.four.trace, node.four.trace, 1e-12)
      expectClose('k = 4 weights', b.four.weights, node.four.weights, 1e-12)
      expect(b.four.iterations).toBe(node.four.iterations)
      expect(b.proba).toHaveLength(272 * 4)
      expectClose('predictProba', b.proba, node.proba, 1e-12, 1e-15)
      expect(b.format).toBe('emkit.mixture/v1')
      // The WebAssembly kernel is bundled (base64 in @emkit/gaussian) and runs in Chromium as in Node.
      expect(b.kernel).toBe('wasm')
      expect(node.kernel).toBe('wasm')
      expect(b.roundTripDifference).toBeLessThanOrEqual(1e-15)
      expect(b.laws.failed).toEqual([])
      expect(b.laws.ok).toBe(true)
      expect(b.laws.laws.length).toBeGreaterThanOrEqual(7)
      expect(b.laws.runs).toBe(node.laws.runs)

      // A page's main thread may not block: one thread, and the fit says why.
      expect(results.mainThread.threads).toBe(1)
      expect(results.mainThread.warnings).toHaveLength(1)
      expect(results.mainThread.warnings[0]!.kind).toBe('threadsUnavailable')
      expect(results.mainThread.warnings[0]!.message).toMatch(isolated ? /may not block in Atomics\.wait/ : /not cross-origin isolated/)
      expectClose('main thread trace vs Node', results.mainThread.trace, nodeOne.trace, 1e-12)

      // In a Web Worker: four Web Workers where the page is isolated, one thread (with the reason) where not.
      const w = results.worker
      expect(w.error).toBeUndefined()
      expect(w.one.threads).toBe(1)
      expect(w.one.warnings).toEqual([])
      expectClose('worker, 1 thread, vs Node', w.one.trace, nodeOne.trace, 1e-12)
      // Missing cells and partly known labels: the mask and the labels reach the Web Workers.
      expectClose('missing cells and labels: worker, 1 thread, vs Node, 4 threads', w.incompleteOne.trace, nodeIncomplete.trace, 1e-12)
      expectClose('missing cells and labels: worker, 4 threads, vs 1', w.incompleteMany.trace, w.incompleteOne.trace, 1e-12)
      expect(w.incompleteMany.threads).toBe(isolated ? 4 : 1)
      if (isolated) {
        expect(w.started).toBe(3)
        expect(w.unavailable).toBeNull()
        expect(w.many).toMatchObject({ engine: 'threads', threads: 4, warnings: [] })
        expectClose('4 Web Workers vs 1 thread', w.many.trace, w.one.trace, 1e-12)
        expectClose('4 Web Workers vs Node, 4 threads', w.many.trace, nodeMany.trace, 1e-12)
        expect(w.auto).toBe(Math.min(w.cores, 4))
        // More threads than started workers (and the calling thread) is a typed engine failure.
        expect(w.tooMany).toMatch(/^EngineFailure: .*only 3 Web Workers are started/)
      } else {
        expect(w.started).toBe(0)
        expect(w.unavailable).toMatch(/not cross-origin isolated/)
        expect(w.many).toMatchObject({ engine: 'memory', threads: 1 })
        expect(w.many.warnings).toEqual([{ kind: 'threadsUnavailable', message: `running on 1 thread instead of 4: ${w.unavailable}` }])
        expectClose('fallback vs 1 thread', w.many.trace, w.one.trace, 0)
        expect(w.tooMany).toBe('fitted on 1 thread')
        expect(w.auto).toBe(1)
      }
    } finally {
      await server.close()
    }
  })
})
