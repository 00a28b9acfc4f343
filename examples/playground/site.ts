/**
 * `node examples/dist/playground/site.js [OUTDIR]`: builds the playground into the docs site
 * (default docs/api/playground, next to typedoc's output; run it after typedoc, which empties its
 * output folder).
 */
import { resolve } from 'node:path'
import { buildPlayground } from './build.js'

const out = resolve(process.argv[2] ?? 'docs/api/playground')
const shipped = await buildPlayground(out)
console.log(`playground → ${out} (Old Faithful${shipped.map((s) => `, ${s}`).join('')})`)
