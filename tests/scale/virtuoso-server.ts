// A throwaway Virtuoso for the tests and the bench: writes its virtuoso.ini in a temp folder, listens on 127.0.0.1 only, gives the loader its rights (the public SPARQL user, or a loader account of its own), and stops.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Credentials } from '../../src/store/digest.ts';
import { freePort } from '../support/net.ts';

/** The Virtuoso server binary of Debian's virtuoso-opensource, if installed. */
export function virtuosoBinary(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const file = path.join(dir, 'virtuoso-t');
    if (dir && existsSync(file)) return file;
  }
  return undefined;
}

export interface Virtuoso {
  /** The SPARQL endpoint (queries and, unless read-only, updates). */
  endpoint: string;
  dir: string;
  /** With `readOnly`: the loader's account, for /sparql-auth and /sparql-graph-crud-auth (Digest). */
  loader?: Credentials;
  /** Runs SQL as dba through isql (Virtuoso's own client). */
  sql(statement: string): string;
  /** Stops Virtuoso, deletes its database and starts it again, empty, on the same ports with the same accounts. */
  restartEmpty(): Promise<void>;
  stop(): Promise<void>;
}

/** The database's own files (the ini and the pid file stay). */
const DATABASE_FILES = [
  'virtuoso.db',
  'virtuoso.trx',
  'virtuoso.pxa',
  'virtuoso.lck',
  'virtuoso-temp.db',
  'virtuoso-temp.trx',
];

/**
 * Starts Virtuoso in the foreground with its database in a temp folder. `buffers` (8 KB pages of cache) sizes it:
 * the default suits the tests' graph; the 1M-triple bench asks for more.
 */
export async function startVirtuoso(options: { buffers?: number; readOnly?: boolean } = {}): Promise<Virtuoso> {
  const binary = virtuosoBinary();
  if (!binary) throw new Error('virtuoso-t is not installed (apt-get install virtuoso-opensource)');
  const dir = mkdtempSync(path.join(tmpdir(), 'npcsc-virtuoso-'));
  const [sqlPort, httpPort] = [await freePort(), await freePort()];
  const buffers = options.buffers ?? 20_000;
  const ini = path.join(dir, 'virtuoso.ini');
  writeFileSync(
    ini,
    `[Database]
DatabaseFile = ${dir}/virtuoso.db
ErrorLogFile = ${dir}/virtuoso.log
LockFile = ${dir}/virtuoso.lck
TransactionFile = ${dir}/virtuoso.trx
xa_persistent_file = ${dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = ${dir}/virtuoso-temp.db
TransactionFile = ${dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:${sqlPort}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., ${dir}
NumberOfBuffers = ${buffers}
MaxDirtyBuffers = ${Math.floor(buffers * 0.75)}
MaxQueryMem = 500M
ThreadsPerQuery = 2
SchedulerInterval = 10

[HTTPServer]
ServerPort = 127.0.0.1:${httpPort}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 10
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
Charset = UTF-8
EnabledDavVSP = 0

[SPARQL]
; Above the endpoint's own row limit, so that a cut result is ours to detect, never Virtuoso's silent one.
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 120
`,
  );
  const endpoint = `http://127.0.0.1:${httpPort}/sparql`;
  const sql = (statement: string): string =>
    execFileSync('isql-vt', [`127.0.0.1:${sqlPort}`, 'dba', 'dba', `exec=${statement}`], {
      stdio: 'pipe',
      timeout: 30_000,
    }).toString();
  const loader = options.readOnly ? { user: 'npcsc_loader', password: 'loader-secret' } : undefined;
  let child: ChildProcess;
  let exited: Promise<void>;
  let stderr = '';
  const halt = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
  };
  const boot = async () => {
    stderr = '';
    child = spawn(binary, ['+foreground', '+configfile', ini], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    // .ci/run stops whatever is left by this pid, should the test process die before it can.
    if (child.pid) writeFileSync(path.join(dir, 'virtuoso.pid'), String(child.pid));
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const running = child;
    exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`virtuoso-t exited with ${child.exitCode}: ${stderr.slice(-800)}`);
      const ok = await fetch(`${endpoint}?query=${encodeURIComponent('ASK {}')}`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`virtuoso-t did not answer within 90 s: ${stderr.slice(-800)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    if (loader) {
      // The README's recipe: public queries as the SPARQL user, which may read only; the loader an account of
      // its own with update rights, reached through the authenticated endpoints.
      sql(`DB.DBA.USER_CREATE('${loader.user}', '${loader.password}'); GRANT SPARQL_UPDATE TO "${loader.user}";`);
    } else {
      // The loader updates through the plain /sparql endpoint, as the user SPARQL: grant it update rights.
      sql('GRANT SPARQL_UPDATE TO "SPARQL";');
    }
  };
  const stop = async () => {
    await halt();
    rmSync(dir, { recursive: true, force: true });
  };
  const restartEmpty = async () => {
    await halt();
    for (const f of DATABASE_FILES) rmSync(path.join(dir, f), { force: true });
    await boot();
  };
  try {
    await boot();
  } catch (e) {
    await stop();
    throw e;
  }
  return { endpoint, dir, ...(loader ? { loader } : {}), sql, restartEmpty, stop };
}
