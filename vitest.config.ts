import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const packages = ['core', 'gaussian', 'exponential', 'multinomial', 'families', 'testkit', 'sql', 'cli']

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources, not the built dist/.
    alias: {
      ...Object.fromEntries(packages.map((p) => [`@emkit/${p}`, fileURLToPath(new URL(`./packages/${p}/src/index.ts`, import.meta.url))])),
      // core's platform module (package.json `imports`), Node's, from source too.
      '#platform': fileURLToPath(new URL('./packages/core/src/internal/platform.node.ts', import.meta.url)),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/**/*.test.ts', 'fuzz/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
