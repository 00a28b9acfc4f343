#!/usr/bin/env node
// Runs every example (examples/<name>/main.ts, compiled by `tsc -b` to examples/dist/<name>/main.js)
// and fails when one exits non-zero. Examples assert their own results.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('../examples/', import.meta.url).pathname
const only = process.argv.slice(2)
const names = readdirSync(root)
  .filter((d) => d !== 'dist' && d !== 'node_modules' && statSync(join(root, d)).isDirectory() && existsSync(join(root, d, 'main.ts')))
  .filter((d) => only.length === 0 || only.includes(d))
  .sort()
let failed = 0
for (const name of names) {
  const js = join(root, 'dist', name, 'main.js')
  if (!existsSync(js)) {
    console.error(`examples/${name}: ${js} is missing; run \`tsc -b\` first`)
    failed++
    continue
  }
  const started = Date.now()
  const r = spawnSync(process.execPath, [js], { cwd: join(root, name), stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })
  const ms = Date.now() - started
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '')
    console.error(`✗ examples/${name} exited with ${r.status} (${ms} ms)`)
    failed++
  } else {
    console.log(`✓ examples/${name} (${ms} ms)`)
  }
}
if (names.length === 0) console.log('no examples found')
process.exit(failed === 0 ? 0 : 1)
