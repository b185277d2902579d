// `npcsc-kg serve` as a process: a corrupt or invalid data file stops it at start-up, a slow client is cut at the default header timeout, SIGTERM under load loses nothing in flight.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOCKET_LIMITS } from '../../src/server.ts';
import { copyOfInputs, rawGet, type Served, sleep, startServe } from './support.ts';

/** Runs serve over a copy of the inputs changed by `change`, expecting it to fail: its exit code and output. */
async function failedStart(
  file: string,
  change: (s: string) => string,
): Promise<{ code: number; err: string; ms: number }> {
  const inputs = copyOfInputs();
  try {
    inputs.edit(file, change);
    const started = performance.now();
    const failure = await startServe(['--root', inputs.root]).then(
      (s) => {
        s.kill();
        throw new Error(`serve started with a broken ${file}`);
      },
      (e: { code: number; err: string }) => e,
    );
    return { code: failure.code, err: failure.err, ms: performance.now() - started };
  } finally {
    inputs.remove();
  }
}

// All three start at once: these tests are about the process, not about its speed.
const serving = startServe(['--timeout-ms', '60000']);

/**
 * A client that sends half a request line and nothing more, connected as soon as the server listens: its wait for
 * the header timeout runs while the tests before it do.
 */
const slowClient = serving.then(async (s) => {
  const socket = connect(s.port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const opened = performance.now();
  let received = '';
  socket.on('data', (d) => {
    received += d;
  });
  socket.on('error', () => {});
  socket.write('GET /sparql HT');
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - opened)));
  return { opened, closed, received: () => received };
});
slowClient.catch(() => {});
const corrupt = failedStart('data/people.ttl', (s) => `${s}\nperson:broken rdfs:label "never closed ;\n`);
// A tenure without its office breaks the tenure shape.
const invalid = failedStart('data/tenures.ttl', (s) => s.replace(/npcsc:office office:secretary-general ;/, ''));

describe('npcsc-kg serve with a data file that does not parse', () => {
  it('should name the file, line and column, stop listening and exit 3', async () => {
    const failure = await corrupt;
    expect(failure.code).toBe(3);
    expect(failure.err).toMatch(/^npcsc-kg serve: data\/people\.ttl:\d+:\d+: /m);
    expect(failure.err).not.toMatch(/\n\s+at /);
  });
});

describe('npcsc-kg serve with data that breaks a shape', () => {
  it('should report the violation and exit 1', async () => {
    const failure = await invalid;
    expect(failure.code).toBe(1);
    expect(failure.err).toMatch(/violation/i);
  });
});

describe('npcsc-kg serve, running', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serving;
    // The query threads started (the SIGTERM test wants queries running, not waiting for a thread).
    const warm = await fetch(`${s.url}/sparql?query=${encodeURIComponent('ASK { ?s ?p ?o }')}`);
    expect(warm.status).toBe(200);
  });
  afterAll(() => s?.kill());

  it(`should cut a client that sends half a request line after ${SOCKET_LIMITS.headersTimeoutMs / 1000} s, answering others meanwhile`, async () => {
    const slow = await slowClient;
    let cut = false;
    const cutAfter = slow.closed.then((ms) => {
      cut = true;
      return ms;
    });
    // Others are answered while it hangs on, until the server cuts it (however late a loaded machine makes that).
    let answered = 0;
    do {
      const res = await fetch(`${s.url}/doc/person/peng-zhen.ttl`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      answered++;
      await sleep(100);
    } while (!cut);
    // Never before its time; when after it depends on the machine's load, so it is the bench's to measure.
    expect(await cutAfter).toBeGreaterThanOrEqual(SOCKET_LIMITS.headersTimeoutMs - 100);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(answered).toBeGreaterThan(0);
  }, 30_000);

  it('should finish the requests in flight on SIGTERM, refuse new connections and exit 0', async () => {
    // Slow work in flight: queries of a second or more each (distinct, so none is answered from another's run),
    // and a POST whose body is still arriving when the signal comes.
    // Each on a connection of its own with Connection: close, so that the exit below waits for work, not for idle
    // keep-alive connections (those end at their keep-alive timeout, 5 s).
    const slow = [1, 2].map((i) =>
      rawGet(
        s.port,
        `/sparql?query=${encodeURIComponent(`SELECT (COUNT(*) AS ?n) WHERE { ?a a ?c . ?d a ?f FILTER (?f != <urn:x:${i}>) }`)}`,
        { accept: 'application/sparql-results+json' },
        60_000,
      ),
    );
    const documents = Array.from({ length: 20 }, (_, i) =>
      rawGet(s.port, `/doc/tenure/secretary-general/${(i % 13) + 1}.jsonld`, {}, 60_000).then((r) => r.status),
    );
    // Opened last, and asking for 100-continue: once the server has read its headers, it has taken every
    // connection opened before it (in order, from one backlog), so all the work above is in flight, however
    // loaded the machine.
    const query = 'ASK { ?s ?p ?o }';
    const trickle = connect(s.port, '127.0.0.1');
    trickle.on('error', () => {});
    let trickled = '';
    trickle.on('data', (d) => {
      trickled += d;
    });
    const trickleAnswered = async () => {
      while (!trickled.includes('"boolean"')) await sleep(20);
    };
    trickle.write(
      `POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nAccept: application/sparql-results+json\r\nExpect: 100-continue\r\nContent-Length: ${query.length}\r\n\r\n${query.slice(0, 5)}`,
    );
    while (!trickled.startsWith('HTTP/1.1 100 ')) await sleep(20);
    s.child.kill('SIGTERM');
    const signalled = performance.now();
    // Once the listening socket is closed (a loop turn after the signal), a new connection is refused.
    let refused = false;
    while (!refused && performance.now() - signalled < 5_000) {
      const late = connect(s.port, '127.0.0.1');
      refused = await new Promise<boolean>((resolve) => {
        late.once('connect', () => resolve(false));
        late.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
      });
      late.destroy();
      if (!refused) await sleep(20);
    }
    expect(refused).toBe(true);
    // The rest of the body arrives after the signal, on the connection opened before it.
    trickle.write(query.slice(5));
    await trickleAnswered();
    trickle.destroy();
    expect(trickled).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    expect(trickled).toMatch(/\{"head":\{\},"boolean":true\}/);

    expect(await Promise.all(documents)).toEqual(Array(20).fill(200));
    const answers = await Promise.all(slow);
    for (const r of answers) {
      expect(r.status, r.body).toBe(200);
      expect(JSON.parse(r.body).results.bindings[0].n.value).toMatch(/^\d+$/);
    }
    expect(await s.exited).toBe(0);
    expect(s.err()).toMatch(/shutting down: finishing requests in flight/);
  }, 150_000);
});
