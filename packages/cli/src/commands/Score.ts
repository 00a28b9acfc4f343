/**
 * `emkit score`: the per-row log-likelihood under a model, then the total.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import { Mixture } from '@emkit/core'
import type { Command } from 'commander'
import { Option } from 'commander'
import type { DatabaseFlags } from './InDatabase.js'
import { databaseTarget, scoreInDatabase, readFlagsGiven } from './InDatabase.js'
import { writeCsv } from '../Csv.js'
import { modelOnData, orFail } from '../Failure.js'
import type { Registry } from '../Families.js'
import type { Io } from '../Options.js'
import { moduleOption, readOptions } from '../Options.js'
import type { ModelFlags } from '../Steps.js'
import { isRegressionModelFile, scoreRegressionCommand, regressionData } from './FitRegression.js'
import { dataForModel, loadData, loadModelFile, modelColumns, writeAll } from '../Steps.js'

/** `emkit score`: the per-row log-likelihood under a model, then the total. */
export const scoreCommand = async (
  io: Io,
  registry: Registry,
  modelPath: string,
  dataPath: string | undefined,
  flags: ModelFlags & DatabaseFlags,
): Promise<void> => {
  if (isRegressionModelFile(modelPath)) {
    return scoreRegressionCommand(io, modelPath, regressionData(modelPath, dataPath, flags), flags)
  }
  const model = await loadModelFile(modelPath, registry, flags.family)
  const picked = modelColumns(model, flags)
  const target = databaseTarget(dataPath, flags, readFlagsGiven(flags))
  if (target !== undefined) return scoreInDatabase(io, model, target, picked.flags.columns, flags.out)
  if (dataPath === undefined) return
  const data = dataForModel((await loadData(io, dataPath, picked.flags, 'score', picked.from)).table, model)
  const ll = orFail(E.mapLeft(modelOnData(dataPath))(Mixture.scoreSamples(model.family, model.params, data)))
  const rows: Array<Array<number | string>> = []
  let total = 0
  for (let i = 0; i < data.n; i++) {
    rows.push([i + 1, ll[i]!])
    total += ll[i]!
  }
  rows.push(['total', total])
  writeAll(io, [{ path: flags.out, contents: writeCsv(['row', 'logLikelihood'], rows) }])
}

/**
 * Adds `emkit score` to the program.
 */
export const registerScore = (root: Command, io: Io, registry: Registry): void => {
  readOptions(root.command('score'), false)
    .description('Per-row log-likelihood log p(xᵢ | θ) of DATA.csv under the model, then the total.')
    .argument('<model>', 'model file (emkit.mixture/v1)')
    .argument('[data]', "CSV, TSV, text or Parquet file, or - (standard input), holding the model's columns by name (not with --db)")
    .addOption(moduleOption())
    .option('--out <file.csv>', 'write here instead of standard output')
    .addOption(
      new Option('--engine <engine>', 'memory (default) or duckdb: the query runs inside DuckDB, rows stream out').choices([
        'memory',
        'duckdb',
      ]),
    )
    .option('--db <url>', 'run inside this PostgreSQL database, reading --table; rows stream out')
    .option('--table <name>', 'the --db table that holds the data')
    .action(async (model: string, data: string | undefined, flags: ModelFlags & DatabaseFlags) =>
      scoreCommand(io, registry, model, data, flags),
    )
}
