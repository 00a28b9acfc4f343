#!/usr/bin/env node
// Checks the TSDoc of packages/*/src (test files excepted), the conventions of docs/conventions.md:
//
// A. Examples compile, so that none can drift from the API. Run after `tsc -b`: the blocks are
// checked against the built packages (dist/*.d.ts, reached through each package's `exports`), as a
// reader who installed emkit would compile them.
//
// What is checked: every ```ts (or ```typescript) fence inside a /** … */ comment, and every
// `@example` tag must hold at least one such fence. Each block becomes its own ES module:
//
//   1. the imports a reader would write (`prelude` below): core's modules by name
//      (`import { Dataset, Em, Mixture, … } from '@emkit/core'`) with its exported types, the
//      families as `Gaussian`, `Exponential`, `Multinomial` (`import * as Gaussian from '@emkit/gaussian'`),
//      `import { either as E } from 'fp-ts'`, `import fc from 'fast-check'`, the testkit's modules
//      (`Arbitraries`, `ModelLaws`, …) and, for blocks in packages/cli, the command's modules (`Csv`,
//      `Report`, …; its `Report` replaces the testkit's);
//   2. a placeholder for the one free name examples may use, `data` ("your data", a Dataset),
//      declared with `declare const` (PLACEHOLDERS below);
//   3. the block itself, then `export {}`. Top-level await is allowed.
//
// A name the block imports or declares at its top level replaces the prelude's or placeholder's of
// the same name. Any other name must be declared in the block (`declare const rows: number[][]`
// reads well in the docs too) or added to PLACEHOLDERS here and in docs/conventions.md.
// Compiler options are the repository's (tsconfig.base.json: strict, exactOptionalPropertyTypes,
// noUncheckedIndexedAccess, …) except noUnusedLocals/noUnusedParameters, which examples need not meet.
//
// B. Categories come from one vocabulary: every `@category` is a name in the table under
// "## API categories" in docs/conventions.md (read from there), at most one per comment, and
// `packageOptions.categoryOrder` in typedoc.json lists the same names in the same order (then "*").
//
// Failures print `path:line[:column]` of the offending line in the source comment.
// Usage: node scripts/check-tsdoc.mjs [--list]   (--list prints each example block as compiled)
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import ts from 'typescript'

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '')
const list = process.argv.includes('--list')

/** What a reader imports: [local name, module, 'named' | 'type' | 'namespace' | 'default', imported name?]. */
const CORE = [
  'Dataset',
  'Datasets',
  'Em',
  'Engine',
  'Errors',
  'Family',
  'Linalg',
  'Mixture',
  'Product',
  'Regression',
  'Rng',
  'Schema',
  'Special',
  'Source',
  'Stepwise',
  'Validate',
  'EmException',
]
const CORE_TYPES = [
  'EmError',
  'Model',
  'LoopModel',
  'AsyncModel',
  'MaybePromise',
  'Posterior',
  'StepContext',
  'FitWarning',
  'FitWarningKind',
  'ComponentFamily',
  'Degenerate',
  'InitMethod',
  'Fit',
  'FitOptions',
  'AsyncFitOptions',
  'Progress',
  'StopReason',
  'Initializer',
  'AsyncInitializer',
  'Step',
  'Iteration',
]
const TESTKIT = [
  'AccelerationLaws',
  'Arbitraries',
  'EngineLaws',
  'FamilyLaws',
  'Fuzz',
  'Hostile',
  'InformationLaws',
  'ModelLaws',
  'Perturb',
  'RegressionLaws',
  'Report',
  'Stationarity',
  'LawError',
]
const TESTKIT_TYPES = ['LawReport', 'LawResult', 'Violation']
const CLI = [
  'Agreement',
  'AtomicWrite',
  'Cli',
  'Csv',
  'Data',
  'Engines',
  'Failure',
  'Families',
  'FamilyArgument',
  'FamilyChoice',
  'FamilyModule',
  'Geometry',
  'ModelFile',
  'Plots',
  'Progress',
  'Read',
  'Report',
  'Spill',
  'run',
]

const prelude = (pkg) => {
  const entries = [
    ...CORE.map((n) => [n, '@emkit/core', 'named']),
    ...CORE_TYPES.map((n) => [n, '@emkit/core', 'type']),
    ['Gaussian', '@emkit/gaussian', 'namespace'],
    ['Exponential', '@emkit/exponential', 'namespace'],
    ['Multinomial', '@emkit/multinomial', 'namespace'],
    ['Poisson', '@emkit/families', 'named'],
    ['Bernoulli', '@emkit/families', 'named'],
    ['Categorical', '@emkit/families', 'named'],
    ['Gamma', '@emkit/families', 'named'],
    ['E', 'fp-ts', 'named', 'either'],
    ['fc', 'fast-check', 'default'],
    ...TESTKIT.map((n) => [n, '@emkit/testkit', 'named']),
    ...TESTKIT_TYPES.map((n) => [n, '@emkit/testkit', 'type']),
  ]
  if (pkg === 'sql') return [...entries, ['Sql', '@emkit/sql', 'named'], ['Dialect', '@emkit/sql', 'named']]
  if (pkg !== 'cli') return entries
  // The command's modules; a name it shares with the testkit (Report, Progress) is the command's.
  const names = new Set(CLI)
  return [...entries.filter(([n]) => !names.has(n)), ...CLI.map((n) => [n, '@emkit/cli', 'named'])]
}

/**
 * The free names a block may use without declaring them: what every reader is assumed to have.
 * Keep this list short and in step with docs/conventions.md; declare anything else in the block.
 */
const PLACEHOLDERS = {
  /** "Your data": any dataset (`Dataset.fromRows(…)`, `Datasets.faithful`, a CSV read by the command). */
  data: 'Dataset.Dataset',
}

// ---------------------------------------------------------------------------------------------
// Extraction

const sourceFiles = () => {
  const out = []
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name)
      if (statSync(p).isDirectory()) {
        if (name !== 'test' && name !== 'node_modules' && name !== 'dist') walk(p)
      } else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) out.push(p)
    }
  }
  for (const pkg of readdirSync(join(root, 'packages')).sort()) {
    const src = join(root, 'packages', pkg, 'src')
    if (statSync(join(root, 'packages', pkg)).isDirectory()) {
      try {
        statSync(src)
      } catch {
        continue
      }
      walk(src)
    }
  }
  return out
}

/** The /** … *\/ comments of a file, each with the 0-based line where it starts. */
const docComments = (text) => {
  // Every comment precedes some token: collect the leading comments of every node (parsed, so
  // that template literals and regular expressions cannot be mistaken for comments).
  const sf = ts.createSourceFile('file.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const seen = new Map()
  const visit = (node) => {
    for (const r of ts.getLeadingCommentRanges(text, node.pos) ?? []) {
      if (r.kind === ts.SyntaxKind.MultiLineCommentTrivia && text.startsWith('/**', r.pos) && !seen.has(r.pos)) {
        seen.set(r.pos, { text: text.slice(r.pos, r.end), line: sf.getLineAndCharacterOfPosition(r.pos).line })
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  for (const r of ts.getLeadingCommentRanges(text, sf.endOfFileToken.pos) ?? []) {
    if (text.startsWith('/**', r.pos) && !seen.has(r.pos))
      seen.set(r.pos, { text: text.slice(r.pos, r.end), line: sf.getLineAndCharacterOfPosition(r.pos).line })
  }
  return [...seen.entries()].sort(([a], [b]) => a - b).map(([, c]) => c)
}

const FENCE_OPEN = /^(\s*)```(ts|typescript)\s*$/
const FENCE_CLOSE = /^\s*```\s*$/

/** The category vocabulary: the first column of the table under "## API categories". */
const vocabulary = () => {
  const text = readFileSync(join(root, 'docs', 'conventions.md'), 'utf8')
  const section = text.split(/^## /m).find((s) => s.startsWith('API categories'))
  if (section === undefined) throw new Error('docs/conventions.md has no "## API categories" section')
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1])
}

const CATEGORIES = vocabulary()
const CATEGORY = /(?:^|\s)@category\s+(.*?)\s*(?=\s@\w|$)/g

/** Every checked block: { file (relative), pkg, line (1-based, first code line), code } and problems. */
const extract = () => {
  const blocks = []
  const problems = []
  let categories = 0
  for (const path of sourceFiles()) {
    const file = relative(root, path).split(sep).join('/')
    const pkg = file.split('/')[1]
    for (const comment of docComments(readFileSync(path, 'utf8'))) {
      const lines = comment.text.split('\n').map((l) => l.replace(/^\s*\/?\*+\/?\s?/, '').replace(/\s*\*\/\s*$/, ''))
      let exampleAt = -1 // line of an open @example tag still waiting for its fence
      let categorised = false
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]
        for (const [, name] of line.matchAll(CATEGORY)) {
          const at = `${file}:${comment.line + i + 1}`
          categories++
          if (!CATEGORIES.includes(name)) problems.push(`${at}: @category ${name} is not in the vocabulary of docs/conventions.md`)
          if (categorised) problems.push(`${at}: a second @category in one comment`)
          categorised = true
        }
        if (/^@\w+/.test(line)) {
          if (exampleAt >= 0) problems.push(`${file}:${comment.line + exampleAt + 1}: @example without a \`\`\`ts block`)
          exampleAt = /^@example\b/.test(line) ? i : -1
          continue
        }
        const open = FENCE_OPEN.exec(line)
        if (open === null) continue
        const indent = open[1].length
        const code = []
        let j = i + 1
        for (; j < lines.length && !FENCE_CLOSE.test(lines[j]); j++) code.push(lines[j].slice(Math.min(indent, lines[j].search(/\S|$/))))
        if (j === lines.length) problems.push(`${file}:${comment.line + i + 1}: unclosed \`\`\`ts block`)
        blocks.push({ file, pkg, line: comment.line + i + 2, code: code.join('\n') })
        exampleAt = -1
        i = j
      }
      if (exampleAt >= 0) problems.push(`${file}:${comment.line + exampleAt + 1}: @example without a \`\`\`ts block`)
    }
  }
  return { blocks, problems, categories }
}

// ---------------------------------------------------------------------------------------------
// Wrapping

/** Names a block binds at its top level (imports and declarations). */
const topLevelNames = (code) => {
  const sf = ts.createSourceFile('block.ts', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS)
  const names = new Set()
  const bind = (name) => {
    if (ts.isIdentifier(name)) names.add(name.text)
    else for (const e of name.elements) if (!ts.isOmittedExpression(e)) bind(e.name)
  }
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) && s.importClause !== undefined) {
      const c = s.importClause
      if (c.name !== undefined) names.add(c.name.text)
      if (c.namedBindings !== undefined) {
        if (ts.isNamespaceImport(c.namedBindings)) names.add(c.namedBindings.name.text)
        else for (const e of c.namedBindings.elements) names.add(e.name.text)
      }
    } else if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) bind(d.name)
    } else if (
      (ts.isFunctionDeclaration(s) ||
        ts.isClassDeclaration(s) ||
        ts.isInterfaceDeclaration(s) ||
        ts.isTypeAliasDeclaration(s) ||
        ts.isEnumDeclaration(s) ||
        ts.isModuleDeclaration(s)) &&
      s.name !== undefined &&
      ts.isIdentifier(s.name)
    ) {
      names.add(s.name.text)
    }
  }
  return names
}

const wrap = (block) => {
  const own = topLevelNames(block.code)
  const byModule = new Map()
  for (const [local, module, kind, imported] of prelude(block.pkg)) {
    if (own.has(local)) continue
    if (!byModule.has(module)) byModule.set(module, [])
    byModule.get(module).push([local, kind, imported])
  }
  const head = []
  for (const [module, entries] of byModule) {
    const named = entries.filter(([, k]) => k === 'named').map(([l, , i]) => (i === undefined ? l : `${i} as ${l}`))
    const types = entries.filter(([, k]) => k === 'type').map(([l]) => l)
    for (const [l, k] of entries) {
      if (k === 'namespace') head.push(`import * as ${l} from '${module}'`)
      if (k === 'default') head.push(`import ${l} from '${module}'`)
    }
    if (named.length > 0) head.push(`import { ${named.join(', ')} } from '${module}'`)
    if (types.length > 0) head.push(`import type { ${types.join(', ')} } from '${module}'`)
  }
  for (const [name, type] of Object.entries(PLACEHOLDERS)) if (!own.has(name)) head.push(`declare const ${name}: ${type}`)
  return { head, text: `${head.join('\n')}\n${block.code}\nexport {}\n` }
}

// ---------------------------------------------------------------------------------------------
// Checking

const { blocks, problems, categories } = extract()
const order = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')).packageOptions?.categoryOrder ?? []
if (JSON.stringify(order.filter((c) => c !== '*')) !== JSON.stringify(CATEGORIES)) {
  problems.push(
    `typedoc.json: categoryOrder must list the categories of docs/conventions.md in order, then "*": ${JSON.stringify(CATEGORIES)}`,
  )
}
const configured = ts.parseJsonConfigFileContent(
  ts.readConfigFile(join(root, 'tsconfig.base.json'), ts.sys.readFile).config,
  ts.sys,
  root,
).options
const options = {
  ...configured,
  noEmit: true,
  composite: false,
  incremental: false,
  declaration: false,
  declarationMap: false,
  sourceMap: false,
  noUnusedLocals: false,
  noUnusedParameters: false,
  // The examples workspace depends on every library package; the command is reached by path.
  paths: { '@emkit/cli': [join(root, 'packages/cli/dist/index.d.ts')] },
}
// Virtual files live in examples/ so that packages resolve from examples/node_modules, as in a
// project that installed them (ESM: examples/package.json has "type": "module").
const virtual = new Map()
const origin = new Map()
blocks.forEach((block, index) => {
  const name = join(root, 'examples', '.doc-examples', `${index}-${block.file.replace(/[/.]/g, '_')}-${block.line}.ts`)
  const wrapped = wrap(block)
  virtual.set(name, wrapped.text)
  origin.set(name, { block, offset: wrapped.head.length })
  if (list) console.log(`// ${block.file}:${block.line}\n${wrapped.text}`)
})

const host = ts.createCompilerHost(options)
const { getSourceFile, fileExists, readFile } = host
host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f)
host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f)
host.getSourceFile = (f, languageVersion, onError, shouldCreate) =>
  virtual.has(f)
    ? ts.createSourceFile(f, virtual.get(f), languageVersion, true)
    : getSourceFile.call(host, f, languageVersion, onError, shouldCreate)

const started = Date.now()
const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host })
const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]
for (const name of virtual.keys()) {
  const sf = program.getSourceFile(name)
  diagnostics.push(...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf))
}

for (const p of problems) console.error(p)
for (const d of diagnostics) {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n  ')
  const where = d.file === undefined ? undefined : origin.get(d.file.fileName)
  if (d.file === undefined || d.start === undefined) {
    console.error(`error TS${d.code}: ${message}`)
  } else if (where === undefined) {
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start)
    console.error(`${relative(root, d.file.fileName)}:${line + 1}:${character + 1}: error TS${d.code}: ${message}`)
  } else {
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start)
    const inBlock = line - where.offset
    const at =
      inBlock >= 0 ? `${where.block.file}:${where.block.line + inBlock}:${character + 1}` : `${where.block.file}:${where.block.line - 1}`
    const note = inBlock >= 0 ? '' : ' (in the imports and placeholders added to the block)'
    console.error(`${at}: error TS${d.code}: ${message}${note}`)
  }
}
const files = new Set(blocks.map((b) => b.file)).size
if (problems.length + diagnostics.length > 0) {
  console.error(
    `✗ TSDoc: ${problems.length + diagnostics.length} problem(s) (${blocks.length} example blocks from ${files} files, ${categories} categories)`,
  )
  process.exit(1)
}
console.log(
  `✓ TSDoc: ${blocks.length} example blocks from ${files} files type-check (${Date.now() - started} ms); ${categories} @category tags use the ${CATEGORIES.length} of docs/conventions.md`,
)
