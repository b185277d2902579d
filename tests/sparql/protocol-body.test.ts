// A POST's body read straight off Node's request (how `serve` reads it): whole however it arrives, refused past the limit without reading the rest, a 400 when cut short.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpError } from '../../src/http/errors.ts';
import { readIncoming } from '../../src/sparql/protocol.ts';
import { sleep } from './helpers.ts';

const LIMIT = 1024;

/** What readIncoming gave for one request: the body, or the error (thrown at once or passed to its callback). */
type Outcome = { body?: string; error?: HttpError; thrown?: boolean };

let server: Server;
let port: number;
/** The outcome of each request, in the order they come. */
const outcomes: Promise<Outcome>[] = [];
let arrived: (o: Promise<Outcome>) => void = () => {};

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const outcome = new Promise<Outcome>((resolve) => {
      try {
        readIncoming(req, LIMIT, (error, body) => resolve(error ? { error } : { body: body.toString('utf8') }));
      } catch (e) {
        resolve({ error: e as HttpError, thrown: true });
      }
    });
    void outcome.then((o) => {
      res.writeHead(o.error?.status ?? 200, { connection: 'close' });
      res.end(o.body ?? o.error?.message);
    });
    outcomes.push(outcome);
    arrived(outcome);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** The outcome of the next request to come in. */
const next = () => new Promise<Promise<Outcome>>((resolve) => (arrived = resolve)).then((o) => o);

const head = (headers: string) => `POST /sparql HTTP/1.1\r\nHost: x\r\n${headers}\r\n`;

function open(): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.resume();
  return socket;
}

describe('A body read off the socket', () => {
  const query = 'SELECT ?s WHERE { ?s a ?t } LIMIT 10 # 中文';
  const bytes = Buffer.from(query);

  it('should be read whole when it comes with its head', async () => {
    const outcome = next();
    open().end(Buffer.concat([Buffer.from(head(`Content-Length: ${bytes.length}\r\n`)), bytes]));
    expect(await outcome).toEqual({ body: query });
  });

  it('should be read whole when it comes in pieces after its head, and when chunked', async () => {
    const outcome = next();
    const socket = open();
    socket.write(head(`Content-Length: ${bytes.length}\r\n`));
    for (const piece of [bytes.subarray(0, 5), bytes.subarray(5, 20), bytes.subarray(20)]) {
      await sleep(20);
      socket.write(piece);
    }
    expect(await outcome).toEqual({ body: query });
    socket.end();

    const chunked = next();
    const other = open();
    other.write(head('Transfer-Encoding: chunked\r\n'));
    await sleep(20);
    other.write(`5\r\n${bytes.subarray(0, 5).toString('latin1')}\r\n`);
    await sleep(20);
    other.end(
      Buffer.concat([
        Buffer.from(`${(bytes.length - 5).toString(16)}\r\n`),
        bytes.subarray(5),
        Buffer.from('\r\n0\r\n\r\n'),
      ]),
    );
    expect(await chunked).toEqual({ body: query });
  });

  it('should be empty when the request says so', async () => {
    const outcome = next();
    open().end(head('Content-Length: 0\r\n'));
    expect(await outcome).toEqual({ body: '' });
  });

  it('should be refused with a 413 by its Content-Length alone, before any of it is read', async () => {
    const outcome = next();
    const socket = open();
    socket.write(head(`Content-Length: ${LIMIT + 1}\r\n`));
    const o = await outcome;
    expect(o.thrown).toBe(true);
    expect(o.error?.status).toBe(413);
    socket.destroy();
  });

  it('should be refused with a 413 as a chunked body passes the limit, while the client is still sending', async () => {
    const outcome = next();
    const socket = open();
    socket.write(head('Transfer-Encoding: chunked\r\n'));
    let done = false;
    void outcome.then(() => {
      done = true;
    });
    let sent = 0;
    // Sent until the answer comes or 1 MB has gone (bounded by bytes, not by time).
    while (!done && sent < 1024 * 1024) {
      socket.write(`100\r\n${'q'.repeat(256)}\r\n`);
      sent += 256;
      await sleep(1);
    }
    const o = await outcome;
    expect(o.thrown).toBeUndefined();
    expect(o.error?.status).toBe(413);
    expect(o.error?.message).toBe(`request body larger than ${LIMIT} bytes`);
    expect(sent).toBeLessThan(1024 * 1024);
    socket.destroy();
  });

  it('should be a 400 when the client goes away before all of it has come', async () => {
    const outcome = next();
    const socket = open();
    const before = outcomes.length;
    socket.write(Buffer.concat([Buffer.from(head(`Content-Length: ${bytes.length}\r\n`)), bytes.subarray(0, 10)]));
    // Gone once the server has the request (its handler ran), with the body still short.
    while (outcomes.length === before) await sleep(5);
    socket.destroy();
    expect(await outcome).toEqual({ error: expect.objectContaining({ status: 400 }) });
    expect((await outcome).error?.message).toBe('the request body did not arrive in full');
  });
});
