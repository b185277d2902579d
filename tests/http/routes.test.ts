// The whole route table together: both modules answer, and Hono keeps its fast router.
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, ROUTES } from '../../src/app.ts';
import { realGraph, testConfig } from '../support/graph.ts';

describe('The app with every route module', () => {
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    app = createApp(await realGraph(), testConfig(), ROUTES);
  });

  it('answers the OpenAPI description, a stored query and a document', async () => {
    const openapi = await app.request('/api/openapi.json');
    expect(openapi.status).toBe(200);
    expect((await openapi.json()).openapi).toMatch(/^3\./);
    const csv = await app.request('/api/holders.csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await csv.text()).split('\r\n').filter(Boolean)).toHaveLength(15);
    expect((await app.request('/api/no-such-query')).status).toBe(404);
    expect((await app.request('/doc/person/liu-qi.ttl')).status).toBe(200);
  });

  it('keeps Hono on its RegExpRouter, which the documents benchmark depends on', async () => {
    await app.request('/');
    expect((app as unknown as { router: { name: string } }).router.name).toBe('SmartRouter + RegExpRouter');
  });
});
