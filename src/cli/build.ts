// `build`, `validate` and `stats`: the graph built from the repository, its dumps written, its report and counts.
import { parseArgs } from 'node:util';
import { recover, reportRecovery, writeFilesAtomically } from '../atomic.ts';
import { loadGraph } from '../build/cache.ts';
import { buildGraph } from '../build/pipeline.ts';
import { dumpBody } from '../publish/dumps.ts';
import { formatViolation, type Graph, ValidationFailed } from '../rdf/graph.ts';
import { COMMON, configFrom, EXIT, type Out } from './io.ts';

export async function cmdBuild(args: string[], io: Out): Promise<number> {
  const { values } = parseArgs({ args, options: { ...COMMON, out: { type: 'string', default: 'dist' } } });
  const config = configFrom(values);
  const out = values.out ?? 'dist';
  // First, before anything can fail: what a crashed build left is put right (the previous build back in place).
  reportRecovery(recover(out), io);
  const graph = await buildGraph(config);
  // The same bytes as the server's /dump.* and the export's dump files: one writer (src/publish/dumps.ts).
  const files: Record<string, string> = {};
  for (const name of ['dump.ttl', 'dump.nt', 'dump.jsonld'] as const) {
    files[name.replace('dump.', 'npcsc.')] = await dumpBody(graph, name);
  }
  files['build.json'] =
    `${JSON.stringify({ hash: graph.hash, counts: graph.counts, warnings: graph.warnings.length }, null, 2)}\n`;
  await writeFilesAtomically(out, files);
  for (const w of graph.warnings) io.err(`${formatViolation(w)}\n`);
  io.out(
    `built ${graph.counts.total} triples (${graph.counts.asserted} asserted, ${graph.counts.derived} derived), ` +
      `${graph.warnings.length} warning(s); wrote ${Object.keys(files).length} files to ${out}/\n`,
  );
  return EXIT.ok;
}

export async function cmdValidate(args: string[], io: Out): Promise<number> {
  const { values } = parseArgs({ args, options: { ...COMMON, json: { type: 'boolean' } } });
  try {
    const graph = await buildGraph(configFrom(values));
    if (values.json) io.out(`${JSON.stringify({ conforms: true, results: graph.warnings }, null, 2)}\n`);
    else {
      for (const w of graph.warnings) io.out(`${formatViolation(w)}\n`);
      io.out(`valid: ${graph.counts.total} triples, 0 violations, ${graph.warnings.length} warning(s)\n`);
    }
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof ValidationFailed) || !values.json) throw e;
    io.out(`${JSON.stringify({ conforms: false, results: e.violations }, null, 2)}\n`);
    return EXIT.invalid;
  }
}

export function statsOf(graph: Graph): Record<string, number | string> {
  const count = (p: string, o: string) => graph.store.countQuads(null, p, o, null);
  const type = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
  const npcsc = graph.prefixes.npcsc ?? '';
  return {
    triples: graph.counts.total,
    asserted: graph.counts.asserted,
    derived: graph.counts.derived,
    subjects: graph.store.getSubjects(null, null, null).length,
    predicates: graph.store.getPredicates(null, null, null).length,
    offices: count(type, `${npcsc}Office`),
    tenures: count(type, `${npcsc}Tenure`),
    people: count(type, 'https://schema.org/Person'),
    npcTerms: count(type, `${npcsc}NPCTerm`),
    conflictNotes: count(type, `${npcsc}ConflictNote`),
    sources: graph.store.getObjects(null, 'http://purl.org/dc/terms/source', null).length,
    warnings: graph.warnings.length,
    hash: graph.hash,
  };
}

export async function cmdStats(args: string[], io: Out): Promise<number> {
  const { values } = parseArgs({ args, options: { ...COMMON, json: { type: 'boolean' } } });
  const stats = statsOf(await loadGraph(configFrom(values)));
  if (values.json) io.out(`${JSON.stringify(stats, null, 2)}\n`);
  else for (const [k, v] of Object.entries(stats)) io.out(`${k.padEnd(14)} ${v}\n`);
  return EXIT.ok;
}
