// The generated workload (same shape as data/, deterministic, valid) and the Oxigraph build path (the same graph as Comunica's).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/build/pipeline.ts';
import { main } from '../../src/cli/main.ts';
import { makeConfig } from '../../src/config.ts';
import { generate } from '../../src/generate/command.ts';
import { ValidationFailed } from '../../src/rdf/graph.ts';
import { workloadGraph } from './support.ts';

const temp: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'npcsc-gen-'));
  temp.push(d);
  return d;
};
afterAll(() => {
  for (const d of temp) rmSync(d, { recursive: true, force: true });
});
const read = (dir: string) =>
  Object.fromEntries(
    readdirSync(path.join(dir, 'data'))
      .filter((f) => f.startsWith('workload-'))
      .map((f) => [f, readFileSync(path.join(dir, 'data', f), 'utf8')]),
  );

describe('A generated workload', () => {
  it('should be the same, byte for byte, for the same seed, and differ for another', () => {
    const [a, b, c] = [tempDir(), tempDir(), tempDir()];
    generate({ offices: 9, out: a, seed: 3 });
    generate({ offices: 9, out: b, seed: 3 });
    generate({ offices: 9, out: c, seed: 4 });
    expect(read(a)).toEqual(read(b));
    expect(read(a)).not.toEqual(read(c));
  });

  it('should pass every shape and check, with the real data beside it', async () => {
    const { graph } = await workloadGraph(4);
    const real = await buildGraph(makeConfig({ serviceAllowlist: [] }));
    const type = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
    const count = (cls: string) => graph.store.countQuads(null, type, `${graph.base}ontology#${cls}`, null);
    expect(count('Office')).toBe(5 + 4);
    expect(count('Tenure')).toBeGreaterThan(25 + 4 * 8);
    expect(count('ConflictNote')).toBeGreaterThan(24);
    // Only the real data's warnings (chairpersons without a Chinese name): every generated person has both.
    expect(graph.warnings.length).toBe(real.warnings.length);
    // Both languages on every generated office and person.
    const zh = graph.store
      .getQuads(null, 'http://www.w3.org/2000/01/rdf-schema#label', null, null)
      .filter(
        (q) => q.subject.value.includes('/w-') && q.object.termType === 'Literal' && q.object.language === 'zh-hans',
      );
    expect(zh.length).toBeGreaterThan(4 * 8);
  });

  it('should still fail validation when a generated tenure is broken', async () => {
    const dir = tempDir();
    generate({ offices: 2, out: dir, seed: 5 });
    const file = path.join(dir, 'data', 'workload-tenures.ttl');
    const text = readFileSync(file, 'utf8').replace('npcsc:ordinal 2 ;', 'npcsc:ordinal 3 ;');
    (await import('node:fs')).writeFileSync(file, text);
    await expect(buildGraph(makeConfig({ root: dir, serviceAllowlist: [] }), undefined, 'oxigraph')).rejects.toThrow(
      ValidationFailed,
    );
  });

  it('should be written by `npcsc-kg generate`, which refuses a folder that is not empty', async () => {
    const dir = tempDir();
    const out: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => out.push(s) };
    expect(await main(['generate', '--offices', '2', '--out', dir], io)).toBe(0);
    expect(out.join('')).toMatch(/wrote 2 synthetic offices/);
    expect(readdirSync(path.join(dir, 'queries', 'rules')).length).toBeGreaterThan(5);
    expect(await main(['generate', '--offices', '2', '--out', dir], io)).toBe(2);
    expect(await main(['generate', '--offices', '2', '--out', dir, '--force'], io)).toBe(0);
  });
});

describe('The build on Oxigraph', () => {
  it('should give the very graph the build on Comunica gives (same content hash, same derivations)', async () => {
    const config = makeConfig({ serviceAllowlist: [] });
    const [a, b] = [await buildGraph(config, undefined, 'comunica'), await buildGraph(config, undefined, 'oxigraph')];
    expect(b.hash).toBe(a.hash);
    expect(b.derivation).toEqual(a.derivation);
    expect(b.warnings).toEqual(a.warnings);
  });
});
