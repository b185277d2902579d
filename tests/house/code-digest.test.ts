// The build cache's key for the code: any byte, file or name changed under the build's folders changes it, whatever the files are called.
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD_CODE } from '../../src/build/cache.ts';
import { codeDigest } from '../../src/code-digest.ts';
import { PROJECT_ROOT } from '../../src/config.ts';

const SRC = path.join(PROJECT_ROOT, 'src');
const copy = mkdtempSync(path.join(tmpdir(), 'npcsc-code-'));
cpSync(SRC, copy, { recursive: true });
afterAll(() => rmSync(copy, { recursive: true, force: true }));

/** Every file under `dir` (relative to it). */
function filesUnder(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(dir, path.join(rel, e.name)) : [path.join(rel, e.name)],
  );
}

/** The relative imports of a source file (static and dynamic), resolved to files under `root`. */
function importsOf(root: string, file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const specs = [...text.matchAll(/(?:from |import\()'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] ?? '');
  return specs.map((s) => path.normalize(path.join(path.dirname(file), s)));
}

const digest = () => codeDigest(copy, BUILD_CODE);

describe('The digest of the build code', () => {
  const before = digest();

  it('changes when any byte of any code file under the build folders, or beside them, changes', () => {
    const covered = filesUnder(copy).filter(
      (f) => /\.(ts|js)$/.test(f) && (!f.includes(path.sep) || BUILD_CODE.some((d) => f.startsWith(d + path.sep))),
    );
    expect(covered.length).toBeGreaterThan(20);
    for (const f of covered) {
      const file = path.join(copy, f);
      const bytes = readFileSync(file);
      const changed = Buffer.from(bytes);
      const at = changed.length >> 1;
      changed[at] = (changed[at] ?? 0) ^ 1;
      writeFileSync(file, changed);
      expect(digest(), f).not.toBe(before);
      writeFileSync(file, bytes);
    }
    expect(digest()).toBe(before);
  });

  it('changes when a file is added (compiled JavaScript too), removed or renamed', () => {
    const added = path.join(copy, 'rdf', 'added.js');
    writeFileSync(added, 'export {};\n');
    expect(digest()).not.toBe(before);
    rmSync(added);
    expect(digest()).toBe(before);
    const from = path.join(copy, 'rdf', 'ns.ts');
    renameSync(from, path.join(copy, 'rdf', 'ns2.ts'));
    expect(digest()).not.toBe(before);
    renameSync(path.join(copy, 'rdf', 'ns2.ts'), from);
    expect(digest()).toBe(before);
  });

  it('does not change with code that cannot change a build (the pages)', () => {
    const file = path.join(copy, 'publish', 'pages', 'home.ts');
    const bytes = readFileSync(file);
    writeFileSync(file, Buffer.concat([bytes, Buffer.from('\n')]));
    expect(digest()).toBe(before);
    writeFileSync(file, bytes);
  });

  it('covers every file the build imports, at any depth', () => {
    const seen = new Set<string>();
    const queue = [path.join('build', 'cache.ts')];
    while (queue.length > 0) {
      const f = queue.pop() ?? '';
      if (seen.has(f)) continue;
      seen.add(f);
      queue.push(...importsOf(SRC, f));
    }
    expect(seen.size).toBeGreaterThan(10);
    const outside = [...seen].filter(
      (f) => f.includes(path.sep) && !BUILD_CODE.some((d) => f.startsWith(d + path.sep)),
    );
    expect(outside).toEqual([]);
  });
});
