// The import rule (.dependency-cruiser.cjs) holds on src/, and fails on an import that runs up, sideways or in a circle.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

/** The rule's violations in the tree at `root` (its src/, its config). */
async function violations(root: string): Promise<Violation[]> {
  const bin = path.join(ROOT, 'node_modules', '.bin', 'depcruise');
  // depcruise exits non-zero when it finds violations; the JSON report is on stdout either way.
  const out = await run(bin, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  return (JSON.parse(out.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

const temps: string[] = [];
/** A copy of the repository's src/ and rule, with `files` planted in it. */
function plantedCopy(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'npcsc-imports-'));
  temps.push(dir);
  for (const f of ['src', '.dependency-cruiser.cjs', 'tsconfig.json', 'package.json']) {
    cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const [f, text] of Object.entries(files)) writeFileSync(path.join(dir, f), text);
  return dir;
}
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe('the import rule', () => {
  it('holds on the repository: no import runs up or sideways, no circle', async () => {
    expect(await violations(ROOT)).toEqual([]);
  });

  // One copy with three plants, checked in one run (each run cruises the whole tree).
  it('fails on an import that runs up, on folders of one floor importing each other, and on a circle', async () => {
    const dir = plantedCopy({
      'src/rdf/planted-up.ts': "// planted\nexport { sparqlRoutes } from '../sparql/endpoint.ts';\n",
      'src/sparql/planted-sideways.ts': "// planted\nexport { exportSite } from '../export/site.ts';\n",
      'src/rdf/planted-a.ts': "// planted\nimport { b } from './planted-b.ts';\nexport const a = () => b;\n",
      'src/rdf/planted-b.ts': "// planted\nimport { a } from './planted-a.ts';\nexport const b = () => a;\n",
    });
    const found = (await violations(dir)).map((v) => [v.rule.name, v.from, v.to]);
    expect(found).toContainEqual(['no-upward-import-from-rdf', 'src/rdf/planted-up.ts', 'src/sparql/endpoint.ts']);
    expect(found).toContainEqual([
      'no-sideways-import-on-interfaces',
      'src/sparql/planted-sideways.ts',
      'src/export/site.ts',
    ]);
    expect(found.some(([rule, from]) => rule === 'no-circular' && /planted-[ab]/.test(String(from)))).toBe(true);
    // Nothing else: the plants are the only faults in the copy.
    expect(found.every(([, from]) => String(from).includes('planted'))).toBe(true);
  });
});
