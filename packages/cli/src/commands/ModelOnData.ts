/**
 * What `emkit predict` and `emkit score` share: their arguments and options, reading the model, the
 * route for a mixture-of-regressions model, the route inside a database, and reading the data for
 * the in-memory route. Each command supplies only what it computes per row.
 *
 * @packageDocumentation
 */
import type { Dataset } from '@emkit/core'
import type { Command } from 'commander'
import { Option } from 'commander'
import type { DatabaseFlags, predictInDatabase } from './InDatabase.js'
import { databaseTarget, readFlagsGiven } from './InDatabase.js'
import { writeCsv } from '../Csv.js'
import type { Registry } from '../Families.js'
import type { LoadedModel } from '../ModelFile.js'
import type { Io } from '../Options.js'
import { moduleOption } from '../Options.js'
import type { ModelFlags } from '../Steps.js'
import { dataForModel, loadData, loadModelFile, modelColumns, writeAll } from '../Steps.js'
import { isRegressionModelFile, regressionData } from './FitRegression.js'

/** One command applying a model to data: its name and what it does on each route. */
export interface ModelOnDataCommand {
  readonly name: 'predict' | 'score'
  /** The command for a mixture-of-regressions model file. */
  readonly regression: (io: Io, modelPath: string, dataPath: string, flags: ModelFlags & DatabaseFlags) => Promise<void>
  /** The command inside a database (rows streamed out). */
  readonly inDatabase: typeof predictInDatabase
  /** The CSV header and rows for data read into memory. */
  readonly inMemory: (
    model: LoadedModel,
    data: Dataset.Dataset,
    dataPath: string,
  ) => { header: string[]; rows: Array<Array<number | string>> }
}

/** Runs `command` for the model file at `modelPath` on `dataPath` (or the `--db` table). */
export const runModelOnData = async (
  io: Io,
  registry: Registry,
  modelPath: string,
  dataPath: string | undefined,
  flags: ModelFlags & DatabaseFlags,
  command: ModelOnDataCommand,
): Promise<void> => {
  if (isRegressionModelFile(modelPath)) return command.regression(io, modelPath, regressionData(modelPath, dataPath, flags), flags)
  const model = await loadModelFile(modelPath, registry, flags.family)
  const picked = modelColumns(model, flags)
  const target = databaseTarget(dataPath, flags, readFlagsGiven(flags))
  if (target !== undefined) return command.inDatabase(io, model, target, picked.flags.columns, flags.out)
  if (dataPath === undefined) return // not reached: databaseTarget refuses a missing DATA without --db
  const data = dataForModel((await loadData(io, dataPath, picked.flags, command.name, picked.from)).table, model)
  const { header, rows } = command.inMemory(model, data, dataPath)
  writeAll(io, [{ path: flags.out, contents: writeCsv(header, rows) }])
}

/** The DATA argument and the options `predict` and `score` share, after the MODEL argument. */
export const modelOnDataOptions = (command: Command): Command =>
  command
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
