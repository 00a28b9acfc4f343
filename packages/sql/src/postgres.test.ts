/**
 * EM inside PostgreSQL 15: the exactness suite on a server the test starts (and always stops).
 */
import { afterAll, beforeAll, describe } from 'vitest'
import { postgres } from './Dialect.js'
import type { Server } from './test/postgres.js'
import { MISSING, schemaClient, startServer } from './test/postgres.js'
import { exactnessSuite } from './test/suite.js'

if (MISSING !== undefined) console.warn(MISSING)

describe.skipIf(MISSING !== undefined)('PostgreSQL: fits from the same start equal the in-memory fit', () => {
  let server: Server | undefined
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server?.stop())
  exactnessSuite(postgres, () => schemaClient(server!))
})
