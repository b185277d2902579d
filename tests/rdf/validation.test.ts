// Fixture pairs: the base passes; each *.fail.ttl (loaded on top of it) fails exactly as its header says.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BuildInputs, buildGraph, defaultInputs } from '../../src/build/pipeline.ts';
import { makeConfig } from '../../src/config.ts';
import { DATES_CHECK } from '../../src/rdf/dates.ts';
import { formatViolation, ValidationFailed, type Violation } from '../../src/rdf/graph.ts';
import { parseTurtleFile } from '../../src/rdf/load.ts';

const config = makeConfig();
const FIXTURES = path.join(config.root, 'tests', 'fixtures', 'validation');
const real = defaultInputs(config.root);
const ontologyFiles = real.graphFiles.filter((f) => f.includes(`${path.sep}ontology${path.sep}`));
const base = path.join(FIXTURES, 'base.valid.ttl');

const inputs = (...files: string[]): BuildInputs => ({ ...real, graphFiles: [...ontologyFiles, base, ...files] });
const failing = readdirSync(FIXTURES).filter((f) => f.endsWith('.fail.ttl'));
const expected = (file: string): string[] => {
  const m = /^# expect: (.+)$/m.exec(readFileSync(path.join(FIXTURES, file), 'utf8'));
  if (!m?.[1]) throw new Error(`${file} has no "# expect:" line`);
  return m[1].trim().split(/\s+/);
};

async function violationSources(file: string): Promise<string[]> {
  try {
    await buildGraph(config, inputs(path.join(FIXTURES, file)));
  } catch (e) {
    if (e instanceof ValidationFailed) return e.violations.map((v) => v.source);
    throw e;
  }
  return [];
}

describe('The validation inputs', () => {
  it('load shapes, checks and rules, so validation cannot pass on nothing', () => {
    const shapes = real.shapesFiles.flatMap((f) => parseTurtleFile(f, config.base));
    expect(shapes.length).toBeGreaterThan(50);
    expect(real.checks.length).toBeGreaterThanOrEqual(9);
    expect(real.rules.length).toBeGreaterThanOrEqual(8);
    expect(failing.length).toBeGreaterThanOrEqual(real.checks.length);
  });

  it('have a failing fixture for every check query', () => {
    const covered = new Set(failing.flatMap(expected));
    for (const check of real.checks)
      expect(covered, `no fixture for check ${check.name}`).toContain(`check:${check.name}`);
  });

  it('have a failing fixture for every node shape that can raise a violation', () => {
    const covered = new Set(failing.flatMap(expected));
    const shapes = real.shapesFiles.flatMap((f) => parseTurtleFile(f, config.base));
    const nodeShapes = shapes
      .filter((q) => q.predicate.value.endsWith('#type') && q.object.value === 'http://www.w3.org/ns/shacl#NodeShape')
      .map((q) => q.subject.value)
      .filter((s) => shapes.some((q) => q.subject.value === s && /target/.test(q.predicate.value)))
      .filter((s) => !/Warning$/.test(s));
    expect(nodeShapes.length).toBeGreaterThanOrEqual(7);
    for (const s of nodeShapes) expect(covered, `no fixture for ${s}`).toContain(`shacl:${s.split('#').pop()}`);
  });
});

describe('The base fixture', () => {
  it('passes every shape and check', async () => {
    const graph = await buildGraph(config, inputs());
    expect(graph.counts.derived).toBeGreaterThan(0);
  });
});

describe.each(failing)('The fixture %s', (file) => {
  it('fails validation with exactly the violations its header names', async () => {
    const want = expected(file);
    const got = await violationSources(file);
    expect(got.length, 'it should fail').toBeGreaterThan(0);
    expect(got).toContain(want[0]);
    for (const source of got) expect(want).toContain(source);
  });
});

describe('A fixture with an impossible date', () => {
  const dated = failing.filter((f) => expected(f).includes(DATES_CHECK));

  it('exists for each kind of impossible date', () => {
    expect(dated.length).toBeGreaterThanOrEqual(8);
  });

  it.each(dated)('%s is refused with a message naming the file, node, property and value', async (file) => {
    let error: unknown;
    try {
      await buildGraph(config, inputs(path.join(FIXTURES, file)));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationFailed);
    const [v] = (error as ValidationFailed).violations;
    const value = /"([^"]+)"\^\^xsd:/.exec(readFileSync(path.join(FIXTURES, file), 'utf8'))?.[1];
    expect(v?.value).toBe(value);
    expect(v?.file).toBe(path.join('tests', 'fixtures', 'validation', file));
    expect(v?.focus).toMatch(/^https:\/\/w3id\.org\/npcsc\/id\//);
    expect(v?.path).toMatch(/(birthDate|deathDate|startEarliest|firstSessionClosed)$/);
    const shown = formatViolation(v as Violation);
    expect(shown).toContain(`tests/fixtures/validation/${file}`);
    expect(shown).toContain(value);
  });
});

describe('A person whose birth date is no date at all', () => {
  it('is told so, not that it has two birth dates', async () => {
    let error: unknown;
    try {
      await buildGraph(config, inputs(path.join(FIXTURES, 'person-bad-birth-date.fail.ttl')));
    } catch (e) {
      error = e;
    }
    const messages = (error as ValidationFailed).violations.map((v) => v.message);
    expect(messages).toEqual(['A birth date is a valid xsd:date, xsd:gYearMonth or xsd:gYear (its precision).']);
  });
});
