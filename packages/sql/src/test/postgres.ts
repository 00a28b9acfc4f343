/**
 * PostgreSQL servers for the SQL package's tests: the repository's `scripts/postgres.mjs` starts and
 * stops them (temporary directory, loopback port, the `postgres` user); this adds a `pg` client.
 */
import pg from 'pg'
import type { PostgresServer } from '../../../../scripts/postgres.mjs'
import { startServer as start } from '../../../../scripts/postgres.mjs'
import type { Run } from '../Sql.js'

export { MISSING } from '../../../../scripts/postgres.mjs'

/** A running server. */
export interface Server extends PostgresServer {
  /** A new client connected to database `postgres`, with `run` over it. */
  client(): Promise<{ run: Run; close: () => Promise<void> }>
}

/** Starts one server. */
export const startServer = async (): Promise<Server> => {
  const server = await start()
  return {
    port: server.port,
    url: server.url,
    stop: () => server.stop(),
    client: async () => {
      const c = new pg.Client({ connectionString: server.url })
      // A server stopped under a test (the failing shard) ends the connection: the query rejects,
      // and the client's own 'error' event is expected, not a crash.
      c.on('error', () => undefined)
      await c.connect()
      return {
        run: async (q) => (await c.query<Record<string, unknown>>(q)).rows[0],
        close: () => c.end(),
      }
    },
  }
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
