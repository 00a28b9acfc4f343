/**
 * Tree shaking, checked: every library package declares `sideEffects: false`, and a single-family
 * fit imported through a barrel of every package bundles none of the other families, the testkit or
 * fast-check, and only part of core. The figures themselves are printed by print-sizes.js into
 * docs/browser.md; here they are only bounded.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { applicationSizes, packageSizes } from './sizes.js'

const packages = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packages')

describe('bundle sizes and tree shaking', () => {
  it('every library package declares sideEffects: false', () => {
    for (const p of ['core', 'gaussian', 'exponential', 'multinomial', 'testkit']) {
      const json = JSON.parse(readFileSync(join(packages, p, 'package.json'), 'utf8')) as { sideEffects?: unknown }
      expect(json.sideEffects, p).toBe(false)
    }
  })

  it('a single-family fit through a barrel of every package holds that family only, and part of core', async () => {
    const [readme, single, everything] = await applicationSizes()
    for (const absent of ['@emkit/exponential', '@emkit/multinomial', '@emkit/testkit', 'fast-check', 'pure-rand']) {
      expect(single!.parts[absent] ?? 0, absent).toBe(0)
      expect(everything!.parts[absent] ?? 0, absent).toBeGreaterThan(0)
    }
    expect(single!.parts['@emkit/gaussian']).toBeGreaterThan(0)
    // Core's unused modules (Stepwise, the stream engine's sources, …) are shaken out.
    const [core] = await packageSizes()
    expect(readme!.parts['@emkit/core']!).toBeLessThan(0.95 * core!.minified)
    // The README's fit costs about a third of everything at once.
    expect(readme!.gzip).toBeLessThan(0.5 * everything!.gzip)
    expect(readme!.gzip).toBeGreaterThan(10_000)
  })
})
