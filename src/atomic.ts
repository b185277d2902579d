// The one atomic writer: a file or a whole folder replaced in one step, and what a crash mid-way left behind put right on the next run.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/*
 * A folder is written as `target.tmp-PID-TIME`, then swapped in by two renames (`target` to `target.old-PID-TIME`,
 * the fresh folder to `target`); a file by one rename over it. The PID in every temporary name says whose it is:
 * the next writer of the same target removes those of dead processes and, where a crash came between the two
 * renames (an `.old-*` and no target), puts the previous folder back. A live process's names are never touched.
 */

/** The points of a write where a crash is injected in tests (NPCSC_KG_CRASH_AT names one: the process kills itself). */
export type CrashPoint = 'writing' | 'written' | 'old-moved' | 'new-moved';

/**
 * Ends the process with SIGKILL at `point` when NPCSC_KG_CRASH_AT names it: a real `kill -9`, at a known step,
 * so that the tests of recovery need not race a process.
 */
export function crashPoint(point: CrashPoint): void {
  if (process.env.NPCSC_KG_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}

const stamp = () => `${process.pid}-${Date.now()}`;

/** Whether process `pid` is running (a process of another user counts as running). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const exists = (p: string): boolean => {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
};

/** Sibling names `base.tmp-PID-TIME` and `base.old-PID-TIME` of processes that are no longer running. */
function deadSiblings(target: string): { tmp: string[]; old: { file: string; time: number }[] } {
  const dir = path.dirname(target);
  const base = path.basename(target);
  const pattern = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(tmp|old)-(\\d+)-(\\d+)$`);
  const found = { tmp: [] as string[], old: [] as { file: string; time: number }[] };
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return found;
  }
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m || alive(Number(m[2]))) continue;
    const file = path.join(dir, name);
    if (m[1] === 'tmp') found.tmp.push(file);
    else found.old.push({ file, time: Number(m[3]) });
  }
  return found;
}

/**
 * Puts right what crashed writers of `target` left: with no `target`, the newest previous one (`.old-*`) goes back;
 * every other temporary sibling of a dead process is removed. Returns what it did, for the log.
 */
export function recover(target: string): { restored: string | undefined; removed: string[] } {
  const abs = path.resolve(target);
  const { tmp, old } = deadSiblings(abs);
  let restored: string | undefined;
  old.sort((a, b) => b.time - a.time);
  if (!exists(abs) && old[0]) {
    renameSync(old[0].file, abs);
    restored = old[0].file;
    old.shift();
  }
  const removed = [...tmp, ...old.map((o) => o.file)];
  for (const f of removed) rmSync(f, { recursive: true, force: true });
  return { restored, removed };
}

/** Tells the operator (stderr) what recover did, if anything. */
export function reportRecovery(done: ReturnType<typeof recover>, io: { err: (s: string) => void }): void {
  if (done.restored) io.err(`put back the previous output from ${done.restored}, left there by a crashed run\n`);
  for (const f of done.removed) io.err(`removed ${f}, left by a crashed run\n`);
}

/** Replaces `target` by `fresh` with two renames; if the second fails, the previous folder is put back. */
export function swapIn(fresh: string, target: string, old = `${target}.old-${stamp()}`): void {
  let hadOld = false;
  try {
    renameSync(target, old);
    hadOld = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  crashPoint('old-moved');
  try {
    renameSync(fresh, target);
  } catch (e) {
    if (hadOld) renameSync(old, target);
    throw e;
  }
  crashPoint('new-moved');
  if (hadOld) rmSync(old, { recursive: true, force: true });
}

/**
 * Writes a folder through a fresh sibling that `fill` writes into, then swaps it in: a failure (or a crash,
 * see recover) leaves the previous folder as it was. `fill` gets the sibling's path.
 */
export async function writeFolderAtomically(dir: string, fill: (tmp: string) => void | Promise<void>): Promise<void> {
  const target = path.resolve(dir);
  recover(target);
  const s = stamp();
  const tmp = `${target}.tmp-${s}`;
  try {
    // A plain mkdir for the folder itself: a recursive one reports a read-only disk as ENOENT, not EROFS.
    mkdirSync(path.dirname(tmp), { recursive: true });
    mkdirSync(tmp);
    await fill(tmp);
    crashPoint('written');
    swapIn(tmp, target, `${target}.old-${s}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Writes `files` (relative path to content) as the whole of folder `dir`, atomically. */
export function writeFilesAtomically(dir: string, files: Record<string, string | Buffer>): Promise<void> {
  return writeFolderAtomically(dir, (tmp) => {
    for (const [name, body] of Object.entries(files)) {
      const file = path.join(tmp, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, body);
      crashPoint('writing');
    }
  });
}

/** Writes a file through a temporary sibling and a rename: readers never see half a file. */
export function writeFileAtomically(file: string, data: string | Buffer): void {
  const target = path.resolve(file);
  mkdirSync(path.dirname(target), { recursive: true });
  recover(target);
  const tmp = `${target}.tmp-${stamp()}`;
  try {
    writeFileSync(tmp, data);
    crashPoint('written');
    renameSync(tmp, target);
  } finally {
    rmSync(tmp, { force: true });
  }
}
