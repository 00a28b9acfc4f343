/**
 * The playground page: data (Old Faithful, the other data sets the site ships, or a CSV the user
 * drops), the model's options, a Web Worker that runs EM, the log-likelihood trace drawn live as
 * steps arrive, the fitted picture and the model JSON to download. The pictures are the command
 * line's Vega-Lite specifications, rendered to SVG here with Vega.
 */
/// <reference lib="dom" />
import * as Plots from '@emkit/cli/plots'
import { readTable } from './csv.js'
import type { FitRequest, Table, WorkerMessage } from './protocol.js'

/** The data sets the site ships besides Old Faithful (written by the build into datasets.json). */
interface Shipped {
  readonly name: string
  readonly file: string
  readonly label: string
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T
const status = $<HTMLParagraphElement>('status')
const runButton = $<HTMLButtonElement>('run')
const download = $<HTMLButtonElement>('download')
const datasetSelect = $<HTMLSelectElement>('dataset')
const numberOf = (id: string): number => Number($<HTMLInputElement>(id).value)

const tables = new Map<string, Table>()
let model: unknown
let steps = 0

const say = (text: string, state: 'idle' | 'running' | 'done' | 'error'): void => {
  status.textContent = text
  status.dataset['state'] = state
  status.className = state === 'error' ? 'error' : ''
}

const draw = async (id: string, spec: Plots.VlSpec | undefined): Promise<void> => {
  $(id).innerHTML = spec === undefined ? '' : await Plots.renderSvg(spec)
}

/** Adds a table to the data choices and selects it. */
const offer = (key: string, label: string, table: Table): void => {
  tables.set(key, table)
  let option = Array.from(datasetSelect.options).find((o) => o.value === key)
  if (option === undefined) {
    option = new Option(label, key)
    datasetSelect.add(option)
  }
  option.text = `${label} (${table.n} × ${table.columns.length})`
  datasetSelect.value = key
}

const loadFile = async (file: File): Promise<void> => {
  try {
    offer('upload', file.name, readTable(await file.text()))
    say(`${file.name}: read in this page, not sent anywhere.`, 'idle')
  } catch (e) {
    say(`${file.name}: ${e instanceof Error ? e.message : String(e)}`, 'error')
  }
}

// The trace of the restart in progress, live: redrawn at most once per frame while steps arrive.
let live: number[] = []
let restart = -1
let running = false
let pending = false
const drawLive = (): void => {
  if (pending) return
  pending = true
  requestAnimationFrame(() => {
    pending = false
    if (running) void draw('trace', Plots.traceSpec(live, `log-likelihood per iteration, restart ${restart + 1} (live)`))
  })
}

const worker = new Worker(new URL('./fit-worker.js', import.meta.url), { type: 'module' })
worker.addEventListener('message', (event: MessageEvent<WorkerMessage>) => {
  const m = event.data
  if (m.kind === 'step') {
    steps++
    if (m.restart !== restart) {
      restart = m.restart
      live = []
    }
    live.push(m.logLikelihood)
    say(
      `restart ${m.restart + 1}, iteration ${m.iteration}: log-likelihood ${m.logLikelihood.toFixed(4)}, Δ ${m.delta.toExponential(2)}`,
      'running',
    )
    drawLive()
  } else if (m.kind === 'candidate') {
    say(`k = ${m.k}: BIC ${m.bic.toFixed(2)}`, 'running')
  } else if (m.kind === 'error') {
    running = false
    runButton.disabled = false
    say(m.message, 'error')
  } else {
    running = false
    model = m.model
    $('warnings').replaceChildren(...m.warnings.map((w) => Object.assign(document.createElement('li'), { textContent: w })))
    void Promise.all([draw('picture', m.dataSpec), draw('trace', m.traceSpec), draw('selection', m.selectSpec)]).then(() => {
      runButton.disabled = false
      download.disabled = false
      $('trace').dataset['steps'] = String(steps)
      say(m.summary, 'done')
    })
  }
})

$<HTMLFormElement>('controls').addEventListener('submit', (event) => {
  event.preventDefault()
  const key = datasetSelect.value
  const table = tables.get(key)
  if (key !== 'faithful' && table === undefined) {
    say('the data are still loading; press Run EM again in a moment', 'error')
    return
  }
  const family = $<HTMLSelectElement>('family').value as FitRequest['family']
  const request: FitRequest = {
    kind: 'fit',
    data: table ?? 'faithful',
    family,
    covariance: $<HTMLSelectElement>('covariance').value as FitRequest['covariance'],
    mode: $<HTMLSelectElement>('mode').value as FitRequest['mode'],
    k: numberOf('k'),
    restarts: numberOf('restarts'),
    seed: numberOf('seed'),
  }
  runButton.disabled = true
  download.disabled = true
  steps = 0
  live = []
  restart = -1
  running = true
  say('running…', 'running')
  worker.postMessage(request)
})

download.addEventListener('click', () => {
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(model, null, 2)}\n`], { type: 'application/json' }))
  const a = Object.assign(document.createElement('a'), { href: url, download: 'model.json' })
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
})

$<HTMLInputElement>('file').addEventListener('change', (event) => {
  const file = (event.target as HTMLInputElement).files?.[0]
  if (file !== undefined) void loadFile(file)
})
const drop = $('drop')
drop.addEventListener('dragover', (event) => {
  event.preventDefault()
  drop.classList.add('over')
})
drop.addEventListener('dragleave', () => drop.classList.remove('over'))
drop.addEventListener('drop', (event) => {
  event.preventDefault()
  drop.classList.remove('over')
  const file = event.dataTransfer?.files[0]
  if (file !== undefined) void loadFile(file)
})

// The other data sets the site ships, read when chosen.
void fetch(new URL('./datasets.json', import.meta.url))
  .then((r) => r.json() as Promise<Shipped[]>)
  .then((shipped) => {
    for (const s of shipped) datasetSelect.add(new Option(s.label, s.name))
    datasetSelect.addEventListener('change', () => {
      const s = shipped.find((x) => x.name === datasetSelect.value)
      if (s === undefined || tables.has(s.name)) return
      void fetch(new URL(s.file, import.meta.url))
        .then((r) => r.text())
        .then((text) => offer(s.name, s.label, readTable(text)))
        .catch((e: unknown) => say(`${s.label}: ${e instanceof Error ? e.message : String(e)}`, 'error'))
    })
  })
