// The stored queries as a web API (as grlc does for a folder of queries): GET /api/{name} with typed parameters bound as RDF terms, and its OpenAPI 3 description.

import path from 'node:path';
import type { Context } from 'hono';
import { clientAddress } from '../http/client.ts';
import { Variants } from '../http/compress.ts';
import { badRequest, notAcceptable, notFound } from '../http/errors.ts';
import { SECURITY_HEADERS } from '../http/headers.ts';
import type { AppContext } from '../http/route.ts';
import { FN } from '../rdf/ns.ts';
import type { ParamType, QueryFile } from '../rdf/queries.ts';
import { RDF_EXTENSIONS, RDF_MEDIA_TYPES } from '../rdf/serialize.ts';
import { etagOf } from './cache.ts';
import { CACHE_CONTROL, CORS_HEADERS, type Executor, respond, wantsFresh } from './execute.ts';
import { chooseFormat, type Format, isGraphForm, offersFor } from './formats.ts';
import { toWire } from './job.ts';
import { bindParams, ParamError } from './params.ts';
import { type Parsed, parseSparql, type QueryForm, SparqlSyntaxError } from './parse.ts';
import { RESULT_MEDIA_TYPES } from './results.ts';
import { readAnalysis, type StoredAnalysis, storedQueryFiles, writeAnalysis } from './stored-cache.ts';

export interface StoredQuery {
  file: QueryFile;
  form: QueryForm;
  /** Whether it calls the project's own functions, which only the API offers (not the public /sparql). */
  extensions: boolean;
  /** Where its WHERE group opens in the text (see Parsed), for the query page's example. */
  whereBody?: number;
}

/** A stored query that does not parse, or is an update: the server does not start (the message names the file). */
export class StoredQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoredQueryError';
  }
}

/**
 * Every queries/*.rq (not below), its BASE declaration set to this deployment's base (rebaseQuery): each must
 * parse, or the server does not start. What the parse finds is kept (src/sparql/stored-cache.ts): the same texts
 * under the same code are not parsed again, so a start builds no parser for them; a changed text is.
 */
export function loadStoredQueries(root: string, base: string): StoredQuery[] {
  const { files, cacheFile } = storedQueryFiles(root, base);
  const kept = readAnalysis(files, cacheFile);
  if (kept) return files.map((file, i) => ({ file, ...(kept[i] as StoredAnalysis) }));
  const analysis = files.map((file): StoredAnalysis => {
    const shown = path.relative(root, file.file);
    let parsed: Parsed;
    try {
      parsed = parseSparql(file.text, base);
    } catch (e) {
      // The parser's message says where in the text; this says which text.
      if (e instanceof SparqlSyntaxError) throw new StoredQueryError(`${shown}: ${e.message}`);
      throw e;
    }
    if (parsed.kind !== 'query') throw new StoredQueryError(`${shown}: a stored query cannot be an update`);
    return {
      form: parsed.form,
      extensions: parsed.functions.some((f) => f.startsWith(FN)),
      ...(parsed.whereBody === undefined ? {} : { whereBody: parsed.whereBody }),
    };
  });
  writeAnalysis(files, analysis, cacheFile);
  return files.map((file, i) => ({ file, ...(analysis[i] as StoredAnalysis) }));
}

/** A file extension that picks the format, for links and downloads: /api/holders.csv. */
const BY_EXTENSION: Record<string, { format: Format; mediaType: string }> = {
  json: { format: 'json', mediaType: RESULT_MEDIA_TYPES.json },
  xml: { format: 'xml', mediaType: RESULT_MEDIA_TYPES.xml },
  csv: { format: 'csv', mediaType: RESULT_MEDIA_TYPES.csv },
  tsv: { format: 'tsv', mediaType: RESULT_MEDIA_TYPES.tsv },
  ...Object.fromEntries(
    (Object.keys(RDF_EXTENSIONS) as (keyof typeof RDF_EXTENSIONS)[]).map((f) => [
      RDF_EXTENSIONS[f],
      { format: f, mediaType: RDF_MEDIA_TYPES[f] },
    ]),
  ),
};

export function storedQueryHandler(ctx: AppContext, exec: Executor, stored: readonly StoredQuery[]) {
  const byName = new Map(stored.map((s) => [s.file.name, s]));
  return async (c: Context): Promise<Response> => {
    const req = c.req.raw;
    const [name = '', ext] = c.req.path.slice('/api/'.length).split(/\.(?=[a-z]+$)/);
    const query = byName.get(name);
    if (!query) throw notFound(`no stored query named ${name}; see /api/openapi.json`);
    const graphForm = isGraphForm(query.form);

    let format: Format;
    let contentType: string;
    if (ext !== undefined) {
      const byExt = BY_EXTENSION[ext];
      if (!byExt || byExt.format in RDF_EXTENSIONS !== graphForm) {
        throw notFound(`${name} has no .${ext} form; ask with an Accept header or see /api/openapi.json`);
      }
      format = byExt.format;
      contentType = `${byExt.mediaType}; charset=utf-8`;
    } else {
      const chosen = chooseFormat(query.form, req.headers.get('accept'));
      if (!chosen) throw notAcceptable(offersFor(query.form));
      ({ format, contentType } = chosen);
    }

    const url = new URL(req.url);
    const given: Record<string, string> = {};
    for (const [k, v] of url.searchParams) {
      if (k in given) throw badRequest(`parameter ${k}: given more than once`);
      given[k] = v;
    }
    let terms: ReturnType<typeof bindParams>;
    try {
      terms = bindParams(query.file, given, ctx.graph.base);
    } catch (e) {
      if (e instanceof ParamError) throw badRequest(e.message);
      throw e;
    }
    const bindings = Object.fromEntries(Object.entries(terms).map(([k, t]) => [k, toWire(t)]));
    const answer = await exec.run(
      {
        key: `api\u0000${name}\u0000${JSON.stringify(bindings)}\u0000${format}`,
        contentType,
        client: clientAddress(c, ctx.config.trustedProxies),
        job: {
          ...exec.jobDefaults(),
          query: query.file.text,
          form: query.form,
          format,
          extensions: true,
          bindings,
        },
      },
      wantsFresh(c),
    );
    return respond(answer, c);
  };
}

function paramSchema(type: ParamType): Record<string, unknown> {
  switch (type) {
    case 'xsd:date':
      return { type: 'string', format: 'date' };
    case 'xsd:gYear':
      return { type: 'string', pattern: '^[0-9]{4}$' };
    case 'xsd:integer':
      return { type: 'integer' };
    case 'xsd:string':
      return { type: 'string', maxLength: 1000 };
    case 'iri':
      return { type: 'string', format: 'iri-reference' };
  }
}

/** The OpenAPI 3 description of /api (and of /sparql itself), built once from the query headers. */
export function openApi(ctx: AppContext, stored: readonly StoredQuery[]): object {
  const { config, graph } = ctx;
  const error = (description: string) => ({ description, content: { 'text/plain': { schema: { type: 'string' } } } });
  const errors = {
    '400': error('A parameter is missing or not of its type; the message says which.'),
    '406': error('None of the formats the Accept header names is offered.'),
    '502': error('A SERVICE endpoint the query calls, or the remote SPARQL store, failed.'),
    '504': error('The remote SPARQL store did not answer within the time limit.'),
    '503': error('The query ran past its time limit, or the endpoint is at its limit of queries (see Retry-After).'),
  };
  const paths: Record<string, unknown> = {};
  for (const { file, form } of stored) {
    const content = Object.fromEntries(offersFor(form).map((m) => [m, {}]));
    paths[`/api/${file.name}`] = {
      get: {
        operationId: file.name.replace(/-(\w)/g, (_, ch: string) => ch.toUpperCase()),
        summary: file.title,
        description: `${file.description} (queries/${file.name}.rq)`,
        tags: ['stored queries'],
        parameters: file.params.map((p) => ({
          name: p.name,
          in: 'query',
          required: p.required,
          description: p.description || `bound to ?${p.name} as ${p.type}`,
          schema: { ...paramSchema(p.type), ...(p.default !== undefined ? { default: p.default } : {}) },
        })),
        responses: {
          '200': {
            description: `${form === 'select' ? 'The rows' : form === 'ask' ? 'The answer' : 'The triples'}, in the format the Accept header (or a .${form === 'select' ? 'csv' : 'ttl'}-style extension on the path) asks for. At most ${config.limits.resultRows} rows; a cut result carries the Results-Truncated header.`,
            headers: {
              ETag: { schema: { type: 'string' } },
              'Results-Truncated': { schema: { type: 'string', enum: ['true'] } },
            },
            content,
          },
          ...errors,
        },
      },
    };
  }
  paths['/sparql'] = {
    get: {
      operationId: 'sparqlQuery',
      summary: 'SPARQL 1.1 Protocol query operation',
      description:
        'Any read-only SPARQL 1.1 query (POST with application/sparql-query or a form works too). Without a query: the service description.',
      tags: ['SPARQL'],
      parameters: [
        { name: 'query', in: 'query', required: false, schema: { type: 'string' } },
        {
          name: 'default-graph-uri',
          in: 'query',
          required: false,
          schema: { type: 'array', items: { type: 'string' } },
        },
        { name: 'named-graph-uri', in: 'query', required: false, schema: { type: 'array', items: { type: 'string' } } },
      ],
      responses: {
        '200': {
          description: 'Results, negotiated by Accept.',
          content: Object.fromEntries([...offersFor('select'), ...offersFor('construct')].map((m) => [m, {}])),
        },
        ...errors,
      },
    },
  };
  return {
    openapi: '3.0.3',
    info: {
      title: 'npcsc-kg stored queries',
      version: graph.hash.slice(0, 12),
      description:
        'Each example query of the knowledge graph of the Secretary-General of the NPC Standing Committee as a GET operation. Parameters are bound as typed RDF terms, never pasted into the query text.',
    },
    servers: [{ url: config.publicBase.replace(/\/$/, '') }],
    paths,
  };
}

/** Serves /api/openapi.json from one serialization, with ETag, compressed (once per coding) when accepted. */
export function openApiHandler(ctx: AppContext, stored: readonly StoredQuery[]) {
  const body = `${JSON.stringify(openApi(ctx, stored), null, 2)}\n`;
  const etag = etagOf(ctx.graph.hash, body);
  const variants = new Variants(
    body,
    {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': CACHE_CONTROL,
      ...CORS_HEADERS,
      ...SECURITY_HEADERS,
    },
    etag,
  );
  return (c: Context): Response => {
    return variants.respond(c.req.header('accept-encoding'), c.req.header('if-none-match'));
  };
}
