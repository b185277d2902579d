// The W3C SPARQL 1.1 Protocol tests: all 20 query tests pass on each store and over a real socket, and each of the 14 update tests is refused with a 4xx.
import path from 'node:path';
import jsonld from 'jsonld';
import { Parser } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../sparql/helpers.ts';
import { harnessApp, Manifest, namedGraphs, type ProtocolTest, protocolTests, SUITES, toRequest } from './harness.ts';

// Without the suite there is nothing to walk: the tests below are listed as skipped, with the reason in their name.
const manifest = SUITES.missing ? undefined : new Manifest(path.join(SUITES.protocol, 'manifest.ttl'));
const tests = manifest ? protocolTests(manifest) : [];
const suite = describe.skipIf(SUITES.missing !== undefined);
const isUpdate = (t: ProtocolTest) => /update/.test(t.id);
const queryTests = tests.filter((t) => !isUpdate(t));
const updateTests = tests.filter(isUpdate);

/** The query tests run on each embedded store (--store memory, the default, --store oxigraph and --store comunica). */
const STORES = ['memory', 'oxigraph', 'comunica'] as const;
/**
 * And on the default store over a real socket, as `npcsc-kg serve` answers: there a POST's body is read off Node's
 * own request, not off a Request (src/sparql/protocol.ts).
 */
const SOCKET = 'memory store over a real socket';
type Send = (spec: ProtocolTest['requests'][number]) => Promise<Response>;
const senders = new Map<string, Send>();
let served: Awaited<ReturnType<typeof listen>> | undefined;

beforeAll(async () => {
  if (SUITES.missing) return;
  // Every graph any test names, each under the IRI the manifest gives it, in this harness's own store only.
  const files = new Map(tests.flatMap((t) => t.graphData).map((g) => [g.name, g]));
  const graph = namedGraphs([...files.values()]);
  for (const kind of STORES) {
    const app = await harnessApp(graph, { kind });
    senders.set(kind, (spec) => Promise.resolve(app.request(toRequest(spec))));
    if (kind === 'memory') {
      const on = await listen(app);
      served = on;
      senders.set(SOCKET, (spec) => fetch(toRequest(spec, on.url)));
    }
  }
});
afterAll(async () => {
  await served?.close();
});

const RESULT_TYPES = /^(application\/sparql-results\+(json|xml)|application\/json|application\/xml|text\/xml)\b/;
const TABULAR_TYPES = /^(application\/sparql-results\+(json|xml)|text\/csv|text\/tab-separated-values)\b/;
const RDF_TYPES = /^(text\/turtle|application\/n-triples|application\/rdf\+xml|application\/ld\+json)\b/;

async function booleanOf(type: string, body: string): Promise<boolean> {
  if (/json/.test(type)) return (JSON.parse(body) as { boolean: boolean }).boolean;
  const m = /<boolean>\s*(true|false)\s*<\/boolean>/.exec(body);
  if (!m) throw new Error(`no boolean in ${body}`);
  return m[1] === 'true';
}

async function checkRdf(type: string, body: string): Promise<void> {
  if (/ld\+json/.test(type)) await jsonld.toRDF(JSON.parse(body) as object, { format: 'application/n-quads' });
  else if (/turtle|n-triples/.test(type))
    new Parser({ format: /turtle/.test(type) ? 'Turtle' : 'N-Triples' }).parse(body);
  else expect(body).toMatch(/<rdf:RDF/);
}

suite(`The W3C SPARQL 1.1 Protocol manifest${SUITES.missing ? ` (${SUITES.missing})` : ''}`, () => {
  it('should hold 20 query tests and 14 update tests', () => {
    expect(queryTests).toHaveLength(20);
    expect(updateTests).toHaveLength(14);
  });
});

suite.each([...STORES, SOCKET])('The endpoint on the %s, against each query test of the manifest', (kind) => {
  for (const t of queryTests) {
    it(`should pass ${t.id}: ${t.name}`, async () => {
      expect(t.requests.length).toBeGreaterThan(0);
      const send = senders.get(kind) as Send;
      for (const spec of t.requests) {
        const res = await send(spec);
        const body = await res.text();
        const type = res.headers.get('content-type') ?? '';
        const status = `StatusCode${String(res.status)[0]}xx`;
        expect(spec.expectedStatus, `${res.status} ${body}`).toContain(status);
        if (spec.expectedFormat === 'boolean') {
          expect(type).toMatch(RESULT_TYPES);
          const value = await booleanOf(type, body);
          if (spec.expectedBoolean !== undefined) expect(value).toBe(spec.expectedBoolean);
        } else if (spec.expectedFormat === 'tabular') {
          expect(type).toMatch(TABULAR_TYPES);
          expect(body).toContain('value');
        } else if (spec.expectedFormat === 'RDF') {
          expect(type).toMatch(RDF_TYPES);
          await checkRdf(type, body);
        }
      }
    });
  }
});

suite.each(['memory', SOCKET])('The read-only endpoint (%s), against each update test of the manifest', (kind) => {
  for (const t of updateTests) {
    it(`should refuse ${t.id} with a 4xx: ${t.name}`, async () => {
      // Only the first request is the update; the ones after it check an effect that a read-only endpoint never has.
      const [update] = t.requests;
      if (!update) throw new Error(`${t.id} has no request`);
      const res = await (senders.get(kind) as Send)(update);
      expect(res.status, await res.text()).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    });
  }
});
