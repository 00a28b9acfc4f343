/**
 * The playground in headless Chromium: built as the docs site builds it, served from 127.0.0.1, it
 * loads with no console errors, fits Old Faithful with the trace drawn live from the iteration
 * API, shows the picture with its covariance ellipses and the trace, selects k by BIC, reads a
 * CSV, and downloads a model JSON that matches what it fitted. Screenshots go to
 * test-artifacts/playground/. Skipped, with a message, where no Chromium is installed.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM, withBrowser } from '../browser/chromium.js'
import { serve } from '../browser/server.js'
import { buildPlayground } from './build.js'

const here = dirname(fileURLToPath(import.meta.url))
const artifacts = join(here, '..', '..', 'test-artifacts', 'playground')
const site = mkdtempSync(join(tmpdir(), 'emkit-playground-'))
let shipped: string[] = []

if (CHROMIUM === undefined)
  console.warn("playground.test: skipped — no Chromium at /usr/bin/chromium (install Debian's `chromium`; .ci/run does)")

beforeAll(async () => {
  shipped = await buildPlayground(site)
})
afterAll(() => rmSync(site, { recursive: true, force: true }))

describe.skipIf(CHROMIUM === undefined)('the playground in headless Chromium', () => {
  it('fits Old Faithful live, shows the ellipses and the trace, selects k by BIC, reads a CSV, downloads the model', async () => {
    expect(shipped).toContain('iris')
    const server = await serve(site, { isolated: false })
    const requests: string[] = []
    try {
      await withBrowser(async (open) => {
        const { page, errors } = await open(server.url)
        page.on('request', (r) => {
          if (!r.url().startsWith(server.url) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) requests.push(r.url())
        })
        await expect.poll(() => page.locator('#dataset option').count()).toBeGreaterThanOrEqual(1 + shipped.length)

        // Old Faithful, gaussian/full, k = 2 (the defaults).
        await page.click('#run')
        await page.waitForSelector('#status[data-state="done"]', { timeout: 60_000 })
        expect(await page.textContent('#status')).toMatch(
          /^Old Faithful: 272 rows × 2 columns; gaussian\/full, k = 2; log-likelihood -1130\.\d+/,
        )
        // The trace arrived step by step: at least one step message per iteration of every restart.
        expect(Number(await page.locator('#trace').getAttribute('data-steps'))).toBeGreaterThan(5 * 5)
        // The picture: 272 points, 2 centres, 1σ and 2σ ellipses per component (line marks), and the trace.
        expect(await page.locator('#picture g.mark-symbol path').count()).toBeGreaterThanOrEqual(272 + 2)
        expect(await page.locator('#picture g.mark-line path').count()).toBeGreaterThanOrEqual(4)
        expect(await page.locator('#trace g.mark-line path').count()).toBe(1)
        // The final trace is the fit's (its title is not the live one's), with a point per iteration.
        expect(await page.locator('#trace svg').textContent()).not.toMatch(/live/)
        for (const id of ['#picture', '#trace']) {
          const box = await page.locator(`${id} svg`).boundingBox()
          expect(box!.width).toBeGreaterThan(300)
          expect(box!.height).toBeGreaterThan(200)
        }
        mkdirSync(artifacts, { recursive: true })
        await page.screenshot({ path: join(artifacts, 'faithful.png'), fullPage: true })

        // The model JSON: what the page fitted.
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')])
        const file = join(site, 'model.json')
        await download.saveAs(file)
        const model = JSON.parse(readFileSync(file, 'utf8')) as {
          format: string
          covariance: string
          weights: number[]
          fit: { trace: number[]; logLikelihood: number }
        }
        expect(model.format).toBe('emkit.mixture/v1')
        expect(model.covariance).toBe('full')
        expect(model.weights).toHaveLength(2)
        expect(model.fit.logLikelihood).toBeCloseTo(-1130.26, 1)
        expect(model.fit.trace.at(-1)).toBe(model.fit.logLikelihood)

        // BIC selection of k = 1…4 on Old Faithful (full covariance): k = 2, with the criterion chart drawn.
        await page.selectOption('#mode', 'select')
        await page.fill('#k', '4')
        await page.fill('#restarts', '2')
        await page.click('#run')
        await page.waitForSelector('#status[data-state="done"]', { timeout: 60_000 })
        expect(await page.textContent('#status')).toMatch(/gaussian\/full, k = 2;/)
        expect(await page.locator('#selection svg').count()).toBe(1)
        expect(await page.locator('#selection g.mark-line path').count()).toBeGreaterThanOrEqual(1)
        await page.screenshot({ path: join(artifacts, 'select.png'), fullPage: true })

        // A CSV of the user's: read in the page, a 1-D fit drawn as a density.
        const csv = join(site, 'mine.csv')
        writeFileSync(
          csv,
          `"","value"\n${Array.from({ length: 60 }, (_, i) => `"${i + 1}",${i % 2 === 0 ? 10 + (i % 7) * 0.3 : 20 + (i % 5) * 0.4}`).join('\n')}\n`,
        )
        await page.setInputFiles('#file', csv)
        await expect.poll(() => page.locator('#dataset').inputValue()).toBe('upload')
        await page.selectOption('#mode', 'fit')
        await page.fill('#k', '2')
        await page.click('#run')
        await page.waitForSelector('#status[data-state="done"]', { timeout: 60_000 })
        expect(await page.textContent('#status')).toMatch(/^your data: 60 rows × 1 columns/)
        expect(await page.locator('#picture svg').count()).toBe(1)

        expect(errors).toEqual([])
      })
      // All computation in the page: nothing requested from anywhere but the page's own server.
      expect(requests).toEqual([])
    } finally {
      await server.close()
    }
  })
})
