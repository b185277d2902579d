// `npcsc-kg serve` as a process: a corrupt or invalid data file stops it at start-up, a slow client is cut at the default header timeout, SIGTERM under load loses nothing in flight.
//
// Nothing here is timed against the wall clock but the server's own header timeout, and that only as a lower bound
// measured around it (from before the connection to after its end): a loaded machine makes everything later, never
// earlier. The bounds on waiting are there to stop a hang, as generous as a build on a busy machine needs.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOCKET_LIMITS } from '../../src/server.ts';
import { copyOfInputs, rawGet, type Served, sleep, startServe } from './support.ts';

/**
 * How long a start may take before it counts as a hang: an uncached build (derivation and validation) of the
 * inputs, which takes tens of seconds on a quiet machine and some minutes on a loaded one.
 */
const START_MS = 600_000;

/** Runs serve over a copy of the inputs changed by `change`, expecting it to fail: its exit code and output. */
async function failedStart(file: string, change: (s: string) => string): Promise<{ code: number; err: string }> {
  const inputs = copyOfInputs();
  try {
    inputs.edit(file, change);
    const failure = await startServe(['--root', inputs.root], START_MS).then(
      (s) => {
        s.kill();
        throw new Error(`serve started with a broken ${file}`);
      },
      (e: { code: number; err: string }) => e,
    );
    return { code: failure.code, err: failure.err };
  } finally {
    inputs.remove();
  }
}

/**
 * A SPARQL endpoint of the test's, on the server's SERVICE allowlist, that holds every request until `release()`:
 * a query calling it is in flight (running in its runner) for as long as the test wants, on any machine.
 */
const held = (() => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let reached!: () => void;
  const asked = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', async () => {
      reached();
      await released;
      const query = decodeURIComponent(`${req.url ?? ''} ${body}`.replace(/\+/g, ' '));
      // A count (what an engine may ask first, to plan) or the pattern's one answer.
      const answer = /COUNT/i.test(query)
        ? { head: { vars: ['count'] }, results: { bindings: [{ count: { type: 'literal', value: '1' } }] } }
        : { head: { vars: ['o'] }, results: { bindings: [{ o: { type: 'literal', value: 'held' } }] } };
      res.writeHead(200, { 'content-type': 'application/sparql-results+json' });
      res.end(JSON.stringify(answer));
    });
  });
  const listening = new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/sparql`)),
  );
  return { listening, asked, release, close: () => server.close() };
})();

// All three start at once: these tests are about the process, not about its speed.
const serving = held.listening.then((endpoint) =>
  startServe(['--timeout-ms', '60000', '--service-allow', endpoint], START_MS),
);
serving.catch(() => {});
const corrupt = failedStart('data/people.ttl', (s) => `${s}\nperson:broken rdfs:label "never closed ;\n`);
// A tenure without its office breaks the tenure shape.
const invalid = failedStart('data/tenures.ttl', (s) => s.replace(/npcsc:office office:secretary-general ;/, ''));

describe('npcsc-kg serve with a data file that does not parse', () => {
  it(
    'should name the file, line and column, stop listening and exit 3',
    async () => {
      const failure = await corrupt;
      expect(failure.code).toBe(3);
      expect(failure.err).toMatch(/^npcsc-kg serve: data\/people\.ttl:\d+:\d+: /m);
      expect(failure.err).not.toMatch(/\n\s+at /);
    },
    START_MS,
  );
});

describe('npcsc-kg serve with data that breaks a shape', () => {
  it(
    'should report the violation and exit 1',
    async () => {
      const failure = await invalid;
      expect(failure.code).toBe(1);
      expect(failure.err).toMatch(/violation/i);
    },
    START_MS,
  );
});

describe('npcsc-kg serve, running', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serving;
    // The query threads started (the SIGTERM test wants queries running, not waiting for a thread).
    // Asked until answered: while they warm, the server answers 503 (and says when to try again).
    let warm = await fetch(`${s.url}/sparql?query=${encodeURIComponent('ASK { ?s ?p ?o }')}`);
    while (warm.status === 503) {
      await warm.arrayBuffer();
      await sleep(200);
      warm = await fetch(`${s.url}/sparql?query=${encodeURIComponent('ASK { ?s ?p ?o }')}`);
    }
    expect(warm.status).toBe(200);
  }, START_MS);
  afterAll(() => {
    s?.kill();
    held.release();
    held.close();
  });

  it(
    `should cut a client that sends half a request line after ${SOCKET_LIMITS.headersTimeoutMs / 1000} s, answering others meanwhile`,
    async () => {
      // Taken before the connection is opened and after it has ended, so that the time measured holds the server's
      // whole wait, however late a loaded machine runs this side's callbacks.
      const opened = performance.now();
      const socket = connect(s.port, '127.0.0.1');
      let received = '';
      let cut = false;
      socket.on('data', (d) => {
        received += d;
      });
      socket.on('error', () => {});
      const closed = new Promise<number>((resolve) =>
        socket.once('close', () => {
          cut = true;
          resolve(performance.now() - opened);
        }),
      );
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write('GET /sparql HT');
      // Another client is answered while the half request hangs on: its answer comes before the cut.
      const res = await fetch(`${s.url}/doc/person/peng-zhen.ttl`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      expect(cut, 'the half request was cut before another client was answered').toBe(false);
      // The cut: a 408, and never before the timeout (a lower bound only: how late depends on the machine's load).
      const ms = await closed;
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
      expect(ms).toBeGreaterThanOrEqual(SOCKET_LIMITS.headersTimeoutMs);
    },
    START_MS,
  );

  it('should finish the requests in flight on SIGTERM, refuse new connections and exit 0', async () => {
    // Work in flight: queries running in their runners, held there by the test's endpoint until after the signal
    // (distinct, so none is answered from another's run), and a POST whose body is still arriving when the signal
    // comes. Each on a connection of its own with Connection: close, so that the exit below waits for work, not
    // for idle keep-alive connections (those end at their keep-alive timeout, 5 s).
    const endpoint = await held.listening;
    const slow = [1, 2].map((i) =>
      rawGet(
        s.port,
        `/sparql?query=${encodeURIComponent(`SELECT ?o WHERE { SERVICE <${endpoint}> { <urn:x:${i}> <urn:x:p> ?o } }`)}`,
        { accept: 'application/sparql-results+json' },
        START_MS,
      ),
    );
    // A runner has called the endpoint: a query is running, and stays so until released.
    await held.asked;
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
    // Once the listening socket is closed (a loop turn after the signal), a new connection is refused: asked
    // until it is (a server that never closes it fails by the test's own timeout, not by a guess of how soon).
    let refused = false;
    while (!refused) {
      const late = connect(s.port, '127.0.0.1');
      refused = await new Promise<boolean>((resolve) => {
        late.once('connect', () => resolve(false));
        late.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
      });
      late.destroy();
      if (!refused) await sleep(20);
    }
    // The held queries answer, and the rest of the body arrives, after the signal.
    held.release();
    trickle.write(query.slice(5));
    await trickleAnswered();
    trickle.destroy();
    expect(trickled).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    expect(trickled).toMatch(/\{"head":\{\},"boolean":true\}/);

    expect(await Promise.all(documents)).toEqual(Array(20).fill(200));
    const answers = await Promise.all(slow);
    for (const r of answers) {
      expect(r.status, r.body).toBe(200);
      expect(JSON.parse(r.body).results.bindings[0].o.value).toBe('held');
    }
    expect(await s.exited).toBe(0);
    expect(s.err()).toMatch(/shutting down: finishing requests in flight/);
  }, 150_000);
});
