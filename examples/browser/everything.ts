/**
 * A barrel of every public export of the library packages: bundled for the browser it shows that
 * nothing any of them exports needs Node (bundle.test.ts); `sizes.ts` bundles it whole, and
 * imports one family from it to check that the others are shaken out.
 */
export * from '@emkit/core'
export * as Gaussian from '@emkit/gaussian'
export * as Exponential from '@emkit/exponential'
export * as Multinomial from '@emkit/multinomial'
export * as Testkit from '@emkit/testkit'
