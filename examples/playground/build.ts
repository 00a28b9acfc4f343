/**
 * Builds the playground as a static site: the page and its EM worker bundled by esbuild for the
 * browser, index.html, and the data sets the repository holds besides the embedded Old Faithful
 * (iris, and galaxies where the command line's fixtures have it), listed in datasets.json.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundle } from '../browser/build.js'

const here = dirname(fileURLToPath(import.meta.url))
/** The TypeScript sources and index.html (this file runs from examples/dist/playground or from the sources). */
const sources = existsSync(join(here, 'index.html')) ? here : resolve(here, '../../playground')
const repo = resolve(sources, '../..')

/** Data sets shipped with the site: name, label, where the repository holds them. */
const DATASETS = [
  { name: 'iris', label: 'iris (150 × 4)', source: 'packages/gaussian/fixtures/iris-k3/data.csv' },
  { name: 'galaxies', label: 'galaxies (82 × 1)', source: 'packages/cli/fixtures/datasets/galaxies.csv' },
] as const

/** Writes the site into `outdir`; resolves with the data sets it ships. */
export const buildPlayground = async (outdir: string): Promise<string[]> => {
  mkdirSync(join(outdir, 'data'), { recursive: true })
  await bundle({ entries: { page: join(sources, 'page.ts'), 'fit-worker': join(sources, 'fit-worker.ts') }, outdir })
  copyFileSync(join(sources, 'index.html'), join(outdir, 'index.html'))
  const shipped = DATASETS.filter((d) => existsSync(join(repo, d.source)))
  for (const d of shipped) copyFileSync(join(repo, d.source), join(outdir, 'data', `${d.name}.csv`))
  writeFileSync(
    join(outdir, 'datasets.json'),
    `${JSON.stringify(
      shipped.map((d) => ({ name: d.name, label: d.label, file: `data/${d.name}.csv` })),
      null,
      2,
    )}\n`,
  )
  return shipped.map((d) => d.name)
}
