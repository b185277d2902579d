// Keep-alive at full speed: requests sent one after another on one socket are answered like pipelined ones, each response in one piece, the connection never dropped.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listener, listen } from '../../src/server.ts';
import { fullApp } from './support.ts';

let listener: Listener;

beforeAll(async () => {
  listener = await listen(0, '127.0.0.1');
  listener.use((await fullApp()).app);
});
afterAll(async () => {
  await listener.close();
});

const REQUEST = 'GET /doc/person/peng-zhen.ttl HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

/** A client connection that counts the complete responses it reads and the chunks they came in. */
function client(): Promise<{
  socket: Socket;
  next(): Promise<number>;
  responses: () => number;
  chunks: () => number;
  closed: () => boolean;
}> {
  const socket = connect(listener.port, '127.0.0.1');
  let buf = Buffer.alloc(0);
  let responses = 0;
  let chunks = 0;
  let closed = false;
  let waiting: (() => void)[] = [];
  socket.on('data', (d: Buffer) => {
    chunks++;
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) break;
      const length = Number(/content-length: *(\d+)/i.exec(buf.subarray(0, end).toString('latin1'))?.[1]);
      if (buf.length < end + 4 + length) break;
      buf = buf.subarray(end + 4 + length);
      responses++;
      const w = waiting;
      waiting = [];
      for (const f of w) f();
    }
  });
  socket.on('close', () => {
    closed = true;
  });
  return new Promise((resolve) =>
    socket.once('connect', () =>
      resolve({
        socket,
        next: () => {
          const before = responses;
          return new Promise<number>((r) => {
            waiting.push(() => r(responses - before));
            socket.write(REQUEST);
          });
        },
        responses: () => responses,
        chunks: () => chunks,
        closed: () => closed,
      }),
    ),
  );
}

describe('2,000 requests on one keep-alive connection', () => {
  it('should answer each in one piece, sent one after another or pipelined, on the same connection', async () => {
    const N = 2_000;
    // Pipelined: every request in one write.
    const piped = await client();
    const p0 = performance.now();
    await new Promise<void>((resolve) => {
      piped.socket.on('data', () => piped.responses() >= N && resolve());
      piped.socket.write(REQUEST.repeat(N));
    });
    const pipelinedMs = performance.now() - p0;
    piped.socket.destroy();

    const seq = await client();
    const s0 = performance.now();
    for (let i = 0; i < N; i++) expect(await seq.next()).toBe(1);
    const sequentialMs = performance.now() - s0;
    expect(seq.responses()).toBe(N);
    expect(seq.closed()).toBe(false);
    // The hold on the stall issue 15 saw (29 ms a request): headers and body leave in one write, so a client that
    // delays its ACK never makes the server wait (Nagle) for the second half of a response. One chunk read per
    // response. Not a bound on the time taken, which a loaded machine stretches: the times are printed for the eye.
    expect(seq.chunks()).toBe(N);
    console.log(
      `keep-alive: ${N} pipelined in ${pipelinedMs.toFixed(0)} ms, sequential in ${sequentialMs.toFixed(0)} ms`,
    );
    seq.socket.destroy();
  }, 120_000);
});
