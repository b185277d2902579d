// Shared by the hardening tests and the soak: the whole app in process, a copy of the inputs to break, raw sockets, and `npcsc-kg serve` as a child process.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Hono } from 'hono';
import { createApp, ROUTES } from '../../src/app.ts';
import { type Config, PROJECT_ROOT } from '../../src/config.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import { poolFor } from '../../src/sparql/pool.ts';
import { realGraph, testConfig } from '../support/graph.ts';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface FullApp {
  app: Hono;
  graph: Graph;
  config: Config;
}

/** The whole route table, as `npcsc-kg serve` has it, over `graph` (default the real one), query threads ready. */
export async function fullApp(overrides: Parameters<typeof testConfig>[0] = {}, graph?: Graph): Promise<FullApp> {
  const g = graph ?? (await realGraph());
  const config = testConfig(overrides);
  const app = createApp(g, config, ROUTES);
  const pool = poolFor(g, config.limits.concurrency, config.store, config.limits.threadMemoryMb);
  // Waited for until a thread is up: on a loaded machine the first start can outlast one wait for a thread (a
  // 'busy' refusal), which says nothing about what the tests hold.
  for (;;) {
    try {
      await pool.ready();
      break;
    } catch (e) {
      if ((e as { kind?: string }).kind !== 'busy') throw e;
    }
  }
  return { app, graph: g, config };
}

/** A fresh folder with a copy of ontology/, data/ and queries/: a root to break or extend. */
export function copyOfInputs(): {
  root: string;
  edit(file: string, change: (s: string) => string): void;
  remove(): void;
} {
  const root = mkdtempSync(path.join(tmpdir(), 'npcsc-hardening-'));
  for (const dir of ['ontology', 'data', 'queries']) {
    cpSync(path.join(PROJECT_ROOT, dir), path.join(root, dir), { recursive: true });
  }
  return {
    root,
    edit: (file, change) => {
      const p = path.join(root, file);
      writeFileSync(p, change(readFileSync(p, 'utf8')));
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface RawResponse {
  /** 0 when the server closed the connection without answering. */
  status: number;
  head: string;
  body: string;
  ms: number;
}

/**
 * Sends `request` as raw bytes on a fresh connection (no client-side normalisation of paths or headers) and reads
 * until the server closes it, or rejects after `timeoutMs` (a bound against a hang, not on speed: a loaded machine
 * answers late).
 */
export function rawRequest(port: number, request: string | Buffer, timeoutMs = 60_000): Promise<RawResponse> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no end of response within ${timeoutMs} ms for ${String(request).slice(0, 80)}`));
    }, timeoutMs);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split >= 0 ? text.slice(0, split) : text;
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, head, body: split >= 0 ? text.slice(split + 4) : '', ms: performance.now() - started });
    });
    socket.write(request);
  });
}

/** A GET with `Connection: close`, its target sent exactly as given. */
export const rawGet = (port: number, target: string, headers: Record<string, string> = {}, timeoutMs?: number) =>
  rawRequest(
    port,
    Buffer.from(
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('')}\r\n`,
      'latin1',
    ),
    timeoutMs,
  );

export interface Served {
  url: string;
  port: number;
  child: ChildProcess;
  out: () => string;
  err: () => string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** SIGKILL if it is still running (for afterAll). */
  kill(): void;
}

const BIN = path.join(PROJECT_ROOT, 'src', 'bin', 'npcsc-kg.js');

/**
 * Runs `npcsc-kg serve --port 0 --host 127.0.0.1 …ARGS` and resolves once it says where it serves; rejects with
 * its output when it exits first. SERVICE is allowed only to a closed loopback port, never Wikidata.
 */
export function startServe(args: string[] = [], timeoutMs = 60_000): Promise<Served> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--service-allow', 'http://127.0.0.1:9/sparql', ...args],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PORT: '', HOST: '' } },
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d;
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d;
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const served: Omit<Served, 'url' | 'port'> = {
    child,
    out: () => out,
    err: () => err,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      served.kill();
      reject(new Error(`serve did not start within ${timeoutMs} ms\n${out}\n${err}`));
    }, timeoutMs);
    const watch = () => {
      const m = /serving \d+ triples at http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout?.off('data', watch);
      const port = Number(m[1]);
      resolve({ ...served, url: `http://127.0.0.1:${port}`, port });
    };
    child.stdout?.on('data', watch);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`serve exited with ${code} before serving\n${out}\n${err}`), { code, out, err }));
    });
  });
}

/** Runs `npcsc-kg ARGS` to its end: exit code, stdout, stderr. */
export function runCli(
  args: string[],
  timeoutMs = 60_000,
): Promise<{ code: number | string; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr?.on('data', (d: Buffer) => {
      err += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npcsc-kg ${args.join(' ')} still running after ${timeoutMs} ms\n${out}\n${err}`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal ?? -1, out, err });
    });
  });
}

/** Rejects when `p` takes longer than `ms`: how the fuzz tests tell a hang from an answer. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms);
    }),
  ]);
}

/** `SELECT … { BIND("a" AS ?x0) BIND(CONCAT(?x0,?x0) AS ?x1) … }`, doubling the string `times` times. */
export function doubling(times: number, select = '?s', extra = ''): string {
  const binds = Array.from({ length: times }, (_, i) => `BIND(CONCAT(?x${i},?x${i}) AS ?x${i + 1})`);
  return `SELECT ${select} WHERE { ${extra} BIND("a" AS ?x0) ${binds.join(' ')} }`;
}
