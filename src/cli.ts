import path from 'node:path';
import { parseArgs } from 'node:util';
import type * as RDF from '@rdfjs/types';
import { recover, reportRecovery, writeFilesAtomically } from './atomic.ts';
import { type Config, makeConfig, storeConfig } from './config.ts';
import { RuleError } from './rdf/derive.ts';
import { buildGraph, type Graph, loadGraph } from './rdf/graph.ts';
import { DataSyntaxError, EncodingError, InputFileError, readUtf8 } from './rdf/load.ts';
import { parseQueryFile, rebaseQuery } from './rdf/queries.ts';
import { RDF_EXTENSIONS, type RdfFormat, serialize } from './rdf/serialize.ts';
import { formatViolation, ValidationFailed } from './rdf/validate.ts';
import { QueryTimeout } from './sparql/engine.ts';
import { bindParams, ParamError } from './sparql/params.ts';
import { bindingsToTable, serializeBindings, serializeBoolean } from './sparql/results.ts';
import { openBackend, prepareStore } from './store/open.ts';

/** Exit codes: 0 success, 1 validation failed, 2 usage error, 3 input error (syntax, missing file), 4 other. */
export const EXIT = { ok: 0, invalid: 1, usage: 2, input: 3, failure: 4 } as const;

export class UsageError extends Error {}

type Out = { out: (s: string) => void; err: (s: string) => void };
const stdio: Out = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

const COMMON = {
  base: { type: 'string' },
  root: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function configFrom(values: { base?: string; root?: string; 'public-base'?: string }): Config {
  return makeConfig({
    ...(values.base ? { base: values.base } : {}),
    ...(values['public-base'] ? { publicBase: values['public-base'] } : {}),
    ...(values.root ? { root: path.resolve(values.root) } : {}),
  });
}

async function cmdBuild(args: string[], io: Out): Promise<number> {
  const { values } = parseArgs({ args, options: { ...COMMON, out: { type: 'string', default: 'dist' } } });
  const config = configFrom(values);
  const out = values.out ?? 'dist';
  // First, before anything can fail: what a crashed build left is put right (the previous build back in place).
  reportRecovery(recover(out), io);
  const graph = await buildGraph(config);
  const quads = graph.store.getQuads(null, null, null, null);
  const files: Record<string, string> = {};
  for (const format of ['turtle', 'ntriples', 'jsonld'] as RdfFormat[]) {
    files[`npcsc.${RDF_EXTENSIONS[format]}`] = await serialize(format, quads, {
      prefixes: graph.prefixes,
      context: graph.context,
      base: graph.base,
    });
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

async function cmdValidate(args: string[], io: Out): Promise<number> {
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

const QUERY_FORMATS = ['table', 'json', 'xml', 'csv', 'tsv', 'turtle', 'ntriples', 'jsonld'] as const;

async function cmdQuery(args: string[], io: Out): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...COMMON,
      expr: { type: 'string', short: 'e' },
      format: { type: 'string', short: 'f' },
      param: { type: 'string', short: 'p', multiple: true },
      store: { type: 'string' },
      endpoint: { type: 'string' },
      update: { type: 'string' },
      'graph-store': { type: 'string' },
      graph: { type: 'string' },
    },
  });
  const format = values.format ?? 'table';
  if (!QUERY_FORMATS.includes(format as never)) {
    throw new UsageError(`unknown --format ${format} (one of ${QUERY_FORMATS.join(', ')})`);
  }
  let text: string;
  if (values.expr !== undefined) text = values.expr;
  else if (positionals[0]) text = readUtf8(positionals[0]);
  else throw new UsageError('query needs a file (npcsc-kg query FILE.rq) or a text (-e "SELECT …")');
  const given: Record<string, string> = {};
  for (const p of values.param ?? []) {
    const eq = p.indexOf('=');
    if (eq < 1) throw new UsageError(`--param takes NAME=VALUE, got "${p}"`);
    given[p.slice(0, eq)] = p.slice(eq + 1);
  }

  let config = configFrom(values);
  try {
    config = { ...config, store: storeConfig(values, config.base, process.env) };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const graph = await loadGraph(config);
  // The project's queries name the canonical base; under --base they must read this graph's IRIs, as on /api.
  text = rebaseQuery(text, graph.base);
  const header = text.trimStart().startsWith('#') ? parseQueryFile(text, positionals[0] ?? '-e') : undefined;
  let bindings: Record<string, RDF.Term> = {};
  try {
    if (header) bindings = bindParams(header, given, graph.base);
    else if (Object.keys(given).length > 0)
      throw new UsageError('--param needs a query whose header declares parameters');
  } catch (e) {
    if (e instanceof ParamError) throw new UsageError(e.message);
    throw e;
  }
  await prepareStore(graph, config.store);
  const result = await openBackend(graph, config.store).run(text, {
    baseIRI: graph.base,
    timeoutMs: config.limits.timeoutMs,
    allowlist: config.serviceAllowlist,
    bindings,
  });
  if (result.type === 'bindings') {
    if (format === 'table') io.out(bindingsToTable(result.variables, result.rows, graph.prefixes));
    else if (format === 'json' || format === 'xml' || format === 'csv' || format === 'tsv') {
      io.out(serializeBindings(format, result.variables, result.rows));
    } else
      throw new UsageError(
        `--format ${format} is for CONSTRUCT and DESCRIBE; a SELECT gives table, json, xml, csv or tsv`,
      );
  } else if (result.type === 'boolean') {
    if (format === 'table') io.out(`${result.value}\n`);
    else if (format === 'json' || format === 'xml' || format === 'csv' || format === 'tsv') {
      io.out(serializeBoolean(format, result.value));
    } else throw new UsageError(`--format ${format} does not fit an ASK query`);
  } else {
    const rdfFormat: RdfFormat = format === 'ntriples' ? 'ntriples' : format === 'jsonld' ? 'jsonld' : 'turtle';
    io.out(
      await serialize(rdfFormat, result.quads, { prefixes: graph.prefixes, context: graph.context, base: graph.base }),
    );
  }
  return EXIT.ok;
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

async function cmdStats(args: string[], io: Out): Promise<number> {
  const { values } = parseArgs({ args, options: { ...COMMON, json: { type: 'boolean' } } });
  const stats = statsOf(await loadGraph(configFrom(values)));
  if (values.json) io.out(`${JSON.stringify(stats, null, 2)}\n`);
  else for (const [k, v] of Object.entries(stats)) io.out(`${k.padEnd(14)} ${v}\n`);
  return EXIT.ok;
}

const COMMANDS: Record<string, { run: (args: string[], io: Out) => Promise<number>; help: string }> = {
  build: { run: cmdBuild, help: 'build [--out dist] [--base IRI]   load, derive, validate; write dumps' },
  validate: { run: cmdValidate, help: 'validate [--json]                 report violations and warnings' },
  query: {
    run: cmdQuery,
    help: 'query FILE.rq | -e TEXT [--format table|json|xml|csv|tsv|turtle|ntriples|jsonld] [--store memory|oxigraph|comunica|sparql --endpoint URL]',
  },
  stats: { run: cmdStats, help: 'stats [--json]                    counts of the built graph' },
  serve: {
    run: async (args, io) => (await import('./server.ts')).serveCommand(args, io),
    help: 'serve [--port 3000] [--host 127.0.0.1] [--base IRI] [--public-base URL] [--store memory|oxigraph|comunica|sparql --endpoint URL [--update URL]]',
  },
  export: {
    run: async (args, io) => (await import('./export/site.ts')).exportCommand(args, io),
    help: 'export --out site/ [--public-base URL]   write the static site',
  },
  generate: {
    run: async (args, io) => (await import('./generate/command.ts')).generateCommand(args, io),
    help: 'generate --offices N --out DIR [--seed S] [--force]   write a larger synthetic graph of the same shape',
  },
  wikidata: {
    run: async (args, io) => (await import('./wikidata/cli.ts')).wikidataCommand(args, io),
    help: 'wikidata reconcile|accept|import|verify|export [options]   link to Wikidata (see README; `wikidata help` for each)',
  },
};

function usage(): string {
  return `usage: npcsc-kg <command> [options]\n\n${Object.values(COMMANDS)
    .map((c) => `  npcsc-kg ${c.help}`)
    .join('\n')}\n\nexit codes: 0 ok, 1 validation failed, 2 usage error, 3 input error, 4 other failure\n`;
}

/** Runs one command; returns the exit code. Every error becomes a message, never a stack trace. */
export async function main(argv: string[], io: Out = stdio): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`npcsc-kg: unknown command "${name}"\n${usage()}`);
    return EXIT.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`usage: npcsc-kg ${command.help}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(args, io);
  } catch (e) {
    const err = e as Error & { code?: string };
    if (
      e instanceof UsageError ||
      err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ||
      err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
    ) {
      io.err(`npcsc-kg ${name}: ${err.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof ValidationFailed) {
      io.err(`npcsc-kg ${name}: ${err.message}\nnothing was written.\n`);
      return EXIT.invalid;
    }
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
      // Node's own text ("ENOENT: no such file or directory, stat '…'") names the system call, not the problem.
      const missing = (err as { path?: string }).path;
      const shown =
        missing && !path.relative(process.cwd(), missing).startsWith('..')
          ? path.relative(process.cwd(), missing)
          : missing;
      io.err(`npcsc-kg ${name}: ${shown ? `${shown}: ` : ''}no such file or folder\n`);
      return EXIT.input;
    }
    // A rule or check that cannot run (a syntax error, a SERVICE, which the build never calls) is a broken input file.
    if (
      e instanceof DataSyntaxError ||
      e instanceof EncodingError ||
      e instanceof InputFileError ||
      e instanceof RuleError ||
      e instanceof QueryTimeout
    ) {
      io.err(`npcsc-kg ${name}: ${err.message}\n`);
      return EXIT.input;
    }
    if (/parse|syntax|Expected|Unexpected/i.test(err.message)) {
      io.err(`npcsc-kg ${name}: ${err.message}\n`);
      return EXIT.input;
    }
    io.err(`npcsc-kg ${name}: ${err.message}\n`);
    return EXIT.failure;
  }
}
