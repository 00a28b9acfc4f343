/** Shared helpers of the Gaussian package's tests (not part of the package). */
import { readFileSync } from 'node:fs'
import { either as E } from 'fp-ts'
import { expect } from 'vitest'
import type { Dataset as DatasetNs, EmError } from '@emkit/core'
import { Dataset } from '@emkit/core'

/** Reads a fixture file (packages/gaussian/fixtures/…) as text. */
export const fixture = (path: string): string => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8')

/** Parses a numeric CSV with a header row. */
export const readCsv = (text: string): DatasetNs.Dataset => {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '')
  const columns = lines[0]!.split(',').map((s) => s.trim())
  const rows = lines.slice(1).map((l) => l.split(',').map(Number))
  return right(Dataset.fromRows(rows, { columns }))
}

/** The Right of an Either, or a test failure showing the Left. */
export const right = <A>(r: E.Either<EmError, A>): A => {
  if (E.isLeft(r)) throw new Error(`expected Right, got Left: ${JSON.stringify(r.left)}`)
  return r.right
}

/** Asserts |a − b| ≤ atol + rtol·|b| element-wise over nested arrays, with a readable message. */
export const expectClose = (actual: unknown, expected: unknown, rtol: number, atol: number, label: string): void => {
  const a = flatten(actual)
  const b = flatten(expected)
  expect(a.length, `${label}: length`).toBe(b.length)
  let worst = 0
  let at = -1
  for (let t = 0; t < b.length; t++) {
    const err = Math.abs(a[t]! - b[t]!) - (atol + rtol * Math.abs(b[t]!))
    if (!(err <= worst)) {
      worst = Number.isNaN(err) ? Infinity : err
      at = t
    }
  }
  expect(at, at < 0 ? label : `${label}[${at}]: ${a[at]} vs expected ${b[at]} (allowed ${atol} + ${rtol}·|expected|)`).toBe(-1)
}

export const flatten = (x: unknown): number[] => {
  if (typeof x === 'number') return [x]
  if (ArrayBuffer.isView(x)) return Array.from(x as Float64Array)
  if (Array.isArray(x)) return x.flatMap(flatten)
  throw new Error(`not numeric: ${JSON.stringify(x)}`)
}
