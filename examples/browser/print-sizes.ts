/** Prints the bundle-size tables of docs/browser.md (`node examples/dist/browser/print-sizes.js`). */
import { applicationSizes, packageSizes } from './sizes.js'

const kB = (b: number): string => (b / 1000).toFixed(1)
const packages = await packageSizes()
console.log('| package | minified (kB) | minified + gzip (kB) |\n|---|---:|---:|')
for (const s of packages) console.log(`| \`${s.name}\` | ${kB(s.minified)} | ${kB(s.gzip)} |`)
console.log()
const apps = await applicationSizes()
console.log('| application bundle | minified (kB) | minified + gzip (kB) | of which (minified kB) |\n|---|---:|---:|---|')
for (const s of apps) {
  const parts = Object.entries(s.parts)
    .filter(([, b]) => b > 0)
    .sort(([, a], [, b]) => b - a)
    .map(([p, b]) => `${p} ${kB(b)}`)
    .join(', ')
  console.log(`| ${s.name} | ${kB(s.minified)} | ${kB(s.gzip)} | ${parts} |`)
}
