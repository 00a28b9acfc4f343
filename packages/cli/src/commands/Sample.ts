/**
 * `emkit sample`: draws rows from a model file, as CSV.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import { Mixture } from '@emkit/core'
import type { Command } from 'commander'
import { writeCsv } from '../Csv.js'
import { CliFailure, modelOnData, orFail, usageError } from '../Failure.js'
import type { Registry } from '../Families.js'
import { label } from '../Families.js'
import type { ModuleArgument } from '../FamilyArgument.js'
import type { Io } from '../Options.js'
import { integer, moduleOption } from '../Options.js'
import { loadModelFile, writeAll } from '../Steps.js'
import { isRegressionModelFile, sampleRegressionCommand } from './FitRegression.js'

/** The flags of `sample`. */
export interface SampleFlags {
  n: number
  trials?: number
  seed?: number
  labels?: boolean
  out?: string
  /** `--covariates FILE`: the rows a mixture of regressions is sampled at. */
  covariates?: string
  /** `--family ./module.js`: the module of a family that is not built in. */
  family?: ModuleArgument
}

/** `emkit sample`: N draws from a model, as CSV. */
export const sampleCommand = async (io: Io, registry: Registry, modelPath: string, flags: SampleFlags): Promise<void> => {
  if (isRegressionModelFile(modelPath)) {
    if (flags.trials !== undefined)
      throw new CliFailure(usageError(`--trials applies to multinomial models only; ${modelPath} is a mixture of regressions`))
    return sampleRegressionCommand(io, modelPath, flags)
  }
  if (flags.covariates !== undefined)
    throw new CliFailure(usageError(`--covariates applies to mixtures of regressions only; ${modelPath} is not one`))
  const model = await loadModelFile(modelPath, registry, flags.family)
  if (flags.trials !== undefined && model.spec.family !== 'multinomial') {
    throw new CliFailure(usageError(`--trials applies to multinomial models only; ${modelPath} is a ${label(model.spec)} model`))
  }
  const family = flags.trials === undefined ? model.family : orFail(registry({ ...model.spec, trials: flags.trials }))
  const s = orFail(E.mapLeft(modelOnData(modelPath))(Mixture.sample(family, model.params, flags.n, flags.seed ?? 0)))
  const rows: number[][] = []
  for (let i = 0; i < flags.n; i++) {
    const r = Array.from(s.values.subarray(i * s.d, (i + 1) * s.d))
    if (flags.labels === true) r.push(s.labels[i]!)
    rows.push(r)
  }
  const header = model.columns === undefined ? Array.from({ length: s.d }, (_, c) => `x${c + 1}`) : [...model.columns]
  if (flags.labels === true) header.push('component')
  writeAll(io, [{ path: flags.out, contents: writeCsv(header, rows) }])
}

/**
 * Adds `emkit sample` to the program.
 */
export const registerSample = (root: Command, io: Io, registry: Registry): void => {
  root
    .command('sample')
    .description('Draw N rows from the model, as CSV.')
    .argument('<model>', 'model file (emkit.mixture/v1)')
    .requiredOption('--n <n>', 'number of rows to draw', integer('--n', 1))
    .option('--seed <s>', 'seed of the random stream (default: 0)', integer('--seed', 0))
    .option('--trials <n>', 'multinomial models: the row total (number of trials) of each draw (default: 1)', integer('--trials', 1))
    .option('--labels', 'add a last column with the component of each draw')
    .option(
      '--covariates <file.csv>',
      'a mixture of regressions: draw the response given the covariates of these rows (row i at row i mod m)',
    )
    .addOption(moduleOption())
    .option('--out <file.csv>', 'write here instead of standard output')
    .action(async (model: string, flags: SampleFlags) => sampleCommand(io, registry, model, flags))
}
