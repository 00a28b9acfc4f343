#!/usr/bin/env node
// Installs emkit the way a user would and uses it there, with no repository around it:
//   1. `pnpm pack` every package under packages/ into a temporary folder (from the dist that
//      `tsc -b` already built: nothing is built here) and checks the packed manifests and files;
//   2. creates a fresh project under os.tmpdir() that depends on the tarballs (file: paths) and on
//      fp-ts and typescript from the npm registry, at the versions the repository pins, and runs
//      `npm install` there (a registry that cannot be reached is a failure, never a skip);
//   3. type-checks the README's "In code" example there (tsc --noEmit, module NodeNext, strict),
//      compiles it with tsc and runs it with node;
//   4. runs the packed `emkit` binary there: `npx emkit --version` (the package's version) and
//      `npx emkit fit data.csv --k 2 --out model.json` on a small CSV it writes.
// Children get the environment without NODE_PATH, without npm's/pnpm's per-run variables and with
// no node_modules/.bin on PATH, so nothing resolves into the repository's node_modules. The
// temporary folders are removed at the end (`--keep` keeps them and prints where). POSIX (uses tar).
// Usage: node scripts/pack-install-test.mjs [--keep]
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = realpathSync(fileURLToPath(new URL('..', import.meta.url)))
const keep = process.argv.includes('--keep')
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'))
const rootPkg = readJson(join(root, 'package.json'))
const pnpmVersion = String(rootPkg.packageManager).replace(/^pnpm@/, '')
const typescriptVersion = rootPkg.devDependencies.typescript
const fpTsVersion = readJson(join(root, 'packages', 'core', 'package.json')).devDependencies['fp-ts']

const started = Date.now()
const work = realpathSync(mkdtempSync(join(tmpdir(), 'emkit-pack-install-')))
const packs = join(work, 'packs')
const project = join(work, 'project')
mkdirSync(packs)
mkdirSync(project)

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`
const cleanup = () => {
  if (keep) console.log(`pack-install: kept ${work}`)
  else rmSync(work, { recursive: true, force: true })
}
class StepFailure extends Error {}
const fail = (message) => {
  throw new StepFailure(message)
}
/** Runs one step, printing one line: what it did, what it found, how long it took. */
const step = (title, body) => {
  const t0 = Date.now()
  try {
    const found = body()
    console.log(`pack-install: ${title}${found ? ` — ${found}` : ''} (${seconds(Date.now() - t0)})`)
  } catch (e) {
    console.error(`pack-install: FAILED: ${title}\n${e instanceof StepFailure ? e.message : (e?.stack ?? String(e))}`)
    if (!keep) console.error('pack-install: rerun with --keep to keep the temporary project and npm logs')
    cleanup()
    process.exit(1)
  }
}

/** The environment of everything run in the fresh project: the caller's, minus what ties it to this repository. */
const isolatedEnv = () => {
  // Network and config-location settings from the caller's environment still apply.
  const passNpm = /^npm_config_(registry|cafile|ca|proxy|https_proxy|noproxy|strict_ssl|userconfig|globalconfig)$/i
  const env = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k === 'NODE_PATH') continue
    if (/^(init_cwd|pnpm_.*|npm_.*)$/i.test(k) && !passNpm.test(k)) continue
    env[k] = v
  }
  env.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((d) => d !== '' && !/node_modules[\\/]\.bin[\\/]?$/.test(d) && !`${d}${sep}`.startsWith(`${root}${sep}`))
    .join(delimiter)
  return env
}
const env = isolatedEnv()

/** Runs a command; fails the step with its output's tail when it exits non-zero. */
const run = (command, args, { cwd = project, childEnv = env, timeout = 300_000, what = [command, ...args].join(' ') } = {}) => {
  const r = spawnSync(command, args, { cwd, env: childEnv, encoding: 'utf8', timeout, maxBuffer: 64 << 20 })
  if (r.error) fail(`${what}: ${r.error.message}`)
  if (r.status !== 0) {
    const output = `${r.stdout}${r.stderr}`.trimEnd().split('\n').slice(-40).join('\n')
    fail(`${what} exited with ${r.status ?? r.signal}:\n${output}`)
  }
  return r
}
const npm = 'npm'
const npx = 'npx'

if (!relative(root, work).startsWith('..')) {
  console.error(`pack-install: the temporary folder ${work} is inside the repository; set TMPDIR elsewhere`)
  process.exit(1)
}

// 1. Pack.
let packed = []
step(`pnpm pack every package into ${packs}`, () => {
  // The pnpm that runs `pnpm test`, else the repository's pnpm through npx.
  const execpath = process.env.npm_execpath ?? ''
  const [command, ...pnpm] = /pnpm\.c?js$/.test(execpath) ? [process.execPath, execpath] : [npx, '-y', `pnpm@${pnpmVersion}`]
  const args = [...pnpm, '-r', '--filter', './packages/*', 'pack', '--pack-destination', packs, '--json']
  const r = run(command, args, { cwd: root, childEnv: process.env, what: 'pnpm -r pack' })
  const out = JSON.parse(r.stdout)
  packed = Array.isArray(out) ? out : [out]
  const expected = readdirSync(join(root, 'packages')).filter((d) => existsSync(join(root, 'packages', d, 'package.json'))).length
  if (packed.length !== expected) fail(`expected ${expected} packages, packed ${packed.length}: ${packed.map((p) => p.name).join(', ')}`)
  return packed.map((p) => `${p.name}@${p.version}`).join(', ')
})

step('check the packed manifests and files', () => {
  const problems = []
  for (const p of packed) {
    const files = p.files.map((f) => f.path)
    const dir = join(work, 'unpacked', p.name)
    mkdirSync(dir, { recursive: true })
    run('tar', ['-xzf', p.filename, '-C', dir], { cwd: work })
    const manifest = readJson(join(dir, 'package', 'package.json'))
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [name, range] of Object.entries(manifest[field] ?? {})) {
        if (String(range).includes(':')) problems.push(`${p.name}: ${field}.${name} is "${range}" in the packed package.json`)
      }
    }
    if (!manifest.engines?.node) problems.push(`${p.name}: no engines.node`)
    for (const f of files) {
      if (/(^|\/)(test|tests|__tests__)\/|\.test\.[cm]?[jt]s|\.tsbuildinfo$|\.emkit-build-stamp$/.test(f))
        problems.push(`${p.name}: ships ${f}`)
      // Every compiled module has its source: anything else is stale or test-only build output.
      const m = /^dist\/(.*)\.js$/.exec(f)
      if (m && !files.includes(`src/${m[1]}.ts`))
        problems.push(`${p.name}: ships ${f} but no src/${m[1]}.ts (stale build output? rm -rf dist and rebuild)`)
    }
    for (const entry of ['dist/index.js', 'dist/index.d.ts', 'README.md'])
      if (!files.includes(entry)) problems.push(`${p.name}: ${entry} missing`)
    // The Gaussian family's WebAssembly kernel, built by the install, travels in the package.
    if (p.name === '@emkit/gaussian')
      for (const entry of ['dist/internal/kernel.generated.js', 'assembly/kernel.ts'])
        if (!files.includes(entry)) problems.push(`${p.name}: ${entry} missing (the built WebAssembly kernel and its source)`)
  }
  if (problems.length > 0) fail(problems.join('\n'))
  const peers = packed
    .filter((p) => p.name !== '@emkit/cli')
    .map((p) => readJson(join(work, 'unpacked', p.name, 'package', 'package.json')))
  return `no workspace: ranges, no test or stale files; peers: ${peers
    .filter((m) => m.peerDependencies)
    .map(
      (m) =>
        `${m.name.replace('@emkit/', '')} → ${Object.entries(m.peerDependencies)
          .map(([n, r]) => `${n}@${r}`)
          .join(' ')}`,
    )
    .join('; ')}`
})

// 2. A fresh project.
const registry = spawnSync(npm, ['config', 'get', 'registry'], { cwd: project, env, encoding: 'utf8' }).stdout?.trim() || 'the npm registry'
const npmCache = join(work, 'npm-cache')
step(`npm ping ${registry}`, () => {
  const r = spawnSync(npm, ['ping', '--cache', npmCache, '--fetch-retries', '0', '--fetch-timeout', '20000'], {
    cwd: project,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  })
  if (r.error || r.status !== 0) {
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trimEnd().split('\n').slice(-10).join('\n')
    fail(
      `cannot reach ${registry}: this test installs fp-ts, typescript and the command's dependencies from it, and fails without it.\n` +
        `npm ping: ${r.error ? r.error.message : `exit ${r.status ?? r.signal}`}\n${output}`,
    )
  }
})
step(`npm install the tarballs + fp-ts@${fpTsVersion} + typescript@${typescriptVersion} in ${project}`, () => {
  const dependencies = Object.fromEntries(packed.map((p) => [p.name, `file:${p.filename}`]))
  dependencies['fp-ts'] = fpTsVersion
  dependencies.typescript = typescriptVersion
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'emkit-pack-install-test', version: '0.0.0', private: true, type: 'module', dependencies }, null, 2)}\n`,
  )
  const args = ['install', '--no-audit', '--no-fund', '--no-update-notifier', '--cache', npmCache]
  // Fail within minutes, not npm's default five per request, when the registry cannot be reached.
  args.push('--fetch-retries', '1', '--fetch-retry-mintimeout', '2000', '--fetch-retry-maxtimeout', '5000', '--fetch-timeout', '60000')
  const r = spawnSync(npm, args, { cwd: project, env, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 })
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`
  if (r.error || r.status !== 0) {
    const offline = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network|socket hang up/i.test(output)
    fail(
      `${offline ? `cannot reach ${registry}: this test installs fp-ts, typescript and the command's dependencies from it and cannot pass offline.\n` : ''}` +
        `npm install exited with ${r.error ? r.error.message : (r.status ?? r.signal)}:\n${output.trimEnd().split('\n').slice(-30).join('\n')}`,
    )
  }
  // One copy of core and fp-ts, whoever asks for them (the families' and testkit's peers, the CLI's dependencies).
  const tree = run(npm, ['ls', '--all', '--parseable'], { what: 'npm ls --all --parseable' }).stdout.trim().split('\n')
  for (const name of ['@emkit/core', 'fp-ts']) {
    const copies = tree.filter((path) => path.endsWith(`${sep}node_modules${sep}${name.replace('/', sep)}`))
    if (copies.length !== 1) fail(`${copies.length} copies of ${name}:\n${copies.join('\n')}`)
  }
  const added = /added (\d+) packages?/.exec(output)
  return `${added ? `${added[1]} packages` : 'installed'} from ${registry}; one copy each of @emkit/core and fp-ts`
})

// 3. The README's "In code" example, in the fresh project.
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const example = /^## In code\s*\n[\s\S]*?```ts\n([\s\S]*?)```/m.exec(readme)?.[1]
const tsc = ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']
step('README "In code" example: tsc --noEmit (module NodeNext, strict)', () => {
  if (!example) fail('README.md has no ```ts block under "## In code"')
  writeFileSync(join(project, 'example.ts'), example)
  const compilerOptions = { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, outDir: 'out' }
  writeFileSync(join(project, 'tsconfig.json'), `${JSON.stringify({ compilerOptions, files: ['example.ts'] }, null, 2)}\n`)
  run(process.execPath, [...tsc, '--noEmit'], { what: 'tsc --noEmit' })
  return `${example.trim().split('\n').length} lines, no errors`
})
step('README "In code" example: compiled by tsc, run by node', () => {
  run(process.execPath, tsc, { what: 'tsc' })
  const r = run(process.execPath, ['out/example.js'], { what: 'node out/example.js' })
  const first = r.stdout.trim().split(/\s+/)[0] ?? ''
  if (!Number.isFinite(Number(first))) fail(`expected a log-likelihood first, got:\n${r.stdout}${r.stderr}`)
  return `log-likelihood ${first}`
})

step("the installed Gaussian family runs its WebAssembly kernel (kernel: 'wasm')", () => {
  const code = "const G = await import('@emkit/gaussian'); console.log(G.family().kernel)"
  const childEnv = { ...env }
  delete childEnv.EMKIT_KERNEL // the default, whatever the caller's environment asks for
  const r = run(process.execPath, ['--input-type=module', '-e', code], { childEnv, what: 'node -e G.family().kernel' })
  if (r.stdout.trim() !== 'wasm') fail(`G.family().kernel is ${JSON.stringify(r.stdout.trim())}, expected "wasm"\n${r.stderr}`)
  return 'wasm'
})

// 4. The packed command, run from the fresh project.
step('npx emkit --version', () => {
  const expected = packed.find((p) => p.name === '@emkit/cli')?.version
  const r = run(npx, ['--no', '--', 'emkit', '--version'], { what: 'npx emkit --version' })
  if (r.stdout.trim() !== expected) fail(`printed ${JSON.stringify(r.stdout)}, expected ${expected}\n${r.stderr}`)
  if (r.stderr.includes('building')) fail(`the installed command tried to build itself:\n${r.stderr}`)
  return r.stdout.trim()
})
step('npx emkit fit data.csv --k 2 --out model.json', () => {
  // Two well-separated clusters around (0, 0) and (5, 5), 60 rows each, from a fixed LCG.
  let seed = 12345
  const uniform = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())
  const rows = ['x,y']
  for (let i = 0; i < 120; i++) {
    const c = i % 2 === 0 ? 0 : 5
    rows.push(`${(c + normal()).toFixed(6)},${(c + 0.5 * normal()).toFixed(6)}`)
  }
  writeFileSync(join(project, 'data.csv'), `${rows.join('\n')}\n`)
  const r = run(npx, ['--no', '--', 'emkit', 'fit', 'data.csv', '--k', '2', '--out', 'model.json'], {
    what: 'npx emkit fit data.csv --k 2 --out model.json',
  })
  if (r.stderr.includes('building')) fail(`the installed command tried to build itself:\n${r.stderr}`)
  const model = readJson(join(project, 'model.json'))
  if (model.format !== 'emkit.mixture/v1' || model.weights?.length !== 2)
    fail(`unexpected model.json:\n${JSON.stringify(model).slice(0, 400)}`)
  const means = model.components.map((c) => c.mean).sort((a, b) => a[0] - b[0])
  const near = (m, c) => Math.abs(m[0] - c) < 0.5 && Math.abs(m[1] - c) < 0.5
  if (!near(means[0], 0) || !near(means[1], 5)) fail(`means ${JSON.stringify(means)} are not near (0, 0) and (5, 5)`)
  return `${model.format}, ${model.family} ${model.covariance}, means ${means.map((m) => `(${m.map((v) => v.toFixed(2)).join(', ')})`).join(' ')}, ℓ = ${model.fit.logLikelihood.toFixed(2)}`
})

cleanup()
console.log(`pack-install: ok in ${seconds(Date.now() - started)}`)
