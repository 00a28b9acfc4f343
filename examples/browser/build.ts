/**
 * Bundles browser entry points with esbuild the way an application would: `--platform=browser`
 * (so packages resolve their `browser` conditions — core's `#platform` becomes the Web Worker
 * platform), ES modules, minified. Used by the browser tests, the bundle-size check and the
 * playground's build.
 */
import type { BuildResult, Metafile } from 'esbuild'
import { build } from 'esbuild'

/** Options of {@link bundle}. */
export interface BundleOptions {
  /** Entry points: output name (without `.js`) → source file. */
  readonly entries: Readonly<Record<string, string>>
  /** Where the bundles go. */
  readonly outdir: string
  /** Minify (default true). */
  readonly minify?: boolean
}

/** Bundles `entries` into `outdir`; rejects with esbuild's errors (an unresolvable import, a Node built-in…). */
export const bundle = async (options: BundleOptions): Promise<BuildResult & { metafile: Metafile }> =>
  build({
    entryPoints: Object.entries(options.entries).map(([out, in_]) => ({ out, in: in_ })),
    outdir: options.outdir,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: options.minify ?? true,
    sourcemap: false,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
  })

/** Node's built-in modules as a bundle could name them. */
const NODE_BUILTINS =
  /\b(?:from\s*|import\s*\(\s*|require\s*\(\s*)["'](?:node:[\w/]+|fs|os|path|url|worker_threads|child_process|crypto|stream|util|events|buffer|module|process)["']/

/** What of Node a bundle still holds: inputs from Node-only files and imports of Node built-ins. */
export const nodeLeftovers = (metafile: Metafile, outputs: ReadonlyMap<string, string>): string[] => [
  ...Object.keys(metafile.inputs).filter((f) => /platform\.node\.js$|internal\/worker\.js$|^node:/.test(f)),
  ...[...outputs].flatMap(([file, text]) => {
    const m = NODE_BUILTINS.exec(text)
    return m === null ? [] : [`${file}: ${m[0]}`]
  }),
]
