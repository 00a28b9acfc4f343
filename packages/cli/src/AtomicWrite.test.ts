import { chmodSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { either as E } from 'fp-ts'
import { describe, expect, it } from 'vitest'
import { writeFileAtomic } from './AtomicWrite.js'

const dir = (): string => mkdtempSync(join(tmpdir(), 'emkit-atomic-'))

describe('writeFileAtomic', () => {
  it('writes a new file and leaves no temporary file', () => {
    const d = dir()
    expect(E.isRight(writeFileAtomic(join(d, 'out.json'), '{"a":1}\n'))).toBe(true)
    expect(readFileSync(join(d, 'out.json'), 'utf8')).toBe('{"a":1}\n')
    expect(readdirSync(d)).toEqual(['out.json'])
  })
  it('replaces an existing file whole', () => {
    const d = dir()
    writeFileSync(join(d, 'out.json'), 'old contents that are longer')
    expect(E.isRight(writeFileAtomic(join(d, 'out.json'), 'new'))).toBe(true)
    expect(readFileSync(join(d, 'out.json'), 'utf8')).toBe('new')
  })
  it('fails with a readable message and leaves the old file when the directory cannot be written', () => {
    if (process.getuid?.() === 0) {
      // root ignores directory permissions; a missing directory still cannot be written
      const r = writeFileAtomic(join(dir(), 'missing', 'out.json'), 'x')
      expect(E.isLeft(r) && r.left.message).toMatch(/^cannot write .*out\.json: no such directory$/)
      return
    }
    const d = dir()
    writeFileSync(join(d, 'out.json'), 'good')
    chmodSync(d, 0o500)
    const r = writeFileAtomic(join(d, 'out.json'), 'bad')
    chmodSync(d, 0o700)
    expect(E.isLeft(r)).toBe(true)
    expect(readFileSync(join(d, 'out.json'), 'utf8')).toBe('good')
    expect(readdirSync(d)).toEqual(['out.json'])
  })
  it('refuses a directory target', () => {
    const d = dir()
    const r = writeFileAtomic(d, 'x')
    expect(E.isLeft(r) && r.left.message).toMatch(/it is a directory/)
  })
  it('follows a symbolic link (the target is replaced, the link kept)', () => {
    const d = dir()
    writeFileSync(join(d, 'real.json'), 'old')
    symlinkSync(join(d, 'real.json'), join(d, 'link.json'))
    expect(E.isRight(writeFileAtomic(join(d, 'link.json'), 'new'))).toBe(true)
    expect(readFileSync(join(d, 'real.json'), 'utf8')).toBe('new')
    expect(readdirSync(d).sort()).toEqual(['link.json', 'real.json'])
  })
  it('writes a character device such as /dev/null directly, never renaming over it', () => {
    expect(E.isRight(writeFileAtomic('/dev/null', 'discarded'))).toBe(true)
    expect(readFileSync('/dev/null', 'utf8')).toBe('')
  })
})
