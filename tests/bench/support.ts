// What the benchmarks share: autocannon, the server processes they start and stop, and the fixed response a
// bare server answers with (tests/bench/serve.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { PROJECT_ROOT } from '../../src/config.ts';
import type { FixedResponse } from './serve.ts';

export interface Cannon {
  requests: { average: number; total: number };
  latency: { p50: number };
  non2xx: number;
  errors: number;
}
export const autocannon = createRequire(import.meta.url)('autocannon') as (
  opts: Record<string, unknown>,
) => Promise<Cannon>;

const children = new Set<ChildProcess>();
// Whatever ends this process (a failed measurement, a killed run), the servers it started end with it.
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/**
 * Starts `node args…` in the project folder and resolves when its standard output matches `ready`, with the
 * match and the time that took; rejects with its output when it exits first.
 */
export function startNode(
  args: string[],
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpExecArray; ms: number; startedAt: number }> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = ready.exec(out);
      if (match) resolve({ child, match, ms: performance.now() - startedAt, startedAt });
    });
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.once('exit', (code) =>
      reject(new Error(`${args.join(' ')} exited with ${code}: ${`${out}${err}`.slice(-2000)}`)),
    );
  });
}

/** Stops a started process (SIGTERM) and resolves once it has exited. */
export const stopNode = (child: ChildProcess): Promise<void> =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

/** Stops every process the benchmark started and that still runs. */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map(stopNode));
}

/** What a response was (status, headers but the per-connection ones, body), for a bare server to answer alike. */
export async function fixedResponseOf(res: Response): Promise<{ fixed: FixedResponse; bytes: number }> {
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (!['date', 'connection', 'keep-alive'].includes(k)) headers[k] = v;
  });
  const body = Buffer.from(await res.arrayBuffer());
  return { fixed: { status: res.status, headers, body: body.toString('base64') }, bytes: body.byteLength };
}

/** The median time of `n` runs of `f`, in ms, after `warmups` runs that are not counted. */
export async function medianTime(n: number, f: () => unknown, warmups: number): Promise<number> {
  for (let i = 0; i < warmups; i++) await f();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
  }
  return [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? Number.NaN;
}
