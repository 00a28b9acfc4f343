/**
 * A CSV file as a numeric table, read with papaparse: a header row when the first row is not all
 * numbers, the numeric columns kept (text columns and R's unnamed row-name column are not data),
 * rows with an empty or non-numeric cell in a kept column refused with the line named.
 */
import Papa from 'papaparse'
import type { Table } from './protocol.js'

const isNumber = (s: string): boolean => s.trim() !== '' && Number.isFinite(Number(s))

/** Reads `text`; throws an `Error` with one readable line when it holds no numeric table. */
export const readTable = (text: string): Table => {
  const parsed = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true, delimiter: '' })
  const rows = parsed.data
  const first = rows[0]
  if (first === undefined) throw new Error('the file holds no rows')
  const header = !first.every(isNumber)
  const body = header ? rows.slice(1) : rows
  const names = header ? first.map((c, j) => c.trim() || `column ${j + 1}`) : first.map((_, j) => `x${j + 1}`)
  if (body.length === 0) throw new Error('the file holds a header and no data rows')
  // Numeric columns: every cell of the first data row a number; R's unnamed first column of row names is not data.
  const keep = names.flatMap((_, j) => (isNumber(body[0]![j] ?? '') && !(header && j === 0 && first[0]!.trim() === '') ? [j] : []))
  if (keep.length === 0) throw new Error('no numeric column')
  const values = new Float64Array(body.length * keep.length)
  body.forEach((row, i) => {
    keep.forEach((j, c) => {
      const cell = row[j] ?? ''
      if (!isNumber(cell)) throw new Error(`line ${i + (header ? 2 : 1)}, column ${names[j]}: ${JSON.stringify(cell)} is not a number`)
      values[i * keep.length + c] = Number(cell)
    })
  })
  return { columns: keep.map((j) => names[j]!), values, n: body.length }
}
