/**
 * `@emkit/cli`: the `emkit` command — fit, select, predict, score and sample mixtures from CSV
 * files, with SVG pictures and self-contained HTML reports. The executable is `bin/emkit.js`;
 * this module exposes the same command as a function ({@link Cli.run}) and its pure parts (CSV
 * reading, model files, plots, reports, atomic writes) for reuse and testing.
 *
 * ```sh
 * pnpm emkit fit --k 2 --out faithful.json --plot faithful.html
 * ```
 *
 * @packageDocumentation
 */
export * as Agreement from './Agreement.js'
export * as AtomicWrite from './AtomicWrite.js'
export * as Cli from './Cli.js'
export * as Csv from './Csv.js'
export * as Data from './Data.js'
export * as Engines from './Engines.js'
export * as Failure from './Failure.js'
export * as Families from './Families.js'
export * as FamilyArgument from './FamilyArgument.js'
export * as FamilyChoice from './FamilyChoice.js'
export * as FamilyModule from './FamilyModule.js'
export * as Geometry from './Geometry.js'
export * as ModelFile from './ModelFile.js'
export * as Plots from './Plots.js'
export * as Progress from './Progress.js'
export * as Read from './Read.js'
export * as Report from './Report.js'
export * as Spill from './Spill.js'
export { run } from './Cli.js'
