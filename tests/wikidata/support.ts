// Helpers for the Wikidata tests: captured output, a temporary working folder, and the command's common options.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Deps, wikidataCommand } from '../../src/cli/wikidata.ts';
import { makeConfig } from '../../src/config.ts';
import { MARKER } from '../../src/wikidata/linkset.ts';
import { FIXTURES, type StandIn } from './standin.ts';

export const SHIPPED_LINKSET = path.join(makeConfig().root, 'data', 'links', 'wikidata.ttl');
export const FIXTURE_LINKSET = path.join(FIXTURES, 'linkset.ttl');
export const NOW = new Date('2025-01-02T03:04:05Z');

/**
 * The shipped linkset's declarations without its links: where reconciliation against the stand-in (whose
 * items are invented) starts from nothing. Written once per test worker, into a folder of its own.
 */
export const EMPTY_LINKSET = (() => {
  const text = readFileSync(SHIPPED_LINKSET, 'utf8');
  const at = text.indexOf(MARKER);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'npcsc-empty-linkset-')), 'wikidata.ttl');
  writeFileSync(file, `${(at >= 0 ? text.slice(0, at) : text).trimEnd()}\n\n${MARKER}\n`);
  return file;
})();

export interface Run {
  code: number;
  out: string;
  err: string;
}

/** A temporary folder holding a copy of a linkset (the empty one by default): tests never write into data/. */
export function workdir(linkset = EMPTY_LINKSET): {
  dir: string;
  linkset: string;
  files(): string[];
  remove(): void;
} {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'npcsc-wikidata-'));
  const file = path.join(dir, 'wikidata.ttl');
  copyFileSync(linkset, file);
  return {
    dir,
    linkset: file,
    files: () => readdirSync(dir).sort(),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export const read = (file: string): string => readFileSync(file, 'utf8');

/** Options that point the command at the stand-in, without pauses between requests. */
export const endpoints = (s: StandIn, extra: string[] = []): string[] => [
  '--api',
  s.api,
  '--endpoint',
  s.sparql,
  '--pace',
  '0',
  ...extra,
];

export async function run(args: string[], deps: Deps): Promise<Run> {
  let out = '';
  let err = '';
  const code = await wikidataCommand(
    args,
    { out: (s) => (out += s), err: (s) => (err += s) },
    { now: () => NOW, progress: false, ...deps },
  );
  return { code, out, err };
}
