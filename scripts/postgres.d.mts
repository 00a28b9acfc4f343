/** Where the server binaries are (`EMKIT_PG_BIN` overrides). */
export declare const PG_BIN: string
/** Why PostgreSQL tests skip, or undefined when the binaries are there. */
export declare const MISSING: string | undefined
/** A running server: superuser `postgres`, trust authentication on 127.0.0.1. */
export interface PostgresServer {
  readonly port: number
  /** `postgres://postgres@127.0.0.1:PORT/postgres`. */
  readonly url: string
  /** Stops the server and removes its directory (idempotent). */
  stop(): void
}
/** Starts one server on a free loopback port, in a temporary directory. */
export declare const startServer: () => Promise<PostgresServer>
