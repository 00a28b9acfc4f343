/**
 * Nothing in core needs Node to import it: no module reachable from the package entry point
 * imports a `node:` built-in statically (the threads engine reaches Node through
 * `process.getBuiltinModule` when it is created; its worker script is loaded only by a worker).
 * Checked on the compiled dist/ that the package ships (the test command builds it first).
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '../dist')

test('the modules reachable from the entry point import no Node built-in', () => {
  expect(existsSync(join(dist, 'index.js'))).toBe(true)
  const seen = new Set<string>()
  const offenders: string[] = []
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm)) {
      const spec = (m[1] ?? m[2])!
      if (spec.startsWith('node:') || ['fs', 'os', 'path', 'url', 'worker_threads'].includes(spec)) offenders.push(`${file}: ${spec}`)
      else if (spec.startsWith('.')) visit(resolve(dirname(file), spec))
    }
  }
  visit(join(dist, 'index.js'))
  expect(seen.size).toBeGreaterThan(10)
  expect(offenders).toEqual([])
})
