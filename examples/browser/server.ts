/**
 * A tiny static HTTP server for the browser tests and the playground, on the loopback address only
 * (127.0.0.1, a port the system picks). With `isolated`, every response carries the two headers
 * that make a page cross-origin isolated (`Cross-Origin-Opener-Policy: same-origin`,
 * `Cross-Origin-Embedder-Policy: require-corp`), which browsers require before they hand a page
 * `SharedArrayBuffer`; without, the page is an ordinary one.
 */
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
}

/** A running server. */
export interface Server {
  /** The root URL, `http://127.0.0.1:PORT/`. */
  readonly url: string
  /** Stops it. */
  close(): Promise<void>
}

/** Serves the files under `root` (directories give their index.html). */
export const serve = async (root: string, options: { readonly isolated: boolean }): Promise<Server> => {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname)
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path))
    const headers: Record<string, string> = { 'Cache-Control': 'no-store' }
    if (options.isolated) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin'
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp'
    }
    if (request.method !== 'GET' || (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep))) {
      response.writeHead(404, headers).end()
      return
    }
    readFile(file).then(
      (body) => response.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => response.writeHead(404, headers).end(),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
