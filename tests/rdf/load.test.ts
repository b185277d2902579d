// Turtle loading: IRIs resolve against the configured base, and a syntax error names file, line and column.
import { describe, expect, it } from 'vitest';
import { DataSyntaxError, parseTurtle } from '../../src/rdf/load.ts';

describe('A Turtle file', () => {
  it('resolves relative IRIs and prefixes against the configured base', () => {
    const quads = parseTurtle(
      '@prefix p: <id/person/> .\np:x <ontology#holder> <id/office/y> .',
      'x.ttl',
      'https://example.org/kg/',
    );
    expect(quads.map((q) => [q.subject.value, q.predicate.value, q.object.value])).toEqual([
      [
        'https://example.org/kg/id/person/x',
        'https://example.org/kg/ontology#holder',
        'https://example.org/kg/id/office/y',
      ],
    ]);
  });

  it('with a syntax error reports the file, line and column', () => {
    const text = '@prefix p: <id/> .\n\np:a p:b p:c .\np:d p:e p:f p:g .\n';
    let error: unknown;
    try {
      parseTurtle(text, 'data/broken.ttl', 'https://example.org/');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataSyntaxError);
    const e = error as DataSyntaxError;
    expect([e.file, e.line, e.column]).toEqual(['data/broken.ttl', 4, 13]);
    expect(e.message).toMatch(/^data\/broken\.ttl:4:13: /);
  });

  it('with a broken token on a later line reports that line', () => {
    expect(() => parseTurtle('<a> <b> <c> .\n<a> <b> "unterminated .\n', 'f.ttl', 'https://example.org/')).toThrow(
      /^f\.ttl:2:\d+: /,
    );
  });
});
