/**
 * `emkit score`: the per-row log-likelihood under a model, then the total.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import { Mixture } from '@emkit/core'
import type { Command } from 'commander'
import { writeCsv } from '../Csv.js'
import { modelOnData, orFail } from '../Failure.js'
import type { Registry } from '../Families.js'
import type { Io } from '../Options.js'
import { columnList } from '../Options.js'
import type { ModelFlags } from '../Steps.js'
import { dataForModel, loadModel, loadTable, writeAll } from '../Steps.js'

/** `emkit score`: the per-row log-likelihood under a model, then the total. */
export const scoreCommand = (io: Io, registry: Registry, modelPath: string, dataPath: string, flags: ModelFlags): void => {
  const model = loadModel(modelPath, {}, registry)
  const data = dataForModel(loadTable(dataPath, flags.columns), model)
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
  root
    .command('score')
    .description('Per-row log-likelihood log p(xᵢ | θ) of DATA.csv under the model, then the total.')
    .argument('<model>', 'model file (emkit.mixture/v1)')
    .argument('<data>', "CSV file with the model's number of columns")
    .option('--columns <names>', 'use these columns, by header name, comma-separated', columnList)
    .option('--out <file.csv>', 'write here instead of standard output')
    .action((model: string, data: string, flags: ModelFlags) => scoreCommand(io, registry, model, data, flags))
}
