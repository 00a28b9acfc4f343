// Where one EM iteration's time goes, on one thread: the log-densities (E-step kernel), the
// normalisation (log-sum-exp, responsibilities), the statistics, and the rest (M-step, merges, the
// EM loop). One process, interleaved repetitions, medians:
//
//   node bench/profile.mjs s10 full wasm 7      → one JSON line { iteration, logDensity, normalize, statistics } in ms
//
// `iteration` is the time per iteration of a 10-iteration fit from the set's fixed start. With the
// WebAssembly kernel, the pass is timed with its phases switched on cumulatively (log-densities;
// + normalisation; + statistics: the kernel's setPhases) and the differences are the shares; with
// the plain kernels, `logDensityInto` over the rows, core's normalisation over 4096-row blocks and
// `summarize` of every component over every block are timed one by one.
import { Mixture } from '../packages/core/dist/index.js'
import { Engine } from '../packages/core/dist/index.js'
import { normalizeBlock } from '../packages/core/dist/internal/fused.js'
import * as Gaussian from '../packages/gaussian/dist/index.js'
import { kernel as wasmKernel } from '../packages/gaussian/dist/internal/wasm.js'
import { load } from './files.mjs'

const [name = 's10', covariance = 'full', kernel = 'wasm', repsArg = '7'] = process.argv.slice(2)
const reps = Number(repsArg)
const set = load(name)
const data = { n: set.n, d: set.d, values: set.values }
const family = Gaussian.family({ covariance, regularization: 1e-6, kernel })
if (family.kernel !== kernel) throw new Error(`the ${kernel} kernel cannot run here`)
const init = Mixture.fromJSON(family, {
  format: 'emkit.mixture/v1',
  family: 'gaussian',
  covariance,
  dimension: set.d,
  weights: set.start.weights,
  components: set.start.means.map((mean, j) => ({ mean, covariance: set.start.covariances[j] })),
})
if (init._tag === 'Left') throw new Error(init.left.message)
const params = init.right.params
const { n, k, d } = set
const engine = Engine.memory(family, data)
const logWeights = Float64Array.from(params.weights, Math.log)
const BLOCK = 4096

const steps = {
  iteration: () => {
    const f = Mixture.fit(family, data, { k, init: params, tolerance: 0, maxIterations: 10, workers: 1 })
    if (f._tag === 'Left') throw new Error(f.left.message)
  },
}
if (kernel === 'wasm') {
  const wasm = wasmKernel()
  for (const [label, phases] of [
    ['p1', 1],
    ['p3', 3],
    ['p7', 7],
  ])
    steps[label] = () => {
      wasm.setPhases(phases)
      engine.pass(params)
      wasm.setPhases(7)
    }
} else {
  const local = new Float64Array(k * BLOCK)
  const blocks = []
  for (let s = 0; s < n; s += BLOCK) {
    const m = Math.min(BLOCK, n - s)
    blocks.push({ n: m, d, values: data.values.subarray(s * d, (s + m) * d) })
  }
  const sums = new Float64Array(5)
  const rowMax = new Float64Array(256)
  const rowSum = new Float64Array(256)
  const resp = blocks.map((b) => {
    const out = new Float64Array(k * b.n)
    family.logDensityInto(b, params.components, out)
    normalizeBlock(out, k, b.n, logWeights, undefined, undefined, rowMax, rowSum, sums)
    return out
  })
  steps.logDensity = () => {
    for (const b of blocks) family.logDensityInto(b, params.components, local)
  }
  steps.normalize = () => {
    for (const b of blocks) normalizeBlock(local.fill(-1, 0, k * b.n), k, b.n, logWeights, undefined, undefined, rowMax, rowSum, sums)
  }
  const monoid = family.statistics(d)
  steps.statistics = () => {
    const acc = Array.from({ length: k }, () => monoid.empty)
    blocks.forEach((b, i) => {
      for (let j = 0; j < k; j++) acc[j] = monoid.concat(acc[j], family.summarize(b, resp[i], j * b.n))
    })
  }
}
const times = Object.fromEntries(Object.keys(steps).map((key) => [key, []]))
for (let r = 0; r < reps; r++)
  for (const [key, f] of Object.entries(steps)) {
    const t0 = performance.now()
    f()
    times[key].push((performance.now() - t0) / (key === 'iteration' ? 10 : 1))
  }
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
const m = Object.fromEntries(Object.entries(times).map(([key, xs]) => [key, median(xs)]))
const out =
  kernel === 'wasm'
    ? { iteration: m.iteration, logDensity: m.p1, normalize: Math.max(0, m.p3 - m.p1), statistics: Math.max(0, m.p7 - m.p3) }
    : { iteration: m.iteration, logDensity: m.logDensity, normalize: m.normalize, statistics: m.statistics }
console.log(JSON.stringify({ set: name, covariance, kernel, ...out }))
