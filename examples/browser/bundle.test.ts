/**
 * `esbuild --platform=browser` bundles core, the three families and the testkit (every public
 * export, through everything.ts) with no Node built-in left: core's `#platform` resolves to the Web Worker platform under the `browser`
 * condition, and nothing else in the packages imports Node. Bundles the compiled packages, as an
 * application installing them would (the test command builds them first).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterAll, describe, expect, it } from 'vitest'
import { bundle, nodeLeftovers } from './build.js'

const here = dirname(fileURLToPath(import.meta.url))
const out = mkdtempSync(join(tmpdir(), 'emkit-bundle-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

describe('a browser bundle of every library package', () => {
  it('builds with --platform=browser and holds no Node built-in', async () => {
    const r = await bundle({ entries: { everything: join(here, 'everything.ts') }, outdir: out })
    expect(r.errors).toEqual([])
    const inputs = Object.keys(r.metafile.inputs)
    // The Web Worker platform is in, Node's is not.
    expect(inputs.filter((f) => f.includes('packages/core/dist/internal/platform.web.js'))).toHaveLength(1)
    expect(inputs.filter((f) => /platform\.node|internal\/worker\.js/.test(f))).toEqual([])
    // Every package came from its compiled dist/ (what an installed package holds).
    for (const p of ['core', 'gaussian', 'exponential', 'multinomial', 'testkit'])
      expect(inputs.some((f) => f.includes(`packages/${p}/dist/`))).toBe(true)
    const outputs = new Map(Object.keys(r.metafile.outputs).map((f) => [f, readFileSync(f, 'utf8')]))
    expect(nodeLeftovers(r.metafile, outputs)).toEqual([])
  })

  it('the check finds a Node built-in when there is one', async () => {
    const probe = join(out, 'probe.ts')
    writeFileSync(probe, "import { cpus } from 'node:os'\nexport const n = cpus().length\n")
    await expect(bundle({ entries: { probe }, outdir: join(out, 'probe') })).rejects.toThrow(/node:os/)
    // Marked external (as a careless configuration would), it stays in the output, and the check sees it.
    const r = await build({
      entryPoints: [probe],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      external: ['node:os'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    })
    const outputs = new Map(r.outputFiles.map((f) => [f.path, f.text]))
    expect(nodeLeftovers(r.metafile, outputs)).toHaveLength(1)
  })
})
