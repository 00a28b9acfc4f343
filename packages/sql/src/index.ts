/**
 * `@emkit/sql`: EM inside the database. A mixture's E-step and sufficient statistics compile to one
 * SQL aggregate per iteration, run by the caller's own client on DuckDB or PostgreSQL; shards merge
 * through the family's statistics monoid. Families opt in with core's `ComponentFamily.sql`
 * capability (the Gaussian, exponential and multinomial families have it).
 *
 * See `Sql.sql` for an example with DuckDB, and the guide "Fitting data that lives in a database".
 *
 * @packageDocumentation
 */
export * as Dialect from './Dialect.js'
export * as Sql from './Sql.js'
