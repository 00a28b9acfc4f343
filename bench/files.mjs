// The benchmark data sets' names, shapes and files, and the reader of a generated set. Loads no
// emkit code: bench/emkit-run.mjs imports this, so that a run of another checkout (--tree) holds only
// that checkout's emkit in memory. The files are written by datasets.mjs (`ensure`).
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs'
import { join } from 'node:path'

/** The data sets of issue 7 and their overlapping variants (issue 16): name → n, d, k, seed, overlap. */
export const SETS = {
  s2: { n: 100_000, d: 2, k: 5, seed: 2 },
  s10: { n: 100_000, d: 10, k: 8, seed: 10 },
  s50: { n: 20_000, d: 50, k: 4, seed: 50 },
  big: { n: 1_000_000, d: 4, k: 6, seed: 4 },
  's2-1e4': { n: 10_000, d: 2, k: 5, seed: 2 },
  's2-1e6': { n: 1_000_000, d: 2, k: 5, seed: 2 },
  // Overlapping variants (issue 16): the same shapes with means drawn N(0, (2/√d)²·I), so that the
  // expected distance between two means is 2√2 whatever d (about 2–3 standard deviations of the
  // components, like a realistic clustering problem): responsibilities are not almost 0/1.
  s2o: { n: 100_000, d: 2, k: 5, seed: 102, overlap: true },
  s10o: { n: 100_000, d: 10, k: 8, seed: 110, overlap: true },
  s50o: { n: 20_000, d: 50, k: 4, seed: 150, overlap: true },
  bigo: { n: 1_000_000, d: 4, k: 6, seed: 104, overlap: true },
}

export const DATA_DIR = new URL('./data/', import.meta.url).pathname

/** Shape and file paths of data set `name` (raw float64 values and the fixed start as JSON). */
export const paths = (name) => {
  const spec = SETS[name]
  if (spec === undefined) throw new Error(`unknown data set ${name}`)
  return { ...spec, name, bin: join(DATA_DIR, `${name}.f64`), init: join(DATA_DIR, `${name}.init.json`) }
}

/**
 * Reads a generated data set's values straight into a SharedArrayBuffer (no intermediate copy, so
 * the peak resident memory holds the data once, and worker threads use it in place) and its start.
 */
export const load = (name) => {
  const s = paths(name)
  if (!existsSync(s.bin) || !existsSync(s.init)) throw new Error(`data set ${name} is not generated yet (bench/datasets.mjs ensure)`)
  const bytes = s.n * s.d * 8
  const shared = new SharedArrayBuffer(bytes)
  const fd = openSync(s.bin, 'r')
  let read = 0
  while (read < bytes)
    read += readSync(fd, new Uint8Array(shared, read, Math.min(1 << 24, bytes - read)), 0, Math.min(1 << 24, bytes - read), read)
  closeSync(fd)
  return { ...s, values: new Float64Array(shared), start: JSON.parse(readFileSync(s.init, 'utf8')) }
}

/** The median time (ms) of `reps` calls of `f`, one after another (the micro-benchmarks' timer). */
export const medianMs = (f, reps) => {
  const t = []
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint()
    f()
    t.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  t.sort((a, b) => a - b)
  return t[Math.floor(t.length / 2)]
}
