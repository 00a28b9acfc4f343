// The hardware bound's probe: this machine's double-precision arithmetic throughput in WebAssembly
// SIMD (f64x2, a multiply and an add per lane: WebAssembly has no FMA) and its memory read bandwidth
// (128-bit loads streaming 128 MiB per thread), measured on 1 thread and on every core at once (one
// worker thread per core, started together). Uses the probes compiled into the Gaussian kernel
// (packages/gaussian/assembly/kernel.ts: probeFlops, probeRead), so it measures what emkit's kernel
// technology can reach here, not what native AVX-512 FMA code could (about 4× more arithmetic).
//
//   node bench/probe.mjs            prints one JSON line: { threads, flops1, flops, bandwidth1, bandwidth }
//
// flops are floating-point operations per second (each lane of a mul or an add counts one), bandwidth
// bytes per second; `1` = one thread, else all threads together. Best of 5 tries each.
import { cpus } from 'node:os'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'

const MiB = 2 ** 20
const READ_BYTES = 128 * MiB
const FLOP_ROUNDS = 20_000_000 // 32 flops each: 6.4e8 flops, ~0.05–0.1 s

const work = async () => {
  const { kernel } = await import('../packages/gaussian/dist/internal/wasm.js')
  const wasm = kernel()
  if (wasm === undefined) throw new Error('the WebAssembly kernel cannot run here')
  const base = Math.ceil((wasm.memory.buffer.byteLength + 64) / 64) * 64
  const need = base + READ_BYTES - wasm.memory.buffer.byteLength
  if (need > 0) wasm.memory.grow(Math.ceil(need / 65536))
  new Float64Array(wasm.memory.buffer, base, READ_BYTES / 8).fill(1)
  wasm.probeFlops(1000)
  wasm.probeRead(base, 64 * 1024)
  return {
    flops: () => {
      const t0 = performance.now()
      wasm.probeFlops(FLOP_ROUNDS)
      return (FLOP_ROUNDS * 32) / ((performance.now() - t0) / 1000)
    },
    read: () => {
      const t0 = performance.now()
      wasm.probeRead(base, READ_BYTES)
      return READ_BYTES / ((performance.now() - t0) / 1000)
    },
  }
}

if (!isMainThread) {
  const probe = await work()
  parentPort.on('message', (what) => parentPort.postMessage(probe[what]()))
  parentPort.postMessage('ready')
} else {
  const threads = Number(process.argv[2] ?? cpus().length)
  const workers = await Promise.all(
    Array.from({ length: threads }, () => {
      const w = new Worker(new URL(import.meta.url), { workerData: {} })
      return new Promise((resolve) => w.once('message', () => resolve(w)))
    }),
  )
  const together = async (what, count) => {
    const rates = await Promise.all(
      workers.slice(0, count).map((w) => new Promise((resolve) => (w.once('message', resolve), w.postMessage(what)))),
    )
    return rates.reduce((a, b) => a + b, 0)
  }
  const best = async (what, count) => {
    let top = 0
    for (let t = 0; t < 5; t++) top = Math.max(top, await together(what, count))
    return top
  }
  const result = {
    threads,
    flops1: await best('flops', 1),
    flops: await best('flops', threads),
    bandwidth1: await best('read', 1),
    bandwidth: await best('read', threads),
  }
  for (const w of workers) await w.terminate()
  void workerData
  console.log(JSON.stringify(result))
}
