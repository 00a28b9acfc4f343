/**
 * Headless Chromium for the browser tests, driven as the command line's report test drives it:
 * Debian's `chromium` through playwright-core (test tools cannot download browsers here), with
 * every console error and uncaught page error collected.
 */
import { existsSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'

/** Where Debian installs Chromium; `undefined` when it is not installed (the tests are then skipped). */
export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))

/** A page and the errors it has logged so far. */
export interface Opened {
  readonly page: Page
  readonly errors: string[]
}

/** Launches Chromium, runs `use` on a fresh page, and closes the browser. */
export const withBrowser = async <A>(use: (open: (url: string) => Promise<Opened>) => Promise<A>): Promise<A> => {
  const { chromium } = await import('playwright-core')
  const browser: Browser = await chromium.launch({
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
    return await use(async (url) => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
      const errors: string[] = []
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text())
      })
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(url, { waitUntil: 'load' })
      return { page, errors }
    })
  } finally {
    await browser.close()
  }
}
