// Search in process: /search?q= over every label of people, offices, bodies and NPC terms, as HTML and JSON; the search box on the pages.
import type { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, ROUTES } from '../../src/app.ts';
import { realGraph, testConfig } from '../support/graph.ts';

const ORIGIN = 'http://127.0.0.1:8080';
let app: Hono;

beforeAll(async () => {
  app = createApp(await realGraph(), testConfig({ publicBase: `${ORIGIN}/` }), ROUTES);
});

interface Answer {
  query: string;
  total: number;
  results: { id: string; iri: string; url: string; kind: string; name: string; nameZh?: string }[];
  near: { id: string }[];
}

async function json(q: string, extra = ''): Promise<Answer> {
  const res = await app.request(`${ORIGIN}/search?format=json&q=${encodeURIComponent(q)}${extra}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as Answer;
}

const ids = (a: Answer) => a.results.map((r) => r.id);

describe('Search', () => {
  it('should list Peng Zhen and Peng Chong for 彭 and for peng', async () => {
    for (const q of ['彭', 'peng', 'Peng', 'PENG']) {
      expect(ids(await json(q)), q).toEqual(expect.arrayContaining(['person/peng-zhen', 'person/peng-chong']));
    }
    expect(ids(await json('彭')).sort()).toEqual(['person/peng-chong', 'person/peng-zhen']);
  });

  it('should list the office for Secretary, and the bodies and NPC terms by their names in either language', async () => {
    expect(ids(await json('Secretary'))).toContain('office/secretary-general');
    expect(ids(await json('秘书长'))).toContain('office/secretary-general');
    expect(ids(await json('Council of Chairpersons'))[0]).toBe('org/council-of-chairpersons');
    expect(ids(await json('第七届'))).toEqual(['npc-term/7']);
    expect(ids(await json('7th National'))).toEqual(['npc-term/7']);
  });

  it('should find a name written without spaces, with tone marks, or in a full name’s order', async () => {
    expect(ids(await json('pengzhen'))).toEqual(['person/peng-zhen']);
    expect(ids(await json('Péng Zhēn'))).toEqual(['person/peng-zhen']);
    expect(ids(await json('彭 真'))).toEqual(['person/peng-zhen']);
  });

  it('should link each result to its page in the asked language', async () => {
    const en = await json('Peng Zhen');
    expect(en.results[0]).toMatchObject({
      id: 'person/peng-zhen',
      iri: 'https://w3id.org/npcsc/id/person/peng-zhen',
      url: `${ORIGIN}/doc/person/peng-zhen.html`,
      name: 'Peng Zhen',
      nameZh: '彭真',
    });
    const zh = await json('Peng Zhen', '&lang=zh-Hans');
    expect(zh.results[0]?.url).toBe(`${ORIGIN}/doc/person/peng-zhen.zh-Hans.html`);
  });

  it('should say when nothing matches, and offer the nearest names', async () => {
    const miss = await json('Peng Zen');
    expect(miss.results).toEqual([]);
    expect(miss.near.map((n) => n.id)[0]).toBe('person/peng-zhen');
    const page = await (await app.request(`${ORIGIN}/search?q=${encodeURIComponent('Peng Zen')}`)).text();
    expect(page).toContain('Nothing in the dataset is named \u201cPeng Zen\u201d.');
    expect(page).toContain('Near matches:');
    expect(page).toContain(`href="${ORIGIN}/doc/person/peng-zhen.html"`);
    const zh = await (await app.request(`${ORIGIN}/search?lang=zh-Hans&q=${encodeURIComponent('周恩来')}`)).text();
    expect(zh).toContain('数据集中没有名为\u201c周恩来\u201d的事物。');
  });

  it('should answer JSON to Accept: application/json and HTML to a browser, 406 to neither', async () => {
    const byAccept = await app.request(`${ORIGIN}/search?q=peng`, { headers: { accept: 'application/json' } });
    expect(byAccept.headers.get('content-type')).toMatch(/^application\/json/);
    const browser = await app.request(`${ORIGIN}/search?q=peng`, {
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    });
    expect(browser.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await browser.text();
    expect(body).toContain('<ol class="search-results">');
    expect(body).toContain('value="peng"');
    const png = await app.request(`${ORIGIN}/search?q=peng`, { headers: { accept: 'image/png' } });
    expect(png.status).toBe(406);
  });

  it('should escape the query in the page and refuse one past the length limit', async () => {
    const page = await (await app.request(`${ORIGIN}/search?q=${encodeURIComponent('<script>x</script>')}`)).text();
    expect(page).not.toContain('<script>x');
    expect(page).toContain('&lt;script&gt;x');
    const long = await app.request(`${ORIGIN}/search?format=json&q=${'a'.repeat(201)}`);
    expect(long.status).toBe(400);
    expect(await long.text()).toMatch(/longer than 200/);
    const longPage = await app.request(`${ORIGIN}/search?q=${'a'.repeat(201)}`);
    expect(longPage.status).toBe(400);
    expect(longPage.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('The search box', () => {
  it('should be on every page, in the page’s language', async () => {
    for (const [url, lang] of [
      ['/', undefined],
      ['/index.zh-Hans.html', 'zh-Hans'],
      ['/doc/person/peng-zhen.html', undefined],
      ['/doc/office/secretary-general.zh-Hans.html', 'zh-Hans'],
      ['/ontology.html', undefined],
    ] as const) {
      const page = await (await app.request(`${ORIGIN}${url}`, { headers: { accept: 'text/html' } })).text();
      expect(page, url).toContain(`<form class="search" role="search" action="${ORIGIN}/search" method="get">`);
      if (lang) {
        expect(page, url).toContain(`<input type="hidden" name="lang" value="${lang}">`);
        expect(page, url).toContain('aria-label="搜索"');
      } else expect(page, url).toContain('aria-label="Search"');
    }
  });
});
