// Requests the protocol calls malformed or a document refuses, on the server's own listener: a repeated Host header (400), writes to documents (405 with Allow).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listener, listen } from '../../src/server.ts';
import { fullApp, rawGet, rawRequest } from './support.ts';

let listener: Listener;
let port: number;
let app: Awaited<ReturnType<typeof fullApp>>['app'];

beforeAll(async () => {
  listener = await listen(0, '127.0.0.1');
  port = listener.port;
  ({ app } = await fullApp());
  listener.use(app);
});
afterAll(async () => {
  await listener.close();
});

describe('A request with two Host headers', () => {
  it.each([
    ['the same host twice', 'Host: 127.0.0.1\r\nHost: 127.0.0.1'],
    ['two different hosts', 'Host: 127.0.0.1\r\nhost: evil.example'],
  ])('(%s) is a 400 that says so', async (_name, hosts) => {
    const r = await rawRequest(port, `GET /doc/person/peng-zhen.ttl HTTP/1.1\r\n${hosts}\r\nConnection: close\r\n\r\n`);
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/more than one Host header/);
  });

  it('is told apart from a request with one, which is served', async () => {
    expect((await rawGet(port, '/doc/person/peng-zhen.ttl')).status).toBe(200);
  });
});

describe('A write to a document', () => {
  it.each([
    ['PUT', '/doc/person/peng-zhen.ttl'],
    ['DELETE', '/doc/person/peng-zhen.ttl'],
    ['POST', '/id/person/peng-zhen'],
    ['PATCH', '/ontology'],
    ['DELETE', '/dump.ttl'],
    ['PUT', '/'],
    ['DELETE', '/sitemap.xml'],
  ])('(%s %s) is a 405 naming GET and HEAD', async (method, target) => {
    const r = await app.request(target, { method, body: method === 'DELETE' ? undefined : 'x' });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET, HEAD');
    expect(await r.text()).toMatch(/method not allowed; use GET, HEAD/);
  });

  it('leaves a read of the same document as it was', async () => {
    const r = await app.request('/doc/person/peng-zhen.ttl');
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('Peng Zhen');
  });
});
