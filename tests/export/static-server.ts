// A plain static file server for the tests: files by path under a prefix, a type by extension, index.html for a folder.
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml',
  '.txt': 'text/plain',
  '.ttl': 'text/turtle',
  '.nt': 'application/n-triples',
  '.jsonld': 'application/ld+json',
  '.rdf': 'application/rdf+xml',
  '.nq': 'application/n-quads',
  '.trig': 'application/trig',
  '.csv': 'text/csv',
};

export interface StaticServer {
  server: Server;
  /** http://127.0.0.1:PORT{prefix} */
  url: string;
  close(): Promise<void>;
}

/** Serves `dir` at `prefix` (e.g. /kg/) on 127.0.0.1, knowing nothing of the site: no rewrites, no negotiation. */
export async function serveDirectory(dir: () => string, prefix = '/'): Promise<StaticServer> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith(prefix)) {
      res.writeHead(404).end();
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname.slice(prefix.length));
    } catch {
      // A malformed escape (%ff, %zz) is the client's error; thrown here it would leave the request unanswered.
      res.writeHead(400).end();
      return;
    }
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const root = path.resolve(dir());
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'content-length': body.byteLength,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
