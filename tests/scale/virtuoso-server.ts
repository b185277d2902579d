// A throwaway Virtuoso for the tests and the bench: writes its virtuoso.ini in a temp folder, listens on 127.0.0.1 only, gives the SPARQL user update rights, and stops.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
  /** The SPARQL endpoint (queries and, with the grant below, updates). */
  endpoint: string;
  dir: string;
  stop(): Promise<void>;
}

/**
 * Starts Virtuoso in the foreground with its database in a temp folder. `buffers` (8 KB pages of cache) sizes it:
 * the default suits the tests' graph; the 1M-triple bench asks for more.
 */
export async function startVirtuoso(options: { buffers?: number } = {}): Promise<Virtuoso> {
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
  const child: ChildProcess = spawn(binary, ['+foreground', '+configfile', ini], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // .ci/run stops whatever is left by this pid, should the test process die before it can.
  if (child.pid) writeFileSync(path.join(dir, 'virtuoso.pid'), String(child.pid));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const endpoint = `http://127.0.0.1:${httpPort}/sparql`;
  try {
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
    // The loader updates through the plain /sparql endpoint, as the user SPARQL: grant it update rights.
    execFileSync('isql-vt', [`127.0.0.1:${sqlPort}`, 'dba', 'dba', 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'], {
      stdio: 'pipe',
      timeout: 30_000,
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { endpoint, dir, stop };
}
