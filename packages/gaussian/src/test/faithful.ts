/** Old Faithful, k = 3, full covariance: the fixed starts of issue 14's measurements (not part of the package). */
import { Datasets, Mixture, Rng } from '@emkit/core'
import * as Gaussian from '../index.js'
import { right } from './helpers.js'

/** The family of the measurements: full covariance, regularisation 0 (the exact M-step). */
export const faithfulFamily = Gaussian.family({ covariance: 'full', regularization: 0 })

/** The documented start: the k-means++ partition drawn with `Rng.seeded(seed)`, then one M-step. */
export const faithfulStart = (seed: number): Mixture.Params<Gaussian.Component> =>
  right(Mixture.initializer(Mixture.model(faithfulFamily, 3), 'kmeans++')(Datasets.faithful, Rng.seeded(seed)))
