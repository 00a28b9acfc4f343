/** Issue 13's promise: each built-in family is at most 30 code lines on the template. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

/** Non-blank, non-comment lines of the `Family.define({ … })` call in a source file. */
const defineLines = (file: string): number => {
  const text = readFileSync(new URL(file, import.meta.url), 'utf8')
  const start = text.indexOf('Family.define(')
  let depth = 0
  let end = start
  for (let i = text.indexOf('(', start); i < text.length; i++) {
    if (text[i] === '(') depth++
    else if (text[i] === ')' && --depth === 0) {
      end = i
      break
    }
  }
  return text
    .slice(start, end + 1)
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('//')).length
}

describe('each family on the template fits in 30 code lines', () => {
  for (const file of ['./Poisson.ts', './Bernoulli.ts', './Categorical.ts', './Gamma.ts']) {
    it(file, () => {
      const lines = defineLines(file)
      expect(lines).toBeGreaterThan(5) // the call was found
      expect(lines).toBeLessThanOrEqual(30)
    })
  }
})
