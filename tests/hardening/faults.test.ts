// Faults around the server: a disk full or read-only during an export (the previous export intact, a clear message), and Wikidata not listening at all (a clear message, nothing written). The remote store's faults: remote-store.test.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { exportSite } from '../../src/export/site.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import { realGraph, testConfig } from '../support/graph.ts';
import { FIXTURE_LINKSET, read, SHIPPED_LINKSET, run as wikidata, workdir } from '../wikidata/support.ts';

let work: string;
let graph: Graph;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'npcsc-faults-'));
  graph = await realGraph();
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Runs `npcsc-kg ARGS` in this process: exit code and what it printed. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** A small fake previous export: what must still be there, byte for byte, after a failed one. */
function previousExport(dir: string): () => void {
  mkdirSync(path.join(dir, 'doc'), { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>previous</title>\n');
  writeFileSync(path.join(dir, 'doc', 'marker.ttl'), '<a> <b> "previous" .\n');
  return () => {
    expect(readdirSync(dir).sort()).toEqual(['doc', 'index.html']);
    expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).toBe('<!doctype html><title>previous</title>\n');
    expect(readFileSync(path.join(dir, 'doc', 'marker.ttl'), 'utf8')).toBe('<a> <b> "previous" .\n');
  };
}

/** No half-written sibling folder is left behind. */
const noLeftovers = (parent: string, name: string) =>
  expect(readdirSync(parent).filter((f) => f.startsWith(`${name}.`))).toEqual([]);

// Root may mount a tiny tmpfs (this is how CI and the development container run); elsewhere the mount tests are
// skipped, and the in-process failure below still covers the same code path.
const tiny = path.join(tmpdir(), `npcsc-tiny-${process.pid}`);
let mounted = false;
try {
  mkdirSync(tiny, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', tiny], { stdio: 'ignore' });
  mounted = true;
} catch {
  mounted = false;
}
const umount = () => {
  if (mounted) execFileSync('umount', [tiny], { stdio: 'ignore' });
  rmSync(tiny, { recursive: true, force: true });
};

describe.skipIf(!mounted)('npcsc-kg export onto a disk that fills up (a 64 KiB tmpfs)', () => {
  afterAll(umount);

  it('should stop with a clear message and exit 4, the previous export intact and nothing left over', async () => {
    const out = path.join(tiny, 'site');
    const intact = previousExport(out);
    const r = await cli(['export', '--out', out]);
    expect(r.code).toBe(EXIT.failure);
    expect(r.err).toMatch(
      new RegExp(
        `^npcsc-kg export: could not write the export to ${out}: ENOSPC: no space left on device.*; the previous export in ${out} is unchanged\\n$`,
      ),
    );
    intact();
    noLeftovers(tiny, 'site');
  });

  it('should do the same on a read-only disk', async () => {
    execFileSync('mount', ['-o', 'remount,ro', tiny], { stdio: 'ignore' });
    try {
      const out = path.join(tiny, 'site');
      const r = await cli(['export', '--out', out]);
      expect(r.code).toBe(EXIT.failure);
      expect(r.err).toMatch(
        /could not write the export to .*: EROFS: read-only file system.*; the previous export in .* is unchanged/,
      );
      expect(readFileSync(path.join(out, 'doc', 'marker.ttl'), 'utf8')).toBe('<a> <b> "previous" .\n');
      noLeftovers(tiny, 'site');
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', tiny], { stdio: 'ignore' });
    }
  });
});
if (!mounted) umount();

describe('npcsc-kg export to a place it cannot write', () => {
  it('should say so and exit 4 when the folder’s parent is a file', async () => {
    const file = path.join(work, 'a-file');
    writeFileSync(file, 'not a folder\n');
    const r = await cli(['export', '--out', path.join(file, 'site')]);
    expect(r.code).toBe(EXIT.failure);
    expect(r.err).toMatch(
      /^npcsc-kg export: could not write the export to .*a-file\/site: ENOTDIR: not a directory.*; nothing was written\n$/,
    );
    expect(readFileSync(file, 'utf8')).toBe('not a folder\n');
  });
});

describe('An export that fails halfway (a write error injected through its own progress hook)', () => {
  it('should leave the previous export as it was and no temporary folder', async () => {
    const parent = path.join(work, 'halfway');
    const out = path.join(parent, 'site');
    const intact = previousExport(out);
    let written = 0;
    await expect(
      exportSite(graph, testConfig(), out, {
        onProgress: (done, total) => {
          written = done;
          if (done === Math.floor(total / 2)) {
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          }
        },
      }),
    ).rejects.toThrow(/ENOSPC/);
    expect(written).toBeGreaterThan(10);
    intact();
    noLeftovers(parent, 'site');
  });
});

describe('An export whose data names a document with .. in its IRI', () => {
  it('should refuse to write it, and write nothing outside the export', async () => {
    const { makeConfig } = await import('../../src/config.ts');
    const { Store, DataFactory } = await import('n3');
    const { namedNode, literal, quad } = DataFactory;
    const store = new Store(graph.store.getQuads(null, null, null, null));
    const escaped = namedNode(`${graph.base}id/x/../../../../escaped`);
    store.addQuad(quad(escaped, namedNode('http://www.w3.org/2000/01/rdf-schema#label'), literal('escaped', 'en')));
    const hostile: Graph = { ...graph, store, hash: `${graph.hash}-escape` };
    const parent = path.join(work, 'escape');
    await expect(
      exportSite(hostile, makeConfig({ serviceAllowlist: [] }), path.join(parent, 'deep', 'site')),
    ).rejects.toThrow(
      /refusing to write "doc\/x\/\.\.\/\.\.\/\.\.\/\.\.\/escaped\..*": a document path with \. or \.\. segments/,
    );
    const found = (dir: string): string[] =>
      existsSync(dir)
        ? readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
            e.isDirectory()
              ? found(path.join(dir, e.name))
              : e.name.startsWith('escaped')
                ? [path.join(dir, e.name)]
                : [],
          )
        : [];
    expect(found(work)).toEqual([]);
  });
});

describe('The wikidata tool when nothing listens at the Wikidata address', () => {
  let closedUrl: string;
  beforeAll(async () => {
    // A port that was just open and is now closed: connections to it are refused.
    const s = createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const { port } = s.address() as AddressInfo;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    closedUrl = `http://127.0.0.1:${port}`;
  });

  it.each([
    ['reconcile', ['--accept']],
    ['verify', []],
  ] as const)('%s should say it cannot reach it, exit 4 and write nothing', async (sub, extra) => {
    // verify checks links, so it gets a linkset that has some.
    const linkset = sub === 'verify' ? FIXTURE_LINKSET : SHIPPED_LINKSET;
    const w = workdir(linkset);
    try {
      const files = [`${w.dir}/review.json`, `${w.dir}/snapshot.json`];
      const r = await wikidata(
        [
          sub,
          '--api',
          `${closedUrl}/w/api.php`,
          '--endpoint',
          `${closedUrl}/sparql`,
          '--pace',
          '0',
          '--linkset',
          w.linkset,
          ...(sub === 'reconcile' ? ['--review', files[0] as string] : ['--snapshot', files[1] as string]),
          ...extra,
        ],
        { graph },
      );
      expect(r.code).toBe(4);
      expect(r.err).toMatch(
        new RegExp(`cannot reach ${closedUrl.replace(/\./g, '\\.')}/.*\\nnothing was written\\.\\n$`, 's'),
      );
      expect(w.files()).toEqual(['wikidata.ttl']);
      expect(read(w.linkset)).toBe(read(linkset));
    } finally {
      w.remove();
    }
  });
});
