/**
 * `emkit predict`: for every row, the most likely component, then the probability of each.
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

/** `emkit predict`: for every row, the most likely component, then the probability of each. */
export const predictCommand = (io: Io, registry: Registry, modelPath: string, dataPath: string, flags: ModelFlags): void => {
  const model = loadModel(modelPath, {}, registry)
  const data = dataForModel(loadTable(dataPath, flags.columns), model)
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
  root
    .command('predict')
    .description('For every row of DATA.csv: the most likely component (0-based), then the probability of each component.')
    .argument('<model>', 'model file (emkit.mixture/v1)')
    .argument('<data>', "CSV file with the model's number of columns")
    .option('--columns <names>', 'use these columns, by header name, comma-separated', columnList)
    .option('--out <file.csv>', 'write here instead of standard output')
    .action((model: string, data: string, flags: ModelFlags) => predictCommand(io, registry, model, data, flags))
}
