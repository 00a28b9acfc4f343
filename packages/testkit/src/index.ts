/**
 * `@emkit/testkit`: fast-check arbitraries for the objects of EM and the laws that any EM model
 * and any component family must obey, as a programmatic API (`check…` returns a report) and in a
 * test-runner-friendly form (`assert…` throws a readable {@link Report.LawError}).
 *
 * ```ts
 * import * as Exponential from '@emkit/exponential'
 * import { Arbitraries, FamilyLaws, ModelLaws } from '@emkit/testkit'
 * const family = Exponential.family()
 * const cases = Arbitraries.mixtureCase(family, Arbitraries.mixtureJson({ family: 'exponential', dimension: 1 }, Arbitraries.exponentialComponents(1, 2)))
 * ModelLaws.assertMixtureLaws(family, 2, { cases })
 * FamilyLaws.assertFamilyLaws({ family, data: Arbitraries.dataset({ min: 0, max: 20 }) })
 * ```
 *
 * @packageDocumentation
 */
export * as AccelerationLaws from './AccelerationLaws.js'
export * as Arbitraries from './Arbitraries.js'
export * as EngineLaws from './EngineLaws.js'
export * as FamilyLaws from './FamilyLaws.js'
export * as Fuzz from './Fuzz.js'
export * as Hostile from './Hostile.js'
export * as InformationLaws from './InformationLaws.js'
export * as ModelLaws from './ModelLaws.js'
export * as Perturb from './Perturb.js'
export * as RegressionLaws from './RegressionLaws.js'
export * as Report from './Report.js'
export * as Stationarity from './Stationarity.js'
export type { LawReport, LawResult, Violation } from './Report.js'
export { LawError } from './Report.js'
