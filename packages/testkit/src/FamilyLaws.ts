/**
 * The family contract: properties every {@link ComponentFamily} must satisfy, checked with
 * fast-check on generated data and weights.
 *
 * - `monoid`: the statistics form a monoid: (a·b)·c = a·(b·c), e·a = a = a·e;
 * - `chunkedEqualsWhole`: statistics of chunks, merged, equal the statistics of the whole (and the
 *   `offset` convention of `summarize` is honoured);
 * - `integerWeightsReplicate`: integer sample weights give the same estimate as replicated rows;
 * - `weightScaleInvariance`: multiplying every weight by c > 0 multiplies the total weight by c and,
 *   for a maximum-likelihood family (no `logPrior`), leaves the estimate unchanged;
 * - `scaleStatistics` (families with `scale`; since 0.2.0): scale(s, c) equals the statistics of weights c·wᵢ,
 *   its weight is c·weight(s), scale(s, 1) = s and, for a maximum-likelihood family, the estimate
 *   is unchanged for c > 0;
 * - `estimateMaximizes`: the estimate maximises Σⱼ Σᵢ wᵢⱼ log f(xᵢ | θⱼ) (+ log-prior) over
 *   admissible perturbations, jointly for two components (a row below
 *   {@link NEGLIGIBLE_ROW_WEIGHT} of its component's weight at log-density −∞ counts 0);
 * - `supportErrors`: data outside the support give a typed `InvalidData`, from the family and from
 *   `Mixture.fit`; data inside it are accepted;
 * - `normalization`: the density integrates (or sums) to 1, or matches a reference log-density.
 *
 * Vanishing weights (the family contract; since 0.2.0): the mixture never passes a component whose
 * weight is ≤ {@link EMPTY_WEIGHT} (10⁻¹²) of the total, so the laws never do either; for any other
 * positive weight a family must return admissible parameters (its `validate` accepts them) or a
 * `Degenerate`. Where a component's weight is at most {@link VANISHING_WEIGHT} of the total, its
 * estimate rests on rounding: a `Degenerate` there is accepted and its estimates are not compared.
 * A failure that involves such a component names it and its weight.
 *
 * With a family built on the template (`Family.define`), `estimateMaximizes` perturbs on the schema's
 * unconstrained scale ({@link Perturb.familyComponents}), so every perturbed parameter stays in its domain.
 *
 * @packageDocumentation
 */
import fc from 'fast-check'
import { either as E } from 'fp-ts'
import type { ComponentFamily, Degenerate } from '@emkit/core'
import { Dataset, Em, Mixture, Rng } from '@emkit/core'
import { familyComponents } from './Perturb.js'
import type { CheckParameters, LawReport, LawResult, RunOptions } from './Report.js'
import { assertReport, replayTarget, runContext, runLaw, violated } from './Report.js'

/**
 * The share of the total weight at or below which a component's weight has vanished for the laws:
 * 10⁻⁶. On the laws' data sets (tens to hundreds of rows) that is far less than one row's worth,
 * so the component's parameters are fixed by the rounding residue of the responsibilities, not by
 * data; and a converged log-likelihood cannot see them move (moving a component of weight π by a
 * relative δ changes ℓ / n by about π·δ², under the laws' convergence tolerance of 10⁻¹¹ for every
 * δ ≤ 3·10⁻³ at π = 10⁻⁶). The laws therefore tolerate such components — `estimateMaximizes`,
 * `weightScaleInvariance`, `integerWeightsReplicate` and `scaleStatistics` accept a `Degenerate`
 * and do not compare estimates there, and the model law `fixedPoint` ignores the movement of their
 * parameters — and name the component and its weight when a failure involves one. Override per
 * suite with `vanishingWeight` (0 tolerates nothing). For the family laws the total is the data's
 * total sample weight (n when unweighted); for mixtures the share is the mixing weight πⱼ. It lies
 * well above {@link EMPTY_WEIGHT}, where the mixture stops passing a component to its family.
 *
 * @category Laws
 * @since 0.2.0
 */
export const VANISHING_WEIGHT = 1e-6

/**
 * The share of the total weight at or below which the mixture never passes a component to its
 * family (it applies its collapse policy instead): 10⁻¹², as in the family contract
 * (`Family.define`; core's `Mixture.EMPTY_COMPONENT_WEIGHT`). The family laws never generate such a case.
 *
 * @category Laws
 * @since 0.2.0
 */
export const EMPTY_WEIGHT = Mixture.EMPTY_COMPONENT_WEIGHT

/**
 * A readable note on component j's weight for failure messages: its weight, its share of `total`
 * (left out when `total` is 1, as for a mixing weight), and whether it has vanished
 * (≤ {@link VANISHING_WEIGHT} of the total).
 *
 * @example
 * ```ts
 * FamilyLaws.weightNote(1, 3e-12, 30) // "component 1's weight 3e-12 (1.00e-13 of the total) has vanished below VANISHING_WEIGHT = 1e-6: …"
 * FamilyLaws.weightNote(0, 0.25) // "component 0's weight 0.25"
 * ```
 * @category Laws
 * @since 0.2.0
 */
export const weightNote = (j: number, weight: number, total = 1): string => {
  const share = weight / total
  const base = `component ${j}'s weight ${weight}${total === 1 ? '' : ` (${share.toExponential(2)} of the total)`}`
  return share <= VANISHING_WEIGHT
    ? `${base} has vanished below VANISHING_WEIGHT = ${VANISHING_WEIGHT.toExponential(0)}: its parameters rest on rounding, not data`
    : base
}

/**
 * The names of the family laws, in the order they run.
 *
 * @category Laws
 * @since 0.1.0
 */
export const FAMILY_LAWS = [
  'monoid',
  'chunkedEqualsWhole',
  'integerWeightsReplicate',
  'weightScaleInvariance',
  'scaleStatistics',
  'estimateMaximizes',
  'supportErrors',
  'normalization',
] as const

/**
 * One of {@link FAMILY_LAWS}.
 *
 * @category Laws
 * @since 0.1.0
 */
export type FamilyLaw = (typeof FAMILY_LAWS)[number]

/**
 * What each family law states (used in reports).
 *
 * @category Laws
 * @since 0.1.0
 */
export const FAMILY_STATEMENTS: Readonly<Record<FamilyLaw, string>> = {
  monoid: 'concat(concat(a, b), c) = concat(a, concat(b, c)) and concat(empty, a) = a = concat(a, empty) for statistics a, b, c',
  chunkedEqualsWhole: 'concat of summarize over chunks = summarize over the whole; summarize honours its weight offset',
  integerWeightsReplicate: 'integer sample weights wᵢ give the same weight and estimate as row i repeated wᵢ times',
  weightScaleInvariance: 'weights c·wᵢ (c > 0) give the same estimate and c times the total weight',
  scaleStatistics:
    'scale(s, c) = summarize with weights c·wᵢ and weight(scale(s, c)) = c·weight(s) (c ≥ 0); estimate(scale(s, c)) = estimate(s) (c > 0, no log-prior); scale(s, 1) = s',
  estimateMaximizes: 'Σⱼ Σᵢ wᵢⱼ log f(xᵢ | θ′ⱼ) + log p(θ′) ≤ the same at the estimate θ̂, for admissible perturbations θ′',
  supportErrors: 'data outside the support give Left(InvalidData) from checkData and from Mixture.fit; data inside give Right',
  normalization: '∫ f(x | θ) dx = 1 (quadrature, d = 1), Σₓ f(x | θ) h(x) = 1 over an enumerated support, or log f = a reference',
}

/**
 * The resolution of a component's weighted statistics: a row whose weight is below 2⁻⁵³ (the unit
 * roundoff) times the component's total weight W does not change W when added, so no estimate can
 * be sure to give it a positive density — e.g. a Bernoulli estimate p = S/W rounds to exactly 1
 * when the only row with x = 0 weighs 5e-324, and that row's log-density is −∞. The family
 * contract does not ask a family to avoid that; `estimateMaximizes` takes such a row's term
 * (negligible weight × −∞) as 0, as the mixture's Q does (`Mixture.NEGLIGIBLE_RESPONSIBILITY`, the
 * same number). Rows of negligible weight with a finite log-density still count: through a large
 * value they can move a sum such as Σ wᵢxᵢ.
 *
 * @category Laws
 * @since 0.2.0
 */
export const NEGLIGIBLE_ROW_WEIGHT = Mixture.NEGLIGIBLE_RESPONSIBILITY

/**
 * How the `normalization` law checks the density:
 * - `quadrature` (d = 1, continuous): composite Simpson over a range found from the family's own
 *   samples, clipped to [lower, upper]; |∫ − 1| ≤ tolerance (default 1e-6);
 * - `sum` (discrete): Σ exp(log f + log h) over `support(component)` (rows enumerating the support,
 *   or enough of it), |Σ − 1| ≤ tolerance (default 1e-9);
 * - `reference`: log f(x | θ) + log h(x) equals `logDensity(component, row)` at generated points
 *   within tolerance·(1 + |reference|) (default 1e-9).
 *
 * @category Laws
 * @since 0.1.0
 */
export type Normalization<C> =
  | {
      readonly kind: 'quadrature'
      readonly components: fc.Arbitrary<C>
      readonly lower?: number
      readonly upper?: number
      readonly tolerance?: number
    }
  | {
      readonly kind: 'sum'
      readonly components: fc.Arbitrary<C>
      readonly support: (component: C) => Dataset.Dataset
      readonly tolerance?: number
    }
  | {
      readonly kind: 'reference'
      readonly components: fc.Arbitrary<C>
      readonly points: fc.Arbitrary<Dataset.Dataset>
      readonly logDensity: (component: C, row: Float64Array) => number
      readonly tolerance?: number
    }

/**
 * Options of the family laws.
 *
 * @category Laws
 * @since 0.1.0
 */
export interface FamilyLawsConfig<C, S> extends RunOptions {
  /** The family under test. */
  readonly family: ComponentFamily<C, S>
  /** Data inside the support (at least a few rows; sample weights, if any, are multiplied in). */
  readonly data: fc.Arbitrary<Dataset.Dataset>
  /**
   * Admissible perturbation of a list of components for `estimateMaximizes`; default
   * {@link Perturb.familyComponents}: on the schema's unconstrained scale for a template family
   * (inside every domain), else {@link Perturb.jsonComponents}.
   */
  readonly perturb?: (components: readonly C[], rng: Rng.Rng, scale: number) => C[] | undefined
  /** Data outside the support for `supportErrors`; without it that law is not run. */
  readonly outOfSupport?: fc.Arbitrary<Dataset.Dataset>
  /** How to check `normalization`; without it that law is not run. */
  readonly normalization?: Normalization<C>
  /** Which laws to run; default all of {@link FAMILY_LAWS}. */
  readonly laws?: readonly FamilyLaw[]
  /**
   * Smallest generated row weight (weights are drawn in [minWeight, 3]). Default 0, which lets
   * fast-check shrink towards weights on very few rows; a family whose estimate is singular there
   * (a Gaussian without regularisation) can use a positive value.
   */
  readonly minWeight?: number
  /** Relative tolerance for statistics (monoid, chunks), relative to 1 + the largest statistic. Default 1e-9. */
  readonly statisticsTolerance?: number
  /** Relative tolerance for estimates (replication, scaling), relative to 1 + the largest parameter. Default 1e-8. */
  readonly estimateTolerance?: number
  /**
   * Share of the total weight at or below which a component's weight has vanished and the laws
   * tolerate it (see {@link VANISHING_WEIGHT}). Default {@link VANISHING_WEIGHT}; 0 tolerates nothing.
   */
  readonly vanishingWeight?: number
  /** fast-check parameters. Default numRuns 30. */
  readonly parameters?: CheckParameters
  /** Name used in reports; default `"<family> family"`. */
  readonly subject?: string
}

/** Every number inside a value (numbers, typed arrays, arrays, objects by sorted key), in a fixed order. */
const leaves = (value: unknown, out: number[] = []): number[] => {
  if (typeof value === 'number') out.push(value)
  else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const v = value as unknown as ArrayLike<number>
    for (let t = 0; t < v.length; t++) out.push(Number(v[t]))
  } else if (Array.isArray(value)) for (const x of value) leaves(x, out)
  else if (typeof value === 'object' && value !== null)
    for (const key of Object.keys(value).sort()) leaves((value as Record<string, unknown>)[key], out)
  return out
}

/** Largest relative difference between two numeric structures; where it is, for the message. */
const compare = (a: unknown, b: unknown): { size: number; scale: number; where: string } => {
  const la = leaves(a)
  const lb = leaves(b)
  if (la.length !== lb.length) return { size: Number.POSITIVE_INFINITY, scale: 1, where: `${la.length} numbers vs ${lb.length}` }
  let scale = 0
  for (let t = 0; t < la.length; t++) scale = Math.max(scale, Math.abs(la[t]!), Math.abs(lb[t]!))
  let size = 0
  let where = ''
  for (let t = 0; t < la.length; t++) {
    const dlt = Math.abs(la[t]! - lb[t]!)
    if (dlt > size || (Number.isNaN(dlt) && !Number.isNaN(size))) {
      size = Number.isNaN(dlt) ? Number.NaN : dlt
      where = `number ${t}: ${la[t]} vs ${lb[t]}`
    }
    if (Number.isNaN(size)) break
  }
  return { size, scale: 1 + scale, where }
}

const weightsArb = (n: number, min: number): fc.Arbitrary<Float64Array> =>
  fc
    .array(fc.double({ min, max: 3, noNaN: true }), { minLength: n, maxLength: n })
    .map((w) => Float64Array.from(w.some((x) => x > 0.05) ? w : w.map(() => 1)))

/**
 * The row weights of a law: generated weights wᵢ times the sample weights. Products can leave a
 * component with a share of the total at or below EMPTY_WEIGHT (tiny sample weights where the
 * generated weights are large), which the mixture never passes to a family; then the row with the
 * largest sample weight gets weight 1 more, so that every case is inside the contract.
 */
const withSampleWeights = (data: Dataset.Dataset, w: Float64Array): Float64Array => {
  const sw = data.sampleWeights
  if (sw === undefined) return w
  const out = new Float64Array(w.length)
  let sum = 0
  let top = 0
  for (let i = 0; i < w.length; i++) {
    out[i] = w[i]! * sw[i]!
    sum += out[i]!
    if (sw[i]! > sw[top]!) top = i
  }
  if (!(sum > EMPTY_WEIGHT * Dataset.totalWeight(data))) out[top] = out[top]! + sw[top]!
  return out
}

const vectors = <C, S>(family: ComponentFamily<C, S>, cs: readonly C[]): number[][] => cs.map((c) => Array.from(family.toVector(c)))

const lawChecks = <C, S>(config: FamilyLawsConfig<C, S>) => {
  const { family } = config
  const statTol = config.statisticsTolerance ?? 1e-9
  const estTol = config.estimateTolerance ?? 1e-8
  const sameStats = (a: S, b: S, what: string): void => {
    const c = compare(a, b)
    violated(c.size, statTol * c.scale, `${what} differ at ${c.where}`)
  }
  const tolerated = config.vanishingWeight ?? VANISHING_WEIGHT
  /**
   * The estimate of `stats` under the vanishing-weight contract, `total` being the weight they are
   * shares of: skips what the mixture never passes (≤ EMPTY_WEIGHT), and fails on a `Right` the
   * family's `validate` rejects, naming the component and its weight.
   */
  const estimateOf = (stats: readonly S[], total: number, d: number): E.Either<Degenerate, C[]> => {
    const weights = stats.map((s) => family.weight(s))
    fc.pre(weights.every((w) => w > EMPTY_WEIGHT * total))
    const est = family.estimate(stats)
    if (E.isRight(est)) {
      const ok = family.validate(est.right, d)
      if (E.isLeft(ok)) {
        const j = (ok.left._tag === 'InvalidParameters' ? ok.left.component : undefined) ?? 0
        violated(
          Number.POSITIVE_INFINITY,
          0,
          `the estimate for ${weightNote(j, weights[j] ?? Number.NaN, total)} is not admissible: ${ok.left.message} (a family returns admissible parameters or a Degenerate)`,
        )
      }
    }
    return est
  }
  /** Whether component j of `stats` has a weight the laws tolerate (≤ vanishingWeight of `total`). */
  const vanished = (stats: readonly S[], total: number): number[] =>
    stats.flatMap((s, j) => (family.weight(s) <= tolerated * total ? [j] : []))
  /** Notes on the components at or below VANISHING_WEIGHT, for a failure message. */
  const notes = (stats: readonly S[], total: number): string => {
    const small = stats.flatMap((s, j) => (family.weight(s) <= VANISHING_WEIGHT * total ? [weightNote(j, family.weight(s), total)] : []))
    return small.length === 0 ? '' : ` (${small.join('; ')})`
  }
  /** Two estimates of the same components from statistics `sa` (shares of `ta`) and `sb` (of `tb`). */
  const sameEstimates = (sa: readonly S[], ta: number, sb: readonly S[], tb: number, d: number, what: string): void => {
    const a = estimateOf(sa, ta, d)
    const b = estimateOf(sb, tb, d)
    // Both degenerate: consistent. One degenerate on a vanished weight: accepted (the contract allows
    // it). Otherwise the case sits on the singularity threshold, where rounding decides; it is skipped
    // (a family that fails systematically trips the skip limit).
    if (E.isLeft(a) && E.isLeft(b)) return
    const gone = new Set([...vanished(sa, ta), ...vanished(sb, tb)])
    if (E.isLeft(a) || E.isLeft(b)) {
      const degenerate = E.isLeft(a) ? a.left : (b as E.Left<Degenerate>).left
      if (gone.has(degenerate.component)) return
      fc.pre(false)
      return
    }
    // Estimates from vanished weights rest on rounding: they are not compared.
    const keep = (cs: C[]): C[] => cs.filter((_, j) => !gone.has(j))
    const c = compare(vectors(family, keep(a.right)), vectors(family, keep(b.right)))
    violated(c.size, estTol * c.scale, `${what}: estimates differ at ${c.where}${notes(sa, ta)}`)
  }
  return {
    monoid: ([data, w1, w2, w3]: [Dataset.Dataset, Float64Array, Float64Array, Float64Array]) => {
      const m = family.statistics(data.d)
      const a = family.summarize(data, withSampleWeights(data, w1), 0)
      const b = family.summarize(data, withSampleWeights(data, w2), 0)
      const c = family.summarize(data, withSampleWeights(data, w3), 0)
      sameStats(m.concat(m.concat(a, b), c), m.concat(a, m.concat(b, c)), 'concat(concat(a, b), c) and concat(a, concat(b, c))')
      sameStats(m.concat(m.empty, a), a, 'concat(empty, a) and a')
      sameStats(m.concat(a, m.empty), a, 'concat(a, empty) and a')
      violated(Math.abs(family.weight(m.empty)), 0, `weight(empty) is ${family.weight(m.empty)}, not 0`)
    },
    chunkedEqualsWhole: ([data, w, cuts, pad]: [Dataset.Dataset, Float64Array, number[], number]) => {
      const m = family.statistics(data.d)
      const ww = withSampleWeights(data, w)
      const whole = family.summarize(data, ww, 0)
      const points = [...new Set(cuts.map((u) => Math.floor(u * data.n)))].filter((p) => p > 0 && p < data.n).sort((x, y) => x - y)
      const bounds = [0, ...points, data.n]
      let merged = m.empty
      for (let t = 0; t + 1 < bounds.length; t++)
        merged = m.concat(merged, family.summarize(Dataset.slice(data, bounds[t]!, bounds[t + 1]!), ww, bounds[t]!))
      sameStats(merged, whole, `statistics merged over chunks [${bounds.join(', ')}] and statistics of the whole`)
      const padded = new Float64Array(pad + ww.length).fill(7)
      padded.set(ww, pad)
      sameStats(family.summarize(data, padded, pad), whole, `summarize with the weights at offset ${pad} and at offset 0`)
      violated(
        Math.abs(family.weight(whole) - ww.reduce((s, x) => s + x, 0)),
        1e-12 * (1 + family.weight(whole)),
        `weight(summarize) = ${family.weight(whole)} is not Σ wᵢ`,
      )
    },
    integerWeightsReplicate: ([data, counts]: [Dataset.Dataset, number[]]) => {
      fc.pre(counts.some((c) => c > 0))
      const rows: number[] = []
      for (let i = 0; i < data.n; i++)
        for (let r = 0; r < counts[i]!; r++) for (let c = 0; c < data.d; c++) rows.push(data.values[i * data.d + c]!)
      const replicated = Dataset.fromFlat(rows, data.d)
      if (E.isLeft(replicated)) throw new Error(replicated.left.message)
      const a = family.summarize(data, Float64Array.from(counts), 0)
      const b = family.summarize(replicated.right, new Float64Array(replicated.right.n).fill(1), 0)
      const total = Dataset.totalWeight(data)
      violated(
        Math.abs(family.weight(a) - family.weight(b)),
        1e-12 * (1 + family.weight(b)),
        `weight with integer weights ${family.weight(a)} vs replicated rows ${family.weight(b)}`,
      )
      sameEstimates([a], total, [b], total, data.d, `integer weights [${counts.join(', ')}] vs replicated rows`)
    },
    weightScaleInvariance: ([data, w, c]: [Dataset.Dataset, Float64Array, number]) => {
      const ww = withSampleWeights(data, w)
      const scaled = ww.map((x) => x * c)
      const a = family.summarize(data, ww, 0)
      const b = family.summarize(data, scaled, 0)
      violated(
        Math.abs(family.weight(b) - c * family.weight(a)),
        1e-12 * (1 + Math.abs(family.weight(b))),
        `weight of c·w is ${family.weight(b)}, not c·${family.weight(a)} (c = ${c})`,
      )
      // With a log-prior (MAP) the estimate rightly depends on the amount of data: only the weight scales.
      const total = Dataset.totalWeight(data)
      if (family.logPrior === undefined) sameEstimates([a], total, [b], c * total, data.d, `weights scaled by c = ${c}`)
    },
    scaleStatistics: ([data, w, c]: [Dataset.Dataset, Float64Array, number]) => {
      const scale = family.scale!.bind(family)
      const ww = withSampleWeights(data, w)
      const a = family.summarize(data, ww, 0)
      const b = scale(a, c)
      violated(
        Math.abs(family.weight(b) - c * family.weight(a)),
        1e-12 * (1 + Math.abs(c * family.weight(a))),
        `weight(scale(s, c)) is ${family.weight(b)}, not c·weight(s) = ${c}·${family.weight(a)} (c = ${c})`,
      )
      sameStats(
        b,
        family.summarize(
          data,
          ww.map((x) => x * c),
          0,
        ),
        `scale(s, c) and the statistics of the weights times c = ${c}`,
      )
      sameStats(scale(a, 1), a, 'scale(s, 1) and s')
      const zero = family.weight(scale(a, 0))
      violated(Math.abs(zero), 0, `weight(scale(s, 0)) is ${zero}, not 0`)
      // With a log-prior (MAP) the estimate rightly depends on the amount of data: only the weight scales.
      const total = Dataset.totalWeight(data)
      if (family.logPrior === undefined && c > 0) sameEstimates([a], total, [b], c * total, data.d, `statistics scaled by c = ${c}`)
    },
    estimateMaximizes: ([data, w1, w2, seed]: [Dataset.Dataset, Float64Array, Float64Array, number]) => {
      const n = data.n
      const ws = [withSampleWeights(data, w1), withSampleWeights(data, w2)]
      const stats = ws.map((w) => family.summarize(data, w, 0))
      const total = Dataset.totalWeight(data)
      const est = estimateOf(stats, total, data.d)
      if (E.isLeft(est)) {
        // A Degenerate on a vanished weight is what the contract allows; elsewhere it is a threshold case, skipped.
        if (vanished(stats, total).includes(est.left.component)) return
        fc.pre(false)
        return
      }
      const theta = est.right
      const buf = new Float64Array(2 * n)
      // A row below the statistics' resolution at log-density −∞ is left out: no estimate can account for it.
      const floor = ws.map((w) => NEGLIGIBLE_ROW_WEIGHT * w.reduce((x, y) => x + y, 0))
      const terms = (cs: readonly C[]): number[] => {
        family.logDensityInto(data, cs, buf)
        return [0, 1].map((j) => {
          let s = 0
          for (let i = 0; i < n; i++) {
            const w = ws[j]![i]!
            const f = buf[j * n + i]!
            if (w > 0 && (f !== Number.NEGATIVE_INFINITY || w > floor[j]!)) s += w * f
          }
          return s
        })
      }
      const objective = (cs: readonly C[]): number => {
        const [t0, t1] = terms(cs)
        return t0! + t1! + (family.logPrior === undefined ? 0 : family.logPrior(cs))
      }
      const best = objective(theta)
      if (!Number.isFinite(best)) {
        const at = terms(theta).findIndex((t) => !Number.isFinite(t))
        const who = at < 0 ? 'its log-prior' : weightNote(at, family.weight(stats[at]!), total)
        violated(Number.POSITIVE_INFINITY, 0, `the weighted log-likelihood at the estimate is ${best}, from ${who}`)
      }
      const perturb = config.perturb ?? familyComponents(family)
      const rng = Rng.seeded(seed)
      const scales = [0.3, 0.03, 0.003]
      for (let r = 0; r < 9; r++) {
        const scale = scales[r % 3]!
        const moved = perturb(theta, rng, scale)
        if (moved === undefined) continue
        const other = objective(moved)
        violated(
          other - best,
          Em.decreaseSlack(best),
          `a perturbation of size ${scale} raises the weighted log-likelihood from ${best} (estimate ${JSON.stringify(family.toJSON(theta))}) to ${other} (${JSON.stringify(family.toJSON(moved))})${notes(stats, total)}`,
        )
      }
    },
    supportErrors: ([inside, outside]: [Dataset.Dataset, Dataset.Dataset]) => {
      const ok = family.checkData(inside)
      violated(E.isRight(ok) ? 0 : 1, 0, `checkData rejected data inside the support: ${E.isLeft(ok) ? ok.left.message : ''}`)
      const bad = family.checkData(outside)
      violated(
        E.isLeft(bad) && bad.left._tag === 'InvalidData' ? 0 : 1,
        0,
        `checkData accepted data outside the support, or returned the wrong error: ${E.isLeft(bad) ? bad.left._tag : 'Right'}`,
      )
      let fitted: ReturnType<typeof Mixture.fit<C, S>>
      try {
        fitted = Mixture.fit(family, outside, { k: 1, maxIterations: 5 })
      } catch (e) {
        violated(1, 0, `Mixture.fit threw on data outside the support instead of returning Left(InvalidData): ${String(e)}`)
        return
      }
      violated(
        E.isLeft(fitted) && fitted.left._tag === 'InvalidData' ? 0 : 1,
        0,
        `Mixture.fit on data outside the support returned ${E.isLeft(fitted) ? `Left(${fitted.left._tag})` : 'Right'}, expected Left(InvalidData)`,
      )
    },
    normalization: (component: C) => normalizationCheck(family, config.normalization!, component),
    normalizationReference: ([component, points]: [C, Dataset.Dataset]) => {
      const spec = config.normalization as Extract<Normalization<C>, { kind: 'reference' }>
      const buf = new Float64Array(points.n)
      family.logDensityInto(points, [component], buf)
      const base = family.logBaseMeasure?.(points)
      const tol = spec.tolerance ?? 1e-9
      for (let i = 0; i < points.n; i++) {
        const got = buf[i]! + (base === undefined ? 0 : base[i]!)
        const want = spec.logDensity(component, points.values.subarray(i * points.d, (i + 1) * points.d))
        violated(Math.abs(got - want), tol * (1 + Math.abs(want)), `log-density of row ${i} is ${got}, the reference says ${want}`)
      }
    },
  }
}

const normalizationCheck = <C, S>(family: ComponentFamily<C, S>, spec: Normalization<C>, component: C): void => {
  if (spec.kind === 'sum') {
    const support = spec.support(component)
    const buf = new Float64Array(support.n)
    family.logDensityInto(support, [component], buf)
    const base = family.logBaseMeasure?.(support)
    let s = 0
    for (let i = 0; i < support.n; i++) s += Math.exp(buf[i]! + (base === undefined ? 0 : base[i]!))
    violated(Math.abs(s - 1), spec.tolerance ?? 1e-9, `the probabilities over ${support.n} support points sum to ${s}`)
    return
  }
  if (spec.kind !== 'quadrature') return
  if (family.dimension(component) !== 1) throw new Error('the quadrature normalization check needs d = 1; use a reference density instead')
  if (family.sample === undefined) throw new Error('the quadrature normalization check needs the family to sample (to find its range)')
  const rng = Rng.seeded(12345)
  const draws = new Float64Array(2000)
  for (let t = 0; t < draws.length; t++) family.sample(component, rng, draws, t)
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  for (const x of draws) {
    lo = Math.min(lo, x)
    hi = Math.max(hi, x)
  }
  const span = Math.max(hi - lo, 1e-12)
  const a = Math.max(spec.lower ?? Number.NEGATIVE_INFINITY, lo - 2 * span)
  const b = Math.min(spec.upper ?? Number.POSITIVE_INFINITY, hi + 2 * span)
  const m = 20000 // even number of Simpson intervals
  const grid = new Float64Array(m + 1)
  for (let t = 0; t <= m; t++) grid[t] = a + ((b - a) * t) / m
  const pts = Dataset.fromFlat(grid, 1)
  if (E.isLeft(pts)) throw new Error(pts.left.message)
  const buf = new Float64Array(m + 1)
  family.logDensityInto(pts.right, [component], buf)
  const base = family.logBaseMeasure?.(pts.right)
  let s = 0
  for (let t = 0; t <= m; t++) {
    const f = Math.exp(buf[t]! + (base === undefined ? 0 : base[t]!))
    s += (t === 0 || t === m ? 1 : t % 2 === 1 ? 4 : 2) * f
  }
  const integral = (s * (b - a)) / (3 * m)
  violated(Math.abs(integral - 1), spec.tolerance ?? 1e-6, `∫ f(x) dx over [${a}, ${b}] is ${integral}`)
}

/**
 * Runs the family laws and returns a report (never throws for a failed law).
 *
 * @example
 * ```ts
 * const report = FamilyLaws.checkFamilyLaws({ family: Exponential.family(), data: Arbitraries.dataset({ min: 0, max: 20 }) })
 * ```
 * @category Laws
 * @since 0.1.0
 */
export const checkFamilyLaws = <C, S>(config: FamilyLawsConfig<C, S>): LawReport => {
  const replay = replayTarget(config, FAMILY_LAWS)
  const laws = replay === undefined ? (config.laws ?? FAMILY_LAWS) : [replay.law as FamilyLaw]
  const subject = config.subject ?? `${config.family.name} family`
  const context = runContext(subject, config, replay)
  const parameters: CheckParameters = { numRuns: 30, ...config.parameters }
  const checks = lawChecks(config)
  const { data } = config
  const seed = fc.integer({ min: 0, max: 0x7fffffff })
  const minWeight = config.minWeight ?? 0
  const withWeights = (k: number): fc.Arbitrary<[Dataset.Dataset, ...Float64Array[]]> =>
    data.chain((d) => fc.tuple(fc.constant(d), ...Array.from({ length: k }, () => weightsArb(d.n, minWeight))))
  /** Data, weights and a factor c ∈ [10⁻³, 10³] (the two weight-scaling laws). */
  const scaledWeights = data.chain((d) =>
    fc.tuple(
      fc.constant(d),
      weightsArb(d.n, minWeight),
      fc.double({ min: -3, max: 3, noNaN: true }).map((e) => Math.pow(10, e)),
    ),
  )
  const results: LawResult[] = []
  const run = <T>(law: FamilyLaw, arb: fc.Arbitrary<T>, check: (v: T) => void): void => {
    results.push(runLaw(law, FAMILY_STATEMENTS[law], arb, check, parameters, undefined, context))
  }
  for (const law of laws) {
    switch (law) {
      case 'monoid':
        run(law, withWeights(3) as fc.Arbitrary<[Dataset.Dataset, Float64Array, Float64Array, Float64Array]>, checks.monoid)
        break
      case 'chunkedEqualsWhole':
        run(
          law,
          data.chain((d) =>
            fc.tuple(
              fc.constant(d),
              weightsArb(d.n, minWeight),
              fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
              fc.integer({ min: 0, max: 5 }),
            ),
          ),
          checks.chunkedEqualsWhole,
        )
        break
      case 'integerWeightsReplicate':
        run(
          law,
          data.chain((d) => fc.tuple(fc.constant(d), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: d.n, maxLength: d.n }))),
          checks.integerWeightsReplicate,
        )
        break
      case 'weightScaleInvariance':
        run(law, scaledWeights, checks.weightScaleInvariance)
        break
      case 'scaleStatistics':
        if (config.family.scale !== undefined) {
          run(law, scaledWeights, checks.scaleStatistics)
        }
        break
      case 'estimateMaximizes':
        run(
          law,
          data.chain((d) => fc.tuple(fc.constant(d), weightsArb(d.n, minWeight), weightsArb(d.n, minWeight), seed)),
          checks.estimateMaximizes,
        )
        break
      case 'supportErrors':
        if (config.outOfSupport !== undefined) run(law, fc.tuple(data, config.outOfSupport), checks.supportErrors)
        break
      case 'normalization': {
        const spec = config.normalization
        if (spec === undefined) break
        if (spec.kind === 'reference') run(law, fc.tuple(spec.components, spec.points), checks.normalizationReference)
        else run(law, spec.components, checks.normalization)
        break
      }
    }
  }
  return { subject, ok: results.every((r) => r.status === 'passed'), results }
}

/**
 * Runs the family laws and throws a {@link Report.LawError} with a readable message when one fails.
 *
 * @example
 * ```ts
 * import { it } from 'vitest'
 * it('honours the family contract', () => {
 *   FamilyLaws.assertFamilyLaws({
 *     family: Exponential.family(),
 *     data: Arbitraries.dataset({ min: 0, max: 20 }),
 *     outOfSupport: Arbitraries.dataset({ min: -5, max: -0.1 }),
 *   })
 * })
 * ```
 * @category Laws
 * @since 0.1.0
 */
export const assertFamilyLaws = <C, S>(config: FamilyLawsConfig<C, S>): LawReport => assertReport(checkFamilyLaws(config))

/**
 * Components of `family` from generated model JSON (see `Arbitraries.mixtureJson`): the first
 * component of each, for the `normalization` law.
 *
 * @category Laws
 * @since 0.1.0
 */
export const componentsFromJson = <C, S>(family: ComponentFamily<C, S>, json: fc.Arbitrary<Mixture.ModelJson>): fc.Arbitrary<C> =>
  json.map((j) => {
    const r = Mixture.fromJSON(family, j)
    if (E.isLeft(r)) throw new Error(`testkit: the ${family.name} family rejected generated parameters: ${r.left.message}`)
    return r.right.params.components[0]!
  })
