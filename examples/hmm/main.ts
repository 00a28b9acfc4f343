/**
 * A model that is not a mixture: a hidden Markov model with Gaussian emissions, fitted by
 * Baum–Welch (forward–backward in log space as the E-step), implemented against core's `Model`
 * interface only and held to the testkit's model laws. Nothing in the EM loop or the laws assumes
 * a mixture.
 */
import { either as E } from 'fp-ts'
import fc from 'fast-check'
import type { Model } from '@emkit/core'
import { Em, Errors, Linalg, Rng } from '@emkit/core'
import { ModelLaws, Perturb } from '@emkit/testkit'
import { check, close, fmt } from '../shared/check.js'

// #region model
/** Observed sequences of real numbers. */
type Sequences = readonly Float64Array[]
/** θ: initial distribution π (S), transitions A (S × S, row-major, rows on the simplex), emission means and variances (S). */
interface Hmm {
  readonly initial: Float64Array
  readonly transition: Float64Array
  readonly mean: Float64Array
  readonly variance: Float64Array
}
/** q(Z) per sequence: γ (T × S) and ξ ((T − 1) × S × S). */
interface Marginals {
  readonly gamma: Float64Array[]
  readonly xi: Float64Array[]
}

const S = (p: Hmm): number => p.initial.length
const xlogy = (x: number, y: number): number => (x > 0 ? x * Math.log(y) : 0)
const logEmission = (p: Hmm, s: number, x: number): number =>
  -0.5 * Math.log(2 * Math.PI * p.variance[s]!) - (x - p.mean[s]!) ** 2 / (2 * p.variance[s]!)

/** Forward–backward in log space for one sequence: γ, ξ and log p(x). */
const forwardBackward = (p: Hmm, x: Float64Array): { gamma: Float64Array; xi: Float64Array; logLikelihood: number } => {
  const s = S(p)
  const T = x.length
  const logA = p.transition.map(Math.log)
  const logB = new Float64Array(T * s)
  for (let t = 0; t < T; t++) for (let j = 0; j < s; j++) logB[t * s + j] = logEmission(p, j, x[t]!)
  const alpha = new Float64Array(T * s)
  const beta = new Float64Array(T * s)
  const tmp = new Float64Array(s)
  for (let j = 0; j < s; j++) alpha[j] = Math.log(p.initial[j]!) + logB[j]!
  for (let t = 1; t < T; t++)
    for (let j = 0; j < s; j++) {
      for (let i = 0; i < s; i++) tmp[i] = alpha[(t - 1) * s + i]! + logA[i * s + j]!
      alpha[t * s + j] = logB[t * s + j]! + Linalg.logSumExp(tmp, 0, s, 1)
    }
  for (let t = T - 2; t >= 0; t--)
    for (let i = 0; i < s; i++) {
      for (let j = 0; j < s; j++) tmp[j] = logA[i * s + j]! + logB[(t + 1) * s + j]! + beta[(t + 1) * s + j]!
      beta[t * s + i] = Linalg.logSumExp(tmp, 0, s, 1)
    }
  const logLikelihood = Linalg.logSumExp(alpha, (T - 1) * s, s, 1)
  // γ and ξ are renormalised at every t: exp(α + β − ℓ) alone drifts from 1 by ~T ulps on long chains.
  const gamma = new Float64Array(T * s)
  for (let t = 0; t < T; t++) {
    let z = 0
    for (let j = 0; j < s; j++) z += gamma[t * s + j] = Math.exp(alpha[t * s + j]! + beta[t * s + j]! - logLikelihood)
    for (let j = 0; j < s; j++) gamma[t * s + j] = gamma[t * s + j]! / z
  }
  const xi = new Float64Array(Math.max(0, T - 1) * s * s)
  for (let t = 0; t + 1 < T; t++) {
    let z = 0
    for (let i = 0; i < s; i++)
      for (let j = 0; j < s; j++) {
        z += xi[(t * s + i) * s + j] = Math.exp(
          alpha[t * s + i]! + logA[i * s + j]! + logB[(t + 1) * s + j]! + beta[(t + 1) * s + j]! - logLikelihood,
        )
      }
    for (let u = 0; u < s * s; u++) xi[t * s * s + u] = xi[t * s * s + u]! / z
  }
  return { gamma, xi, logLikelihood }
}

const onSimplex = (v: Float64Array, offset: number, length: number): boolean => {
  let sum = 0
  for (let t = 0; t < length; t++) {
    if (!(v[offset + t]! >= 0)) return false
    sum += v[offset + t]!
  }
  return Math.abs(sum - 1) <= 1e-9
}

const hmm = (states: number): Model<Sequences, Hmm, Marginals, readonly Int32Array[]> => ({
  name: `Gaussian HMM (${states} states)`,
  observations: (data) => data.reduce((n, x) => n + x.length, 0),
  validate: (_data, p) => {
    const s = S(p)
    if (s !== states || p.transition.length !== s * s || p.mean.length !== s || p.variance.length !== s)
      return E.left(Errors.invalidParameters(`expected ${states} states`))
    if (!onSimplex(p.initial, 0, s))
      return E.left(Errors.invalidParameters('the initial distribution is not on the simplex', undefined, 'initial'))
    for (let i = 0; i < s; i++)
      if (!onSimplex(p.transition, i * s, s))
        return E.left(Errors.invalidParameters(`row ${i} of the transition matrix is not on the simplex`, undefined, `transition/${i}`))
    if (!p.variance.every((v) => v > 0 && Number.isFinite(v)) || !p.mean.every(Number.isFinite))
      return E.left(Errors.invalidParameters('means must be finite and variances > 0'))
    return E.right(p)
  },
  posterior: (data, p) => {
    const gamma: Float64Array[] = []
    const xi: Float64Array[] = []
    let logLikelihood = 0
    for (const x of data) {
      const r = forwardBackward(p, x)
      gamma.push(r.gamma)
      xi.push(r.xi)
      logLikelihood += r.logLikelihood
    }
    return { posterior: { gamma, xi }, logLikelihood }
  },
  maximize: (data, q, context) => {
    const s = S(context.previous)
    const initial = new Float64Array(s)
    const transition = new Float64Array(s * s)
    const weight = new Float64Array(s)
    const sum = new Float64Array(s)
    data.forEach((x, n) => {
      const g = q.gamma[n]!
      for (let j = 0; j < s; j++) initial[j] = initial[j]! + g[j]! / data.length
      for (let t = 0; t < q.xi[n]!.length; t++) transition[t % (s * s)] = transition[t % (s * s)]! + q.xi[n]![t]!
      for (let t = 0; t < x.length; t++)
        for (let j = 0; j < s; j++) {
          weight[j] = weight[j]! + g[t * s + j]!
          sum[j] = sum[j]! + g[t * s + j]! * x[t]!
        }
    })
    const mean = sum.map((v, j) => v / weight[j]!)
    const variance = new Float64Array(s)
    data.forEach((x, n) => {
      for (let t = 0; t < x.length; t++)
        for (let j = 0; j < s; j++) variance[j] = variance[j]! + q.gamma[n]![t * s + j]! * (x[t]! - mean[j]!) ** 2
    })
    for (let j = 0; j < s; j++) {
      variance[j] = variance[j]! / weight[j]!
      if (!(variance[j]! > 1e-10))
        return E.left({
          _tag: 'CollapsedComponent',
          component: j,
          iteration: context.iteration,
          message: `state ${j} collapsed onto a single value`,
        })
      let row = 0
      for (let k = 0; k < s; k++) row += transition[j * s + k]!
      for (let k = 0; k < s; k++) transition[j * s + k] = row > 0 ? transition[j * s + k]! / row : 1 / s
    }
    return E.right({ initial, transition, mean, variance })
  },
  expectedCompleteLogLikelihood: (data, p, q) => {
    const s = S(p)
    let total = 0
    data.forEach((x, n) => {
      for (let j = 0; j < s; j++) total += xlogy(q.gamma[n]![j]!, p.initial[j]!)
      for (let t = 0; t < q.xi[n]!.length; t++) total += xlogy(q.xi[n]![t]!, p.transition[t % (s * s)]!)
      for (let t = 0; t < x.length; t++)
        for (let j = 0; j < s; j++) {
          const g = q.gamma[n]![t * s + j]!
          if (g > 0) total += g * logEmission(p, j, x[t]!)
        }
    })
    return total
  },
  completeLogLikelihood: (data, p, z) => {
    const s = S(p)
    let total = 0
    data.forEach((x, n) => {
      const path = z[n]!
      total += Math.log(p.initial[path[0]!]!)
      for (let t = 0; t < x.length; t++) {
        if (t > 0) total += Math.log(p.transition[path[t - 1]! * s + path[t]!]!)
        total += logEmission(p, path[t]!, x[t]!)
      }
    })
    return total
  },
  // H(q) for a Markov chain posterior: −Σ γ₀ log γ₀ − Σₜ Σ ξₜ(i, j) log(ξₜ(i, j) / γₜ(i)).
  entropy: (data, q) => {
    let h = 0
    data.forEach((x, n) => {
      const g = q.gamma[n]!
      const xi = q.xi[n]!
      const s = g.length / x.length
      for (let j = 0; j < s; j++) h -= xlogy(g[j]!, g[j]!)
      for (let t = 0; t + 1 < x.length; t++)
        for (let i = 0; i < s; i++)
          for (let j = 0; j < s; j++) {
            const v = xi[(t * s + i) * s + j]!
            if (v > 0) h -= v * Math.log(v / g[t * s + i]!)
          }
    })
    return h
  },
  freeParameters: (p) => S(p) - 1 + S(p) * (S(p) - 1) + 2 * S(p),
  toVector: (p) => Float64Array.from([...p.initial, ...p.transition, ...p.mean, ...p.variance]),
  // For `accelerate: 'squarem'`: every simplex (the initial distribution, each row of A) as
  // log-ratios against its last entry, the means as they are, log variances. Any finite vector maps
  // back to admissible parameters, so an extrapolated point is always an HMM.
  unconstrained: {
    toVector: (p) => {
      const s = S(p)
      const ratios = (v: Float64Array, o: number): number[] => Array.from(v.subarray(o, o + s - 1), (x) => Math.log(x / v[o + s - 1]!))
      const rows = Array.from({ length: s }, (_, i) => ratios(p.transition, i * s)).flat()
      return Float64Array.from([...ratios(p.initial, 0), ...rows, ...p.mean, ...Array.from(p.variance, Math.log)])
    },
    fromVector: (u, like) => {
      const s = S(like)
      const simplex = (o: number): number[] => {
        const e = [...Array.from(u.subarray(o, o + s - 1), Math.exp), 1]
        const z = e.reduce((a, b) => a + b, 0)
        return e.map((x) => x / z)
      }
      const per = s - 1
      const p: Hmm = {
        initial: f64(simplex(0)),
        transition: f64(Array.from({ length: s }, (_, i) => simplex(per * (i + 1))).flat()),
        mean: u.slice(per * (s + 1), per * (s + 1) + s),
        variance: u.slice(per * (s + 1) + s).map(Math.exp),
      }
      const finite = [p.initial, p.transition, p.mean, p.variance].every((v) => v.every(Number.isFinite))
      return finite && p.variance.every((v) => v > 0)
        ? E.right(p)
        : E.left(Errors.invalidParameters('the extrapolated point is not finite'))
    },
  },
})
// #endregion model

/** T draws from an HMM. */
const simulate = (p: Hmm, lengths: readonly number[], rng: Rng.Rng): Float64Array[] =>
  lengths.map((T) => {
    const s = S(p)
    const x = new Float64Array(T)
    const pick = (probs: Float64Array, offset: number): number => {
      let u = rng.uniform()
      let j = 0
      while (j < s - 1 && u >= probs[offset + j]!) u -= probs[offset + j++]!
      return j
    }
    let z = pick(p.initial, 0)
    for (let t = 0; t < T; t++) {
      if (t > 0) z = pick(p.transition, z * s)
      x[t] = p.mean[z]! + Math.sqrt(p.variance[z]!) * rng.normal()
    }
    return x
  })

const f64 = (xs: readonly number[]): Float64Array => Float64Array.from(xs)

// 1. Baum–Welch recovers a sticky two-state chain.
const truth: Hmm = { initial: f64([0.5, 0.5]), transition: f64([0.9, 0.1, 0.2, 0.8]), mean: f64([-2, 3]), variance: f64([1, 0.5]) }
const data = simulate(truth, [400, 300, 300], Rng.seeded(3))
const model = hmm(2)
const start: Hmm = { initial: f64([0.5, 0.5]), transition: f64([0.5, 0.5, 0.5, 0.5]), mean: f64([-1, 1]), variance: f64([2, 2]) }
const fit = Em.fitOrThrow(model, data, { init: start, tolerance: 1e-10, maxIterations: 500 })
console.log(`Baum–Welch: ${fit.iterations} iterations, log-likelihood ${fmt(fit.logLikelihood, 8)}, converged ${fit.converged}`)
console.log(
  `  A = [${Array.from(fit.params.transition, (v) => fmt(v, 3)).join(', ')}], means ${Array.from(fit.params.mean, (v) => fmt(v, 4)).join(', ')}, variances ${Array.from(fit.params.variance, (v) => fmt(v, 3)).join(', ')}`,
)
check(fit.converged, 'Baum–Welch converged')
check(fit.warnings.length === 0, 'no log-likelihood decrease was reported')
fit.params.mean.forEach((m, j) => close(m, truth.mean[j]!, 0, 0.15, `mean of state ${j}`))
fit.params.variance.forEach((v, j) => close(v, truth.variance[j]!, 0.2, 0, `variance of state ${j}`))
fit.params.transition.forEach((a, t) => close(a, truth.transition[t]!, 0, 0.05, `transition ${t}`))

// 2. SQUAREM through the same option: the same optimum in fewer E-steps (passes over the sequences).
// Overlapping states (much missing information) make plain EM crawl; both runs stop when no
// parameter moves by more than 1e-8 relative. (With a maximum on the boundary — e.g. every sequence
// starting in the same state, so that π̂ is a vertex — the log-ratios run off to infinity and SQUAREM
// gains nothing; see docs/convergence-and-uncertainty.md.)
const overlapping: Hmm = { initial: f64([0.5, 0.5]), transition: f64([0.95, 0.05, 0.1, 0.9]), mean: f64([0, 1.5]), variance: f64([1, 1]) }
const hard = simulate(overlapping, [300, 300, 400], Rng.seeded(1))
const options = { init: start, stop: 'parameters', tolerance: 1e-8, maxIterations: 5000 } as const
const slow = Em.fitOrThrow(model, hard, options)
const accelerated = Em.fitOrThrow(model, hard, { ...options, accelerate: 'squarem' })
console.log(
  `SQUAREM: ${accelerated.iterations} accepted steps, ${accelerated.evaluations} E-steps (plain EM: ${slow.evaluations} for ${slow.iterations} iterations), log-likelihood ${fmt(accelerated.logLikelihood, 8)}`,
)
check(accelerated.converged && accelerated.warnings.length === 0, 'SQUAREM converged without a log-likelihood decrease')
check(slow.converged && accelerated.evaluations < slow.evaluations, 'SQUAREM used fewer E-steps than plain EM')
close(accelerated.logLikelihood, slow.logLikelihood, 1e-10, 0, 'SQUAREM reaches the Baum–Welch log-likelihood')
accelerated.params.mean.forEach((m, j) => close(m, slow.params.mean[j]!, 1e-6, 1e-8, `SQUAREM mean of state ${j}`))
accelerated.params.transition.forEach((a, t) => close(a, slow.params.transition[t]!, 1e-6, 1e-8, `SQUAREM transition ${t}`))
for (let t = 1; t < accelerated.trace.length; t++)
  check(accelerated.trace[t]! >= accelerated.trace[t - 1]! - Em.decreaseSlack(accelerated.trace[t - 1]!), `SQUAREM step ${t} kept ℓ`)

// 3. The model laws, on generated chains and starting points.
const simplexArb = (k: number) =>
  fc
    .array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: k, maxLength: k })
    .map((u) => u.map((v) => v / u.reduce((a, b) => a + b, 0)))
const params: fc.Arbitrary<Hmm> = fc
  .record({
    initial: simplexArb(2),
    rows: fc.array(simplexArb(2), { minLength: 2, maxLength: 2 }),
    mean: fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: 2, maxLength: 2 }),
    variance: fc.array(fc.double({ min: 0.2, max: 3, noNaN: true }), { minLength: 2, maxLength: 2 }),
  })
  .map((r) => ({ initial: f64(r.initial), transition: f64(r.rows.flat()), mean: f64(r.mean), variance: f64(r.variance) }))
const cases = fc.record({
  data: fc
    .tuple(params, fc.array(fc.integer({ min: 10, max: 40 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 1 << 30 }))
    .map(([p, lengths, seed]) => simulate(p, lengths, Rng.seeded(seed)) as Sequences),
  init: params,
})
const perturb: Perturb.Perturbation<Hmm> = (p, rng, scale) => ({
  initial: Perturb.onSimplex(p.initial, rng, scale),
  transition: f64([
    ...Perturb.onSimplex(p.transition.subarray(0, 2), rng, scale),
    ...Perturb.onSimplex(p.transition.subarray(2, 4), rng, scale),
  ]),
  mean: p.mean.map((m) => m + scale * (1 + Math.abs(m)) * rng.normal()),
  variance: p.variance.map((v) => v * Math.exp(scale * rng.normal())),
})
const checkPosterior: ModelLaws.PosteriorCheck<Sequences, Marginals> = (data, q) => {
  let worst: ModelLaws.PosteriorProblem | undefined
  data.forEach((x, n) => {
    for (let t = 0; t < x.length; t++) {
      const g0 = q.gamma[n]![2 * t]!
      const g1 = q.gamma[n]![2 * t + 1]!
      const off = Math.abs(g0 + g1 - 1)
      if (!(g0 >= 0 && g1 >= 0)) worst = { size: 1, allowed: 0, message: `γ of sequence ${n}, time ${t} is negative` }
      else if (off > 1e-12 && (worst === undefined || off > worst.size))
        worst = { size: off, allowed: 1e-12, message: `γ of sequence ${n}, time ${t} sums to ${g0 + g1}` }
      if (t + 1 < x.length) {
        const xi = q.xi[n]!.subarray(4 * t, 4 * t + 4)
        const marginal = Math.max(Math.abs(xi[0]! + xi[1]! - g0), Math.abs(xi[2]! + xi[3]! - g1))
        if (marginal > 1e-10 && (worst === undefined || marginal > worst.size))
          worst = { size: marginal, allowed: 1e-10, message: `Σⱼ ξₜ(i, j) ≠ γₜ(i) for sequence ${n}, time ${t}` }
      }
    }
  })
  return worst
}
const report = ModelLaws.assertModelLaws({ model, cases, perturb, checkPosterior, parameters: { numRuns: 15, seed: 42 } })
for (const r of report.results) console.log(`  ✓ ${r.law} (${r.runs} cases${r.skipped > 0 ? `, ${r.skipped} skipped` : ''})`)
check(report.ok && report.results.length === 7, 'the HMM obeys all seven model laws')
