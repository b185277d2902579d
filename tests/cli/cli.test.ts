// The command line on the real repository and on broken copies of it: exit codes, messages, nothing written.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { PROJECT_ROOT } from '../../src/config.ts';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** A copy of the inputs (ontology, data, queries) to break on purpose. */
function copyOfInputs(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'npcsc-cli-'));
  for (const dir of ['ontology', 'data', 'queries'])
    cpSync(path.join(PROJECT_ROOT, dir), path.join(root, dir), { recursive: true });
  return root;
}
function edit(root: string, file: string, change: (s: string) => string, encoding: BufferEncoding = 'utf8'): void {
  const p = path.join(root, file);
  const before = readFileSync(p, 'utf8');
  const after = change(before);
  expect(after, `the edit of ${file} changed nothing`).not.toBe(before);
  // Latin-1: the file stays UTF-8 but for its é, written as the single byte 0xE9 (what a Latin-1 editor saves).
  writeFileSync(
    p,
    encoding === 'latin1' ? Buffer.from(after.split('\u00e9').join('\u0000')).map((b) => (b === 0 ? 0xe9 : b)) : after,
  );
}

describe('npcsc-kg build', () => {
  it('writes the Turtle, N-Triples and JSON-LD dumps', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'npcsc-dist-')), 'dist');
    const r = await run(['build', '--out', out]);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(readdirSync(out).sort()).toEqual(['build.json', 'npcsc.jsonld', 'npcsc.nt', 'npcsc.ttl']);
    expect(readFileSync(path.join(out, 'npcsc.nt'), 'utf8').split('\n').filter(Boolean).length).toBeGreaterThan(2000);
    expect(JSON.parse(readFileSync(path.join(out, 'npcsc.jsonld'), 'utf8'))['@context']).toBeDefined();
    expect(r.out).toMatch(/^built \d+ triples/);
  });
});

describe.each([
  {
    name: 'a Turtle syntax error',
    file: 'data/people.ttl',
    change: (s: string) => s.replace('person:peng-zhen a schema:Person ;', 'person:peng-zhen a schema:Person ;;; ]'),
    code: EXIT.input,
    message: /data\/people\.ttl:\d+:\d+: /,
  },
  {
    name: 'a tenure ending before it starts',
    file: 'data/tenures.ttl',
    change: (s: string) =>
      s.replace('npcsc:startDate "2003-03-15"^^xsd:date', 'npcsc:startDate "2009-03-15"^^xsd:date'),
    code: EXIT.invalid,
    message: /A tenure ends before it starts/,
  },
  {
    name: 'a tenure without a source',
    file: 'data/tenures.ttl',
    change: (s: string) => {
      const start = s.indexOf('<id/tenure/secretary-general/14>');
      const src = s.indexOf('dcterms:source', start);
      const end = s.indexOf(' .\n', src);
      return `${s.slice(0, src)}npcsc:ordinal 14${s.slice(end)}`;
    },
    code: EXIT.invalid,
    message: /Every tenure names at least one source/,
  },
  {
    name: 'an impossible date (30 February)',
    file: 'data/tenures.ttl',
    change: (s: string) =>
      s.replace('npcsc:startDate "2003-03-15"^^xsd:date', 'npcsc:startDate "2003-02-30"^^xsd:date'),
    code: EXIT.invalid,
    message:
      /check:calendar-dates: .*\/id\/tenure\/secretary-general\/10 .*#startDate: data\/tenures\.ttl: xsd:date "2003-02-30": February 2003 has days 01-28/,
  },
  {
    name: 'a Latin-1 data file',
    file: 'data/people.ttl',
    change: (s: string) => s.replace('"Peng Zhen"@en', '"Jos\u00e9"@en'),
    latin1: true,
    code: EXIT.input,
    message: /data\/people\.ttl: not valid UTF-8 at byte \d+ \(line \d+, column \d+\)/,
  },
  {
    name: 'a remote context in the JSON-LD context file',
    file: 'ontology/context.jsonld',
    change: (s: string) =>
      s.replace('"@context": {', '"@context": { "@import": "https://schema.org/docs/jsonldcontext.jsonld",'),
    code: EXIT.input,
    message:
      /^npcsc-kg (build|validate): ontology\/context\.jsonld: "@import": "https:\/\/schema\.org\/docs\/jsonldcontext\.jsonld" names a remote context, which this server never fetches/,
  },
  {
    name: 'a SERVICE in a rule',
    file: 'queries/rules/bounds.rq',
    change: (s: string) => s.replace('WHERE {', 'WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?zs ?zp ?zo }'),
    code: EXIT.input,
    message:
      /queries\/rules\/bounds\.rq: SERVICE <http:\/\/127\.0\.0\.1:9\/sparql>: rules and checks run over the graph alone/,
  },
])('npcsc-kg build with $name', ({ file, change, code, message, latin1 }) => {
  it('fails with a clear message and a non-zero exit, and writes nothing', async () => {
    const root = copyOfInputs();
    edit(root, file, change, latin1 ? 'latin1' : 'utf8');
    const out = path.join(root, 'dist');
    const r = await run(['build', '--root', root, '--out', out]);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(message);
    expect(existsSync(out)).toBe(false);
    const v = await run(['validate', '--root', root]);
    expect(v.code).toBe(code);
  });
});

describe('npcsc-kg validate --json with an impossible date', () => {
  it('exits 1 and names the value, the file, the node and the property', async () => {
    const root = copyOfInputs();
    edit(root, 'data/people.ttl', (s) =>
      s.replace(/schema:birthDate "[^"]+"\^\^xsd:\w+/, 'schema:birthDate "1902-13-45"^^xsd:date'),
    );
    const r = await run(['validate', '--json', '--root', root]);
    expect(r.code).toBe(EXIT.invalid);
    const report = JSON.parse(r.out) as { conforms: boolean; results: Record<string, string>[] };
    expect(report.conforms).toBe(false);
    expect(report.results).toEqual([
      expect.objectContaining({
        source: 'check:calendar-dates',
        value: '1902-13-45',
        file: 'data/people.ttl',
        path: 'https://schema.org/birthDate',
        focus: expect.stringMatching(/\/id\/person\//),
      }),
    ]);
  });
});

describe('npcsc-kg build over an earlier build', () => {
  it('leaves the earlier dumps intact when the new build fails', async () => {
    const root = copyOfInputs();
    const out = path.join(root, 'dist');
    expect((await run(['build', '--root', root, '--out', out])).code).toBe(EXIT.ok);
    const before = readFileSync(path.join(out, 'npcsc.nt'), 'utf8');
    edit(root, 'data/office.ttl', (s) => `${s}\n<id/x> <id/y> .\n`);
    expect((await run(['build', '--root', root, '--out', out])).code).toBe(EXIT.input);
    expect(readFileSync(path.join(out, 'npcsc.nt'), 'utf8')).toBe(before);
  });

  it('leaves the earlier dumps intact when a data file is Latin-1, and names the file and the byte', async () => {
    const root = copyOfInputs();
    const out = path.join(root, 'dist');
    expect((await run(['build', '--root', root, '--out', out])).code).toBe(EXIT.ok);
    const before = readdirSync(out).map((f) => readFileSync(path.join(out, f), 'utf8'));
    edit(root, 'data/people.ttl', (s) => s.replace('"Peng Zhen"@en', '"Jos\u00e9"@en'), 'latin1');
    const offset = readFileSync(path.join(root, 'data/people.ttl')).indexOf(0xe9);
    const r = await run(['build', '--root', root, '--out', out]);
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toContain(`data/people.ttl: not valid UTF-8 at byte ${offset} `);
    expect(readdirSync(out).map((f) => readFileSync(path.join(out, f), 'utf8'))).toEqual(before);
  });
});

describe('npcsc-kg query', () => {
  it('prints the 14 tenures of the holders query in order, through the installed bin', () => {
    const r = spawnSync(process.execPath, ['src/bin/npcsc-kg.js', 'query', 'queries/holders.rq', '--format', 'csv'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\r\n');
    expect(lines[0]).toBe('ordinal,tenure,holder,name,nameZh,start,end');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([...Array(14).keys()].map((i) => String(i + 1)));
    expect(lines[14]).toMatch(/,Liu Qi,刘奇,2023-03-10,$/);
  });

  it('binds a declared parameter and refuses a malformed one as a usage error', async () => {
    const ok = await run(['query', 'queries/held-on-date.rq', '--param', 'day=2000-01-01', '--format', 'tsv']);
    expect(ok.code, ok.err).toBe(EXIT.ok);
    expect(ok.out).toMatch(/"He Chunlin"@en\t"certain"/);
    const bad = await run(['query', 'queries/held-on-date.rq', '--param', 'day=2000-13-45']);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toMatch(/parameter day: expected a date/);
  });

  it('runs a project query, which declares the canonical base, over a graph built under another --base', async () => {
    const r = await run(['query', 'queries/holders.rq', '--base', 'https://example.org/kg/', '--format', 'tsv']);
    expect(r.code, r.err).toBe(EXIT.ok);
    const rows = r.out.trim().split('\n').slice(1);
    expect(rows).toHaveLength(14);
    expect(rows[0]).toMatch(/^"1"\^\^<[^>]+>\t<https:\/\/example\.org\/kg\/id\/tenure\/secretary-general\/1>\t/);
  });

  it('answers a SPARQL syntax error with its position and exit code 3', async () => {
    const r = await run(['query', '-e', 'SELECT * WHERE { ?s ?p }']);
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toMatch(/line|Parse error/i);
  });
});

describe('npcsc-kg with a missing input', () => {
  it('names the missing file or folder in plain words, with exit code 3', async () => {
    const root = path.join(mkdtempSync(path.join(tmpdir(), 'npcsc-empty-')), 'nowhere');
    const r = await run(['validate', '--root', root]);
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toBe(`npcsc-kg validate: ${path.join(root, 'ontology')}: no such file or folder\n`);
    const q = await run(['query', 'queries/no-such-query.rq']);
    expect(q.code).toBe(EXIT.input);
    expect(q.err).toBe('npcsc-kg query: queries/no-such-query.rq: no such file or folder\n');
  });
});

describe('npcsc-kg', () => {
  it('answers an unknown command with usage and exit code 2', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(/unknown command "frobnicate"/);
  });

  it('lists in its --help every subcommand of `wikidata`, import included', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(EXIT.ok);
    const line = top.out.split('\n').find((l) => l.trim().startsWith('npcsc-kg wikidata ')) ?? '';
    const listed = /npcsc-kg wikidata (\S+)/.exec(line)?.[1]?.split('|') ?? [];
    // The subcommands as `npcsc-kg wikidata help` describes them: two-space indented lines starting with a name.
    const own = await run(['wikidata', 'help']);
    const subcommands = [...own.out.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]);
    expect(subcommands).toContain('import');
    expect(listed.sort()).toEqual(subcommands.sort());
  });

  it('prints stats of the graph', async () => {
    const r = await run(['stats', '--json']);
    const stats = JSON.parse(r.out);
    expect(stats.tenures).toBe(25);
    expect(stats.people).toBe(23);
    expect(stats.npcTerms).toBe(14);
  });
});
