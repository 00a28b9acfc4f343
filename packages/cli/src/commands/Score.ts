/**
 * `emkit score`: the per-row log-likelihood under a model, then the total.
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import { Mixture } from '@emkit/core'
import type { Command } from 'commander'
import type { DatabaseFlags } from './InDatabase.js'
import { scoreInDatabase } from './InDatabase.js'
import { modelOnData, orFail } from '../Failure.js'
import type { Registry } from '../Families.js'
import type { Io } from '../Options.js'
import { readOptions } from '../Options.js'
import type { ModelFlags } from '../Steps.js'
import { scoreRegressionCommand } from './FitRegression.js'
import { modelOnDataOptions, runModelOnData } from './ModelOnData.js'

/** `emkit score`: the per-row log-likelihood under a model, then the total. */
export const scoreCommand = (
  io: Io,
  registry: Registry,
  modelPath: string,
  dataPath: string | undefined,
  flags: ModelFlags & DatabaseFlags,
): Promise<void> =>
  runModelOnData(io, registry, modelPath, dataPath, flags, {
    name: 'score',
    regression: scoreRegressionCommand,
    inDatabase: scoreInDatabase,
    inMemory: (model, data, path) => {
      const ll = orFail(E.mapLeft(modelOnData(path))(Mixture.scoreSamples(model.family, model.params, data)))
      const rows: Array<Array<number | string>> = []
      let total = 0
      for (let i = 0; i < data.n; i++) {
        rows.push([i + 1, ll[i]!])
        total += ll[i]!
      }
      rows.push(['total', total])
      return { header: ['row', 'logLikelihood'], rows }
    },
  })

/**
 * Adds `emkit score` to the program.
 */
export const registerScore = (root: Command, io: Io, registry: Registry): void => {
  modelOnDataOptions(
    readOptions(root.command('score'), false)
      .description('Per-row log-likelihood log p(xᵢ | θ) of DATA.csv under the model, then the total.')
      .argument('<model>', 'model file (emkit.mixture/v1)'),
  ).action(async (model: string, data: string | undefined, flags: ModelFlags & DatabaseFlags) =>
    scoreCommand(io, registry, model, data, flags),
  )
}
