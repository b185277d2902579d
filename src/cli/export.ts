// `export`: the static site written to a folder, atomically, with progress on a terminal.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { recover, reportRecovery } from '../atomic.ts';
import { loadGraph } from '../build/cache.ts';
import { makeConfig } from '../config.ts';
import { type ExportResult, exportSite } from '../export/site.ts';
import type { Out } from './io.ts';

/** `npcsc-kg export --out site/ [--public-base URL] [--base IRI] [--sparql URL] [--search URL] [--root DIR]` */
export async function exportCommand(args: string[], io: Out): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      out: { type: 'string', default: 'site' },
      'public-base': { type: 'string' },
      base: { type: 'string' },
      root: { type: 'string' },
      sparql: { type: 'string' },
      search: { type: 'string' },
    },
  });
  const config = makeConfig({
    ...(values.base ? { base: values.base } : {}),
    ...(values['public-base'] ? { publicBase: values['public-base'] } : {}),
    ...(values.root ? { root: path.resolve(values.root) } : {}),
  });
  const out = values.out ?? 'site';
  // First, before anything can fail: what a crashed export left is put right (the previous export back in place).
  reportRecovery(recover(out), io);
  const started = performance.now();
  const graph = await loadGraph(config);
  const built = performance.now();
  const tty = process.stderr.isTTY === true;
  let shown = -1;
  const hadExport = existsSync(out);
  let result: ExportResult;
  try {
    result = await exportSite(graph, config, out, {
      sparqlEndpoint: values.sparql,
      search: values.search,
      ...(tty
        ? {
            onProgress: (done: number, total: number) => {
              const pct = Math.floor((done / total) * 100);
              if (pct === shown && done !== total) return;
              shown = pct;
              io.err(`\rexporting ${done}/${total} files (${pct}%)${done === total ? '\n' : ''}`);
            },
          }
        : {}),
    });
  } catch (e) {
    // A disk that is full or read-only: say where, and that the folder there is as it was (the export is atomic).
    const code = (e as NodeJS.ErrnoException).code;
    if (!code || !/^E[A-Z]+$/.test(code)) throw e;
    if (tty && shown >= 0) io.err('\n');
    throw new Error(
      `could not write the export to ${out}: ${(e as Error).message}; ${hadExport ? `the previous export in ${out} is unchanged` : 'nothing was written'}`,
    );
  }
  io.out(
    `exported ${result.files} files (${(result.bytes / 1e6).toFixed(1)} MB) to ${values.out} for ${config.publicBase} ` +
      `in ${((performance.now() - started) / 1000).toFixed(1)} s (graph ${((built - started) / 1000).toFixed(1)} s, ` +
      `site ${(result.ms / 1000).toFixed(1)} s)\n`,
  );
  return 0;
}
