/**
 * `emkit predict`: for every row, the most likely component, then the probability of each.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import { Mixture } from '@emkit/core'
import type { Command } from 'commander'
import { Option } from 'commander'
import type { DatabaseFlags } from './InDatabase.js'
import { databaseTarget, predictInDatabase, readFlagsGiven } from './InDatabase.js'
import { writeCsv } from '../Csv.js'
import { modelOnData, orFail } from '../Failure.js'
import type { Registry } from '../Families.js'
import type { Io } from '../Options.js'
import { moduleOption, readOptions } from '../Options.js'
import type { ModelFlags } from '../Steps.js'
import { isRegressionModelFile, predictRegressionCommand, regressionData } from './FitRegression.js'
import { dataForModel, loadData, loadModelFile, modelColumns, writeAll } from '../Steps.js'

/** `emkit predict`: for every row, the most likely component, then the probability of each. */
export const predictCommand = async (
  io: Io,
  registry: Registry,
  modelPath: string,
  dataPath: string | undefined,
  flags: ModelFlags & DatabaseFlags,
): Promise<void> => {
  if (isRegressionModelFile(modelPath)) {
    return predictRegressionCommand(io, modelPath, regressionData(modelPath, dataPath, flags), flags)
  }
  const model = await loadModelFile(modelPath, registry, flags.family)
  const picked = modelColumns(model, flags)
  const target = databaseTarget(dataPath, flags, readFlagsGiven(flags))
  if (target !== undefined) return predictInDatabase(io, model, target, picked.flags.columns, flags.out)
  if (dataPath === undefined) return
  const data = dataForModel((await loadData(io, dataPath, picked.flags, 'predict', picked.from)).table, model)
  const k = model.params.components.length
  const proba = orFail(E.mapLeft(modelOnData(dataPath))(Mixture.predictProba(model.family, model.params, data)))
  const labels = orFail(E.mapLeft(modelOnData(dataPath))(Mixture.predict(model.family, model.params, data)))
  const rows: number[][] = []
  for (let i = 0; i < data.n; i++) rows.push([labels[i]!, ...Array.from(proba.subarray(i * k, (i + 1) * k))])
  writeAll(io, [{ path: flags.out, contents: writeCsv(['label', ...Array.from({ length: k }, (_, j) => `p${j}`)], rows) }])
}

/**
 * Adds `emkit predict` to the program.
 */
export const registerPredict = (root: Command, io: Io, registry: Registry): void => {
  readOptions(root.command('predict'), false)
    .description('For every row of DATA.csv: the most likely component (0-based), then the probability of each component.')
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
      predictCommand(io, registry, model, data, flags),
    )
}
