// Slow and greedy clients on a real socket (the server's own listener, with short limits): header and request timeouts, huge bodies and headers; the server keeps serving others.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { type Listener, listen, type SocketLimits } from '../../src/server.ts';
import { fullApp, rawGet, rawRequest, sleep } from './support.ts';

const LIMITS: SocketLimits = {
  headersTimeoutMs: 600,
  requestTimeoutMs: 1_500,
  keepAliveTimeoutMs: 1_000,
  checkIntervalMs: 100,
  shutdownGraceMs: 2_000,
  headerBytes: 256 << 10,
};

let listener: Listener;
let port: number;
let logged: MockInstance<typeof console.error>;

beforeAll(async () => {
  logged = vi.spyOn(console, 'error');
  listener = await listen(0, '127.0.0.1', LIMITS);
  port = listener.port;
  listener.use((await fullApp({ limits: { bodyBytes: 64 * 1024 } })).app);
  // Its query threads' first start, however loaded the machine.
}, 600_000);
afterAll(async () => {
  await listener.close();
});

/** A connection that sends `first`, then `rest` one piece every `everyMs`; resolves when the server closes it. */
function trickle(
  first: string,
  rest: string[],
  everyMs: number,
): Promise<{ ms: number; received: string; sent: number }> {
  const socket: Socket = connect(port, '127.0.0.1');
  const started = performance.now();
  let received = '';
  let sent = 0;
  socket.on('data', (d) => {
    received += d;
  });
  socket.on('error', () => {});
  socket.write(first);
  const timer = setInterval(() => {
    const next = rest[sent];
    if (next === undefined || socket.destroyed) return clearInterval(timer);
    socket.write(next);
    sent++;
  }, everyMs);
  return new Promise((resolve) =>
    socket.once('close', () => {
      clearInterval(timer);
      resolve({ ms: performance.now() - started, received, sent });
    }),
  );
}

/** Answers a cheap document request on a fresh connection, proving the server still serves. */
async function stillServing(): Promise<void> {
  const res = await rawGet(port, '/doc/person/peng-zhen.ttl');
  expect(res.status).toBe(200);
}

describe('A client that stops halfway through its request line', () => {
  it('should get a 408 and lose its connection at the header timeout, while others are served', async () => {
    const slow = trickle('GET /sparql HT', [], 1000);
    await sleep(100);
    await stillServing();
    const { ms, received } = await slow;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(LIMITS.headersTimeoutMs - 50);
    await stillServing();
  });
});

describe('A client that sends its headers one line at a time (slowloris)', () => {
  it('should be cut at the header timeout, counted from its first byte, not from its last', async () => {
    const lines = Array.from({ length: 100 }, (_, i) => `X-Pad-${i}: ${'a'.repeat(10)}\r\n`);
    const { received, sent } = await trickle('GET / HTTP/1.1\r\nHost: x\r\n', lines, 100);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(sent).toBeLessThan(lines.length);
    await stillServing();
  });
});

describe('A client that sends its body a byte at a time', () => {
  it('should be cut at the request timeout', async () => {
    const query = 'query=ASK%20%7B%7D';
    // Its last byte never comes: however late a loaded machine runs either side, the request is never complete,
    // so the cut is the timeout's and nothing else's (a byte still arriving within it does not put it off).
    const { ms, received } = await trickle(
      `POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${query.length}\r\n\r\n`,
      [...query].slice(0, -1),
      250,
    );
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(LIMITS.requestTimeoutMs - 50);
    await stillServing();
  });
});

describe('A client that sends far more than the body limit', () => {
  it('should get a 413 from its Content-Length alone, before sending the body', async () => {
    const res = await rawRequest(
      port,
      'POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 104857600\r\nConnection: close\r\n\r\n',
      5_000,
    ).catch(() => undefined);
    // The server answers at once; it may then close the connection (it will not read 100 MB).
    expect(res?.status ?? 413).toBe(413);
  });

  it('should get a 413 for a chunked body past the limit, without the server reading all of it', async () => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (d) => {
      received += d;
    });
    socket.on('error', () => {});
    socket.write(
      'POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const chunk = `${(16 * 1024).toString(16)}\r\n${'q'.repeat(16 * 1024)}\r\n`;
    let sentBytes = 0;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // Sent until the answer comes or 10 MB have gone (bounded by bytes, not by time: a loaded server answers late).
    while (!received && !socket.destroyed && sentBytes < 10 * 1024 * 1024) {
      socket.write(chunk);
      sentBytes += 16 * 1024;
      await sleep(5);
    }
    // The answer, if it is still on its way: the server closes the connection after it.
    if (!received) await Promise.race([closed, new Promise<void>((resolve) => socket.once('data', () => resolve()))]);
    socket.destroy();
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    expect(received).toMatch(/larger than 65536 bytes/);
    expect(sentBytes).toBeLessThan(10 * 1024 * 1024);
    await stillServing();
  });

  it("should get a 431 saying so for a head past 256 KiB, a long URL too, and the route's 414 below that", async () => {
    const said = `request line and headers larger than ${256 << 10} bytes; send a long query by POST\n`;
    const big = await rawGet(port, '/', { 'x-big': 'a'.repeat(300_000) });
    expect(big.status).toBe(431);
    expect(big.body).toBe(said);
    const long = await rawGet(port, `/sparql?query=${'A'.repeat(300_000)}`);
    expect(long.status).toBe(431);
    expect(long.body).toBe(said);
    // Below it, a long URL reaches the route, which applies its own limits (the query's 20,000 characters).
    const routed = await rawGet(port, `/sparql?query=${'A'.repeat(40_000)}`);
    expect(routed.status).toBe(414);
    expect(routed.body).toMatch(/^query longer than 20000 characters/);
    await stillServing();
  });
});

describe('Many idle connections at once', () => {
  it('should keep serving while 300 connections that send nothing sit open, and close them at the header timeout', async () => {
    // Flowing (resume): a paused socket holding the server's 408 would never see its end.
    const sockets = Array.from({ length: 300 }, () =>
      connect(port, '127.0.0.1')
        .on('error', () => {})
        .resume(),
    );
    const idle = sockets.map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())));
    await sleep(100);
    await stillServing();
    // Every one of them is closed by the server (the test's own time limit is the bound).
    await Promise.all(idle);
    await stillServing();
  });
});

describe('The server, after all these clients', () => {
  it('should have logged no error: a client that goes away mid-request is its own fault, not the server’s', () => {
    expect(logged.mock.calls).toEqual([]);
  });
});
