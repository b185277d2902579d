// A real client: Debian's OpenRefine (headless, 127.0.0.1) reconciles a CSV of names against our /reconcile and extends it; skipped where OpenRefine is absent, except in CI.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, ROUTES } from '../../src/app.ts';
import { realGraph, testConfig } from '../support/graph.ts';
import { freePort } from '../support/net.ts';

/** Where Debian's package puts OpenRefine; OPENREFINE_HOME names another installation. */
const HOME = process.env.OPENREFINE_HOME ?? '/usr/share/openrefine';
const installed = existsSync(path.join(HOME, 'refine'));
// In CI (.ci/run installs the package) a missing OpenRefine fails the test instead of skipping it.
const runs = installed || Boolean(process.env.CI);

const BASE = 'https://w3id.org/npcsc/';
const PERSON = 'https://schema.org/Person';

let server: Server | undefined;
let service = '';
let refine: ChildProcess | undefined;
let refineUrl = '';
let dataDir = '';
let project = '';

async function csrf(): Promise<string> {
  const res = await fetch(`${refineUrl}command/core/get-csrf-token`);
  return ((await res.json()) as { token: string }).token;
}

/** Starts OpenRefine headless on a free port with a data folder of its own; resolves when it answers. */
async function startRefine(): Promise<void> {
  const port = await freePort();
  dataDir = mkdtempSync(path.join(tmpdir(), 'npcsc-openrefine-'));
  refineUrl = `http://127.0.0.1:${port}/`;
  refine = spawn(path.join(HOME, 'refine'), ['-i', '127.0.0.1', '-p', String(port), '-d', dataDir, '-m', '768M'], {
    cwd: HOME,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, JAVA_OPTIONS: '-Drefine.headless=true', no_proxy: '127.0.0.1,localhost' },
  });
  let log = '';
  refine.stdout?.on('data', (d) => {
    log += d;
  });
  refine.stderr?.on('data', (d) => {
    log += d;
  });
  let exited = false;
  refine.on('exit', () => {
    exited = true;
  });
  for (let i = 0; i < 600; i++) {
    if (exited) throw new Error(`OpenRefine exited before answering:\n${log}`);
    try {
      if ((await fetch(`${refineUrl}command/core/get-csrf-token`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`OpenRefine did not answer on ${refineUrl}:\n${log}`);
}

/** Runs operations and waits until OpenRefine's long-running processes (recon, extension) are done. */
async function apply(operations: object[]): Promise<void> {
  const res = await fetch(`${refineUrl}command/core/apply-operations?project=${project}&csrf_token=${await csrf()}`, {
    method: 'POST',
    body: new URLSearchParams({ operations: JSON.stringify(operations) }),
  });
  const answer = (await res.json()) as { code: string; message?: string };
  expect(answer.code, answer.message).not.toBe('error');
  for (;;) {
    const p = (await (await fetch(`${refineUrl}command/core/get-processes?project=${project}`)).json()) as {
      processes: unknown[];
    };
    if (p.processes.length === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Recon {
  j: string;
  m?: { id: string; name: string; score: number } | null;
  c?: { id: string; score: number }[];
}
interface Rows {
  rows: { i: number; cells: ({ v?: unknown; r?: string } | null)[] }[];
  pool: { recons: Record<string, Recon> };
}

async function rows(): Promise<Rows> {
  return (await (await fetch(`${refineUrl}command/core/get-rows?project=${project}&start=0&limit=100`)).json()) as Rows;
}

async function columns(): Promise<string[]> {
  const m = (await (await fetch(`${refineUrl}command/core/get-models?project=${project}`)).json()) as {
    columnModel: { columns: { name: string; cellIndex: number }[] };
  };
  return m.columnModel.columns.map((c) => c.name);
}

const CSV = [
  'name,born',
  'Peng Zhen,1902',
  '彭冲,',
  'Li Jianguo,1946',
  '杨尚昆,',
  'Liu Ningyi,',
  'Peng,',
  'Zhou Enlai,1898',
  '',
].join('\n');

beforeAll(async () => {
  if (!runs) return;
  if (!installed) throw new Error(`${HOME}/refine is missing: apt-get install -y openrefine (CI must run this test)`);
  const graph = await realGraph();
  server = createServer();
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const ours = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  server.on('request', getRequestListener(createApp(graph, testConfig({ publicBase: ours }), ROUTES).fetch));
  service = `${ours}reconcile`;
  await startRefine();
  const form = new FormData();
  form.set('project-file', new Blob([CSV], { type: 'text/csv' }), 'names.csv');
  form.set('project-name', 'npcsc-names');
  form.set('format', 'text/line-based/*sv');
  form.set('options', JSON.stringify({ separator: ',', headerLines: 1, encoding: 'UTF-8' }));
  const res = await fetch(`${refineUrl}command/core/create-project-from-upload?csrf_token=${await csrf()}`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  project = new URL(res.headers.get('location') ?? '', refineUrl).searchParams.get('project') ?? '';
  expect(project, `create-project-from-upload answered ${res.status}`).toMatch(/^[0-9]+$/);
}, 180_000);

afterAll(async () => {
  if (refine?.pid) {
    const pid = refine.pid;
    const gone = new Promise((r) => refine?.once('exit', r));
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {}
    await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server?.close(r));
  }
});

// Registered only where it is skipped, so that a run with OpenRefine counts no skip.
if (!runs) {
  describe('OpenRefine', () => {
    it.skip(`is not installed (${HOME}/refine): apt-get install -y openrefine, or set OPENREFINE_HOME`, () => {});
  });
}

describe.skipIf(!runs)('OpenRefine reconciling a column of names against /reconcile', () => {
  let byName: Map<string, Recon | undefined>;

  it('should reconcile the column with the birth year as a property', async () => {
    await apply([
      {
        op: 'core/recon',
        engineConfig: { facets: [], mode: 'row-based' },
        columnName: 'name',
        config: {
          mode: 'standard-service',
          service,
          identifierSpace: `${BASE}id/`,
          schemaSpace: `${BASE}ontology#`,
          type: { id: PERSON, name: 'person' },
          autoMatch: true,
          columnDetails: [{ column: 'born', propertyName: 'birth year', propertyID: 'birthYear' }],
          limit: 0,
        },
        description: 'Reconcile names against npcsc-kg',
      },
    ]);
    const r = await rows();
    byName = new Map(r.rows.map((row) => [String(row.cells[0]?.v), r.pool.recons[row.cells[0]?.r ?? '']]));
    expect(byName.size).toBe(7);
  });

  it('should match every unambiguous name, English or Chinese, to the right IRI', () => {
    const expected: [string, string][] = [
      ['Peng Zhen', 'person/peng-zhen'],
      ['彭冲', 'person/peng-chong'],
      ['Li Jianguo', 'person/li-jianguo'],
      ['杨尚昆', 'person/yang-shangkun'],
      ['Liu Ningyi', 'person/liu-ningyi'],
    ];
    for (const [name, id] of expected) {
      const recon = byName.get(name);
      expect(recon?.j, name).toBe('matched');
      expect(`${BASE}id/${recon?.m?.id}`, name).toBe(`${BASE}id/${id}`);
    }
  });

  it('should leave the ambiguous name unmatched, with both namesakes among its candidates', () => {
    const recon = byName.get('Peng');
    expect(recon?.j).toBe('none');
    const ids = (recon?.c ?? []).map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['person/peng-zhen', 'person/peng-chong']));
  });

  it('should find no candidate for a name absent from the data', () => {
    const recon = byName.get('Zhou Enlai');
    expect(recon?.j).toBe('none');
    expect(recon?.c ?? []).toEqual([]);
  });

  it('should fill the extended columns: Chinese name, birth date at its precision, offices with start and end', async () => {
    await apply([
      {
        op: 'core/extend-reconciled-data',
        engineConfig: { facets: [], mode: 'row-based' },
        baseColumnName: 'name',
        endpoint: service,
        identifierSpace: `${BASE}id/`,
        schemaSpace: `${BASE}ontology#`,
        extension: {
          properties: [
            { id: 'nameZh', name: 'Chinese name' },
            { id: 'birthDate', name: 'birth date' },
            { id: 'office', name: 'office held' },
            { id: 'officeStart', name: 'start' },
            { id: 'officeEnd', name: 'end' },
          ],
        },
        columnInsertIndex: 1,
        description: 'Extend with npcsc-kg',
      },
    ]);
    const names = await columns();
    for (const c of ['Chinese name', 'birth date', 'office held', 'office held: start', 'office held: end']) {
      expect(names).toContain(c);
    }
    const m = (await (await fetch(`${refineUrl}command/core/get-models?project=${project}`)).json()) as {
      columnModel: { columns: { name: string; cellIndex: number }[] };
    };
    const at = (name: string) => m.columnModel.columns.find((c) => c.name === name)?.cellIndex ?? -1;
    const r = await rows();
    const table = r.rows.map((row) => (i: number) => row.cells[i]?.v);
    const first = (name: string) => table.findIndex((cell) => cell(0) === name);
    const peng = first('Peng Zhen');
    expect(table[peng]?.(at('Chinese name'))).toBe('彭真');
    expect(table[peng]?.(at('birth date'))).toBe('1902-10-12');
    // Revision 2 of the reference gives Peng Chong's birth to the day.
    expect(table[first('彭冲')]?.(at('birth date'))).toBe('1915-03-27');
    expect(table[first('Li Jianguo')]?.(at('Chinese name'))).toBe('李建国');
    // Peng Zhen's three tenures are three rows of his record, office, start and end aligned.
    const offices = [0, 1, 2].map((k) => table[peng + k]?.(at('office held')));
    expect(offices).toEqual([
      expect.stringMatching(/^Secretary-General of the Standing Committee/),
      expect.stringMatching(/^Secretary-General of the Standing Committee/),
      expect.stringMatching(/^Chairperson of the Standing Committee/),
    ]);
    expect([0, 1, 2].map((k) => table[peng + k]?.(at('office held: start')))).toEqual([
      '1954-09-27',
      '1979-09',
      '1983-06-18',
    ]);
    expect(table[peng]?.(at('office held: end'))).toBe('1965-01');
    // The absent name gets nothing.
    expect(table[first('Zhou Enlai')]?.(at('Chinese name'))).toBeUndefined();
  });
});
