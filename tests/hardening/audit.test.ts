// The supply-chain gate (.ci/audit) against a stub registry: no advisory passes, a high advisory on a production dependency fails naming it, a moderate one or one on a dev-only dependency passes, and a refused or broken advisories endpoint is "could not run" (exit 2), not a pass and not a failure.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';

const BULK = '/-/npm/v1/security/advisories/bulk';
const RUN_TIMEOUT_MS = 20_000;

interface Lock {
  packages: Record<string, { version: string; dev?: boolean }>;
}
const lock = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as Lock;
const lockedVersion = (name: string): string => lock.packages[`node_modules/${name}`]!.version;

/** One advisory as the bulk endpoint answers it, covering `name` at its locked version. */
function advisory(name: string, severity: string, id: number) {
  return {
    [name]: [
      {
        id,
        url: `https://advisories.invalid/${id}`,
        title: `Stub ${severity} advisory ${id} for ${name}`,
        severity,
        vulnerable_versions: `<=${lockedVersion(name)}`,
        cwe: [],
        cvss: { score: 0, vectorString: null },
      },
    ],
  };
}

/** What the stub does with the advisories POST: answer with a status and JSON body, or cut the connection. */
type Answer = { status: number; body?: unknown } | 'hang-up';

let answer: Answer = { status: 200, body: {} };
/** The packages and versions npm asked about in its last bulk POST. */
let asked: Record<string, string[]> | undefined;
const requests: string[] = [];
let server: Server;
let registry: string;
let cache: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      if (req.method === 'POST' && req.url === BULK) {
        const raw = Buffer.concat(chunks);
        asked = JSON.parse(
          (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'),
        ) as Record<string, string[]>;
        if (answer === 'hang-up') {
          req.socket.destroy();
          return;
        }
        res.writeHead(answer.status, answer.status === 405 ? { allow: 'GET,HEAD' } : {});
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
        return;
      }
      // npm asks for packuments of the vulnerable packages to work out a fix; "not found" leaves fixAvailable false.
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"Not found"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  cache = mkdtempSync(path.join(tmpdir(), 'npcsc-audit-cache-'));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(cache, { recursive: true, force: true });
});

beforeEach(() => {
  asked = undefined;
  requests.length = 0;
});

/** Runs .ci/audit in the project folder against the stub: its exit code and everything it printed. */
function runGate(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(PROJECT_ROOT, '.ci/audit')], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        npm_config_registry: registry,
        npm_config_fetch_retries: '0',
        npm_config_cache: cache,
        npm_config_update_notifier: 'false',
      },
      timeout: RUN_TIMEOUT_MS,
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal) reject(new Error(`.ci/audit killed by ${signal} after ${RUN_TIMEOUT_MS} ms:\n${out}`));
      else resolve({ code, out });
    });
  });
}

describe('.ci/audit against a stub registry', () => {
  it('should pass with a one-line summary when the registry knows no advisory', async () => {
    answer = { status: 200, body: {} };
    const { code, out } = await runGate();
    expect(requests).toContain(`POST ${BULK}`);
    // Production dependencies only, at their locked versions.
    expect(asked?.hono).toContain(lockedVersion('hono'));
    expect(asked?.n3).toContain(lockedVersion('n3'));
    expect(asked).not.toHaveProperty('vitest');
    expect(out.trim()).toMatch(/^npm audit \(production dependencies\): no high or critical vulnerabilities \(.*\)$/);
    expect(code).toBe(0);
  });

  it('should fail naming the package, severity, title and url of a high advisory on a production dependency', async () => {
    answer = { status: 200, body: advisory('hono', 'high', 1001) };
    const { code, out } = await runGate();
    expect(out).toMatch(/^ {2}hono \[high\]/m);
    expect(out).toContain('Stub high advisory 1001 for hono');
    expect(out).toContain('https://advisories.invalid/1001');
    expect(out).not.toContain('could not run');
    expect(code).toBe(1);
  });

  it('should fail on a critical advisory too', async () => {
    answer = { status: 200, body: advisory('n3', 'critical', 1002) };
    const { code, out } = await runGate();
    expect(out).toMatch(/^ {2}n3 \[critical\]/m);
    expect(out).toContain('https://advisories.invalid/1002');
    expect(code).toBe(1);
  });

  it('should pass when the only advisory is moderate', async () => {
    answer = { status: 200, body: advisory('hono', 'moderate', 1003) };
    const { code, out } = await runGate();
    expect(out).toMatch(/no high or critical vulnerabilities \(moderate [1-9]/);
    expect(code).toBe(0);
  });

  it('should pass when the high advisory is on a dev-only dependency', async () => {
    expect(lock.packages['node_modules/fast-check']?.dev).toBe(true);
    answer = { status: 200, body: advisory('fast-check', 'critical', 1004) };
    const { code, out } = await runGate();
    expect(out).toContain('no high or critical vulnerabilities');
    expect(code).toBe(0);
  });

  it('should say the check was not done and exit 2 when the advisories endpoint answers 405', async () => {
    answer = { status: 405 };
    const { code, out } = await runGate();
    expect(requests).toEqual([`POST ${BULK}`]);
    expect(out).toContain('npm audit could not run: the registry answered 405 on its advisories endpoint');
    expect(out).toContain('supply-chain check NOT done');
    expect(out).not.toContain('no high or critical');
    expect(code).toBe(2);
  });

  it('should exit 2 when the advisories endpoint fails with a server error', async () => {
    answer = { status: 503, body: { error: 'unavailable' } };
    const { code, out } = await runGate();
    expect(out).toContain('npm audit could not run: the registry answered 503 on its advisories endpoint');
    expect(code).toBe(2);
  });

  it('should exit 2 when the connection to the advisories endpoint drops', async () => {
    answer = 'hang-up';
    const { code, out } = await runGate();
    expect(out).toMatch(/npm audit could not run: .*advisories\/bulk.*; supply-chain check NOT done/);
    expect(code).toBe(2);
  });
});
