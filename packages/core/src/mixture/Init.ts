/**
 * Initialisation of a mixture: responsibilities drawn by a method (k-means++, random, random rows,
 * the family's own), then one M-step under the collapse policy. For data that arrive as a stream,
 * the method runs on a uniform sample of the rows drawn in one pass (reservoir sampling).
 *
 * @packageDocumentation
 */
import { either as E } from 'fp-ts'
import type { Dataset } from '../Dataset.js'
import type { AsyncInitializer, Initializer } from '../Em.js'
import type { EmError } from '../Errors.js'
import { show } from '../Validate.js'
import { EmException, invalidOptions } from '../Errors.js'
import type { ComponentFamily, InitMethod } from '../Family.js'
import { kmeansPlusPlus, randomResponsibilities, randomRows } from '../internal/kmeans.js'
import { globalRows } from '../internal/rows.js'
import { meanCompleted } from '../internal/incomplete.js'
import type { FitWarning } from '../Model.js'
import type { Rng } from '../Rng.js'
import type { RowSource } from '../Source.js'
import { BlockError, checkBlock } from '../Source.js'
import type { MixtureModel } from './Model.js'
import type { Params } from './Types.js'

/** The initialisation methods, for validation. */
export const INIT_METHODS: readonly InitMethod[] = ['kmeans++', 'random', 'random-rows', 'family']

/** Resolves an initialisation method once: the given one, the family's default, or k-means++. */
export const resolveInitMethod = <C, S>(family: ComponentFamily<C, S>, method: unknown): E.Either<EmError, InitMethod> => {
  if (method === undefined) return E.right(family.defaultInit ?? 'kmeans++')
  if (!INIT_METHODS.includes(method as InitMethod)) {
    return E.left(
      invalidOptions(
        'init',
        `init must be starting parameters or one of ${INIT_METHODS.map((m) => `'${m}'`).join(', ')}, got ${show(method)}`,
      ),
    )
  }
  if (method === 'family' && family.initialResponsibilities === undefined) {
    return E.left(invalidOptions('init', `the ${family.name} family has no initialisation of its own`))
  }
  return E.right(method as InitMethod)
}

/**
 * Initialisers for the mixture: responsibilities drawn by `method`, then one M-step. A component
 * that collapses at initialisation (an empty k-means cluster) follows the model's collapse policy,
 * with its warning at iteration 0.
 *
 * With partly known `labels` (one per row: the component, or −1 when unknown; semi-supervised EM),
 * the start is the M-step from the labelled rows alone when every component has one (so that
 * component j is the one labelled j); otherwise the method's responsibilities with the labelled
 * rows set to their labels.
 *
 * @throws {@link EmException} (`InvalidOptions`) for an unknown method, or `'family'` with a family
 *   that has no initialisation of its own.
 * @category Initialisation
 * @since 0.1.0
 */
export const initializer = <C, S>(m: MixtureModel<C, S>, method?: InitMethod, labels?: Float64Array): Initializer<Dataset, Params<C>> => {
  const resolved = resolveInitMethod(m.family, method)
  if (E.isLeft(resolved)) throw new EmException(resolved.left)
  const how = resolved.right
  return (given, rng, warn) => {
    // With missing cells, the method runs on the data completed by the columns' observed means.
    const data = meanCompleted(given)
    const context = { iteration: 0, previous: undefined, rng, warn: (w: FitWarning) => warn?.(w) }
    if (labels !== undefined && labelsCover(labels, data, m.k))
      return m.estimate(data, labelledResponsibilities(labels, data.n, m.k), context)
    let resp: Float64Array
    switch (how) {
      case 'kmeans++':
        resp = kmeansPlusPlus(data, m.k, rng)
        break
      case 'random':
        resp = randomResponsibilities(data, m.k, rng)
        break
      case 'random-rows':
        resp = randomRows(data, m.k, rng)
        break
      case 'family':
        resp = m.family.initialResponsibilities!(data, m.k, rng)
        break
    }
    if (labels !== undefined) {
      // The labelled rows keep their labels; the others the method's responsibilities.
      for (let i = 0; i < data.n; i++) {
        const z = labels[i]!
        if (z >= 0) for (let j = 0; j < m.k; j++) resp[j * data.n + i] = j === z ? 1 : 0
      }
    }
    return m.estimate(data, resp, context)
  }
}

/** Whether every component 0 … k − 1 has a labelled row of positive weight. */
const labelsCover = (labels: Float64Array, data: Dataset, k: number): boolean => {
  const seen = new Uint8Array(k)
  const sw = data.sampleWeights
  for (let i = 0; i < data.n; i++) {
    const z = labels[i]!
    if (z >= 0 && (sw === undefined || sw[i]! > 0)) seen[z] = 1
  }
  return seen.every((v) => v === 1)
}

/** One-hot responsibilities (k × n) of the labelled rows, 0 for the unlabelled ones. */
const labelledResponsibilities = (labels: Float64Array, n: number, k: number): Float64Array => {
  const resp = new Float64Array(k * n)
  for (let i = 0; i < n; i++) {
    const z = labels[i]!
    if (z >= 0) resp[z * n + i] = 1
  }
  return resp
}

/**
 * A uniform sample of at most `size` rows of a source (with their sample weights), in source order,
 * drawn in one pass by reservoir sampling (Vitter's algorithm R) from `rng`. Every block is checked
 * (finite values, weights, and `check` — e.g. a family's support — when given), errors naming the
 * global row.
 *
 * @returns `Left(InvalidData)` for a bad block or an empty source.
 * @category Initialisation
 * @since 0.2.0
 */
export const sampleRows = async (
  source: RowSource,
  size: number,
  rng: Rng,
  check?: (block: Dataset) => E.Either<EmError, Dataset>,
): Promise<E.Either<EmError, Dataset>> => {
  const d = source.d
  const keepValues = new Float64Array(size * d)
  const keepWeights = new Float64Array(size)
  const keepRows = new Float64Array(size)
  let keepMissing: Uint8Array | undefined
  let weighted = false
  let seen = 0
  try {
    for await (const block of source.blocks()) {
      const bad = checkBlock(block, d, seen)
      if (bad !== undefined) return E.left(bad)
      const support = check?.(block)
      if (support !== undefined && E.isLeft(support)) return E.left(globalRows(support.left, seen))
      for (let i = 0; i < block.n; i++, seen++) {
        let slot = seen
        if (seen >= size) {
          slot = Math.floor(rng.uniform() * (seen + 1))
          if (slot >= size) continue
        }
        keepValues.set(block.values.subarray(i * d, (i + 1) * d), slot * d)
        keepWeights[slot] = block.sampleWeights === undefined ? 1 : block.sampleWeights[i]!
        if (block.missing !== undefined) keepMissing ??= new Uint8Array(size * d)
        if (keepMissing !== undefined) {
          if (block.missing === undefined) keepMissing.fill(0, slot * d, (slot + 1) * d)
          else keepMissing.set(block.missing.subarray(i * d, (i + 1) * d), slot * d)
        }
        keepRows[slot] = seen
        if (block.sampleWeights !== undefined) weighted = true
      }
    }
  } catch (e) {
    if (e instanceof EmException || e instanceof BlockError) return E.left(e.error)
    return E.left({
      _tag: 'EngineFailure',
      engine: 'stream',
      message: `reading the data failed at row ${seen}: ${e instanceof Error ? e.message : String(e)}`,
    })
  }
  if (seen === 0) return E.left({ _tag: 'InvalidData', message: 'the data source gave no rows' })
  const n = Math.min(seen, size)
  // Source order, so the sample does not depend on the reservoir's slots.
  const order = Array.from({ length: n }, (_, t) => t).sort((a, b) => keepRows[a]! - keepRows[b]!)
  const values = new Float64Array(n * d)
  const weights = new Float64Array(n)
  const missing = keepMissing === undefined ? undefined : new Uint8Array(n * d)
  for (let t = 0; t < n; t++) {
    values.set(keepValues.subarray(order[t]! * d, (order[t]! + 1) * d), t * d)
    weights[t] = keepWeights[order[t]!]!
    missing?.set(keepMissing!.subarray(order[t]! * d, (order[t]! + 1) * d), t * d)
  }
  return E.right({ n, d, values, ...(weighted ? { sampleWeights: weights } : {}), ...(missing === undefined ? {} : { missing }) })
}

/**
 * An initialiser for a source: `method` run on a uniform sample of at most `sampleSize` rows (one
 * pass), the sample drawn afresh from the restart's random stream.
 *
 * @category Initialisation
 * @since 0.2.0
 */
export const sourceInitializer = <C, S>(
  m: MixtureModel<C, S>,
  method: InitMethod | undefined,
  sampleSize: number,
): AsyncInitializer<RowSource, Params<C>> => {
  const inMemory = initializer(m, method)
  return async (source, rng, warn) => {
    const sample = await sampleRows(source, sampleSize, rng, (block) => m.family.checkData(block))
    if (E.isLeft(sample)) return sample
    const s = sample.right
    let positive = s.n
    if (s.sampleWeights !== undefined) positive = s.sampleWeights.reduce((c, w) => (w > 0 ? c + 1 : c), 0)
    if (positive < m.k) {
      const what = s.n < sampleSize ? 'the data source has only' : 'the initialisation sample has only'
      return E.left({
        _tag: 'InvalidData',
        message: `k = ${m.k} components but ${what} ${positive} rows with positive weight; k must not exceed the number of observations`,
      })
    }
    return inMemory(s, rng, warn)
  }
}
