// The check of the stored queries at start: a query that does not parse stops the start naming its file, whether or not an earlier start kept what it found.
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_BASE, PROJECT_ROOT } from '../../src/config.ts';
import { loadStoredQueries } from '../../src/sparql/stored.ts';
import { storedQueriesChecked } from '../../src/sparql/stored-cache.ts';

const roots: string[] = [];
/** A root holding a copy of queries/ and nothing else (no build cache). */
function copyOfQueries(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'npcsc-stored-'));
  roots.push(root);
  cpSync(path.join(PROJECT_ROOT, 'queries'), path.join(root, 'queries'), { recursive: true });
  return root;
}
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

describe('The stored queries checked at start', () => {
  it('should keep what a check found, so that the same texts are known to parse without parsing them', () => {
    const root = copyOfQueries();
    expect(storedQueriesChecked(root, DEFAULT_BASE)).toBe(false);
    const first = loadStoredQueries(root, DEFAULT_BASE);
    expect(storedQueriesChecked(root, DEFAULT_BASE)).toBe(true);
    // Kept by the texts as rebased: another base is another check.
    expect(storedQueriesChecked(root, 'https://example.org/kg/')).toBe(false);
    const again = loadStoredQueries(root, DEFAULT_BASE);
    expect(again.map((q) => [q.file.name, q.form, q.extensions, q.whereBody])).toEqual(
      first.map((q) => [q.file.name, q.form, q.extensions, q.whereBody]),
    );
    expect(first.find((q) => q.file.name === 'holders')?.form).toBe('select');
    // What the query page binds parameters by: where the WHERE group opens, found by the parse and kept.
    const dated = again.find((q) => q.file.params.length > 0);
    expect(dated?.file.text.slice(0, dated.whereBody).trimEnd()).toMatch(/WHERE\s*\{$/i);
  });

  it('should stop on a query that does not parse, naming its file, after an earlier check of the others', () => {
    const root = copyOfQueries();
    loadStoredQueries(root, DEFAULT_BASE);
    writeFileSync(path.join(root, 'queries', 'broken.rq'), '# title: broken\nSELECT ?s WHERE { ?s ?p }\n');
    expect(storedQueriesChecked(root, DEFAULT_BASE)).toBe(false);
    expect(() => loadStoredQueries(root, DEFAULT_BASE)).toThrow(/^queries\/broken\.rq: syntax error at line 2/);
    // Nothing is kept for texts that did not all parse.
    expect(storedQueriesChecked(root, DEFAULT_BASE)).toBe(false);
  });

  it('should stop on an update, naming its file', () => {
    const root = copyOfQueries();
    writeFileSync(path.join(root, 'queries', 'wipe.rq'), '# title: wipe\nCLEAR DEFAULT\n');
    expect(() => loadStoredQueries(root, DEFAULT_BASE)).toThrow('queries/wipe.rq: a stored query cannot be an update');
  });

  it('should check again when what it kept is damaged', () => {
    const root = copyOfQueries();
    loadStoredQueries(root, DEFAULT_BASE);
    const dir = path.join(root, 'node_modules', '.cache', 'npcsc-kg');
    const [kept] = readdirSync(dir).filter((f) => f.startsWith('queries-'));
    expect(kept).toBeDefined();
    writeFileSync(path.join(dir, kept as string), '{"holders": {"form": "nonsense"}}');
    expect(storedQueriesChecked(root, DEFAULT_BASE)).toBe(false);
    expect(loadStoredQueries(root, DEFAULT_BASE).length).toBeGreaterThan(0);
    expect(storedQueriesChecked(root, DEFAULT_BASE)).toBe(true);
    expect(existsSync(path.join(dir, kept as string))).toBe(true);
  });
});
