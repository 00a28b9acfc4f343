/**
 * The WebAssembly SIMD kernel of the Gaussian family: loading (synchronously, from the module that
 * `scripts/build-kernel.mjs` compiles from `assembly/kernel.ts` and embeds in base64) and the
 * host's side of one block of the fused pass (`BlockKernel` of `@emkit/core`). Not exported from
 * the package.
 *
 * Memory: one instance per thread (a worker imports its own), whose linear memory holds one
 * sub-block of rows (copied in once, transposed inside), the k × rows responsibilities and the
 * moment scratch: O(k · rows + d²) doubles, rows ≤ 4096 chosen by {@link subBlockRows}.
 */
import type { BlockKernel, Dataset } from '@emkit/core'
import { Linalg } from '@emkit/core'
import type { Component, CovarianceType } from '../ComponentTypes.js'
import type { Statistics } from '../Statistics.js'
import { concat } from '../Statistics.js'
import { KERNEL_WASM } from './kernel.generated.js'
import { centreOf, fromMoments } from './moments.js'

/** The parts of the `WebAssembly` global used here (typed locally: core's lib has no DOM types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean
  readonly Module: new (bytes: Uint8Array) => object
  readonly Instance: new (module: object, imports: object) => { readonly exports: unknown }
}

/** The kernel's exports (pointers are byte offsets into `memory`). */
interface Exports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number }
  heapBase(): number
  layout(...pointers: number[]): void
  expArray(src: number, dst: number, n: number): void
  logArray(src: number, dst: number, n: number): void
  moments(diagonal: number, mp: number, d: number, floor: number, out: number): void
  weights(j: number, m: number, mp: number, d: number, weighted: number, head: number): number
  fold(structure: number, m: number, d: number, k: number, weighted: number, based: number): void
  setPhases(phases: number): void
  logDensities(structure: number, m: number, d: number, k: number): void
}

/** Which kernel the Gaussian family's fused pass runs: the WebAssembly SIMD one or plain TypeScript. */
export type KernelChoice = 'wasm' | 'js'

let instance: Exports | null | undefined

/** Why the WebAssembly kernel could not be loaded here, when it could not (for the tests and the docs). */
export let unavailable: string | undefined

const decode = (base64: string): Uint8Array => {
  const text = atob(base64)
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i)
  return bytes
}

/** The kernel of this thread, instantiated on first use; `undefined` where WebAssembly SIMD cannot run. */
export const kernel = (): Exports | undefined => {
  if (instance === undefined) {
    try {
      const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly
      if (api === undefined) throw new Error('this runtime has no WebAssembly')
      const bytes = decode(KERNEL_WASM)
      if (!api.validate(bytes)) throw new Error('this runtime cannot compile WebAssembly SIMD')
      const module = new api.Module(bytes)
      instance = new api.Instance(module, {}).exports as Exports
    } catch (e) {
      unavailable = e instanceof Error ? e.message : String(e)
      instance = null
    }
  }
  return instance ?? undefined
}

/**
 * The kernel the `EMKIT_KERNEL` environment variable asks for (`wasm` or `js`; read where a
 * `process.env` exists), else `'wasm'`.
 */
export const defaultKernel = (): KernelChoice => {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.['EMKIT_KERNEL']
  return env === 'js' ? 'js' : 'wasm'
}

const STRUCTURE: Record<CovarianceType, number> = { full: 0, diag: 1, spherical: 2, tied: 3 }

/**
 * Rows per call of the kernel: the largest power of two ≤ 4096 (the fused pass's block, which it
 * divides) whose working set, (d + k + 6) doubles per row (the rows twice, the k responsibilities
 * and per-row scratch), stays within 256 KiB, a share of a core's L2 cache; at least 256 rows.
 * E.g. d = 2, k = 5: 2048; d = 10, k = 8: 1024; d = 50, k = 4: 512.
 */
export const subBlockRows = (d: number, k: number): number => {
  let rows = 4096
  while (rows > 256 && rows * (d + k + 6) * 8 > 256 * 1024) rows >>= 1
  return rows
}

/** Byte offsets of the regions of linear memory for one (rows, d, k). */
interface Layout {
  readonly rows: number
  readonly d: number
  readonly k: number
  readonly f64: Float64Array
  readonly fraction: number
  readonly x: number
  readonly sw: number
  readonly base: number
  readonly mu: number
  readonly prec: number
  readonly cst: number
  readonly logw: number
  readonly resp: number
  readonly sums: number
  readonly mom: number
  readonly pivot: number
}

let current: Layout | undefined

/**
 * Lays out (and grows) the memory for (rows, d, k); reuses the current layout when it fits;
 * `undefined` when the memory cannot grow that far (the callers then use the plain kernels).
 */
const layoutFor = (wasm: Exports, rows: number, d: number, k: number): Layout | undefined => {
  if (current !== undefined && current.rows === rows && current.d === d && current.k === k && current.f64.buffer === wasm.memory.buffer)
    return current
  const dp = (d + 4) & ~3
  const sb = Math.max(8, Math.min(256, Math.floor(2048 / dp) & ~1))
  let next = wasm.heapBase()
  const take = (doubles: number): number => {
    const at = next
    next += Math.ceil(doubles / 2) * 16
    return at
  }
  const fraction = take(32)
  const x = take(rows * d)
  const xt = take(rows * d)
  const resp = take(k * rows)
  const g = take(rows)
  const sw = take(rows)
  const base = take(rows)
  const mu = take(k * d)
  const prec = take(k * d * d)
  const cst = take(k)
  const logw = take(k)
  const y = take(4 * d)
  const yt = take(rows * d)
  const mt = take(k * d)
  const rowmax = take(rows)
  const rowsum = take(rows)
  const sums = take(8)
  const mom = take(k * (3 + d + d * d))
  const zt = take(dp * sb)
  const gz = take(dp * sb)
  const acc = take(2 * dp * dp)
  const pivot = take(d)
  const pages = Math.ceil(next / 65536) - wasm.memory.buffer.byteLength / 65536
  if (pages > 0) {
    try {
      wasm.memory.grow(pages)
    } catch {
      return undefined
    }
  }
  const f64 = new Float64Array(wasm.memory.buffer)
  for (let j = 0; j < 32; j++) f64[fraction / 8 + j] = Math.pow(2, j / 32)
  wasm.layout(fraction, x, xt, resp, g, sw, base, mu, prec, cst, logw, y, yt, mt, rowmax, rowsum, sums, mom, zt, gz, acc, pivot)
  current = { rows, d, k, f64, fraction, x, sw, base, mu, prec, cst, logw, resp, sums, mom, pivot }
  return current
}

/** The kernel's exp (x ≤ 0) or log of every value of `xs`, for the accuracy tests. */
export const kernelMath = (fn: 'exp' | 'log', xs: Float64Array): Float64Array => {
  const wasm = kernel()
  if (wasm === undefined) throw new Error(`the WebAssembly kernel is unavailable: ${unavailable}`)
  const l = layoutFor(wasm, 4096, 1, 1)
  if (l === undefined) throw new Error('the WebAssembly kernel has no memory left')
  const out = new Float64Array(xs.length)
  for (let s = 0; s < xs.length; s += 4096) {
    const part = xs.subarray(s, s + 4096)
    const even = part.length + (part.length & 1)
    l.f64.set(part, l.x / 8)
    if (even > part.length) l.f64[l.x / 8 + part.length] = 0
    if (fn === 'exp') wasm.expArray(l.x, l.sw, even)
    else wasm.logArray(l.x, l.sw, part.length)
    out.set(l.f64.subarray(l.sw / 8, l.sw / 8 + part.length), s)
  }
  return out
}

/** Writes the k components' means, precision Cholesky factors and constants into the layout. */
const writeComponents = (l: Layout, structure: CovarianceType, components: readonly Component[], constant: number): void => {
  const { d, f64 } = l
  for (let j = 0; j < components.length; j++) {
    const c = components[j]!
    f64.set(c.mean, l.mu / 8 + j * d)
    f64.set(c.precisionCholesky, l.prec / 8 + j * d * d)
    f64[l.cst / 8 + j] = constant + (structure === 'tied' ? components[0]! : c).logDetPrecisionCholesky
  }
}

/**
 * The WebAssembly log-densities of one structure (the family's `logDensityInto`:
 * `out[j·n + i] = log N(xᵢ | θⱼ)`), bit-identical to the plain kernels', or `undefined` where the
 * kernel cannot run; `fallback` (the plain kernel) serves calls whose k and d the kernel's memory
 * cannot hold.
 */
export const logDensity = (
  structure: CovarianceType,
  fallback: (data: Dataset.Dataset, components: readonly Component[], out: Float64Array) => void,
): ((data: Dataset.Dataset, components: readonly Component[], out: Float64Array) => void) | undefined => {
  const wasm = kernel()
  if (wasm === undefined) return undefined
  const code = STRUCTURE[structure]
  return (data, components, out) => {
    const { n, d } = data
    const k = components.length
    if (k === 0 || n === 0) return
    const rows = subBlockRows(d, k)
    const l = layoutFor(wasm, rows, d, k)
    if (l === undefined) return fallback(data, components, out)
    writeComponents(l, structure, components, -d * Linalg.HALF_LOG_2PI)
    for (let s = 0; s < n; s += rows) {
      const m = Math.min(rows, n - s)
      const mp = (m + 3) & ~3
      l.f64.set(data.values.subarray(s * d, (s + m) * d), l.x / 8)
      wasm.logDensities(code, m, d, k)
      for (let j = 0; j < k; j++) out.set(l.f64.subarray(l.resp / 8 + j * mp, l.resp / 8 + j * mp + m), j * n + s)
    }
  }
}

/**
 * The responsibilities (k × m, component-major) the last {@link blockKernel} fold left for its
 * last sub-block of m rows: for the tests that hold them to the plain kernels'.
 */
export const lastResponsibilities = (k: number, m: number): Float64Array => {
  if (current === undefined) throw new Error('no fold has run')
  const mp = (m + 3) & ~3
  const out = new Float64Array(k * m)
  for (let j = 0; j < k; j++) out.set(current.f64.subarray(current.resp / 8 + j * mp, current.resp / 8 + j * mp + m), j * m)
  return out
}

/**
 * The block kernel of one Gaussian structure in dimension d, or `undefined` where the WebAssembly
 * kernel cannot run (then the family's plain TypeScript kernels run the pass).
 */
export const blockKernel = (structure: CovarianceType, d: number): BlockKernel<Component, Statistics> | undefined => {
  const wasm = kernel()
  if (wasm === undefined) return undefined
  const diagonal = structure === 'diag' || structure === 'spherical'
  const code = STRUCTURE[structure]
  const constant = -d * Linalg.HALF_LOG_2PI
  return {
    fold: (block: Dataset.Dataset, components, logWeights, base, sums, statistics) => {
      const k = components.length
      const n = block.n
      const rows = subBlockRows(d, k)
      const l = layoutFor(wasm, rows, d, k)
      if (l === undefined) return false
      const f64 = l.f64
      writeComponents(l, structure, components, constant)
      f64.set(logWeights.subarray(0, k), l.logw / 8)
      const x = block.values
      const sw = block.sampleWeights
      const s0 = l.sums / 8
      f64.fill(0, s0, s0 + 4)
      let impossible = -1
      const size = 3 + d + (diagonal ? d : d * d)
      for (let s = 0; s < n; s += rows) {
        const m = Math.min(rows, n - s)
        const mp = (m + 3) & ~3
        f64.set(x.subarray(s * d, (s + m) * d), l.x / 8)
        if (sw !== undefined) f64.set(sw.subarray(s, s + m), l.sw / 8)
        if (base !== undefined) f64.set(base.subarray(s, s + m), l.base / 8)
        wasm.fold(code, m, d, k, sw === undefined ? 0 : 1, base === undefined ? 0 : 1)
        if (impossible < 0 && f64[s0 + 4]! >= 0) impossible = s + f64[s0 + 4]!
        for (let j = 0; j < k; j++) {
          const head = l.mom + j * size * 8
          const h = head / 8
          const first = f64[h]!
          if (first < 0) continue
          const best = f64[h + 1]!
          const origin = x.slice((s + first) * d, (s + first + 1) * d)
          let pivot: Float64Array = x.slice((s + best) * d, (s + best + 1) * d)
          let moments = f64.subarray(h + 2, h + size)
          const centre = centreOf(moments, d, diagonal, pivot)
          if (centre !== undefined) {
            const floor = wasm.weights(j, m, mp, d, sw === undefined ? 0 : 1, head)
            f64.set(centre, l.pivot / 8)
            wasm.moments(diagonal ? 1 : 0, mp, d, floor, head + 16)
            pivot = centre
            moments = f64.subarray(h + 2, h + size)
          }
          statistics[j] = concat(statistics[j]!, fromMoments(moments, d, diagonal, origin, pivot))
        }
      }
      sums[0] = f64[s0]!
      sums[1] = f64[s0 + 1]!
      sums[2] = f64[s0 + 2]!
      sums[3] = f64[s0 + 3]!
      sums[4] = impossible
      return true
    },
  }
}
