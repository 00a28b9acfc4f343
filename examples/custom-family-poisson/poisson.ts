// #region family
import { either as E } from 'fp-ts'
import type { ComponentFamily, Dataset } from '@emkit/core'
import { Errors } from '@emkit/core'

/** Independent Poisson counts: f(x | λ) = Πc λc^xc e^(−λc) / xc!. */
export interface Poisson {
  readonly rate: number[]
}
interface Stats {
  readonly weight: number
  readonly sums: number[]
}

const logFactorial = (x: number): number => {
  let s = 0
  for (let m = 2; m <= x; m++) s += Math.log(m)
  return s
}
const invalidRow = (data: Dataset.Dataset): number => data.values.findIndex((x) => !Number.isInteger(x) || x < 0)

export const poisson: ComponentFamily<Poisson, Stats> = {
  name: 'poisson',
  variant: {},
  checkData: (data) => {
    const t = invalidRow(data)
    return t < 0
      ? E.right(data)
      : E.left(Errors.invalidData(`row ${Math.floor(t / data.d)}: counts must be integers ≥ 0`, Math.floor(t / data.d), t % data.d))
  },
  logDensityInto: (data, components, out) => {
    const { n, d, values } = data
    components.forEach(({ rate }, j) => {
      let norm = 0
      for (let c = 0; c < d; c++) norm -= rate[c]!
      for (let i = 0; i < n; i++) {
        let s = norm
        for (let c = 0; c < d; c++) s += values[i * d + c]! * Math.log(rate[c]!)
        out[j * n + i] = s
      }
    })
  },
  logBaseMeasure: (data) =>
    Float64Array.from(
      { length: data.n },
      (_, i) => -data.values.subarray(i * data.d, (i + 1) * data.d).reduce((s, x) => s + logFactorial(x), 0),
    ),
  statistics: (d) => ({
    empty: { weight: 0, sums: new Array<number>(d).fill(0) },
    concat: (a, b) => ({ weight: a.weight + b.weight, sums: a.sums.map((s, c) => s + b.sums[c]!) }),
  }),
  summarize: (data, weights, offset) => {
    const sums = new Array<number>(data.d).fill(0)
    let weight = 0
    for (let i = 0; i < data.n; i++) {
      const w = weights[offset + i]!
      weight += w
      for (let c = 0; c < data.d; c++) sums[c]! += w * data.values[i * data.d + c]!
    }
    return { weight, sums }
  },
  weight: (s) => s.weight,
  scale: (s, factor) => ({ weight: s.weight * factor, sums: s.sums.map((x) => x * factor) }),
  estimate: (stats) => {
    const j = stats.findIndex((s) => s.sums.some((x) => !(x > 0)))
    return j >= 0
      ? E.left({ component: j, message: 'a rate estimate is 0 (all its counts are 0); use fewer components' })
      : E.right(stats.map((s) => ({ rate: s.sums.map((x) => x / s.weight) })))
  },
  freeParameters: (d, k) => d * k,
  dimension: (c) => c.rate.length,
  sample: (c, rng, out, offset) => c.rate.forEach((r, t) => (out[offset + t] = rng.poisson(r))),
  toJSON: (cs) => cs.map((c) => ({ rate: [...c.rate] })),
  fromJSON: (cs, d) => {
    const out: Poisson[] = []
    for (const [j, c] of cs.entries()) {
      const rate = (c as { rate?: unknown }).rate
      if (!Array.isArray(rate) || rate.length !== d || !rate.every((r) => typeof r === 'number' && r > 0 && Number.isFinite(r)))
        return E.left(Errors.invalidModel(`component ${j}: "rate" must be ${d} positive numbers`, `components/${j}/rate`))
      out.push({ rate: rate as number[] })
    }
    return E.right(out)
  },
  toVector: (c) => c.rate,
  validate: (cs, d) =>
    cs.every((c) => c.rate.length === d && c.rate.every((r) => r > 0 && Number.isFinite(r)))
      ? E.right(cs)
      : E.left(Errors.invalidParameters('rates must be positive and finite, one per column')),
}
// #endregion family
