/**
 * Browser test: opens the HTML report written by the `emkit` binary in headless Chromium (Debian's
 * `chromium`), checks it renders with no console errors and that the expected marks are there, and
 * keeps a screenshot under test-artifacts/. Skipped, with a message, where no Chromium is installed.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))
const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, '..', '..', '..')
const artifacts = join(repo, 'test-artifacts', 'cli')

if (CHROMIUM === undefined) {
  console.warn("report.browser.test: skipped — no Chromium at /usr/bin/chromium (install Debian's `chromium`; .ci/run does)")
}

describe.skipIf(CHROMIUM === undefined)('HTML report in headless Chromium', () => {
  it.each([
    ['fit', ['fit', '--k', '2', '--out', 'model.json', '--plot', 'report.html', '--quiet'], 2],
    ['select', ['select', '--k', '1..3', '--covariance', 'full,diag', '--restarts', '1', '--plot', 'report.html', '--quiet'], 3],
  ])('%s report renders with no console errors, with its pictures and tables', async (name, args, figures) => {
    const { chromium } = await import('playwright-core')
    const work = mkdtempSync(join(tmpdir(), 'emkit-browser-'))
    const r = spawnSync(process.execPath, [join(here, '..', 'bin', 'emkit.js'), ...args], { cwd: work, encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    const browser = await chromium.launch({
      executablePath: CHROMIUM!,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    })
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } })
      const errors: string[] = []
      const requests: string[] = []
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text())
      })
      page.on('pageerror', (e) => errors.push(e.message))
      page.on('request', (q) => {
        if (!q.url().startsWith('file:')) requests.push(q.url())
      })
      await page.goto(pathToFileURL(join(work, 'report.html')).href, { waitUntil: 'load' })
      expect(errors).toEqual([])
      expect(requests, 'the report must be self-contained').toEqual([])
      expect(await page.locator('figure svg.marks').count()).toBe(figures)
      // Every picture has drawn marks with a real size on screen.
      for (let f = 0; f < figures; f++) {
        const box = await page.locator('figure svg.marks').nth(f).boundingBox()
        expect(box!.width).toBeGreaterThan(300)
        expect(box!.height).toBeGreaterThan(200)
      }
      // 272 data points + 2 (or k) centres are symbol marks in the data picture.
      const symbols = await page
        .locator('figure')
        .nth(name === 'fit' ? 0 : 1)
        .locator('g.mark-symbol path')
        .count()
      expect(symbols).toBeGreaterThanOrEqual(272)
      // Covariance ellipses (line marks) and the trace line.
      expect(await page.locator('g.mark-line path').count()).toBeGreaterThanOrEqual(2)
      expect(await page.locator('table caption', { hasText: 'Parameters' }).count()).toBe(1)
      if (name === 'select') expect(await page.locator('tr.best').count()).toBe(1)
      mkdirSync(artifacts, { recursive: true })
      await page.screenshot({ path: join(artifacts, `${name}-report.png`), fullPage: true })
      expect(existsSync(join(artifacts, `${name}-report.png`))).toBe(true)
    } finally {
      await browser.close()
    }
  })
})

describe.skipIf(CHROMIUM === undefined)('pictures by dimension and family in headless Chromium', () => {
  const iris = join(here, '..', 'fixtures', 'datasets', 'iris.csv')
  const galaxies = join(here, '..', 'fixtures', 'datasets', 'galaxies.csv')
  it.each([
    // 4 columns: a scatter-plot matrix, 12 panels of 150 points (+ 3 centres each).
    ['iris-matrix', ['fit', iris, '--k', '3', '--plot', 'p.svg', '--quiet'], 'g.mark-symbol path', 12 * 153],
    // 1-D over the data's range: histogram bars and the component curves.
    ['galaxies-density', ['fit', galaxies, '--k', '4', '--plot', 'p.svg', '--quiet'], 'g.mark-rect path', 10],
    // Multinomial: bars of category probabilities, k × V of them.
    ['multinomial-bars', ['fit', 'counts.csv', '--family', 'multinomial', '--k', '2', '--plot', 'p.svg', '--quiet'], 'g.mark-rect path', 8],
  ])('%s renders with no console errors, its marks present', async (name, args, selector, atLeast) => {
    const { chromium } = await import('playwright-core')
    const work = mkdtempSync(join(tmpdir(), 'emkit-browser-'))
    const counts = ['a,b,c,d', ...Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? '6,2,1,1' : '1,1,3,5'))]
    writeFileSync(join(work, 'counts.csv'), counts.join('\n') + '\n')
    const r = spawnSync(process.execPath, [join(here, '..', 'bin', 'emkit.js'), ...args], { cwd: work, encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    const browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--headless', '--no-sandbox', '--disable-gpu'] })
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1200 } })
      const errors: string[] = []
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text())
      })
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(pathToFileURL(join(work, 'p.svg')).href, { waitUntil: 'load' })
      expect(errors).toEqual([])
      expect(await page.locator(selector).count()).toBeGreaterThanOrEqual(atLeast)
      mkdirSync(artifacts, { recursive: true })
      await page.screenshot({ path: join(artifacts, `${name}.png`) })
    } finally {
      await browser.close()
    }
  })
})
