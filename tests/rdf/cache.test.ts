// The build cache: a second start reads what the first built, every kind of damage to an entry is rebuilt, and entries no one has used for a week go.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheFiles, loadGraph } from '../../src/build/cache.ts';
import { makeConfig, PROJECT_ROOT } from '../../src/config.ts';
import { FrozenStore } from '../../src/rdf/frozen.ts';

const root = mkdtempSync(path.join(tmpdir(), 'npcsc-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
for (const dir of ['ontology', 'data', 'queries'])
  cpSync(path.join(PROJECT_ROOT, dir), path.join(root, dir), { recursive: true });

describe('The build cache', () => {
  const config = makeConfig({ root, serviceAllowlist: [] });
  const { dir, ntFile, metaFile } = cacheFiles(config);
  const entry = (digest: string, daysAgo: number) => {
    const files = [path.join(dir, `${digest}.json`), path.join(dir, `${digest}.nt`)];
    for (const f of files) writeFileSync(f, '{}');
    const when = new Date(Date.now() - daysAgo * 24 * 3600 * 1000);
    utimesSync(files[0] as string, when, when);
    return files;
  };

  it('should keep recent entries and remove those unused for a week when it writes a new one', async () => {
    mkdirSync(dir, { recursive: true });
    const old = entry('a'.repeat(64), 8);
    const recent = entry('b'.repeat(64), 6);
    const other = path.join(dir, 'workload-9');
    mkdirSync(other);
    const graph = await loadGraph(config);
    expect(graph.ntFile).toBe(ntFile);
    expect(existsSync(ntFile) && existsSync(metaFile)).toBe(true);
    expect(old.map(existsSync)).toEqual([false, false]);
    expect(recent.map(existsSync)).toEqual([true, true]);
    expect(existsSync(other), 'only cache entries are pruned').toBe(true);
  });

  it('should mark an entry it reads as used, so that a build of other inputs does not prune it', async () => {
    const long = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    utimesSync(metaFile, long, long);
    const again = await loadGraph(config);
    expect(again.ntFile).toBe(ntFile);
    // Read from the cache (a build gives an n3 Store), and marked as used just now.
    expect(again.store).toBeInstanceOf(FrozenStore);
    expect(Date.now() - statSync(metaFile).mtimeMs).toBeLessThan(60_000);
  });
});

describe('A build cache entry damaged in any way', () => {
  const config = makeConfig({ root, serviceAllowlist: [] });
  const { ntFile, metaFile } = cacheFiles(config);
  /** Each kind of damage, done to one of the entry's two files. */
  const damages: [string, (file: string) => void][] = [
    ['a directory', (f) => mkdirSync(f)],
    [
      'a directory with files in it',
      (f) => {
        mkdirSync(f);
        writeFileSync(path.join(f, 'x'), 'x');
      },
    ],
    ['a dangling symbolic link', (f) => symlinkSync(path.join(root, 'nowhere'), f)],
    ['a symbolic link to another file', (f) => symlinkSync(path.join(root, 'data', 'people.ttl'), f)],
    ['a named pipe (a read would block for ever)', (f) => execFileSync('mkfifo', [f])],
    ['an empty file', (f) => writeFileSync(f, '')],
    ['a cut-off file', (f) => writeFileSync(f, readFileSync(f).subarray(0, 100))],
  ];
  for (const [kind, damage] of damages) {
    for (const which of ['nt', 'json'] as const) {
      it(`should be rebuilt when its .${which} is ${kind}`, async () => {
        await loadGraph(config);
        const file = which === 'nt' ? ntFile : metaFile;
        if (kind !== 'a cut-off file') rmSync(file, { force: true });
        damage(file);
        const graph = await loadGraph(config);
        expect(graph.counts.total).toBeGreaterThan(0);
        // Rebuilt into the cache, not merely built past it: the next start reads the entry again.
        expect(graph.ntFile).toBe(ntFile);
        for (const f of [ntFile, metaFile]) expect(lstatSync(f).isFile()).toBe(true);
        const again = await loadGraph(config);
        expect(again.store).toBeInstanceOf(FrozenStore);
        expect(again.hash).toBe(graph.hash);
      }, 60_000);
    }
  }
});
