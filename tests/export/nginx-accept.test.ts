// The export's nginx Accept map against the server's own negotiation: real clients exactly, other headers by q-value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLIENT_ACCEPTS, nginxAcceptMap, suffixFor } from '../../src/export/nginx-accept.ts';
import { negotiateFormat, suffixOf } from '../../src/publish/formats.ts';

/** What the server answers for `accept`, as a file suffix (the page where it would answer 406). */
const server = (accept: string) => suffixOf(negotiateFormat(accept) ?? 'html');

describe("The nginx Accept map's rules (read as nginx reads them: first regex that matches, case aside)", () => {
  it('give every real client header exactly what the server gives', () => {
    for (const accept of CLIENT_ACCEPTS) {
      expect(suffixFor(accept), accept).toBe(server(accept));
      // Spaces and case are the client's to vary.
      const respaced = accept
        .replace(/\s*,\s*/g, ', ')
        .replace(/\s*;\s*/g, ' ; ')
        .toUpperCase();
      expect(suffixFor(respaced), respaced).toBe(server(respaced));
    }
  });

  it('give other headers what the server gives, q-values included', () => {
    const cases = [
      'text/turtle;q=0.9, text/html;q=0.8',
      'text/html;q=0.5, application/ld+json;q=0.7',
      'application/rdf+xml, text/html',
      'text/html;q=0.5, */*',
      'text/*;q=0.9, text/html;q=0.1',
      'text/*;q=0, */*',
      'application/json',
      'text/n3;q=0.4, text/turtle;q=0.2',
      'application/xhtml+xml;q=0.3, application/n-triples;q=0.2',
      'application/*;q=0.5, text/html;q=0.4',
      'text/html;level=1;q=0.2, application/trig;q=0.3',
      'image/png',
      '',
    ];
    for (const accept of cases) expect(suffixFor(accept), accept).toBe(server(accept));
  });

  it('agree with the server for any header whose q-values are whole tenths', () => {
    const types = [
      'text/html',
      'application/xhtml+xml',
      'text/turtle',
      'text/n3',
      'application/ld+json',
      'application/json',
      'application/n-triples',
      'text/plain',
      'application/rdf+xml',
      'application/n-quads',
      'application/trig',
      'text/*',
      'application/*',
      '*/*',
      'application/xml',
      'image/png',
    ];
    const range = fc.record({
      type: fc.constantFrom(...types),
      q: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
      space: fc.constantFrom('', ' ', '  '),
    });
    fc.assert(
      fc.property(fc.uniqueArray(range, { selector: (r) => r.type, maxLength: 8 }), (ranges) => {
        const accept = ranges
          .map((r) => `${r.type}${r.q === undefined ? '' : `;${r.space}q=${r.q === 10 ? '1' : `0.${r.q}`}`}`)
          .join(`,${ranges[0]?.space ?? ''}`);
        expect(suffixFor(accept), accept).toBe(server(accept));
      }),
      { numRuns: 2000 },
    );
  });

  it('is written as nginx map entries, regexes only (no hash of long keys to size)', () => {
    const map = nginxAcceptMap();
    expect(map).toMatch(/^map \$http_accept \$npcsc_ext \{\n {4}default "\.html";\n/);
    for (const line of map.split('\n').slice(2, -2)) expect(line).toMatch(/^ {4}"~\*[^"]+" "\.[\w.-]+";$/);
  });
});
