#!/usr/bin/env node
// Copies the shared reference fits (../shared/reference/<case>/*, computed by an independent EM
// implementation and cross-checked against scikit-learn and mclust) into the repository, unchanged,
// so that the tests never read anything outside the repo. Never hand-edit the copied numbers: rerun
// this script instead (`pnpm fixtures`).
//
// Usage: node scripts/copy-fixtures.mjs [REFERENCE_DIR]   (default: <repo>/../shared/reference)
import { createHash } from 'node:crypto'
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = resolve(fileURLToPath(new URL('..', import.meta.url)))
const source = resolve(process.argv[2] ?? join(repo, '..', 'shared', 'reference'))
const cases = ['lecture-1d', 'iris-k3']
const target = join(repo, 'packages', 'gaussian', 'fixtures')

if (!existsSync(source)) {
  console.error(`copy-fixtures: reference directory ${source} not found`)
  process.exit(1)
}
let failed = false
for (const name of cases) {
  const from = join(source, name)
  if (!existsSync(from)) {
    console.error(`copy-fixtures: case ${name} missing in ${source}`)
    failed = true
    continue
  }
  const expected = JSON.parse(readFileSync(join(from, 'expected.json'), 'utf8'))
  const dataFile = expected.data?.file ?? 'data.csv'
  const sha = createHash('sha256')
    .update(readFileSync(join(from, dataFile)))
    .digest('hex')
  if (sha !== expected.data?.sha256) {
    console.error(`copy-fixtures: ${name}/${dataFile} has sha256 ${sha}, expected.json says ${expected.data?.sha256}`)
    failed = true
    continue
  }
  const to = join(target, name)
  mkdirSync(to, { recursive: true })
  const files = readdirSync(from)
    .filter((f) => statSync(join(from, f)).isFile())
    .sort()
  for (const f of files) {
    // The shared copies are read-only; make ours writable so that the script can be rerun.
    if (existsSync(join(to, f))) chmodSync(join(to, f), 0o644)
    copyFileSync(join(from, f), join(to, f))
    chmodSync(join(to, f), 0o644)
  }
  console.log(`copy-fixtures: ${name}: ${files.length} files (${files.join(', ')}), ${dataFile} sha256 ok`)
}
process.exit(failed ? 1 : 0)
