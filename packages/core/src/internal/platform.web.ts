/**
 * The threads engine's platform in browsers and every runtime that is not Node (the `browser` and
 * `default` conditions of `#platform`): Web Workers over `SharedArrayBuffer`.
 *
 * Threads run where three things hold, each checked, with the reason given when one does not:
 * `SharedArrayBuffer` exists (in a browser, the page is cross-origin isolated: served with
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`), the
 * calling thread may block in `Atomics.wait` (a Web Worker may; a page's main thread may not), and
 * Web Workers have been started beforehand with `Workers.start` (on a module that imports the
 * families it needs and calls `Workers.serve`). Otherwise the engine runs on one thread and the fit
 * says why.
 *
 * Workers are started ahead, and kept: a browser starts a worker, and delivers the messages a thread
 * posts, only when that thread returns to its event loop, which a thread blocked in a synchronous fit
 * does not. So while a fit runs, nothing goes by message: each kept worker has a mailbox of shared
 * buffers, handed over once when it starts — a control word each way, an inbox and a reply buffer
 * (messages encoded by `codec.ts`: plain data, bit-exact) and an arena its block of rows is copied
 * into — and waits in `Atomics.wait` for the next message. A fit assigns its blocks to idle workers
 * and gives them back when it ends.
 *
 * @internal
 */
import type { ComponentFamily } from '../Family.js'
import type { Dataset } from '../Dataset.js'
import { blockServer } from './block.js'
import { decode, encode } from './codec.js'
import type { BlockInit, BlockWorker, PassRequest, Platform, WorkerReply } from './platform.js'

/** How long a worker may take to load its script, or to take its block (ms). */
const START_TIMEOUT_MS = 30_000
/** Inbox and reply buffers start at this size and grow up to {@link MESSAGE_MAX_BYTES}. */
const MESSAGE_BYTES = 1 << 16
const MESSAGE_MAX_BYTES = 1 << 28
/** The most a worker's block of rows (values, sample weights, base measure) may take (bytes). */
const ARENA_MAX_BYTES = 1 << 30

/** Control words: messages sent to the worker, replies it has sent. */
const SENT = 0
const REPLIED = 1

/** A kept worker's shared buffers (the first message it receives). */
interface Mailbox {
  readonly control: SharedArrayBuffer
  readonly inbox: SharedArrayBuffer
  readonly reply: SharedArrayBuffer
  readonly arena: SharedArrayBuffer
}

/** Messages through a mailbox: a block to take (its rows are in the arena), or a pass request. */
type Message =
  | {
      readonly kind: 'assign'
      readonly recipe: BlockInit['recipe']
      readonly d: number
      readonly start: number
      readonly end: number
      readonly sampleWeights: boolean
      readonly base: boolean
      readonly labels: boolean
      readonly missing: boolean
    }
  | ({ readonly kind: 'pass' } & PassRequest)

/** The browser globals this module uses, as optional properties (they may be missing). */
interface WebGlobals {
  readonly crossOriginIsolated?: boolean
  readonly navigator?: { readonly hardwareConcurrency?: number }
  readonly Worker?: new (url: string | URL, options?: { type?: 'module' | 'classic'; name?: string }) => WebWorker
  readonly SharedArrayBuffer?: unknown
  readonly addEventListener?: (type: 'message', listener: (event: { data: unknown }) => void) => void
  readonly postMessage?: (message: unknown) => void
}
interface WebWorker {
  postMessage(message: unknown): void
  terminate(): void
  addEventListener(type: 'message' | 'error', listener: (event: { data?: unknown; message?: string }) => void): void
}

/** A started worker and its mailbox. */
interface Kept {
  readonly worker: WebWorker
  readonly mailbox: Mailbox
  readonly control: Int32Array
}

const web = globalThis as unknown as WebGlobals
/** Started workers not assigned to a fit. */
const idle: Kept[] = []
/** Started workers, idle or not. */
const kept = new Set<Kept>()

/** Whether this thread may block in `Atomics.wait` (browsers forbid it on a page's main thread). */
const canBlock = (): boolean => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0)
    return true
  } catch {
    return false
  }
}

/** A growable shared buffer, or `undefined` where shared buffers cannot grow. */
const growable = (length: number, maxByteLength: number): SharedArrayBuffer | undefined => {
  const Growable = SharedArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => SharedArrayBuffer
  const b = new Growable(length, { maxByteLength })
  return 'grow' in b ? b : undefined
}

/** What keeps Web Workers from running here at all (before any is started). */
const runtimeMissing = (): string | undefined => {
  if (typeof web.SharedArrayBuffer !== 'function') {
    return web.crossOriginIsolated === false
      ? 'SharedArrayBuffer is unavailable because the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)'
      : 'SharedArrayBuffer is unavailable in this JavaScript runtime'
  }
  if (typeof web.Worker !== 'function') return 'this JavaScript runtime has no Web Workers'
  if (growable(8, 16) === undefined) return "this JavaScript runtime's SharedArrayBuffer cannot grow"
  return undefined
}

const threadsUnavailable = (): string | undefined => {
  const missing = runtimeMissing()
  if (missing !== undefined) return missing
  if (!canBlock()) return "this thread may not block in Atomics.wait (a page's main thread); fit inside a Web Worker to use threads"
  if (kept.size === 0) return 'no Web Workers are started for it: call `await Workers.start(url)` before fitting'
  return undefined
}

/** Starts one worker on `url` and hands it its mailbox; resolves once it waits for messages. */
const startOne = (Worker: NonNullable<WebGlobals['Worker']>, url: string | URL, name: string): Promise<Kept> =>
  new Promise<Kept>((resolve, reject) => {
    const worker = new Worker(url, { type: 'module', name })
    const fail = (why: string): void => {
      clearTimeout(timer)
      worker.terminate()
      reject(new Error(why))
    }
    const timer = setTimeout(
      () => fail(`the worker script ${String(url)} did not start within ${START_TIMEOUT_MS / 1000} s (does it call Workers.serve?)`),
      START_TIMEOUT_MS,
    )
    const mailbox: Mailbox = {
      control: new SharedArrayBuffer(8),
      inbox: growable(MESSAGE_BYTES, MESSAGE_MAX_BYTES)!,
      reply: growable(MESSAGE_BYTES, MESSAGE_MAX_BYTES)!,
      arena: growable(0, ARENA_MAX_BYTES)!,
    }
    worker.addEventListener('message', (event) => {
      const said = (event.data as { emkit?: string } | undefined)?.emkit
      if (said === 'loaded') worker.postMessage({ emkit: 'mailbox', mailbox })
      else if (said === 'waiting') {
        clearTimeout(timer)
        resolve({ worker, mailbox, control: new Int32Array(mailbox.control) })
      }
    })
    worker.addEventListener('error', (event) => fail(`the worker script ${String(url)} failed: ${event.message ?? 'unknown error'}`))
  })

const start = async (url: string | URL, count: number): Promise<number> => {
  if (runtimeMissing() !== undefined || web.Worker === undefined) return 0
  const Worker = web.Worker
  const started = await Promise.all(Array.from({ length: count }, (_, i) => startOne(Worker, url, `emkit ${kept.size + i + 1}`)))
  for (const k of started) {
    kept.add(k)
    idle.push(k)
  }
  return kept.size
}

const forget = (k: Kept): void => {
  k.worker.terminate()
  kept.delete(k)
  const at = idle.indexOf(k)
  if (at >= 0) idle.splice(at, 1)
}

const stop = (): void => {
  for (const k of [...kept]) forget(k)
}

/** Writes `bytes` into `buffer` after a 4-byte length, growing it when needed. */
const writeFramed = (buffer: SharedArrayBuffer, bytes: Uint8Array): void => {
  if (bytes.length + 4 > buffer.byteLength) (buffer as SharedArrayBuffer & { grow(n: number): void }).grow(bytes.length + 4)
  new Uint8Array(buffer, 4, bytes.length).set(bytes)
  new DataView(buffer).setUint32(0, bytes.length, true)
}

const readFramed = (buffer: SharedArrayBuffer): unknown => {
  const length = new DataView(buffer).getUint32(0, true)
  return length === 0 ? undefined : decode(new Uint8Array(buffer, 4, length))
}

/** Sends one message to a kept worker (the previous one has been answered). */
const send = (k: Kept, message: Message): void => {
  writeFramed(k.mailbox.inbox, encode(message))
  Atomics.add(k.control, SENT, 1)
  Atomics.notify(k.control, SENT)
}

/** Copies the block's rows (values, then sample weights, then base measure, then the mask of missing cells as bytes) to the start of the arena. */
const fillArena = (arena: SharedArrayBuffer, init: BlockInit): void => {
  const m = init.end - init.start
  const doubles =
    m * init.d + (init.sampleWeights === undefined ? 0 : m) + (init.base === undefined ? 0 : m) + (init.labels === undefined ? 0 : m)
  const bytes = doubles * 8 + (init.missing === undefined ? 0 : m * init.d)
  if (bytes > ARENA_MAX_BYTES) throw new Error(`a block of ${m} rows takes more than ${ARENA_MAX_BYTES / 2 ** 20} MiB; use more workers`)
  if (bytes > arena.byteLength) (arena as SharedArrayBuffer & { grow(n: number): void }).grow(bytes)
  if (init.missing !== undefined)
    new Uint8Array(arena, doubles * 8, m * init.d).set(new Uint8Array(init.missing, init.start * init.d, m * init.d))
  const out = new Float64Array(arena, 0, doubles)
  out.set(new Float64Array(init.values, init.start * init.d * 8, m * init.d))
  let at = m * init.d
  for (const b of [init.sampleWeights, init.base, init.labels]) {
    if (b === undefined) continue
    out.set(new Float64Array(b, init.start * 8, m), at)
    at += m
  }
}

const spawn = (init: BlockInit): BlockWorker => {
  const k = idle.pop()
  if (k === undefined) {
    throw new Error(`only ${kept.size} Web Workers are started (Workers.start) and none is free; ask for at most ${kept.size + 1} workers`)
  }
  const replied = Atomics.load(k.control, REPLIED)
  try {
    fillArena(k.mailbox.arena, init)
  } catch (e) {
    idle.push(k)
    throw e
  }
  const { recipe, d, start, end } = init
  send(k, {
    kind: 'assign',
    recipe,
    d,
    start,
    end,
    sampleWeights: init.sampleWeights !== undefined,
    base: init.base !== undefined,
    labels: init.labels !== undefined,
    missing: init.missing !== undefined,
  })
  if (Atomics.wait(k.control, REPLIED, replied, START_TIMEOUT_MS) === 'timed-out' && Atomics.load(k.control, REPLIED) === replied) {
    forget(k)
    throw new Error(`Web Worker ${init.index} did not take its block within ${START_TIMEOUT_MS / 1000} s`)
  }
  const first = readFramed(k.mailbox.reply) as WorkerReply<unknown> | undefined
  if (first?.error !== undefined) {
    idle.push(k)
    throw new Error(first.error)
  }
  let done = false
  return {
    signal: k.control,
    signalIndex: REPLIED,
    post: (request) => send(k, { kind: 'pass', ...request }),
    receive: () => readFramed(k.mailbox.reply) as WorkerReply<unknown> | undefined,
    terminate: () => {
      if (done) return
      done = true
      // A worker that answered every message goes back to the idle ones; one still busy is stopped.
      if (Atomics.load(k.control, SENT) === Atomics.load(k.control, REPLIED)) idle.push(k)
      else forget(k)
    },
  }
}

/** The worker's side: answers the messages of its mailbox, forever (it is stopped by `terminate`). */
const answer = (mailbox: Mailbox, factories: Readonly<Record<string, (options: never) => unknown>>): never => {
  const control = new Int32Array(mailbox.control)
  let server: ((request: PassRequest) => WorkerReply<unknown>) | undefined
  const handle = (message: Message): WorkerReply<unknown> => {
    if (message.kind === 'pass') return server === undefined ? { error: 'the worker has no block' } : server(message)
    server = undefined
    const factory = factories[message.recipe.name]
    if (factory === undefined)
      return { error: `the worker script serves ${Object.keys(factories).join(', ') || 'no family'}, not ${message.recipe.name}` }
    const m = message.end - message.start
    const values = new Float64Array(mailbox.arena, 0, m * message.d)
    let at = m * message.d * 8
    const next = (): Float64Array => {
      const v = new Float64Array(mailbox.arena, at, m)
      at += m * 8
      return v
    }
    const sampleWeights = message.sampleWeights ? next() : undefined
    const base = message.base ? next() : undefined
    const labels = message.labels ? next() : undefined
    const block: Dataset = {
      n: m,
      d: message.d,
      values,
      ...(sampleWeights === undefined ? {} : { sampleWeights }),
      ...(message.missing ? { missing: new Uint8Array(mailbox.arena, at, m * message.d) } : {}),
    }
    try {
      server = blockServer(
        factory(message.recipe.options as never) as ComponentFamily<unknown, unknown>,
        block,
        base,
        message.start,
        labels,
      )
      return {}
    } catch (e) {
      return {
        error: `the ${message.recipe.name} family could not be rebuilt in the worker: ${e instanceof Error ? e.message : String(e)}`,
      }
    }
  }
  for (let seen = 0; ;) {
    Atomics.wait(control, SENT, seen)
    seen = Atomics.load(control, SENT)
    let reply: WorkerReply<unknown>
    try {
      reply = handle(readFramed(mailbox.inbox) as Message)
    } catch (e) {
      reply = { error: e instanceof Error ? e.message : String(e) }
    }
    let bytes: Uint8Array
    try {
      bytes = encode(reply)
    } catch (e) {
      bytes = encode({ error: `the worker's reply cannot be sent: ${e instanceof Error ? e.message : String(e)}` })
    }
    writeFramed(mailbox.reply, bytes)
    Atomics.add(control, REPLIED, 1)
    Atomics.notify(control, REPLIED)
  }
}

const serve = (factories: Readonly<Record<string, (options: never) => unknown>>): void => {
  const { addEventListener, postMessage } = web
  if (addEventListener === undefined || postMessage === undefined) throw new Error('Workers.serve must be called inside a Web Worker')
  addEventListener('message', (event) => {
    const data = event.data as { emkit?: string; mailbox?: Mailbox } | undefined
    if (data?.emkit !== 'mailbox' || data.mailbox === undefined) return
    postMessage({ emkit: 'waiting' })
    // A thread's messages leave when it returns to its event loop: return once, then wait for good.
    const mailbox = data.mailbox
    setTimeout(() => answer(mailbox, factories), 0)
  })
  postMessage({ emkit: 'loaded' })
}

/** The platform of browsers and other non-Node runtimes. */
export const platform: Platform = {
  name: 'web',
  cores: () => Math.max(1, web.navigator?.hardwareConcurrency ?? 1),
  threadsUnavailable,
  threadLimit: () => kept.size + 1,
  spawn,
  start,
  stop,
  serve,
}
