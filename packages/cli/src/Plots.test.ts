import { Dataset, Datasets, Mixture } from '@emkit/core'
import * as Exponential from '@emkit/exponential'
import * as Gaussian from '@emkit/gaussian'
import * as Multinomial from '@emkit/multinomial'
import { describe, expect, it } from 'vitest'
import type { AnyFamily } from './Families.js'
import { ellipse, principalComponents } from './Geometry.js'
import {
  componentGeometry,
  dataSpec,
  densitySpec,
  renderSvg,
  scatterSpec,
  selectSpec,
  traceSpec,
  competitiveRange,
  thinRows,
} from './Plots.js'

const close = (a: number, b: number, rtol = 1e-9, atol = 1e-12): boolean => Math.abs(a - b) <= atol + rtol * Math.abs(b)
type Layer = { data: { values: Array<Record<string, number | string>> }; mark: { type: string } }

describe('Geometry', () => {
  it('ellipse points satisfy (x − μ)ᵀ Σ⁻¹ (x − μ) = s²', () => {
    const mean = [1, -2]
    const cov = [
      [2, 0.6],
      [0.6, 0.5],
    ]
    const det = cov[0]![0]! * cov[1]![1]! - cov[0]![1]! ** 2
    const inv = [
      [cov[1]![1]! / det, -cov[0]![1]! / det],
      [-cov[1]![0]! / det, cov[0]![0]! / det],
    ]
    for (const s of [1, 2]) {
      const pts = ellipse(mean, cov, s, 36)
      expect(pts).toHaveLength(37)
      expect(pts[0]).toEqual(pts[36])
      for (const [x, y] of pts) {
        const dx = x - mean[0]!
        const dy = y - mean[1]!
        const q = dx * (inv[0]![0]! * dx + inv[0]![1]! * dy) + dy * (inv[1]![0]! * dx + inv[1]![1]! * dy)
        expect(close(q, s * s, 1e-9), `q = ${q}, s = ${s}`).toBe(true)
      }
    }
  })
  it('principal components of data along a known direction', () => {
    const rows: number[] = []
    for (let i = 0; i < 200; i++) {
      const t = (i - 100) / 10
      const e = i % 2 === 0 ? 0.01 : -0.01
      rows.push(3 + t * 0.6 + e * 0.8, 1 + t * 0.8 - e * 0.6, 5)
    }
    const p = principalComponents(Float64Array.from(rows), 200, 3, 2)
    expect(close(Math.abs(p.directions[0]![0]!), 0.6, 1e-4)).toBe(true)
    expect(close(Math.abs(p.directions[0]![1]!), 0.8, 1e-4)).toBe(true)
    expect(p.explained[0]!).toBeGreaterThan(0.999)
  })
})

describe('plot specifications', () => {
  const gaussianFit = (covariance: 'full' | 'diag', data: Dataset.Dataset, k: number) => {
    const family = Gaussian.family({ covariance }) as unknown as AnyFamily
    return { family, fit: Mixture.fitOrThrow(family, data, { k, seed: 1 }) }
  }

  it('1-D: the mixture curve is the sum of the weighted component curves and integrates to ~1', () => {
    const xs = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? -3 : 2) + Math.sin(i * 12.9898) * 0.8)
    const data = Dataset.fromColumnOrThrow(xs)
    const { family, fit } = gaussianFit('full', data, 2)
    const spec = densitySpec({ family, params: fit.params, data, columns: ['x'], trace: fit.trace, title: 't' }, 400)
    const [hist, comps, mix] = spec['layer'] as Layer[]
    expect(hist!.mark.type).toBe('rect')
    expect(hist!.data.values).toHaveLength(300)
    const c = comps!.data.values
    const m = mix!.data.values
    // 400 even points plus 33 around each component's mean (±4 sd, where inside the range).
    const g = m.length
    expect(g).toBeGreaterThanOrEqual(400)
    expect(c).toHaveLength(2 * g)
    for (let t = 0; t < g; t++)
      expect(close(m[t]!['density'] as number, (c[t]!['density'] as number) + (c[g + t]!['density'] as number), 1e-12)).toBe(true)
    let integral = 0
    for (let t = 1; t < g; t++)
      integral +=
        (((m[t]!['density'] as number) + (m[t - 1]!['density'] as number)) / 2) * ((m[t]!['x'] as number) - (m[t - 1]!['x'] as number))
    expect(integral).toBeGreaterThan(0.97)
    expect(integral).toBeLessThan(1.001)
  })

  it('1-D exponential: centres are 1/rate, curves start at 0', () => {
    const data = Dataset.fromColumnOrThrow(Array.from({ length: 200 }, (_, i) => -Math.log((i + 0.5) / 200) * (i % 2 === 0 ? 0.3 : 3)))
    const family = Exponential.family() as unknown as AnyFamily
    const fit = Mixture.fitOrThrow(family, data, { k: 2, seed: 1 })
    const geometry = componentGeometry({ family, params: fit.params, data })
    const rates = family.toJSON(fit.params.components).map((c) => (c['rate'] as number[])[0]!)
    geometry.forEach((g, j) => expect(close(g.centre[0]!, 1 / rates[j]!, 1e-12)).toBe(true))
    const spec = densitySpec({ family, params: fit.params, data, columns: ['x'], trace: fit.trace, title: 't' })
    const mix = (spec['layer'] as Layer[])[2]!.data.values
    expect(mix[0]!['x']).toBe(0)
  })

  it('2-D: one point per row coloured by predicted component, 1σ and 2σ ellipses, one centre per component', () => {
    const data = Datasets.faithful
    const { family, fit } = gaussianFit('full', data, 2)
    const spec = scatterSpec({ family, params: fit.params, data, columns: ['eruptions', 'waiting'], trace: fit.trace, title: 't' })
    const [points, ellipses, centres] = spec['layer'] as Layer[]
    expect(points!.data.values).toHaveLength(272)
    const labels = Mixture.predictOrThrow(family, fit.params, data)
    points!.data.values.forEach((p, i) => expect(p['component']).toBe(`component ${labels[i]}`))
    expect(new Set(ellipses!.data.values.map((e) => e['curve']))).toEqual(new Set(['0-1', '0-2', '1-1', '1-2']))
    const json = family.toJSON(fit.params.components)
    centres!.data.values.forEach((c, j) => expect([c['x'], c['y']]).toEqual(json[j]!['mean']))
  })

  it('3 ≤ d ≤ 6: a scatter-plot matrix, one panel per ordered pair of columns, axes named by column', () => {
    const rows = Array.from({ length: 120 }, (_, i) => [i % 2 === 0 ? 0 : 5, Math.sin(i), Math.cos(i * 1.7), (i % 7) / 7])
    const data = Dataset.fromRowsOrThrow(rows)
    const { family, fit } = gaussianFit('diag', data, 2)
    const spec = scatterSpec({ family, params: fit.params, data, columns: ['a', 'b', 'c', 'd'], trace: fit.trace, title: 't' })
    const grid = (spec['vconcat'] as Array<{ hconcat: Array<Record<string, unknown>> }>).map((r) => r.hconcat)
    expect(grid).toHaveLength(4)
    const panels = grid.flat().filter((p) => p['layer'] !== undefined) as Array<{
      layer: Array<{ encoding: { x: { title: string }; y: { title: string } } }>
    }>
    expect(panels).toHaveLength(12)
    expect(panels.map((p) => `${p.layer[0]!.encoding.y.title}/${p.layer[0]!.encoding.x.title}`)).toContain('a/b')
    expect((spec['title'] as { subtitle: string }).subtitle).toBe('scatter-plot matrix of 4 columns')
  })

  it('d > 6: projects the standardised data onto two principal components and labels the axes with explained variance', () => {
    // Column 0 in large units would dominate an unscaled PCA; standardised, every column counts.
    const rows = Array.from({ length: 120 }, (_, i) => [
      1000 * Math.sin(i),
      ...Array.from({ length: 6 }, (_, c) => (i % 2) * 3 + Math.cos(i * (c + 1))),
    ])
    const data = Dataset.fromRowsOrThrow(rows)
    const { family, fit } = gaussianFit('diag', data, 2)
    const spec = scatterSpec({
      family,
      params: fit.params,
      data,
      columns: ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
      trace: fit.trace,
      title: 't',
    })
    const layer = (spec['layer'] as Array<{ encoding: { x: { title: string } } }>)[0]!
    expect(layer.encoding.x.title).toMatch(/^PC1 \(\d+\.\d% of variance\)$/)
    const share = Number(/\((\d+\.\d)%/.exec(layer.encoding.x.title)![1])
    expect(share).toBeLessThan(90)
    expect((spec['title'] as { subtitle: string }).subtitle).toBe('first two principal components of 7 standardised columns')
  })

  it("multinomial fits are drawn as bars of each component's category probabilities", () => {
    const rows = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? [6, 2, 1, 1] : [1, 1, 3, 5]))
    const data = Dataset.fromRowsOrThrow(rows)
    const family = Multinomial.family() as unknown as AnyFamily
    const fit = Mixture.fitOrThrow(family, data, { k: 2, seed: 1 })
    const spec = dataSpec({ family, params: fit.params, data, columns: ['a', 'b', 'c', 'd'], trace: fit.trace, title: 't' })
    expect((spec['mark'] as { type: string }).type).toBe('bar')
    const values = (spec['data'] as { values: Array<{ category: string; probability: number }> }).values
    expect(values).toHaveLength(8)
    const total = values.slice(0, 4).reduce((s, v) => s + v.probability, 0)
    expect(Math.abs(total - 1)).toBeLessThan(1e-12)
  })

  it('trace and select specifications carry their data', () => {
    const t = traceSpec([-10, -5, -4])
    expect((t['data'] as { values: unknown[] }).values).toEqual([
      { iteration: 0, logLikelihood: -10 },
      { iteration: 1, logLikelihood: -5 },
      { iteration: 2, logLikelihood: -4 },
    ])
    const s = selectSpec(
      [
        { structure: 'full', k: 1, value: 10, best: false },
        { structure: 'full', k: 2, value: 5, best: true },
      ],
      'bic',
    )
    const best = (s['layer'] as Layer[])[1]!.data.values
    expect(best).toEqual([{ structure: 'full', k: 2, value: 5, best: true, label: 'best: full, k = 2' }])
  })

  it('renders to SVG with Vega in Node: the expected marks are there', async () => {
    const data = Datasets.faithful
    const { family, fit } = gaussianFit('full', data, 2)
    const svg = await renderSvg(
      scatterSpec({ family, params: fit.params, data, columns: ['eruptions', 'waiting'], trace: fit.trace, title: 'faithful' }),
    )
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('faithful: data by most likely component')
    // 272 data points + 2 centres are symbol marks; 4 ellipses are line marks
    expect((svg.match(/<path[^>]*transform="translate\(/g) ?? []).length).toBeGreaterThanOrEqual(274)
    expect(svg).toContain('role-mark')
  })
})

describe('pictures of large data and of select', () => {
  it('thinRows draws a seeded uniform sample in the file order, and leaves small data alone', () => {
    const n = 50_000
    const values = Float64Array.from({ length: 2 * n }, (_, i) => i)
    const data = { n, d: 2, values }
    const a = thinRows(data, 1000, 3)
    expect(a.n).toBe(1000)
    expect(Array.from(a.values)).toEqual(Array.from(thinRows(data, 1000, 3).values))
    const rows = Array.from({ length: a.n }, (_, i) => a.values[2 * i]! / 2)
    expect(rows.every((r, i) => Number.isInteger(r) && a.values[2 * i + 1] === 2 * r + 1 && (i === 0 || r > rows[i - 1]!))).toBe(true)
    // Uniform: about half the sample from each half of the file.
    const low = rows.filter((r) => r < n / 2).length
    expect(Math.abs(low - 500)).toBeLessThan(100)
    const small = { n: 10, d: 2, values: values.subarray(0, 20) }
    expect(thinRows(small, 1000, 3)).toBe(small)
  })

  it('the select chart spans the competitive range: best to best + the median gap (at least 10)', () => {
    expect(competitiveRange([100, 150, 200, 5000, 6000])).toEqual([95, 200])
    expect(competitiveRange([100, 101])).toEqual([100 - 0.5, 110])
    expect(competitiveRange([Number.NaN])).toBeUndefined()
  })
})
