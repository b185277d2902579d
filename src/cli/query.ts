// `query`: one SPARQL query over the built graph (or the configured store), printed as a table or in a result format.
import { parseArgs } from 'node:util';
import type * as RDF from '@rdfjs/types';
import { loadGraph } from '../build/cache.ts';
import { storeConfig } from '../config.ts';
import { readUtf8 } from '../rdf/load.ts';
import { parseQueryFile, rebaseQuery } from '../rdf/queries.ts';
import { type RdfFormat, serialize } from '../rdf/serialize.ts';
import { bindParams, ParamError } from '../sparql/params.ts';
import { serializeBindings, serializeBoolean } from '../sparql/results.ts';
import { openBackend, prepareStore } from '../store/open.ts';
import { COMMON, configFrom, EXIT, type Out, UsageError } from './io.ts';
import { bindingsToTable } from './table.ts';

const QUERY_FORMATS = ['table', 'json', 'xml', 'csv', 'tsv', 'turtle', 'ntriples', 'jsonld'] as const;

export async function cmdQuery(args: string[], io: Out): Promise<number> {
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
