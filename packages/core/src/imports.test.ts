/**
 * Nothing in core needs Node to import it outside Node: under the `browser` and `default`
 * conditions, no module reachable from the package entry point imports a `node:` built-in
 * statically. The one platform-specific module, `#platform`, is followed through the package's
 * `imports` map under each condition; Node's (`node`) is the only one that imports Node built-ins.
 * (The Node worker script is loaded only by a worker.) Checked on the compiled dist/ that the
 * package ships (the test command builds it first).
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '../dist')
const manifest = JSON.parse(readFileSync(join(dist, '../package.json'), 'utf8')) as { imports: Record<string, Record<string, string>> }

/** The modules reachable from the entry point under `condition`, and their imports of Node built-ins. */
const walk = (condition: string): { seen: Set<string>; offenders: string[] } => {
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
      else if (spec.startsWith('#')) {
        const target = manifest.imports[spec]?.[condition]
        expect(target, `${spec} under ${condition}`).toBeDefined()
        visit(resolve(dist, '..', target!))
      }
    }
  }
  expect(existsSync(join(dist, 'index.js'))).toBe(true)
  visit(join(dist, 'index.js'))
  return { seen, offenders }
}

describe('the compiled import graph of core', () => {
  test.each(['browser', 'default'])('under the %s condition, no module imports a Node built-in', (condition) => {
    const { seen, offenders } = walk(condition)
    expect(seen.size).toBeGreaterThan(10)
    expect([...seen].some((f) => f.endsWith('platform.web.js'))).toBe(true)
    expect(offenders).toEqual([])
  })

  test('under the node condition, Node built-ins come from the Node platform module only', () => {
    const { seen, offenders } = walk('node')
    expect([...seen].some((f) => f.endsWith('platform.web.js'))).toBe(false)
    expect(offenders.length).toBeGreaterThan(0)
    expect(offenders.filter((o) => !o.includes('platform.node.js'))).toEqual([])
  })
})
