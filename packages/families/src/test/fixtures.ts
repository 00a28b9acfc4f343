/** Loading the reference cases of packages/families/fixtures (written by scripts/new-families-reference.py). */
import { readFileSync } from 'node:fs'
import { either as E } from 'fp-ts'
import type { ComponentFamily } from '@emkit/core'
import { Dataset, Mixture, Product } from '@emkit/core'
import * as Gaussian from '@emkit/gaussian'
import { Bernoulli, Categorical, Gamma, Poisson } from '../index.js'

/** One reference case: its data, start and the Python EM's trace and final parameters. */
export interface Case {
  readonly name: string
  readonly data: Dataset.Dataset
  readonly start: Record<string, unknown>
  readonly trace: readonly number[]
  readonly iterations: number
  readonly final: { readonly weights: readonly number[]; readonly components: ReadonlyArray<Record<string, unknown>> }
  readonly truth: { readonly weights: readonly number[]; readonly components: ReadonlyArray<Record<string, unknown>> }
}

const read = (path: string): string => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8')

const csv = (text: string): number[][] =>
  text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').map(Number))

/** The case `name` (a folder of packages/families/fixtures). */
export const load = (name: string): Case => {
  const reference = JSON.parse(read(`${name}/reference.json`)) as Omit<Case, 'name' | 'data' | 'start'> & { sampleWeights?: string }
  const rows = csv(read(`${name}/data.csv`))
  const options =
    reference.sampleWeights === undefined ? {} : { sampleWeights: csv(read(`${name}/${reference.sampleWeights}`)).map((r) => r[0]!) }
  const data = Dataset.fromRows(rows, options)
  if (E.isLeft(data)) throw new Error(data.left.message)
  return { ...reference, name, data: data.right, start: JSON.parse(read(`${name}/start.json`)) as Record<string, unknown> }
}

/** A family by its model-JSON name and variant fields (what the command line's registry does). */
const byName = (part: Record<string, unknown>, levels: number): ComponentFamily<unknown, unknown> => {
  switch (part['family']) {
    case 'poisson':
      return Poisson.family() as ComponentFamily<unknown, unknown>
    case 'bernoulli':
      return Bernoulli.family() as ComponentFamily<unknown, unknown>
    case 'gamma':
      return Gamma.family() as ComponentFamily<unknown, unknown>
    case 'categorical':
      return Categorical.family({ levels }) as ComponentFamily<unknown, unknown>
    case 'gaussian':
      // The reference adds nothing to the covariance estimate.
      return Gaussian.family({ covariance: part['covariance'] as 'full', regularization: 0 }) as unknown as ComponentFamily<
        unknown,
        unknown
      >
    default:
      throw new Error(`unknown family ${String(part['family'])}`)
  }
}

/** The family a case's start file names (a product built from its `parts`). */
export const familyOf = (c: Case): ComponentFamily<unknown, unknown> => {
  const start = c.start as { family: string; parts?: Array<Record<string, unknown>>; components: Array<Record<string, unknown>> }
  if (start.parts === undefined) {
    const levels = start.family === 'categorical' ? (start.components[0]!['probabilities'] as number[]).length : 0
    return byName(start, levels)
  }
  return Product.family(
    start.parts.map((p, i) => {
      const probabilities = (start.components[0]!['parts'] as Array<Record<string, unknown>>)[i]!['probabilities'] as number[] | undefined
      return { family: byName(p, probabilities?.length ?? 0), columns: p['columns'] as number[] }
    }),
  ) as unknown as ComponentFamily<unknown, unknown>
}

/** The start parameters of a case, read by the model-JSON reader. */
export const startOf = (c: Case): Mixture.Params<unknown> => {
  const r = Mixture.fromJSON(familyOf(c), c.start)
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right.params
}
