/**
 * Bootstrap standard errors against the observed information on Old Faithful, k = 2, full
 * covariance. R/mclust is not available here, so `MclustBootstrap` itself is not compared: the check
 * is that nonparametric and parametric bootstrap SEs (999 replicates, as mclust's default) agree
 * with the observed-information SEs to the extent finite samples allow (the table is printed and
 * copied into docs/convergence-and-uncertainty.md). Label matching is tested in core (Bootstrap.test.ts).
 */
import { describe, expect, it } from 'vitest'
import { Datasets, Mixture } from '@emkit/core'
import * as Gaussian from './index.js'
import { right } from './test/helpers.js'

describe('bootstrap standard errors on Old Faithful, k = 2, full covariance', () => {
  const family = Gaussian.family({ covariance: 'full', regularization: 0 })
  const fitted = right(
    Mixture.fit(family, Datasets.faithful, { k: 2, seed: 1, restarts: 3, stop: 'parameters', tolerance: 1e-12, maxIterations: 10_000 }),
  )
  const observed = right(Mixture.standardErrors(family, Datasets.faithful, fitted.params))
  const flat = (se: Mixture.StandardErrors): number[] => [...se.weights, ...se.components.flatMap((c) => Array.from(c))]
  const names = ['π₁', 'π₂', ...[0, 1].flatMap((j) => [`μ${j}₁`, `μ${j}₂`, `Σ${j}₁₁`, `Σ${j}₁₂`, `Σ${j}₂₁`, `Σ${j}₂₂`])]

  it.each(['nonparametric', 'parametric'] as const)('%s, 999 replicates: every SE within 35 % of the observed-information SE', (kind) => {
    const boot = right(Mixture.bootstrap(family, Datasets.faithful, fitted.params, { kind, replicates: 999, seed: 7 }))
    expect(boot.method).toBe('bootstrap')
    expect(boot.replicates + boot.failed).toBe(999)
    expect(boot.replicates).toBeGreaterThanOrEqual(990)
    const a = flat(boot)
    const b = flat(observed)
    const rows = names.map(
      (name, t) => `| ${kind} | ${name} | ${b[t]!.toPrecision(4)} | ${a[t]!.toPrecision(4)} | ${(a[t]! / b[t]!).toFixed(3)} |`,
    )
    console.log(['| bootstrap | parameter | observed SE | bootstrap SE | ratio |', ...rows].join('\n'))
    a.forEach((x, t) => expect(Math.abs(x / b[t]! - 1), names[t]).toBeLessThanOrEqual(0.35))
  })
})
