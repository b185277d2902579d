// A third-party server (nginx, Apache) run by a test: found on the PATH or in sbin, started in the foreground under
// a watchdog shell, waited for until it answers, and stopped; none outlives the test process, whatever ends it.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A program as `command -v` finds it, and in /usr/sbin and /usr/local/sbin, which a user's PATH may lack. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    const file = path.join(dir, name);
    if (dir && existsSync(file)) return file;
  }
  return undefined;
}

/**
 * The server in the foreground under a watchdog shell: when the test process closes the shell's stdin, or dies and
 * the pipe closes with it, the shell stops the server.
 */
const WATCHDOG =
  'exec 3<&0; "$0" "$@" </dev/null & n=$!; (read -r _ <&3; kill "$n" 2>/dev/null) & w=$!; ' +
  'wait "$n"; s=$?; kill "$w" 2>/dev/null; exit "$s"';

export interface Daemon {
  /** How long it took to answer, in ms (reported, never asserted). */
  startMs: number;
  stop(): Promise<void>;
}

export interface DaemonOptions {
  /** What the server is called in messages. */
  name: string;
  /** A URL that answers (any status) once the server is up. */
  ready: string;
  /** Its error log, quoted when it does not start. */
  errorLog: string;
  /** Its pid file: the master is killed by it if the server ignores SIGTERM. */
  pidFile: string;
}

/** Starts `binary args…` and resolves when `ready` answers (within 15 s), or rejects with its error log. */
export async function startDaemon(binary: string, args: string[], opts: DaemonOptions): Promise<Daemon> {
  let child: ChildProcess | undefined = spawn('sh', ['-c', WATCHDOG, binary, ...args], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.stdin?.end();
    const killer = setTimeout(() => {
      // The server did not stop on SIGTERM: its master by its pid file, then the watchdog.
      try {
        process.kill(Number(readFileSync(opts.pidFile, 'utf8')), 'SIGKILL');
      } catch {}
      c.kill('SIGKILL');
    }, 10_000);
    await exited;
    clearTimeout(killer);
  };
  const started = performance.now();
  const deadline = Date.now() + 15_000;
  try {
    for (;;) {
      if (!child || child.exitCode !== null) {
        const log = existsSync(opts.errorLog) ? readFileSync(opts.errorLog, 'utf8') : '';
        throw new Error(`${opts.name} exited with ${child?.exitCode}: ${`${stderr}\n${log}`.trim().slice(-1500)}`);
      }
      const up = await fetch(opts.ready, { redirect: 'manual' }).then(
        () => true,
        () => false,
      );
      if (up) break;
      if (Date.now() > deadline) throw new Error(`${opts.name} did not answer at ${opts.ready} within 15 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { startMs: performance.now() - started, stop };
}
