/**
 * `emkit predict`: for every row, the most likely component, then the probability of each.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import { Mixture } from '@emkit/core'
import type { Command } from 'commander'
import type { DatabaseFlags } from './InDatabase.js'
import { predictInDatabase } from './InDatabase.js'
import { modelOnData, orFail } from '../Failure.js'
import type { Registry } from '../Families.js'
import type { Io } from '../Options.js'
import { readOptions } from '../Options.js'
import type { ModelFlags } from '../Steps.js'
import { predictRegressionCommand } from './FitRegression.js'
import { modelOnDataOptions, runModelOnData } from './ModelOnData.js'

/** `emkit predict`: for every row, the most likely component, then the probability of each. */
export const predictCommand = (
  io: Io,
  registry: Registry,
  modelPath: string,
  dataPath: string | undefined,
  flags: ModelFlags & DatabaseFlags,
): Promise<void> =>
  runModelOnData(io, registry, modelPath, dataPath, flags, {
    name: 'predict',
    regression: predictRegressionCommand,
    inDatabase: predictInDatabase,
    inMemory: (model, data, path) => {
      const k = model.params.components.length
      const proba = orFail(E.mapLeft(modelOnData(path))(Mixture.predictProba(model.family, model.params, data)))
      const labels = orFail(E.mapLeft(modelOnData(path))(Mixture.predict(model.family, model.params, data)))
      const rows: number[][] = []
      for (let i = 0; i < data.n; i++) rows.push([labels[i]!, ...Array.from(proba.subarray(i * k, (i + 1) * k))])
      return { header: ['label', ...Array.from({ length: k }, (_, j) => `p${j}`)], rows }
    },
  })

/**
 * Adds `emkit predict` to the program.
 */
export const registerPredict = (root: Command, io: Io, registry: Registry): void => {
  modelOnDataOptions(
    readOptions(root.command('predict'), false)
      .description('For every row of DATA.csv: the most likely component (0-based), then the probability of each component.')
      .argument('<model>', 'model file (emkit.mixture/v1)'),
  ).action(async (model: string, data: string | undefined, flags: ModelFlags & DatabaseFlags) =>
    predictCommand(io, registry, model, data, flags),
  )
}
