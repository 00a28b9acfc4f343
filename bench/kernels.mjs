// Kernel micro-benchmark: times the Gaussian E-step kernel (logDensityInto over all n rows), the
// M-step statistics (summarize of every component over all n rows) and the fused pass that a fit
// runs per iteration (Engine.memory: log-densities, normalisation and statistics per 4096-row block)
// on a bench data set at its fixed start, single-threaded. For measuring kernel changes;
// `pnpm bench` (bench/run.mjs) is the benchmark of record.
//
//   node bench/kernels.mjs [set] [covariance] [reps]      e.g. node bench/kernels.mjs s50 full 20
//
// The plain reference kernels are test code (packages/gaussian/src/test/reference.ts) and are not
// built; when a build holds them at dist/internal/reference.js (commits before 334f358) they are
// timed too.
import { Engine, Mixture } from '../packages/core/dist/index.js'
import * as Gaussian from '../packages/gaussian/dist/index.js'
import { load } from './datasets.mjs'
import { medianMs } from './files.mjs'

const Reference = await import('../packages/gaussian/dist/internal/reference.js').catch(() => undefined)

const [name = 's10', covariance = 'full', repsArg = '10'] = process.argv.slice(2)
const reps = Number(repsArg)
const set = load(name)
const data = { n: set.n, d: set.d, values: set.values }
const family = Gaussian.family({ covariance, regularization: 1e-6 })
const covs = covariance === 'tied' ? set.start.means.map(() => set.start.covariances[0]) : set.start.covariances
const init = Mixture.fromJSON(family, {
  format: 'emkit.mixture/v1',
  family: 'gaussian',
  covariance,
  dimension: set.d,
  weights: set.start.weights,
  components: set.start.means.map((mean, j) => ({ mean, covariance: covs[j] })),
})
if (init._tag === 'Left') throw new Error(init.left.message)
const components = init.right.params.components
const { n, k } = set
const out = new Float64Array(k * n)
// Responsibilities from the start (as the E-step would give), component-major.
family.logDensityInto(data, components, out)
const resp = new Float64Array(k * n)
for (let i = 0; i < n; i++) {
  let max = -Infinity
  for (let j = 0; j < k; j++) max = Math.max(max, out[j * n + i])
  let s = 0
  for (let j = 0; j < k; j++) s += Math.exp(out[j * n + i] - max)
  for (let j = 0; j < k; j++) resp[j * n + i] = Math.exp(out[j * n + i] - max) / s
}
const ref =
  Reference === undefined
    ? undefined
    : {
        full: Reference.logDensityFullReference,
        diag: Reference.logDensityDiagReference,
        spherical: Reference.logDensitySphericalReference,
        tied: Reference.logDensityTiedReference,
      }[covariance]
const diagonal = covariance === 'diag' || covariance === 'spherical'

const time = (f) => medianMs(f, reps)
const eFast = time(() => family.logDensityInto(data, components, out))
const mFast = time(() => {
  for (let j = 0; j < k; j++) family.summarize(data, resp, j * n)
})
const engine = Engine.memory(family, data)
const fused = time(() => engine.pass(init.right.params))
const eRef = ref === undefined ? undefined : time(() => ref(data, components, out))
const mRef =
  ref === undefined
    ? undefined
    : time(() => {
        for (let j = 0; j < k; j++) Reference.summarizeReference(data, resp, j * n, diagonal)
      })
const refText = (t) => (t === undefined ? '' : ` (reference ${t.toFixed(1)})`)
console.log(
  `${name} ${covariance} (n ${n}, d ${set.d}, k ${k}): E-step ${eFast.toFixed(1)} ms${refText(eRef)}, ` +
    `M-step statistics ${mFast.toFixed(1)} ms${refText(mRef)}, fused pass ${fused.toFixed(1)} ms; median of ${reps}`,
)
