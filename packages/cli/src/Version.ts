/**
 * The command's version, read at run time from the package's own `package.json`, so that
 * `emkit --version` cannot disagree with the package that is installed.
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs'

/**
 * The `version` of `@emkit/cli`'s `package.json`. The file is `../package.json` from this module
 * whether it runs from `src/` (tests), `dist/` in a checkout, or an installed package (`npm pack`
 * always ships `package.json`).
 *
 * @category Command line
 * @since 0.2.0
 */
export const version: string = ((): string => {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') return pkg.version
  throw new Error("@emkit/cli: package.json has no version (it is read next to the module's folder)")
})()
