// Replaces a folder in one step, so that a failed build or export leaves the previous one as it was.
import { renameSync, rmSync } from 'node:fs';

/** Replaces `target` by `fresh` with two renames; if the second fails, the previous folder is put back. */
export function swapIn(fresh: string, target: string, old = `${target}.old-${process.pid}-${Date.now()}`): void {
  let hadOld = false;
  try {
    renameSync(target, old);
    hadOld = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  try {
    renameSync(fresh, target);
  } catch (e) {
    if (hadOld) renameSync(old, target);
    throw e;
  }
  if (hadOld) rmSync(old, { recursive: true, force: true });
}
