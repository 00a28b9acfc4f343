/**
 * The threads engine's worker script for the browser test and the playground: a Web Worker that
 * rebuilds the Gaussian family and answers pass requests over its block of shared rows.
 */
import { Workers } from '@emkit/core'
import * as Gaussian from '@emkit/gaussian'

Workers.serve({ gaussian: Gaussian.family })
