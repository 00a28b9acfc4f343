/**
 * PostgreSQL servers for the tests: each started from Debian's binaries in a temporary directory, on
 * a free loopback port, as the `postgres` user when the tests run as root (PostgreSQL refuses to run
 * as root), and always stopped after (`stop`, and a synchronous stop at process exit in case a test
 * run dies first). Without the binaries the suites skip with {@link MISSING}.
 */
import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { Run } from '../Sql.js'

/** Where the server binaries are (`EMKIT_PG_BIN` overrides). */
export const PG_BIN = process.env['EMKIT_PG_BIN'] ?? '/usr/lib/postgresql/15/bin'

/** Why the PostgreSQL suites skip, or `undefined` when the binaries are there. */
export const MISSING = existsSync(join(PG_BIN, 'pg_ctl'))
  ? undefined
  : `PostgreSQL binaries not found in ${PG_BIN} (apt-get install postgresql, or set EMKIT_PG_BIN): the PostgreSQL tests are skipped`

/** A running server. */
export interface Server {
  readonly port: number
  /** A new client connected to database `postgres`, with `run` over it. */
  client(): Promise<{ run: Run; close: () => Promise<void> }>
  /** Stops the server and removes its directory (idempotent). */
  stop(): void
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0

/** Runs a server binary, as `postgres` when we are root. */
const binary = (name: string, args: readonly string[]): void => {
  const file = join(PG_BIN, name)
  if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', file, ...args], { stdio: 'pipe' })
  else execFileSync(file, args, { stdio: 'pipe' })
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const address = s.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      s.close(() => resolve(port))
    })
  })

const running = new Set<Server>()
process.once('exit', () => {
  for (const s of running) s.stop()
})

/** Starts one server. */
export const startServer = async (): Promise<Server> => {
  const dir = mkdtempSync(join(tmpdir(), 'emkit-pg-'))
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim())
    chownSync(dir, uid, gid)
  }
  const data = join(dir, 'data')
  const port = await freePort()
  let stopped = false
  const server: Server = {
    port,
    client: async () => {
      const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' })
      // A server stopped under a test (the failing shard) ends the connection: the query rejects,
      // and the client's own 'error' event is expected, not a crash.
      c.on('error', () => undefined)
      await c.connect()
      return {
        run: async (q) => (await c.query<Record<string, unknown>>(q)).rows[0],
        close: () => c.end(),
      }
    },
    stop: () => {
      if (stopped) return
      stopped = true
      running.delete(server)
      try {
        binary('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
      } catch {
        // not running (start failed): nothing to stop
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
  running.add(server)
  try {
    binary('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C'])
    binary('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'log'),
      '-w',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    ])
  } catch (e) {
    server.stop()
    throw e
  }
  return server
}

/** Fresh schema per client, so tests on one server never see each other's tables. */
let schemas = 0
export const schemaClient = async (server: Server): Promise<{ run: Run; close: () => Promise<void> }> => {
  const c = await server.client()
  const name = `t${++schemas}`
  await c.run(`CREATE SCHEMA ${name}`)
  await c.run(`SET search_path = ${name}`)
  return c
}
