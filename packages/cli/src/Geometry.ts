/**
 * Small d × d geometry for pictures (ml-matrix's symmetric eigen-decomposition): covariance
 * ellipses and principal components. Never on a hot path.
 *
 * @packageDocumentation
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix'

const symmetric = (a: readonly (readonly number[])[]): Matrix => {
  const d = a.length
  const m = new Matrix(d, d)
  for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) m.set(r, c, 0.5 * (a[r]![c]! + a[c]![r]!))
  return m
}

/**
 * Eigenvalues (descending) and unit eigenvectors (`vectors[i]` belongs to `values[i]`) of a
 * symmetric matrix (symmetrised first).
 *
 * @category Plots
 * @since 0.1.0
 */
export const eigenSymmetric = (a: readonly (readonly number[])[]): { values: number[]; vectors: number[][] } => {
  const e = new EigenvalueDecomposition(symmetric(a), { assumeSymmetric: true })
  const d = a.length
  const order = e.realEigenvalues.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0])
  return {
    values: order.map(([v]) => v),
    vectors: order.map(([, i]) => Array.from({ length: d }, (_, r) => e.eigenvectorMatrix.get(r, i))),
  }
}

/**
 * The points of the `scale`-σ ellipse {x : (x − μ)ᵀ Σ⁻¹ (x − μ) = scale²} of a 2-D Gaussian,
 * closed (the last point repeats the first).
 *
 * @param mean μ, length 2.
 * @param covariance Σ, 2 × 2, symmetric positive semi-definite.
 * @param scale the number of standard deviations (1 or 2 in the pictures).
 * @param points the number of distinct points on the curve.
 * @category Plots
 * @since 0.1.0
 */
export const ellipse = (
  mean: readonly number[],
  covariance: readonly (readonly number[])[],
  scale: number,
  points = 72,
): Array<[number, number]> => {
  const { values, vectors } = eigenSymmetric(covariance)
  const a = scale * Math.sqrt(Math.max(values[0]!, 0))
  const b = scale * Math.sqrt(Math.max(values[1]!, 0))
  const u = vectors[0]!
  const v = vectors[1]!
  const out: Array<[number, number]> = []
  for (let t = 0; t <= points; t++) {
    const th = (2 * Math.PI * (t % points)) / points
    const c = a * Math.cos(th)
    const s = b * Math.sin(th)
    out.push([mean[0]! + c * u[0]! + s * v[0]!, mean[1]! + c * u[1]! + s * v[1]!])
  }
  return out
}

/**
 * Principal components of n × d row-major data: the mean, the first `m` directions (unit vectors)
 * and the share of variance each explains.
 *
 * @category Plots
 * @since 0.1.0
 */
export const principalComponents = (
  values: Float64Array,
  n: number,
  d: number,
  m: number,
): { mean: number[]; directions: number[][]; explained: number[] } => {
  const mean = new Array<number>(d).fill(0)
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c]! += values[i * d + c]! / n
  const cov = Array.from({ length: d }, () => new Array<number>(d).fill(0))
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < d; r++) {
      const xr = values[i * d + r]! - mean[r]!
      for (let c = 0; c <= r; c++) cov[r]![c]! += (xr * (values[i * d + c]! - mean[c]!)) / n
    }
  }
  for (let r = 0; r < d; r++) for (let c = r + 1; c < d; c++) cov[r]![c] = cov[c]![r]!
  const { values: ev, vectors } = eigenSymmetric(cov)
  let total = 0
  for (const v of ev) total += Math.max(v, 0)
  return {
    mean,
    directions: vectors.slice(0, m),
    explained: ev.slice(0, m).map((v) => (total > 0 ? Math.max(v, 0) / total : 0)),
  }
}

/**
 * Projects a point onto directions: `[uᵢ · (x − origin)]`.
 *
 * @category Plots
 * @since 0.1.0
 */
export const project = (x: ArrayLike<number>, origin: readonly number[], directions: readonly (readonly number[])[]): number[] =>
  directions.map((u) => {
    let s = 0
    for (let c = 0; c < u.length; c++) s += u[c]! * (x[c]! - origin[c]!)
    return s
  })

/**
 * Projects a covariance onto directions: Uᵀ Σ U (m × m).
 *
 * @category Plots
 * @since 0.1.0
 */
export const projectCovariance = (cov: readonly (readonly number[])[], directions: readonly (readonly number[])[]): number[][] =>
  directions.map((u) =>
    directions.map((v) => {
      let s = 0
      for (let r = 0; r < u.length; r++) for (let c = 0; c < v.length; c++) s += u[r]! * cov[r]![c]! * v[c]!
      return s
    }),
  )
