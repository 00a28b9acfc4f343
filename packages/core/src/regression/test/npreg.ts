/** Loading flexmix's NPreg data and the committed references (packages/core/fixtures/regression). */
import { readFileSync } from 'node:fs'
import type { Dataset } from '../../Dataset.js'
import { fromRowsOrThrow } from '../../Dataset.js'
import { EmException } from '../../Errors.js'
import type { RegressionParams } from '../Model.js'
import { fromJSON } from '../Json.js'
import { either as E } from 'fp-ts'

/** The path of a fixture file. */
export const fixture = (name: string): string => new URL(`../../../fixtures/regression/${name}`, import.meta.url).pathname

/** NPreg (200 rows: x, yn, yp, yb, class, id1, id2) as a dataset with column names. */
export const npreg = (): Dataset => {
  const lines = readFileSync(fixture('npreg.csv'), 'utf8').trim().split('\n')
  const columns = lines[0]!.split(',')
  return fromRowsOrThrow(
    lines.slice(1).map((l) => l.split(',').map(Number)),
    { columns },
  )
}

/** One reference case of scripts/regression-reference.py. */
export interface ReferenceCase {
  readonly family: string
  readonly formula: string
  readonly start: string
  readonly iterations: number
  readonly variance?: 'ml' | 'flexmix'
  readonly trace: readonly number[]
  readonly weights: readonly number[]
  readonly components: ReadonlyArray<{ readonly coefficients: readonly number[]; readonly variance?: number }>
}

/** The reference file. */
export const reference = (): { readonly cases: Readonly<Record<string, ReferenceCase>> } =>
  JSON.parse(readFileSync(fixture('reference.json'), 'utf8')) as { cases: Record<string, ReferenceCase> }

/** A case's start as parameters. */
export const startOf = (c: ReferenceCase): RegressionParams => {
  const m = fromJSON(JSON.parse(readFileSync(fixture(c.start), 'utf8')))
  if (E.isLeft(m)) throw new EmException(m.left)
  return m.right.params
}

/** |a − b| / |b|. */
export const relative = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300)
