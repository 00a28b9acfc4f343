import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import { readCsv, selectColumns } from './Csv.js'
import { checkSupport } from './Data.js'
import { CliFailure, dataError } from './Failure.js'
import type { FamilyName } from './Families.js'
import type { Spill } from './Spill.js'
import { liveSpills, withSpill } from './Spill.js'

const work = mkdtempSync(join(tmpdir(), 'emkit-spill-test-'))
let count = 0
/** A CSV file with these contents, and a fresh directory for its spill file. */
const csv = (text: string): { path: string; dir: string } => {
  const name = `data${count++}`
  const path = join(work, `${name}.csv`)
  writeFileSync(path, text)
  const dir = mkdtempSync(join(work, `${name}-tmp-`))
  return { path, dir }
}

/** Every row of every block of one pass, with the blocks' sizes and buffers. */
const readAll = async (spill: Spill): Promise<{ values: number[]; sizes: number[]; buffers: Set<ArrayBufferLike> }> => {
  const values: number[] = []
  const sizes: number[] = []
  const buffers = new Set<ArrayBufferLike>()
  for await (const block of spill.source.blocks()) {
    values.push(...block.values.subarray(0, block.n * block.d))
    sizes.push(block.n)
    buffers.add(block.values.buffer)
  }
  return { values, sizes, buffers }
}

/** The failure message of converting `text`, or undefined when it converts. */
const spillError = async (text: string, family: FamilyName = 'gaussian', columns?: string[]): Promise<string | undefined> => {
  const { path, dir } = csv(text)
  try {
    await withSpill(
      path,
      { file: 'data.csv', family, directory: dir, blockRows: 2, ...(columns === undefined ? {} : { columns }) },
      async () => undefined,
    )
    return undefined
  } catch (e) {
    if (!(e instanceof CliFailure)) throw e
    expect(e.error.exitCode).toBe(1)
    expect(readdirSync(dir)).toEqual([])
    return e.error.message
  }
}

/** The in-memory reader's message for the same text, or undefined when it reads. */
const memoryError = (text: string, family: FamilyName = 'gaussian', columns?: string[]): string | undefined => {
  let t = readCsv(text, 'data.csv')
  if (E.isRight(t) && columns !== undefined) t = selectColumns(t.right, columns)
  if (E.isRight(t)) t = checkSupport(t.right, family)
  return E.isLeft(t) ? t.left.message : undefined
}

describe('withSpill', () => {
  it('writes the rows as little-endian doubles, reads them back in blocks of one reused buffer, and removes the file', async () => {
    const { path, dir } = csv('\uFEFFa,b\r\n1,2\r\n\r\n3.5,-4e-2\r\n5,6\r\n7,8\r\n9,10\r\n')
    let seen = ''
    const out = await withSpill(path, { family: 'gaussian', directory: dir, blockRows: 2 }, async (spill) => {
      seen = spill.path
      expect(readdirSync(dir)).toHaveLength(1)
      expect(spill.path.startsWith(join(dir, 'emkit-spill-'))).toBe(true)
      expect(liveSpills()).toContain(spill.path)
      expect([spill.n, spill.d, spill.header]).toEqual([5, 2, true])
      expect(spill.columns).toEqual(['a', 'b'])
      expect(spill.source.rows).toBe(5)
      const bytes = readFileSync(spill.path)
      expect(bytes.length).toBe(5 * 2 * 8)
      expect(bytes.readDoubleLE(2 * 8)).toBe(3.5)
      expect(bytes.readDoubleLE(3 * 8)).toBe(-0.04)
      const first = await readAll(spill)
      expect(first.values).toEqual([1, 2, 3.5, -0.04, 5, 6, 7, 8, 9, 10])
      expect(first.sizes).toEqual([2, 2, 1])
      expect(first.buffers.size).toBe(1)
      // Re-readable from the first row on every pass.
      expect((await readAll(spill)).values).toEqual(first.values)
      return 'done'
    })
    expect(out).toBe('done')
    expect(readdirSync(dir)).toEqual([])
    expect(liveSpills()).not.toContain(seen)
  })

  it('keeps the --columns in the order given', async () => {
    const { path, dir } = csv('a,b,c\n1,2,3\n4,5,6\n')
    await withSpill(path, { family: 'gaussian', directory: dir, columns: ['c', 'a'] }, async (spill) => {
      expect(spill.columns).toEqual(['c', 'a'])
      expect((await readAll(spill)).values).toEqual([3, 1, 6, 4])
    })
  })

  it('stops at the first data row when the shape is refused', async () => {
    const { path, dir } = csv('a,b\n1,2\n3,x\n')
    let seen: unknown
    const fail = withSpill(
      path,
      { file: 'data.csv', family: 'gaussian', directory: dir, columns: ['b'], check: (shape) => ((seen = shape), dataError('no thanks')) },
      async () => undefined,
    )
    await expect(fail).rejects.toThrow('no thanks')
    expect(seen).toEqual({ file: 'data.csv', columns: ['b'], header: true, d: 1 })
    expect(readdirSync(dir)).toEqual([])
  })

  it('removes the file when the work fails', async () => {
    const { path, dir } = csv('x\n1\n2\n')
    await expect(
      withSpill(path, { family: 'gaussian', directory: dir }, async () => {
        expect(readdirSync(dir)).toHaveLength(1)
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(readdirSync(dir)).toEqual([])
    expect(liveSpills()).toEqual([])
  })

  it('keeps every row as the sample when there are no more than asked, else a seeded uniform sample in file order', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => String(i))
    const { path, dir } = csv(`x\n${rows.join('\n')}\n`)
    const sample = (size: number, seed: number): Promise<number[]> =>
      withSpill(path, { family: 'gaussian', directory: dir, sampleSize: size, seed, blockRows: 7 }, async (spill) =>
        Array.from(spill.sample.values),
      )
    expect(await sample(50, 0)).toEqual(rows.map(Number))
    const a = await sample(10, 3)
    expect(a).toHaveLength(10)
    expect(new Set(a).size).toBe(10)
    expect([...a].sort((x, y) => x - y)).toEqual(a)
    expect(await sample(10, 3)).toEqual(a)
    expect(await sample(10, 4)).not.toEqual(a)
    expect(await sample(0, 0)).toEqual([])
  })

  it.each([
    ['a bad cell in the middle', 'a,b\n1,2\n3,4\n5,6\n7,x8\n9,10\n', 'gaussian', undefined],
    ['NaN', 'a,b\n1,2\nNaN,4\n', 'gaussian', undefined],
    ['an empty cell', 'a,b\n1,2\n3,\n', 'gaussian', undefined],
    ['a ragged row', 'a,b\n1,2\n3,4\n5\n', 'gaussian', undefined],
    ['no header and a bad cell', '1,2\n3,4\n-inf,2\n', 'gaussian', undefined],
    ['quoted newlines before a bad cell (line numbers)', 'a,b\n"1\n",2\n\n\n3,4\n5,oops\n', 'gaussian', undefined],
    ['CRLF and a BOM', '\uFEFFa,b\r\n1,2\r\n3,x\r\n', 'gaussian', undefined],
    ['an unclosed quote', 'a,b\n1,2\n"3,4\n', 'gaussian', undefined],
    ['an empty file', '', 'gaussian', undefined],
    ['a header and no rows', 'a,b\n', 'gaussian', undefined],
    ['a negative value (exponential)', 'x\n1\n2\n-0.5\n3\n', 'exponential', undefined],
    ['a non-integer count (multinomial)', '1,2,3\n4,5.5,6\n', 'multinomial', undefined],
    ['a negative count (multinomial)', 'a,b\n1,2\n3,4\n5,-6\n', 'multinomial', undefined],
    ['a negative value in a selected column', 'a,b,c\n1,2,3\n4,-5,6\n', 'exponential', ['c', 'b']],
    ['an unknown column', 'a,b\n1,2\n', 'gaussian', ['a', 'zz']],
    ['a column name without a header', '1,2\n3,4\n', 'gaussian', ['a']],
  ] as const)('words %s exactly as the in-memory reader', async (_what, text, family, columns) => {
    const expected = memoryError(text, family, columns === undefined ? undefined : [...columns])
    expect(expected).toBeDefined()
    expect(await spillError(text, family, columns === undefined ? undefined : [...columns])).toBe(expected)
  })

  it('names a file that cannot be read as the in-memory reader does', async () => {
    const dir = mkdtempSync(join(work, 'missing-'))
    const fail = withSpill(join(work, 'no-such.csv'), { file: 'no-such.csv', family: 'gaussian', directory: dir }, async () => undefined)
    await expect(fail).rejects.toThrow('cannot read data file no-such.csv: no such file')
    await expect(withSpill(work, { file: 'work', family: 'gaussian', directory: dir }, async () => undefined)).rejects.toThrow(
      'cannot read data file work: it is a directory',
    )
    expect(readdirSync(dir)).toEqual([])
  })

  it('names a spill directory that cannot be written', async () => {
    const { path } = csv('x\n1\n')
    await expect(
      withSpill(path, { family: 'gaussian', directory: join(work, 'no', 'such', 'dir') }, async () => undefined),
    ).rejects.toThrow(/^cannot create the spill file .*; set TMPDIR to a writable directory$/)
  })
})
