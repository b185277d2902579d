// The package users run: compiled JavaScript with no TypeScript loader, heavy modules loaded only when used, and a tarball that installs into an empty folder and serves.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';

/** Records every module each process loads (tests/support/record-modules.mjs), into the file NPCSC_RECORD_MODULES names. */
const RECORDER = path.join(PROJECT_ROOT, 'tests', 'support', 'record-modules.mjs');

/**
 * The packages that cost start-up time or memory, by the name a process is said to load them under: Comunica's
 * hundreds as one, the rest as themselves. (The SPARQL parser, @traqula/parser-sparql-1-2, is one: the server
 * loads it with its SPARQL routes, once the pages are served.)
 */
function heavy(url: string): string | undefined {
  const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  const name = m?.[1];
  if (!name) return undefined;
  if (name.startsWith('@comunica/')) return '@comunica';
  const HEAVY = [
    'oxigraph',
    'rdflib',
    'jsonld',
    'rdf-validate-shacl',
    '@zazuko/env',
    'rdf-stores',
    '@traqula/parser-sparql-1-2',
    '@traqula/generator-sparql-1-2',
    'wikibase-sdk',
    'playwright-core',
    'tsx',
    'esbuild',
  ];
  return HEAVY.includes(name) ? name : undefined;
}

/** What the record says each process (by pid) loaded: its heavy packages, and every URL. */
function readRecord(file: string): Map<number, { heavy: string[]; urls: string[] }> {
  const out = new Map<number, { heavy: string[]; urls: string[] }>();
  for (const line of existsSync(file) ? readFileSync(file, 'utf8').split('\n') : []) {
    const space = line.indexOf(' ');
    if (space < 1) continue;
    const pid = Number(line.slice(0, space));
    const url = line.slice(space + 1);
    const entry = out.get(pid) ?? { heavy: [], urls: [] };
    entry.urls.push(url);
    const name = heavy(url);
    if (name && !entry.heavy.includes(name)) entry.heavy.push(name);
    out.set(pid, entry);
  }
  for (const e of out.values()) e.heavy.sort();
  return out;
}

/** The environment of a child: no npm settings of the test run's own, no port from the environment. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'NODE_OPTIONS') env[k] = v;
  return { ...env, PORT: '', HOST: '', ...extra };
}

function recording(file: string): Record<string, string> {
  return { NODE_OPTIONS: `--import=${RECORDER}`, NPCSC_RECORD_MODULES: file };
}

interface Started {
  child: ChildProcess;
  url: string;
  out: () => string;
  exited: Promise<number | string>;
}

/** Starts `command args` in `cwd`, resolving once it says where it serves (`npcsc-kg serving … at URL`). */
function startServing(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Started> {
  // A process group of its own, so that what npm or npx starts can be stopped with it (afterAll).
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return new Promise((resolve, reject) => {
    const seen = (d: Buffer) => {
      out += d;
      const m = /serving \d+ triples at (http:\/\/\S+\/)/.exec(out);
      if (m?.[1]) resolve({ child, url: m[1], out: () => out, exited });
    };
    child.stdout?.on('data', seen);
    child.stderr?.on('data', (d: Buffer) => {
      out += d;
    });
    void exited.then((code) => reject(new Error(`${command} ${args.join(' ')} exited (${code}) first:\n${out}`)));
  });
}

/** Asks the recorded process `pid` to write down what `require` has loaded so far, and waits until it has. */
async function snapshot(file: string, pid: number): Promise<void> {
  const before = readFileSync(file, 'utf8').split(`${pid} -- require.cache written`).length;
  process.kill(pid, 'SIGUSR2');
  while (readFileSync(file, 'utf8').split(`${pid} -- require.cache written`).length === before) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

const running: ChildProcess[] = [];
const stop = async (s: Started, pid = s.child.pid): Promise<number | string> => {
  if (pid) process.kill(pid, 'SIGTERM');
  return s.exited;
};

/**
 * A copy of the repository, compiled and packed as `npm pack` does it (its `prepare` step compiles src/ into
 * lib/), with the real node_modules linked in: where a TypeScript loader is at hand, so that a compiled program
 * that still reached for one would load it here.
 */
let copy = '';
let tarball = '';
let packed: string[] = [];

beforeAll(() => {
  copy = mkdtempSync(path.join(tmpdir(), 'npcsc-package-'));
  for (const entry of ['src', 'ontology', 'data', 'queries', 'package.json', 'package-lock.json', 'README.md']) {
    cpSync(path.join(PROJECT_ROOT, entry), path.join(copy, entry), { recursive: true });
  }
  for (const entry of ['tsconfig.json', 'tsconfig.build.json'])
    cpSync(path.join(PROJECT_ROOT, entry), path.join(copy, entry));
  symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(copy, 'node_modules'));
  const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', copy], {
    cwd: copy,
    env: childEnv(),
    encoding: 'utf8',
  });
  expect(pack.status, pack.stderr).toBe(0);
  const [info] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = path.join(copy, info?.filename ?? '');
  packed = info?.files.map((f) => f.path) ?? [];
  // Filled once here, so that the commands below start as a user's second start does: from the build cache.
  const stats = spawnSync(process.execPath, ['lib/bin/npcsc-kg.js', 'stats'], { cwd: copy, env: childEnv() });
  expect(stats.status, String(stats.stderr)).toBe(0);
}, 600_000);

afterAll(() => {
  for (const c of running) {
    try {
      if (c.pid && c.exitCode === null) process.kill(-c.pid, 'SIGKILL');
    } catch {}
  }
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('the compiled program', () => {
  it('npm start serves with no TypeScript loader in the server or its query runners', async () => {
    const record = path.join(copy, 'start.modules');
    const s = await startServing('npm', ['start', '--', '--port', '0', '--host', '127.0.0.1'], copy, {
      ...childEnv(recording(record)),
    });
    running.push(s.child);
    // Answered by a query runner, a process of its own.
    const r = await fetch(`${s.url}sparql?query=${encodeURIComponent('ASK { ?s ?p ?o }')}`, {
      headers: { accept: 'application/sparql-results+json' },
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ boolean: true });
    const processes = readRecord(record);
    const server = [...processes].find(([, p]) => p.urls.some((u) => u.endsWith('/lib/cli/main.js')))?.[0];
    const runners = [...processes].filter(([, p]) => p.urls.some((u) => u.endsWith('/lib/sparql/worker.js')));
    expect(server, 'the server was recorded').toBeDefined();
    expect(runners.length, 'a query runner was recorded').toBeGreaterThan(0);
    expect(await stop(s, server)).toBe(0);
    for (const [pid, p] of readRecord(record)) {
      expect(
        p.heavy.filter((n) => n === 'tsx' || n === 'esbuild'),
        `process ${pid}`,
      ).toEqual([]);
      expect(
        p.urls.filter((u) => u.endsWith('.ts')),
        `process ${pid} ran TypeScript`,
      ).toEqual([]);
    }
  }, 300_000);

  it('--help loads nothing heavy', () => {
    const record = path.join(copy, 'help.modules');
    const r = spawnSync(process.execPath, ['lib/bin/npcsc-kg.js', '--help'], {
      cwd: copy,
      env: childEnv(recording(record)),
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('usage: npcsc-kg');
    const [only, ...others] = [...readRecord(record).values()];
    expect(others).toEqual([]);
    expect(only?.urls.some((u) => u.endsWith('/lib/cli/main.js'))).toBe(true);
    expect(only?.heavy).toEqual([]);
  });

  it('serve over the default store loads no engine, WASM module or RDF writer before a request needs it', async () => {
    const record = path.join(copy, 'serve.modules');
    // A start checks the stored queries and keeps what it found; the start recorded here is a later one.
    const first = await startServing(
      process.execPath,
      ['lib/bin/npcsc-kg.js', 'serve', '--port', '0', '--host', '127.0.0.1'],
      copy,
      childEnv(),
    );
    running.push(first.child);
    expect(await stop(first)).toBe(0);
    const s = await startServing(
      process.execPath,
      ['lib/bin/npcsc-kg.js', 'serve', '--port', '0', '--host', '127.0.0.1'],
      copy,
      childEnv(recording(record)),
    );
    running.push(s.child);
    const pid = s.child.pid ?? 0;
    const home = await fetch(s.url, { headers: { accept: 'text/html' } });
    expect(home.status).toBe(200);
    await home.text();
    await snapshot(record, pid);
    // Up to its first page nothing heavy is needed: the stored queries, checked by an earlier start, are not parsed
    // again. The SPARQL parser comes with the rest of the route table, which loads once the pages are served, so
    // it may have come by now.
    expect(
      readRecord(record)
        .get(pid)
        ?.heavy.filter((n) => n !== '@traqula/parser-sparql-1-2'),
    ).toEqual([]);

    // Each writer comes with the first answer in its format; queries run in the runners, never in the server.
    const doc = `${s.url}doc/office/secretary-general`;
    for (const ext of ['jsonld', 'rdf']) expect((await fetch(`${doc}.${ext}`)).status).toBe(200);
    const q = await fetch(`${s.url}sparql?query=${encodeURIComponent('SELECT * WHERE { ?s ?p ?o } LIMIT 1')}`);
    expect(q.status).toBe(200);
    expect(await stop(s)).toBe(0);
    const processes = readRecord(record);
    expect(processes.get(pid)?.heavy).toEqual(['@traqula/parser-sparql-1-2', 'jsonld', 'rdflib']);
    // In the order of loading: the pages' app (lib/http/app.js and the page routes) before the route table
    // (lib/app.js), and every heavy package after it.
    const urls = processes.get(pid)?.urls ?? [];
    const at = (end: string) => urls.findIndex((u) => u.endsWith(end));
    expect(at('/lib/http/app.js')).toBeGreaterThanOrEqual(0);
    expect(at('/lib/publish/routes.js')).toBeGreaterThanOrEqual(0);
    expect(at('/lib/app.js')).toBeGreaterThan(Math.max(at('/lib/http/app.js'), at('/lib/publish/routes.js')));
    expect(urls.findIndex((u) => heavy(u) !== undefined)).toBeGreaterThan(at('/lib/app.js'));
    // A runner over the default store answers a local query with Oxigraph; Comunica waits for a SERVICE, which no
    // query here has, and no runner loads a writer or the validator.
    const runners = [...processes].filter(([p]) => p !== pid).map(([, p]) => p.heavy);
    expect(runners.some((loaded) => loaded.includes('oxigraph'))).toBe(true);
    const unused = ['@comunica', 'rdflib', 'jsonld', 'rdf-validate-shacl', '@zazuko/env', 'tsx', 'esbuild'];
    for (const loaded of runners) expect(loaded.filter((n) => unused.includes(n))).toEqual([]);
  }, 300_000);
});

/** Whether npm can reach its registry (the install below fetches the dependencies it has not cached). */
const registry = spawnSync('npm', ['ping'], { env: childEnv(), encoding: 'utf8', timeout: 60_000 }).status === 0;

describe('npm pack', () => {
  it('gives a package that installs into an empty folder and serves /sparql', async (ctx) => {
    expect(packed).toEqual(
      expect.arrayContaining(['lib/bin/npcsc-kg.js', 'lib/cli/main.js', 'lib/sparql/worker-entry.js']),
    );
    expect(packed).toEqual(expect.arrayContaining(['lib/sparql/assets/query-page.js', 'ontology/npcsc.ttl']));
    expect(packed).toEqual(
      expect.arrayContaining(['data/sources.ttl', 'queries/holders.rq', 'queries/rules/bounds.rq']),
    );
    expect(packed.filter((f) => /^(src|tests)\//.test(f) || f.endsWith('.ts') !== f.endsWith('.d.ts'))).toEqual([]);
    if (!registry) {
      ctx.skip('npm cannot reach its registry (npm ping failed): the install needs the dependencies from it');
      return;
    }
    const folder = mkdtempSync(path.join(tmpdir(), 'npcsc-install-'));
    try {
      // An empty folder, as a user has it: no override. The build and local queries never load Comunica, whose
      // fetch actor asks for an undici that needs Node 22; only a federated query would (README, "As a package").
      writeFileSync(path.join(folder, 'package.json'), `${JSON.stringify({ private: true })}\n`);
      const install = spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], {
        cwd: folder,
        env: childEnv(),
        encoding: 'utf8',
      });
      expect(install.status, install.stderr).toBe(0);
      expect(existsSync(path.join(folder, 'node_modules', 'tsx')), 'tsx is a development dependency').toBe(false);
      const s = await startServing('npx', ['--no', 'npcsc-kg', 'serve', '--port', '0', '--host', '127.0.0.1'], folder, {
        ...childEnv(),
      });
      running.push(s.child);
      const r = await fetch(
        `${s.url}sparql?query=${encodeURIComponent('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }')}`,
        {
          headers: { accept: 'application/sparql-results+json' },
        },
      );
      expect(r.status).toBe(200);
      const body = (await r.json()) as { results: { bindings: { n: { value: string } }[] } };
      expect(Number(body.results.bindings[0]?.n.value)).toBeGreaterThan(1000);
      expect((await fetch(`${s.url}api/holders.json`)).status).toBe(200);
      expect((await fetch(`${s.url}assets/yasgui/query-page.css`)).status).toBe(200);
      // npx, the server and its runners: npx itself dies of the signal, the server finishes and exits.
      if (s.child.pid) process.kill(-s.child.pid, 'SIGTERM');
      await s.exited;
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 900_000);
});
