// The reconciliation service's routes: /reconcile (manifest, queries, extension), its suggest, preview and property services; CORS always, JSONP on GET.
import type { Context } from 'hono';
import { badRequest, HttpError } from '../http/errors.ts';
import { securityHeaders } from '../http/headers.ts';
import type { RouteModule } from '../http/route.ts';
import { buildCatalogue } from '../search/catalogue.ts';
import { readBody } from '../sparql/protocol.ts';
import { parseJson, RECONCILE_LIMITS, ReconcileService } from './service.ts';

/** The preview is made to be framed by the client (OpenRefine shows it in an iframe): no script, its own styles. */
export const PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '86400',
};

/** A JavaScript identifier path (a.b_c.$d), the only callback a JSONP answer will call. */
const CALLBACK = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;

/** The request's parameters: the query string, and a form body on POST (a JSON body is the `queries` batch). */
async function params(c: Context): Promise<URLSearchParams> {
  const out = new URLSearchParams(new URL(c.req.url).search);
  if (c.req.method !== 'POST') return out;
  const body = await readBody(c.req.raw, RECONCILE_LIMITS.bodyBytes);
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') {
    out.set('queries', body);
  } else if (type === 'application/x-www-form-urlencoded' || type === '' || type === 'multipart/form-data') {
    if (type === 'multipart/form-data') {
      throw new HttpError(415, 'send the queries form-encoded (application/x-www-form-urlencoded) or as JSON');
    }
    for (const [k, v] of new URLSearchParams(body)) out.set(k, v);
  } else {
    throw new HttpError(
      415,
      `unsupported content type ${type}; use application/x-www-form-urlencoded or application/json`,
    );
  }
  return out;
}

function json(c: Context, p: URLSearchParams, value: unknown, status = 200): Response {
  const callback = p.get('callback');
  const text = JSON.stringify(value);
  if (callback !== null && c.req.method === 'GET') {
    if (callback.length > 100 || !CALLBACK.test(callback)) {
      return json(
        c,
        new URLSearchParams(),
        { error: 'callback must be a JavaScript identifier (letters, digits, _ $ .)' },
        400,
      );
    }
    // The comment keeps a callback name from being read as the start of a file (the Rosetta Flash guard).
    return new Response(`/**/${callback}(${text});`, {
      status,
      headers: {
        'content-type': 'application/javascript; charset=utf-8',
        ...CORS,
        ...securityHeaders('application/javascript'),
      },
    });
  }
  return new Response(text, {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...CORS, ...securityHeaders('application/json') },
  });
}

/** Client errors as JSON with CORS (so that a browser client can read why), server errors to the app's handler. */
async function guarded(c: Context, handle: (p: URLSearchParams) => Promise<Response> | Response): Promise<Response> {
  let p = new URLSearchParams();
  try {
    p = await params(c);
    return await handle(p);
  } catch (e) {
    if (e instanceof HttpError && e.status < 500) return json(c, p, { error: e.message }, e.status);
    throw e;
  }
}

export const reconcileRoutes: RouteModule = (app, { graph, config }) => {
  // Built on first use: a server that is never asked to reconcile never builds the index.
  let service: ReconcileService | undefined;
  const svc = () => {
    service ??= new ReconcileService(buildCatalogue(graph.store, graph.base), config.publicBase);
    return service;
  };
  const cursorOf = (p: URLSearchParams) => {
    const n = Number(p.get('cursor') ?? '0');
    if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw badRequest('cursor must be a whole number');
    return n;
  };
  const both = (path: string, h: (c: Context) => Promise<Response>) => {
    app.get(path, h);
    app.post(path, h);
    app.options(path, () => new Response(null, { status: 204, headers: { ...CORS, ...securityHeaders('') } }));
  };

  both('/reconcile', (c) =>
    guarded(c, async (p) => {
      const queries = p.get('queries');
      const query = p.get('query');
      const extend = p.get('extend');
      if (queries !== null) return json(c, p, await svc().batch(parseJson(queries, 'queries')));
      if (extend !== null) return json(c, p, svc().extend(parseJson(extend, 'extend')));
      if (query !== null) {
        // 0.1's single query: a JSON object, or the text itself.
        const raw = /^\s*\{/.test(query) ? parseJson(query, 'query') : query;
        return json(c, p, { result: svc().answer(raw, 'query') });
      }
      return json(c, p, svc().manifest());
    }),
  );
  for (const what of ['entity', 'type', 'property'] as const) {
    both(`/reconcile/suggest/${what}`, (c) =>
      guarded(c, (p) =>
        json(c, p, svc().suggest(what, p.get('prefix') ?? '', cursorOf(p), p.get('type') ?? undefined)),
      ),
    );
  }
  both('/reconcile/propose_properties', (c) =>
    guarded(c, (p) => {
      const limit = Number(p.get('limit') ?? '50');
      if (!Number.isInteger(limit) || limit < 1) throw badRequest('limit must be a whole number above 0');
      return json(c, p, svc().propose(p.get('type') ?? undefined, Math.min(limit, 100)));
    }),
  );
  both('/reconcile/preview', (c) =>
    guarded(c, (p) => {
      const id = p.get('id') ?? '';
      const card = svc().preview(id);
      if (card === undefined)
        throw new HttpError(404, `no entity with the identifier ${JSON.stringify(id.slice(0, 200))}`);
      return new Response(card, {
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'access-control-allow-origin': '*',
          ...securityHeaders('text/html', PREVIEW_CSP),
        },
      });
    }),
  );
};
