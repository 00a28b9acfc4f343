/**
 * A small univariate normal family for the tests of core and testkit: the one copy, which imports
 * core by its package name so that both test projects can compile it (the real family lives in
 * `@emkit/gaussian`). Statistics are raw weighted moments — fine for the well-scaled test data.
 */
import { either as E } from 'fp-ts'
import type { ComponentFamily } from '@emkit/core'
import { Errors } from '@emkit/core'

const { invalidModel, invalidParameters } = Errors

export interface Normal {
  readonly mean: number
  readonly variance: number
}
export interface NormalStats {
  readonly w: number
  readonly sx: number
  readonly sxx: number
}

export const normalFamily: ComponentFamily<Normal, NormalStats> = {
  name: 'test-normal',
  variant: {},
  checkData: (data) => (data.d === 1 ? E.right(data) : E.left({ _tag: 'InvalidData', message: 'd must be 1' })),
  logDensityInto: (data, components, out) => {
    const n = data.n
    components.forEach((c, j) => {
      const h = -0.5 * Math.log(2 * Math.PI * c.variance)
      for (let i = 0; i < n; i++) {
        const z = data.values[i]! - c.mean
        out[j * n + i] = h - (0.5 * z * z) / c.variance
      }
    })
  },
  statistics: () => ({
    empty: { w: 0, sx: 0, sxx: 0 },
    concat: (a, b) => ({ w: a.w + b.w, sx: a.sx + b.sx, sxx: a.sxx + b.sxx }),
  }),
  summarize: (data, weights, offset) => {
    let w = 0
    let sx = 0
    let sxx = 0
    for (let i = 0; i < data.n; i++) {
      const g = weights[offset + i]!
      const x = data.values[i]!
      w += g
      sx += g * x
      sxx += g * x * x
    }
    return { w, sx, sxx }
  },
  weight: (s) => s.w,
  scale: (s, factor) => ({ w: s.w * factor, sx: s.sx * factor, sxx: s.sxx * factor }),
  estimate: (stats) => {
    const out: Normal[] = []
    for (let j = 0; j < stats.length; j++) {
      const s = stats[j]!
      const mean = s.sx / s.w
      const variance = s.sxx / s.w - mean * mean
      if (!(variance > 1e-12)) return E.left({ component: j, message: 'variance is zero' })
      out.push({ mean, variance })
    }
    return E.right(out)
  },
  freeParameters: (_d, k) => 2 * k,
  dimension: () => 1,
  sample: (c, rng, out, offset) => {
    out[offset] = c.mean + Math.sqrt(c.variance) * rng.normal()
  },
  toJSON: (cs) => cs.map((c) => ({ mean: c.mean, variance: c.variance })),
  fromJSON: (cs) => {
    const out: Normal[] = []
    for (let j = 0; j < cs.length; j++) {
      const c = cs[j] as { mean?: unknown; variance?: unknown }
      if (typeof c.mean !== 'number' || typeof c.variance !== 'number' || !(c.variance > 0)) {
        return E.left(invalidModel(`component ${j}: needs a numeric mean and a positive variance`, `components/${j}`))
      }
      out.push({ mean: c.mean, variance: c.variance })
    }
    return E.right(out)
  },
  toVector: (c) => [c.mean, c.variance],
  validate: (cs) => {
    for (let j = 0; j < cs.length; j++) {
      if (!(cs[j]!.variance > 0)) return E.left(invalidParameters(`component ${j}: variance must be > 0`, j))
    }
    return E.right(cs)
  },
}
