// The loader's signed requests to a store that cuts an unsigned request with a body short (as Virtuoso may): the challenge is asked for by a GET, and the request goes once, signed.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticatingFetch } from '../../src/store/digest.ts';

let server: Server;
let url: string;
const seen: { method: string; signed: boolean; bytes: number }[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const signed = /^Digest /.test(req.headers.authorization ?? '');
    const declared = Number(req.headers['content-length'] ?? 0);
    if (!signed && declared > 0) {
      // Refused before the body is read: the connection is reset under the client's write.
      seen.push({ method: req.method ?? '', signed, bytes: 0 });
      req.socket.resetAndDestroy();
      return;
    }
    let bytes = 0;
    req.on('data', (d: Buffer) => {
      bytes += d.length;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', signed, bytes });
      if (!signed) {
        res.writeHead(401, { 'www-authenticate': 'Digest realm="store", nonce="abc", qop="auth", algorithm=MD5' });
        res.end();
        return;
      }
      res.writeHead(201).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sparql-graph-crud-auth?graph=urn:g`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('A signed PUT to a store that resets an unsigned one with a body', () => {
  it('asks for the challenge by a GET and sends the body once, signed', async () => {
    const put = authenticatingFetch(fetch, { user: 'loader', password: 'secret' });
    const body = '<urn:a> <urn:b> "c" .\n'.repeat(20_000);
    const res = await put(url, { method: 'PUT', headers: { 'content-type': 'application/n-triples' }, body });
    expect(res.status).toBe(201);
    expect(seen.map(({ method, signed }) => `${method}${signed ? ' signed' : ''}`)).toEqual([
      'PUT',
      'GET',
      'PUT signed',
    ]);
    expect(seen.at(-1)?.bytes).toBe(Buffer.byteLength(body));
  });
});
