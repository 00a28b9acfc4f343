/**
 * Bundle sizes as an application pays them: each package bundled alone for the browser with
 * esbuild (minified; its dependencies outside, so the figure is the package's own code) and the
 * same gzipped; then whole applications (the README's example, everything at once) with every
 * dependency inside, and the contribution of each package to them, read from esbuild's metafile.
 * `node examples/dist/browser/print-sizes.js` prints the table docs/browser.md shows.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import type { Metafile } from 'esbuild'
import { build } from 'esbuild'

/** One measured bundle. */
export interface Size {
  readonly name: string
  /** Minified bytes. */
  readonly minified: number
  /** Minified, then gzipped (level 9), bytes. */
  readonly gzip: number
  /** Minified bytes each package (or dependency) contributes, by name. */
  readonly parts: Readonly<Record<string, number>>
}

/** The package an input file belongs to: `@emkit/core`, `fp-ts`, … or `(entry)`. */
const owner = (file: string): string => {
  const emkit = /packages\/([\w-]+)\/dist\//.exec(file)
  if (emkit !== null) return `@emkit/${emkit[1]!}`
  const dep = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[\w.-]+\/)?[\w.-]+)\//.exec(file)
  return dep === null ? '(entry)' : dep[1]!
}

const partsOf = (metafile: Metafile): Record<string, number> => {
  const parts: Record<string, number> = {}
  for (const output of Object.values(metafile.outputs)) {
    for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) parts[owner(file)] = (parts[owner(file)] ?? 0) + bytesInOutput
  }
  return parts
}

/** Where application entries resolve from: examples/browser (this file runs from examples/dist/browser). */
const here = dirname(fileURLToPath(import.meta.url))
const resolveDir = existsSync(join(here, 'everything.ts')) ? here : join(here, '..', '..', 'browser')

/** Bundles `source` (module text, resolved from examples/browser as an application's would be) and measures it. */
export const measure = async (name: string, source: string, external: readonly string[] = []): Promise<Size> => {
  const dir = mkdtempSync(join(tmpdir(), 'emkit-size-'))
  try {
    const r = await build({
      stdin: { contents: source, resolveDir, loader: 'ts', sourcefile: 'entry.ts' },
      outfile: join(dir, 'out.js'),
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      minify: true,
      metafile: true,
      logLevel: 'silent',
      legalComments: 'none',
      external: [...external],
    })
    const code = readFileSync(join(dir, 'out.js'))
    return { name, minified: code.length, gzip: gzipSync(code, { level: 9 }).length, parts: partsOf(r.metafile) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const LIBRARY = ['core', 'gaussian', 'exponential', 'multinomial', 'testkit'] as const
const DEPENDENCIES = ['fp-ts', 'fp-ts/*', 'fast-check', 'ml-matrix']

/** Each package alone, its dependencies (the other packages included) outside. */
export const packageSizes = (): Promise<Size[]> =>
  Promise.all(
    LIBRARY.map((p) =>
      measure(`@emkit/${p}`, `export * from '@emkit/${p}'\n`, [
        ...DEPENDENCIES,
        ...LIBRARY.filter((q) => q !== p).map((q) => `@emkit/${q}`),
      ]),
    ),
  )
/** Applications, every dependency inside. */
export const applicationSizes = (): Promise<Size[]> =>
  Promise.all([
    measure(
      'README example (core + gaussian + fp-ts)',
      `import { Datasets, Mixture } from '@emkit/core'
import * as Gaussian from '@emkit/gaussian'
import { either as E } from 'fp-ts'
const result = Mixture.fit(Gaussian.family({ covariance: 'full' }), Datasets.faithful, { k: 2, restarts: 5, seed: 1 })
if (E.isRight(result)) console.log(result.right.logLikelihood, result.right.bic, result.right.trace)
`,
    ),
    measure(
      'single-family fit through a barrel of every package',
      `import { Mixture, Datasets } from '@emkit/core'
import { Gaussian } from './everything.js'
console.log(Mixture.fit(Gaussian.family(), Datasets.faithful, { k: 2 }))
`,
    ),
    measure('everything (core, three families, testkit)', `export * from './everything.js'\n`),
  ])
