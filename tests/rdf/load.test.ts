// Turtle loading: IRIs resolve against the configured base, a syntax error names file, line and column, bytes that are not UTF-8 their offset.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataSyntaxError, EncodingError, firstInvalidUtf8, parseTurtle, parseTurtleFile } from '../../src/rdf/load.ts';

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

describe('An input file that is not UTF-8', () => {
  it.each([
    ['a Latin-1 é', Buffer.from([0x4a, 0x6f, 0x73, 0xe9, 0x0a]), 3],
    ['an overlong slash', Buffer.from([0x61, 0xc0, 0xaf]), 1],
    ['an encoded surrogate', Buffer.from([0x61, 0x62, 0xed, 0xa0, 0x80]), 2],
    ['a sequence cut at the end', Buffer.from([0x61, 0xe5, 0xbd]), 1],
    ['a code point past U+10FFFF', Buffer.from([0xf4, 0x90, 0x80, 0x80]), 0],
  ])('with %s is found at its byte', (_name, bytes, offset) => {
    expect(firstInvalidUtf8(bytes)).toBe(offset);
  });

  it('is valid when it is UTF-8, Chinese included', () => {
    expect(firstInvalidUtf8(Buffer.from('彭真 Peng Zhen 😀\n'))).toBe(-1);
  });

  it('is refused with the file, byte offset, line and column', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'npcsc-utf8-'));
    const file = path.join(dir, 'people.ttl');
    writeFileSync(
      file,
      Buffer.concat([Buffer.from('<a> <b> "彭真" .\n<a> <c> "Jos'), Buffer.from([0xe9, 0x22, 0x20, 0x2e])]),
    );
    expect(() => parseTurtleFile(file, 'https://example.org/', dir)).toThrow(
      new EncodingError('people.ttl', 31, 2, 13),
    );
  });
});
