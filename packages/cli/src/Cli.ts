/**
 * The `emkit` command (docs/architecture.md, "The `emkit` command"): `fit`, `select`, `predict`, `score` and
 * `sample`, parsed by commander (generated `--help` for every sub-command). The options live in
 * `Options.ts`, each sub-command in its own file under `commands/`, the program in `Program.ts`;
 * this module gathers what the package exports.
 *
 * Exit codes: 0 success; 2 usage error; 1 bad data, a bad or mismatched model file, or a fit that
 * cannot proceed, always with one readable line on stderr. Outputs are computed in full, then
 * written atomically, so a failed run leaves no partial file and never overwrites a good one.
 *
 * @packageDocumentation
 */
export type { Io } from './Options.js'
export { parseKs, processIo } from './Options.js'
export { program, run } from './Program.js'
