/**
 * Component families: what a distribution must provide to become the components of a mixture.
 *
 * A family is a weighted maximum-likelihood fit and little more: a batched log-density, mergeable
 * sufficient statistics (an fp-ts `Monoid`, so statistics computed over chunks, workers or streams
 * combine), and the estimate from statistics. `Mixture.model` turns any family into an EM model; the E-step, initialisation, restarts, information criteria, prediction, sampling and
 * JSON are written once, there, for every family.
 *
 * @packageDocumentation
 */
import type { either as E, monoid as M } from 'fp-ts'
import type { Dataset } from './Dataset.js'
import type { EmError } from './Errors.js'
import type { Rng } from './Rng.js'

/**
 * Why an estimate could not be made for a component (singular covariance, zero weighted sum, …).
 * The mixture applies its collapse policy to `component`.
 *
 * @category Families
 * @since 0.1.0
 */
export interface Degenerate {
  /** The component (index into the statistics array) that could not be estimated. */
  readonly component: number
  /** One readable line that says what to do (e.g. "increase regularization or scale the data"). */
  readonly message: string
}

/**
 * A family of component distributions with weighted maximum likelihood.
 *
 * - `C`: one component's parameters (immutable; a family may cache derived factors inside it);
 * - `S`: sufficient statistics of a weighted sample.
 *
 * Conventions: data are a {@link Dataset}; weights arrays hold one weight per row at an offset
 * (`weights[offset + i]` for row i) and already include the sample weights; the log-density
 * buffer is component-major (`out[j * n + i]` = log f(xᵢ | θⱼ)), so each component writes a
 * contiguous run.
 *
 * @category Families
 * @since 0.1.0
 */
export interface ComponentFamily<C, S> {
  /** The `family` field of the model JSON, e.g. `"gaussian"`. */
  readonly name: string
  /** Extra top-level JSON fields that identify the variant, e.g. `{ covariance: 'full' }`; `{}` when none. */
  readonly variant: Readonly<Record<string, string>>
  /**
   * Optional extra top-level JSON fields of any JSON value that identify the family beyond
   * `variant` (a product family's `parts`); written by `Mixture.toJSON` and required, equal up to
   * key order, by `Mixture.fromJSON`.
   *
   * @since 0.2.0
   */
  readonly header?: Readonly<Record<string, unknown>>
  /** Checks the data are in the support (e.g. x ≥ 0); `Left(InvalidData)` naming row and column otherwise. */
  checkData(data: Dataset): E.Either<EmError, Dataset>
  /**
   * Batched log-densities: `out[j * data.n + i] = log f(xᵢ | components[j])` for every row i and
   * component j (without {@link ComponentFamily.logBaseMeasure}, which the mixture adds once per row).
   * The hot path: no allocation per row.
   */
  logDensityInto(data: Dataset, components: readonly C[], out: Float64Array): void
  /**
   * Optional per-row term log h(xᵢ) shared by every component (e.g. the multinomial coefficient):
   * part of the log-likelihood, irrelevant to responsibilities, computed once per dataset.
   */
  logBaseMeasure?(data: Dataset): Float64Array
  /** The statistics monoid for dimension d: `empty` is the statistics of no data, `concat` merges. */
  statistics(d: number): M.Monoid<S>
  /** Statistics of the rows of `data` weighted by `weights[offset + i]` (a fresh value). */
  summarize(data: Dataset, weights: Float64Array, offset: number): S
  /** The total weight Σ wᵢ held by the statistics. */
  weight(stats: S): number
  /**
   * Optional: the statistics of the same sample with every weight multiplied by `factor` ≥ 0
   * (a fresh value; `stats` is not modified). For additive statistics (weight, weighted sums,
   * centred scatter) every weighted sum is multiplied by `factor`; reference points and means stay.
   *
   * It must satisfy, up to rounding:
   * - weight(scale(s, c)) = c · weight(s) for c ≥ 0;
   * - estimate(scale(s, c)) = estimate(s) for c > 0 (for a maximum-likelihood family: with a
   *   {@link ComponentFamily.logPrior} the estimate rightly depends on the amount of data);
   * - scale(s, 1) = s.
   *
   * Stepwise (online) EM needs it (`Stepwise.fit`, Cappé & Moulines 2009): it keeps a running
   * average of normalised statistics, s ← (1 − η)·s + η·ŝ, written as
   * `concat(scale(s, 1 − η), scale(ŝ, η))`. A `@emkit/testkit` family law checks it when present.
   *
   * @since 0.2.0
   */
  scale?(stats: S, factor: number): S
  /**
   * Weighted MLE of every component from its statistics (jointly, so a family with shared
   * parameters, e.g. a tied covariance, estimates them together). `Left` names a component that
   * cannot be estimated. Components with zero weight are never passed.
   */
  estimate(stats: readonly S[]): E.Either<Degenerate, C[]>
  /**
   * Optional log-prior log p(θ) of the components for MAP estimation (e.g. additive smoothing as
   * a Dirichlet prior). When present, EM's monotone objective is log p(X | θ) + log p(θ), and the
   * trace reports it.
   */
  logPrior?(components: readonly C[]): number
  /** Free parameters of k components in dimension d (mixing weights excluded; the mixture adds k − 1). */
  freeParameters(d: number, k: number): number
  /** The dimension d of a component. */
  dimension(component: C): number
  /**
   * Writes one draw from `component` into `out[offset … offset + d)`. Optional since 0.2.0: without
   * it, `Mixture.sample` returns `Left(InvalidOptions)` saying the family cannot sample.
   */
  sample?(component: C, rng: Rng, out: Float64Array, offset: number): void
  /** The components' JSON fields (e.g. `{ mean, covariance }`), in order. */
  toJSON(components: readonly C[]): Array<Record<string, unknown>>
  /** Components from their JSON fields, validated (dimension d); `Left(InvalidModel)` naming the component and field. */
  fromJSON(components: readonly unknown[], d: number): E.Either<EmError, C[]>
  /** All of a component's parameters as one flat list (finiteness checks, parameter distances). */
  toVector(component: C): ArrayLike<number>
  /** Checks components are admissible for dimension d (e.g. positive-definite covariance). */
  validate(components: readonly C[], d: number): E.Either<EmError, readonly C[]>
  /**
   * Optional: the components as one unconstrained real vector (e.g. means, the Cholesky factor of a
   * covariance with its diagonal on the log scale, log rates, log-ratios of probabilities), so that
   * SQUAREM's extrapolated points stay admissible (`Em.fit` with `accelerate: 'squarem'`).
   *
   * @since 0.2.0
   */
  toUnconstrained?(components: readonly C[]): Float64Array
  /**
   * Optional: the inverse of {@link ComponentFamily.toUnconstrained}; `like` gives the shape (and
   * entries held at a boundary, e.g. a probability 0). `Left` when the vector gives no admissible
   * components (non-finite entries, a covariance that is not positive definite in floating point).
   *
   * @since 0.2.0
   */
  fromUnconstrained?(vector: Float64Array, like: readonly C[]): E.Either<EmError, C[]>
  /**
   * Optional: the first and second derivatives of the log-density with respect to the components'
   * free natural parameters, which the observed information (`Mixture.standardErrors`) needs.
   *
   * @since 0.2.0
   */
  derivatives?(components: readonly C[]): Derivatives
  /**
   * Optional: the family fits data with cells missing at random ({@link Dataset.missing}), by EM
   * on the observed-data likelihood (Dempster, Laird & Rubin 1977; Ghahramani & Jordan 1994).
   * Without it, data that carry missing cells are refused with `InvalidData` naming the first
   * missing row and column.
   *
   * @since 0.2.0
   */
  readonly incomplete?: IncompleteData<C, S>
  /**
   * Optional: the family's pass written as SQL, so that a database computes it where the data live
   * (`@emkit/sql`: one aggregate query per EM iteration). Without it, a SQL source refuses the
   * family with `InvalidOptions`.
   *
   * @since 0.2.0
   */
  readonly sql?: SqlCapability<C, S>
  /**
   * Optional: named parameters of the components that a fit may hold fixed at their starting
   * values (e.g. a Gaussian's `'mean'` or `'covariance'`), with the M-step that maximises Q over the
   * rest. Without it a fit can hold only mixing weights and whole components fixed.
   *
   * @since 0.2.0
   */
  readonly fixed?: FixedParameters<C, S>
  /**
   * Optional initial responsibilities (k × n, component-major) suited to the family, used by the
   * `'family'` initialisation method (e.g. quantile seeding for skewed positive data).
   */
  initialResponsibilities?(data: Dataset, k: number, rng: Rng): Float64Array
  /** The initialisation method used when none is given. Default `'kmeans++'`. */
  readonly defaultInit?: InitMethod
  /**
   * Optional recipe for rebuilding this family inside a worker thread, which enables the
   * mixture's parallel E-step (`workers` option of `Mixture.fit`): the worker runs
   * `(await import(module))[factory](options)`. `module` is an absolute URL (a family module
   * usually passes its own `import.meta.url`) and `options` must survive structured cloning.
   * Components travel to workers through {@link ComponentFamily.toJSON} / {@link ComponentFamily.fromJSON}
   * and statistics back by structured cloning, so `S` must be plain data (numbers, typed arrays,
   * arrays, plain objects).
   */
  readonly worker?: WorkerRecipe
  /**
   * Optional: a kernel that folds whole blocks of the fused pass (log-densities, normalisation and
   * statistics in one call, e.g. compiled WebAssembly), made once per engine thread for dimension
   * d, or `undefined` to use {@link ComponentFamily.logDensityInto} and
   * {@link ComponentFamily.summarize} with core's normalisation. It must give what they give: the
   * same sums and the same statistics up to rounding (see {@link BlockKernel}).
   *
   * @since 0.2.0
   */
  blockKernel?(d: number): BlockKernel<C, S> | undefined
  /**
   * Optional: why a fitted component is degenerate — a spike that buys likelihood from too few rows
   * or from duplicated values rather than describing the data — or `undefined` when it is not. Model
   * selection sets degenerate fits aside (as mclust reports singular fits as missing) and `emkit fit`
   * warns about them. What degenerate means is the family's to say; a Gaussian component is
   * degenerate when it holds fewer than d + 1 rows' worth of weight or when a conditional variance
   * falls below 10⁻⁶ of the data's variance along that coordinate.
   *
   * @param component - the fitted component.
   * @param support - the rows' worth of weight it holds: n·πⱼ (a count of rows, not a fraction).
   * @param scale - the data's per-coordinate scale ({@link DataScale}).
   * @since 0.2.0
   */
  degenerate?(component: C, support: number, scale: DataScale): string | undefined
}

/**
 * The SQL building blocks a dialect gives a family's {@link SqlCapability}: every constant goes
 * through {@link SqlExpressions.number} (the family never formats a number itself) and every
 * column is handed in as an already-quoted expression, so no user string reaches the SQL unquoted.
 *
 * @category Families
 * @since 0.2.0
 */
export interface SqlExpressions {
  /**
   * A double as a SQL literal of type double precision: 17 significant digits in exponent form
   * (`-1.2500000000000000e+0`, in parentheses), which every dialect reads back to the same double
   * (DuckDB reads `0.5` as DECIMAL but `5e-1` as DOUBLE); ±∞ as the dialect's infinite double.
   * Throws for NaN.
   */
  number(x: number): string
  /** ln(e) for an expression the family guarantees positive (ln 0 is an error in PostgreSQL and DuckDB). */
  ln(e: string): string
  /** exp(e) for e ≤ 0, never an underflow error (PostgreSQL raises one: its dialect clamps the argument at −700). */
  exp(e: string): string
  /** log(e!) = log Γ(e + 1) for a non-negative integer-valued expression (the dialect's log-gamma or an exact equivalent). */
  logFactorial(e: string): string
}

/**
 * A family's pass as SQL: what `@emkit/sql` needs to run EM inside a database. Every method returns
 * SQL text built only from the column expressions it is given and {@link SqlExpressions}.
 *
 * The contract, for k components θ₁ … θₖ and rows xᵢ with weights wᵢ:
 * - the source optionally **shifts** the columns of each component: uⱼ = x − {@link SqlCapability.shift}(θⱼ)
 *   (a Gaussian's current mean, so that second moments are centred near the data and keep their
 *   digits: raw moments lose most of a variance whose mean is large, shifted ones do not);
 * - {@link SqlCapability.logDensity} is log f(xᵢ | θⱼ) (without the base measure) as an expression
 *   over uⱼ;
 * - {@link SqlCapability.features} is a fixed list of T = {@link SqlCapability.featureCount}(d)
 *   expressions over uⱼ; the source computes, in one aggregate, W = Σᵢ wᵢγᵢⱼ and the weighted
 *   sums Σᵢ wᵢγᵢⱼ·featureₜ in slot order t = 0 … T − 1;
 * - {@link SqlCapability.fromSums} turns (θⱼ, W, sums) back into the statistics `S` — equal, up to
 *   rounding, to {@link ComponentFamily.summarize} of the rows with weights wᵢγᵢⱼ, so the family's
 *   monoid merges results of several databases (shards) and `estimate` runs unchanged;
 * - {@link SqlCapability.logBaseMeasure} (optional) is log h(xᵢ) over the unshifted columns: it does
 *   not depend on θ, so the source computes Σᵢ wᵢ log h(xᵢ) once and adds it to every pass;
 * - {@link SqlCapability.support} (optional) is a condition every value of a column must satisfy
 *   (checked once, before the fit), with the sentence that says so.
 *
 * A family described as (log-density, feature list, shift) — the shape of a template family —
 * fits this contract as it stands.
 *
 * @category Families
 * @since 0.2.0
 */
export interface SqlCapability<C, S> {
  /** The number T of features in dimension d (the same for every component). */
  featureCount(d: number): number
  /** Optional: the point each component's columns are shifted by (length d), e.g. its mean; no shift when absent. */
  shift?(component: C): ArrayLike<number>
  /** log f(x | θ) as a SQL expression over the component's shifted columns `u` (length d, quoted expressions). */
  logDensity(component: C, u: readonly string[], sql: SqlExpressions): string
  /** The T feature expressions over the shifted columns `u`, in slot order. */
  features(component: C, u: readonly string[], sql: SqlExpressions): readonly string[]
  /** The statistics from W = Σ wγ and the T weighted sums (slot order) of the component's features. */
  fromSums(component: C, weight: number, sums: Float64Array): S
  /** Optional: log h(x), the θ-free per-row term, over the unshifted columns `x`. */
  logBaseMeasure?(x: readonly string[], sql: SqlExpressions): string
  /** Optional: the support, per column. */
  readonly support?: {
    /** A SQL condition true when the column expression `x` holds an admissible value. */
    test(x: string, sql: SqlExpressions): string
    /** What the condition requires, e.g. `"values must be ≥ 0"`. */
    readonly requirement: string
  }
}

/**
 * A family's kernel for one block of the fused pass (see {@link ComponentFamily.blockKernel}): what
 * core's pass does with `logDensityInto`, the log-sum-exp normalisation and `summarize`, in one
 * call. Not re-entrant: an engine makes one per thread.
 *
 * @category Families
 * @since 0.2.0
 */
export interface BlockKernel<C, S> {
  /**
   * Folds the rows of `block` (≤ 4096 rows; their sample weights, when the block has them, multiply
   * the responsibilities): with ℓᵢⱼ = log πⱼ + log f(xᵢ | θⱼ) and γᵢⱼ = exp(ℓᵢⱼ − logsumexpⱼ ℓᵢⱼ),
   * replaces `statistics[j]` by its concatenation with the statistics of the block weighted by
   * wᵢ γᵢⱼ, and writes `sums[0]` = Σ wᵢ log p(xᵢ | θ) (plus `base[i]`, the log base measure, when
   * given; −∞ when a row is impossible), `sums[1]` = Σ wᵢ log maxⱼ γᵢⱼ, `sums[2]` = Σ wᵢ,
   * `sums[3]` = the rows with wᵢ > 0 and `sums[4]` = the first row (0-based in the block) with
   * zero density under every component, or −1.
   *
   * @param logWeights - log πⱼ, length k = `components.length`.
   * @param sums - length ≥ 5, overwritten.
   * @returns `true`, or `false` (nothing written) when the kernel cannot fold this block (e.g. its
   *   memory cannot grow to k and d): the pass then folds it with `logDensityInto` and `summarize`.
   */
  fold(
    block: Dataset,
    components: readonly C[],
    logWeights: Float64Array,
    base: Float64Array | undefined,
    sums: Float64Array,
    statistics: S[],
  ): boolean
}

/**
 * What a family provides to fit data with missing cells ({@link Dataset.missing}, MAR): the
 * marginal density of each row's observed coordinates, and the expected sufficient statistics of a
 * row given its observed part under the current parameters (the E-step of Dempster, Laird & Rubin
 * 1977). Rows whose every cell is missing never reach these methods (the mixture drops or refuses
 * them).
 *
 * @category Families
 * @since 0.2.0
 */
export interface IncompleteData<C, S> {
  /**
   * As {@link ComponentFamily.logDensityInto}, honouring `data.missing`: `out[j * n + i]` is the
   * marginal log-density of row i's observed coordinates under component j.
   */
  logDensityInto(data: Dataset, components: readonly C[], out: Float64Array): void
  /** As {@link ComponentFamily.logBaseMeasure}, over each row's observed coordinates only. */
  logBaseMeasure?(data: Dataset): Float64Array
  /**
   * The expected sufficient statistics E[s(x) | x_observed, θ = component] of the rows of `data`,
   * weighted by `weights[offset + i]` (a fresh value): a missing cell contributes its conditional
   * expectation (for a Gaussian, the conditional mean and the conditional covariance added into
   * the second moments).
   */
  summarize(data: Dataset, weights: Float64Array, offset: number, component: C): S
  /**
   * Writes E[xᵢ | xᵢ observed, θ = component] (length d) into `out[offset …)`: the observed cells as
   * they are, the missing ones completed by their conditional mean (used by imputation).
   */
  conditionalMeanInto(component: C, data: Dataset, i: number, out: Float64Array, offset: number): void
}

/**
 * What a family provides to hold some of its parameters fixed during a fit (`Mixture.fit`'s
 * `fixed` option): the names a user may give, and the constrained M-step. Holding a parameter
 * fixed is not overwriting it after an unconstrained estimate: the rest are estimated given it
 * (for a Gaussian with fixed means, the covariance is the scatter about the fixed means, not about
 * the weighted means; with a tied covariance, the shared estimate pools those scatters).
 *
 * @category Families
 * @since 0.2.0
 */
export interface FixedParameters<C, S> {
  /** The names of the parameters that can be held, each applying to every component (e.g. `['mean', 'covariance']`). */
  readonly names: readonly string[]
  /**
   * The M-step under constraints: the components maximising Q given the statistics, with the
   * parameters named in `names` held at their values in `current` for every component, and every
   * component j with `held[j]` held whole at `current[j]`. `names` holds only names of
   * {@link FixedParameters.names}; `current` and `held` have the length of `stats`. `Left` names a
   * free component that cannot be estimated (as {@link ComponentFamily.estimate}).
   */
  estimate(stats: readonly S[], current: readonly C[], names: readonly string[], held: readonly boolean[]): E.Either<Degenerate, C[]>
  /**
   * The free parameters of k components in dimension d (mixing weights excluded) when the
   * parameters in `names` are held for every component and `held` of the k components are held
   * whole (as {@link ComponentFamily.freeParameters}, which is the count with nothing held).
   */
  freeParameters(d: number, k: number, names: readonly string[], held: number): number
}

/**
 * The scale of a data set, per coordinate, against which a family judges a fitted component
 * degenerate ({@link ComponentFamily.degenerate}): the (unweighted) mean and the variance (divided
 * by n) of every column.
 *
 * @category Families
 * @since 0.2.0
 */
export interface DataScale {
  /** The number of rows n. */
  readonly n: number
  /** The mean of every column (length d). */
  readonly mean: Float64Array
  /** The variance of every column, Σ (x − mean)² / n (length d; 0 for a constant column). */
  readonly variance: Float64Array
}

/**
 * The derivatives of log f(x | θⱼ) with respect to the free natural parameters of k components
 * (e.g. means and covariance entries, rates, the first V − 1 probabilities), for the observed
 * information of a mixture (Louis 1982). The free parameters of all components form one vector of
 * length `size` (so that parameters shared by components, e.g. a tied covariance, appear once).
 *
 * @category Families
 * @since 0.2.0
 */
export interface Derivatives {
  /** The number of free parameters of the k components together (the family's `freeParameters(d, k)`). */
  readonly size: number
  /** The free parameters log f(x | θⱼ) depends on, as indices into the vector of length `size` (length pⱼ). */
  indices(j: number): Int32Array
  /**
   * Writes ∇ log f(xᵢ | θⱼ) (length pⱼ) into `gradient` and ∇² log f(xᵢ | θⱼ) (pⱼ × pⱼ, row-major)
   * into `hessian`, with respect to the parameters of `indices(j)`, for row i of `data`.
   */
  rowInto(j: number, data: Dataset, i: number, gradient: Float64Array, hessian: Float64Array): void
  /**
   * The Jacobian of the components' `toVector` entries (all k components, concatenated) with
   * respect to the free parameters: rows Σⱼ |toVector(θⱼ)|, columns `size`, row-major. Every
   * natural parameter is linear in the free ones (a symmetric entry, a spherical variance, the last
   * probability 1 − Σ), so standard errors of every entry follow by the delta method.
   */
  readonly jacobian: Float64Array
}

/**
 * How a worker thread rebuilds a component family: `(await import(module))[factory](options)`.
 *
 * @category Families
 * @since 0.1.0
 */
export interface WorkerRecipe {
  /** Absolute URL of the module exporting the factory (e.g. the family module's `import.meta.url`). */
  readonly module: string
  /** Name of the exported factory function. */
  readonly factory: string
  /** The factory's argument (structured-cloneable). */
  readonly options?: unknown
}

/**
 * How the mixture draws its starting parameters (all become responsibilities, then one M-step):
 * - `'kmeans++'`: k-means++ seeding then Lloyd iterations on the raw values, hard assignment;
 * - `'random'`: random responsibilities (each row uniform on the simplex);
 * - `'random-rows'`: k distinct rows as centres, each row assigned to the nearest;
 * - `'family'`: the family's own {@link ComponentFamily.initialResponsibilities}.
 *
 * @category Initialisation
 * @since 0.1.0
 */
export type InitMethod = 'kmeans++' | 'random' | 'random-rows' | 'family'

export { define, supports } from './Template.js'
export type { CommonSpec, DefinedFamily, FeatureStatistics, IndependentSpec, JointSpec, Spec, Support } from './Template.js'
