/**
 * EM inside DuckDB (embedded, `@duckdb/node-api`): the exactness suite against the in-memory engine.
 */
import { describe } from 'vitest'
import { duckdb } from './Dialect.js'
import { duckdbClient } from './test/engines.js'
import { exactnessSuite } from './test/suite.js'

describe('DuckDB: fits from the same start equal the in-memory fit', () => {
  exactnessSuite(duckdb, duckdbClient)
})
