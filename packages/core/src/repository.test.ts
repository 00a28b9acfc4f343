/**
 * The repository is self-contained for its readers: no source comment, guide, README or example
 * points to a file outside it (the design brief's contracts are copied into docs/architecture.md).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const root = resolve(fileURLToPath(new URL('../../../', import.meta.url)))
const SKIP = new Set(['node_modules', 'dist', 'api', '.git', '.tsbuild', 'data', 'results', 'test-artifacts', 'fixtures'])
const NAMED = /DESIGN\.md|STYLE\.md|\.library\//
/** A relative path that leaves the repository from the file that mentions it. */
const leaves = (file: string, line: string): boolean =>
  [...line.matchAll(/(?:\.\.\/)+[\w.-]+/g)].some((m) => {
    const to = resolve(dirname(file), m[0])
    return to !== root && !to.startsWith(`${root}/`)
  })

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return []
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return files(path)
    return /\.(ts|mjs|md)$/.test(name) ? [path] : []
  })

test('no source comment, guide or example refers to a file outside the repository', () => {
  const scanned = ['packages', 'docs', 'examples'].flatMap((d) => files(join(root, d))).concat([join(root, 'README.md')])
  expect(scanned.length).toBeGreaterThan(50)
  const offenders = scanned.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .flatMap((line, i) =>
        (NAMED.test(line) && !line.includes('NAMED')) || leaves(f, line) ? [`${relative(root, f)}:${i + 1}: ${line.trim()}`] : [],
      ),
  )
  expect(offenders).toEqual([])
})
