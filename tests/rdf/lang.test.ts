// Language tags as BCP 47 writes them (zh-Hans) in every RDF format, SPARQL result format and document.
import { beforeAll, describe, expect, it } from 'vitest';
import { Publisher } from '../../src/publish/publisher.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import { bcp47 } from '../../src/rdf/lang.ts';
import { type RdfFormat, serialize } from '../../src/rdf/serialize.ts';
import { type ResultFormat, serializeBindings } from '../../src/sparql/results.ts';
import { runQuery } from '../../src/store/comunica.ts';
import { realGraph, testConfig } from '../support/graph.ts';

let graph: Graph;
beforeAll(async () => {
  graph = await realGraph();
});

describe('bcp47', () => {
  it('writes the language lower-case, a script in title case and a region upper-case', () => {
    expect(bcp47('zh-hans')).toBe('zh-Hans');
    expect(bcp47('ZH-HANT-tw')).toBe('zh-Hant-TW');
    expect(bcp47('en-gb')).toBe('en-GB');
    expect(bcp47('EN')).toBe('en');
    expect(bcp47('en-x-abcd')).toBe('en-x-abcd');
  });
});

describe('Every output of the real graph', () => {
  const formats: RdfFormat[] = ['turtle', 'ntriples', 'jsonld', 'rdfxml'];
  it.each(formats)('%s: the whole graph says zh-Hans, never zh-hans', async (format) => {
    const quads = graph.store.getQuads(null, null, null, null);
    const text = await serialize(format, quads, { prefixes: graph.prefixes, context: graph.context, base: graph.base });
    expect(text).toContain('zh-Hans');
    expect(text).not.toContain('zh-hans');
  });

  it('documents in every format say zh-Hans', async () => {
    const publisher = new Publisher(graph, testConfig());
    const key = 'doc/office/secretary-general';
    for (const format of formats) {
      const body = Buffer.from((await publisher.document(key, format, 'en')).body).toString('utf8');
      expect(body, format).toContain('zh-Hans');
      expect(body, format).not.toContain('zh-hans');
    }
  });

  it('SPARQL results in JSON, XML and TSV say zh-Hans', async () => {
    const r = await runQuery(
      graph.store,
      'SELECT ?l WHERE { <https://w3id.org/npcsc/id/office/secretary-general> <http://www.w3.org/2000/01/rdf-schema#label> ?l }',
    );
    if (r.type !== 'bindings') throw new Error('expected bindings');
    for (const format of ['json', 'xml', 'tsv'] as ResultFormat[]) {
      const text = serializeBindings(format, r.variables, r.rows);
      expect(text, format).toContain('zh-Hans');
      expect(text, format).not.toContain('zh-hans');
    }
  });
});
