// PostgreSQL servers for tests and benchmarks: each started from Debian's binaries (initdb, pg_ctl)
// in a private temporary directory, on a free loopback port, as the `postgres` user when we run as
// root (PostgreSQL refuses to run as root), and always stopped: `stop()`, and a synchronous stop at
// process exit for any server still running (a test run that dies first leaves nothing behind).
// Without the binaries, MISSING says why (tests skip with it; CI installs the postgresql package).
import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Where the server binaries are (`EMKIT_PG_BIN` overrides). */
export const PG_BIN = process.env.EMKIT_PG_BIN ?? '/usr/lib/postgresql/15/bin'

/** Why PostgreSQL tests skip, or undefined when the binaries are there. */
export const MISSING = existsSync(join(PG_BIN, 'pg_ctl'))
  ? undefined
  : `PostgreSQL binaries not found in ${PG_BIN} (apt-get install postgresql, or set EMKIT_PG_BIN): the PostgreSQL tests are skipped`

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0

const binary = (name, args) => {
  const file = join(PG_BIN, name)
  if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', file, ...args], { stdio: 'pipe' })
  else execFileSync(file, args, { stdio: 'pipe' })
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const address = s.address()
      s.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
    })
  })

const running = new Set()
process.once('exit', () => {
  for (const s of running) s.stop()
})

/**
 * Starts one server (superuser `postgres`, trust authentication on 127.0.0.1, database `postgres`).
 * Returns { port, url, stop }; `stop` is idempotent and removes the directory. A start that fails
 * (another process took the free port between our probe and the server's bind) is retried twice.
 */
export const startServer = async () => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce()
    } catch (e) {
      if (attempt >= 3) throw e
    }
  }
}

const startOnce = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'emkit-pg-'))
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim())
    chownSync(dir, uid, gid)
  }
  const data = join(dir, 'data')
  const port = await freePort()
  let stopped = false
  const server = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      if (stopped) return
      stopped = true
      running.delete(server)
      try {
        binary('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
      } catch {
        // not running (the start failed): nothing to stop
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
  running.add(server)
  try {
    binary('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C'])
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`
    binary('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', options, 'start'])
  } catch (e) {
    server.stop()
    throw e
  }
  return server
}
