/**
 * Every public export of core, the Gaussian family and the testkit, in one module: bundled for the
 * browser, it shows that nothing any of them exports needs Node (bundle.test.ts).
 */
export * from '@emkit/core'
export * as Gaussian from '@emkit/gaussian'
export * as Testkit from '@emkit/testkit'
