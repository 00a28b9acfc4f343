/**
 * The browser test's page: runs the scenarios on the page's main thread, a threads fit on the main
 * thread (which cannot block, so it must fall back to one thread with a warning), and the threads
 * scenario inside a Web Worker; leaves everything on `window.emkitResults` for the test to read.
 */
import { Workers } from '@emkit/core'
import { run, threadsData, threadsFit } from './scenarios.js'

interface Page {
  emkitResults?: unknown
  crossOriginIsolated?: boolean
  Worker: new (
    url: URL,
    options: { type: 'module' },
  ) => {
    postMessage(m: unknown): void
    addEventListener(type: 'message' | 'error', listener: (e: { data?: unknown; message?: string }) => void): void
  }
}
const page = globalThis as unknown as Page

const inWorker = (): Promise<unknown> =>
  new Promise((resolve) => {
    const worker = new page.Worker(new URL('./fit-worker.js', import.meta.url), { type: 'module' })
    worker.addEventListener('message', (e) => resolve(e.data))
    worker.addEventListener('error', (e) => resolve({ error: `the fit worker failed: ${e.message ?? 'unknown error'}` }))
    worker.postMessage('fit')
  })

const main = async (): Promise<unknown> => {
  const started = performance.now()
  const outcome = run()
  const mainThread = threadsFit(threadsData(), 4)
  const worker = await inWorker()
  return {
    isolated: page.crossOriginIsolated === true,
    platform: Workers.platform,
    outcome,
    mainThread,
    worker,
    milliseconds: performance.now() - started,
  }
}

main().then(
  (results) => (page.emkitResults = results),
  (e: unknown) => (page.emkitResults = { error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) }),
)
