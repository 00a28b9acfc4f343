#!/usr/bin/env node
// The `emkit` executable. It runs the compiled command in ../dist/main.js, building it first (with
// the repository's TypeScript compiler, `tsc -b packages/cli`, output to stderr) when dist is
// missing or older than any source of the command or of the packages it builds on.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const packagesDir = join(cliDir, '..')
const main = join(cliDir, 'dist', 'main.js')
const stamp = join(cliDir, 'dist', '.emkit-build-stamp')
const sources = ['core', 'gaussian', 'exponential', 'multinomial', 'families', 'cli'].map((p) => join(packagesDir, p, 'src'))

const newestSource = () => {
  let newest = 0
  const walk = (dir) => {
    let entries
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs)
    }
  }
  for (const s of sources) walk(s)
  return newest
}

const stale = () => {
  if (!existsSync(main) || !existsSync(stamp)) return true
  return newestSource() > statSync(stamp).mtimeMs
}

// Only a checkout builds: the published package ships src/ (for its source maps) but no tsconfig.json.
if (existsSync(join(cliDir, 'tsconfig.json')) && stale()) {
  let tsc
  try {
    tsc = createRequire(join(cliDir, 'package.json')).resolve('typescript/bin/tsc')
  } catch {
    try {
      tsc = createRequire(join(packagesDir, '..', 'package.json')).resolve('typescript/bin/tsc')
    } catch {
      process.stderr.write('emkit: the command is not built and TypeScript is not installed; run `npx pnpm@10.34.8 install` first\n')
      process.exit(1)
    }
  }
  process.stderr.write('emkit: building the command (tsc -b packages/cli)…\n')
  // stdout of the compiler goes to stderr: stdout belongs to the command's output.
  const r = spawnSync(process.execPath, [tsc, '-b', cliDir], { stdio: ['ignore', 2, 2] })
  if (r.status !== 0) {
    process.stderr.write('emkit: the build failed (see the compiler output above)\n')
    process.exit(1)
  }
  writeFileSync(stamp, `${new Date().toISOString()}\n`)
}

await import(pathToFileURL(main).href)
