/**
 * The threads engine's platform in browsers and every runtime that is not Node (the `browser` and
 * `default` conditions of `#platform`): Web Workers over `SharedArrayBuffer`.
 *
 * Threads run where three things hold, each checked, with the reason given when one does not:
 * `SharedArrayBuffer` exists (in a browser, the page is cross-origin isolated: served with
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`), the
 * calling thread may block in `Atomics.wait` (a Web Worker may; a page's main thread may not), and
 * a worker script was named with `Workers.script` (a module that imports the families it needs and
 * calls `Workers.serve`). Otherwise the engine runs on one thread and the fit says why.
 *
 * A blocked thread cannot receive messages, so workers write each reply into a growable shared
 * buffer of their own (`codec.ts`: plain data, bit-exact) before signalling; requests still go by
 * message, which workers, never blocked, receive as usual.
 *
 * @internal
 */
import type { ComponentFamily } from '../Family.js'
import { blockServer } from './block.js'
import { decode, encode } from './codec.js'
import type { BlockInit, BlockWorker, PassRequest, Platform, WorkerReply } from './platform.js'

/** How long a worker may take to load its script and report ready (ms). */
const START_TIMEOUT_MS = 30_000
/** A reply buffer starts at this size and grows up to the maximum (bytes). */
const REPLY_BYTES = 1 << 16
const REPLY_MAX_BYTES = 1 << 30
/** Where shared buffers cannot grow, replies get a fixed buffer of this size (bytes). */
const REPLY_FIXED_BYTES = 1 << 26

/** The first message a worker receives: its block, and the buffer its replies go to. */
interface Start {
  readonly emkit: BlockInit
  readonly reply: SharedArrayBuffer
}

/** The browser globals this module uses, as optional properties (they may be missing). */
interface WebGlobals {
  readonly crossOriginIsolated?: boolean
  readonly navigator?: { readonly hardwareConcurrency?: number }
  readonly Worker?: new (url: string | URL, options?: { type?: 'module' | 'classic'; name?: string }) => WebWorker
  readonly SharedArrayBuffer?: unknown
  addEventListener?: (type: 'message', listener: (event: { data: unknown }) => void) => void
  postMessage?: (message: unknown) => void
}
interface WebWorker {
  postMessage(message: unknown): void
  terminate(): void
}

const web = globalThis as unknown as WebGlobals
let script: string | undefined

/** Whether this thread may block in `Atomics.wait` (browsers forbid it on a page's main thread). */
const canBlock = (): boolean => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0)
    return true
  } catch {
    return false
  }
}

const threadsUnavailable = (): string | undefined => {
  if (typeof web.SharedArrayBuffer !== 'function') {
    return web.crossOriginIsolated === false
      ? 'SharedArrayBuffer is unavailable because the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)'
      : 'SharedArrayBuffer is unavailable in this JavaScript runtime'
  }
  if (typeof web.Worker !== 'function') return 'this JavaScript runtime has no Web Workers'
  if (!canBlock()) return "this thread may not block in Atomics.wait (a page's main thread); fit inside a Web Worker to use threads"
  if (script === undefined) return 'no worker script: name one with Workers.script(url) (a module that calls Workers.serve)'
  return undefined
}

/** A growable shared buffer where the runtime has them (a fixed one of the largest size otherwise). */
const replyBuffer = (): SharedArrayBuffer => {
  const Growable = SharedArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => SharedArrayBuffer
  const b = new Growable(REPLY_BYTES, { maxByteLength: REPLY_MAX_BYTES })
  return 'grow' in b ? b : new SharedArrayBuffer(REPLY_FIXED_BYTES)
}

const spawn = (init: BlockInit): BlockWorker => {
  if (script === undefined || web.Worker === undefined) throw new Error(threadsUnavailable())
  const worker = new web.Worker(script, { type: 'module', name: `emkit ${init.index}` })
  const reply = replyBuffer()
  const signal = new Int32Array(init.signal)
  worker.postMessage({ emkit: init, reply } satisfies Start)
  // The worker signals once when it has loaded its script and rebuilt the family.
  if (Atomics.wait(signal, init.index, 0, START_TIMEOUT_MS) === 'timed-out' && Atomics.load(signal, init.index) === 0) {
    worker.terminate()
    throw new Error(`the worker script ${script} did not start within ${START_TIMEOUT_MS / 1000} s (does it call Workers.serve?)`)
  }
  const first = readReply(reply)
  if (first?.error !== undefined) {
    worker.terminate()
    throw new Error(first.error)
  }
  return {
    post: (request) => worker.postMessage(request),
    receive: () => readReply(reply),
    terminate: () => worker.terminate(),
  }
}

/** The reply in `buffer`: a length (4 bytes), then the encoded reply. */
const readReply = (buffer: SharedArrayBuffer): WorkerReply<unknown> | undefined => {
  const length = new DataView(buffer).getUint32(0, true)
  if (length === 0) return undefined
  return decode(new Uint8Array(buffer, 4, length)) as WorkerReply<unknown>
}

const writeReply = (buffer: SharedArrayBuffer, reply: WorkerReply<unknown>): void => {
  let bytes: Uint8Array
  try {
    bytes = encode(reply)
  } catch (e) {
    bytes = encode({ error: `the worker's reply cannot be sent: ${e instanceof Error ? e.message : String(e)}` })
  }
  const growable = buffer as SharedArrayBuffer & { grow?: (n: number) => void }
  if (bytes.length + 4 > buffer.byteLength) {
    if (growable.grow !== undefined && bytes.length + 4 <= REPLY_MAX_BYTES) growable.grow(bytes.length + 4)
    else bytes = encode({ error: `the worker's reply (${bytes.length} bytes) exceeds its buffer` })
  }
  new Uint8Array(buffer, 4, bytes.length).set(bytes)
  new DataView(buffer).setUint32(0, bytes.length, true)
}

const serve = (factories: Readonly<Record<string, (options: never) => unknown>>): void => {
  if (web.addEventListener === undefined) throw new Error('Workers.serve must be called inside a Web Worker')
  let answer: ((request: PassRequest) => WorkerReply<unknown>) | undefined
  let start: Start | undefined
  const signalReply = (reply: WorkerReply<unknown>): void => {
    if (start === undefined) return
    writeReply(start.reply, reply)
    const signal = new Int32Array(start.emkit.signal)
    Atomics.add(signal, start.emkit.index, 1)
    Atomics.notify(signal, start.emkit.index)
  }
  web.addEventListener('message', (event) => {
    const data = event.data as Start | PassRequest
    if ('emkit' in data) {
      start = data
      const { recipe } = data.emkit
      const factory = factories[recipe.name]
      if (factory === undefined) {
        signalReply({ error: `the worker script serves ${Object.keys(factories).join(', ') || 'no family'}, not ${recipe.name}` })
        return
      }
      try {
        answer = blockServer(data.emkit, factory(recipe.options as never) as ComponentFamily<unknown, unknown>)
        signalReply({})
      } catch (e) {
        signalReply({
          error: `the ${recipe.name} family could not be rebuilt in the worker: ${e instanceof Error ? e.message : String(e)}`,
        })
      }
      return
    }
    signalReply(answer === undefined ? { error: 'the worker has no family' } : answer(data))
  })
}

/** The platform of browsers and other non-Node runtimes. */
export const platform: Platform = {
  name: 'web',
  cores: () => Math.max(1, web.navigator?.hardwareConcurrency ?? 1),
  threadsUnavailable,
  spawn,
  setScript: (url) => {
    script = url === undefined ? undefined : String(url)
  },
  serve,
}
