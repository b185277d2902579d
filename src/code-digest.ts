// The digest of a program's own code, by content and path: what a cache keyed on it needs so that it cannot outlive a change, a move or a compilation of that code.
import { createHash } from 'node:crypto';
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const CODE = /\.(ts|js|mjs|cjs)$/;

/** Every code file directly in `dir` (recursively with `deep`), as paths relative to `root`. */
function codeFiles(root: string, dir: string, deep: boolean): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(path.join(root, dir), { withFileTypes: true });
  } catch (e) {
    // A folder the running code does not have (yet) holds no code; anything else is a fault.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: string[] = [];
  for (const entry of entries) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory() && deep) out.push(...codeFiles(root, rel, deep));
    else if (entry.isFile() && CODE.test(entry.name)) out.push(rel);
  }
  return out;
}

/**
 * sha256 over the code under `root` that `folders` name: every .ts/.js file under each folder, at any depth, and
 * the files directly in `root` (the ground every folder imports: configuration, the outbound guard), each with its
 * path. Whatever the files are called and whether `root` holds the sources (src/) or the compiled code (lib/), any
 * change of a byte, a file added, removed or moved, changes the digest.
 */
export function codeDigest(root: string, folders: readonly string[]): string {
  const files = [...codeFiles(root, '', false), ...folders.flatMap((f) => codeFiles(root, f, true))];
  // One order on every machine: by path, compared as code units (not by locale), with '/' whatever the system.
  const named = [...new Set(files)].map((f) => ({ f, key: f.split(path.sep).join('/') }));
  named.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const h = createHash('sha256');
  for (const { f, key } of named) {
    const bytes = readFileSync(path.join(root, f));
    h.update(`${key}\0${bytes.length}\0`).update(bytes);
  }
  return h.digest('hex');
}
