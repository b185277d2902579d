// The Nu HTML checker (npm vnu-jar, run by Debian's Java) over every page of the sitemap in both languages: 0 errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionalPackage, type Site, sitemapPages, startSite } from '../support/site.ts';

const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
const javaReason = java.status === 0 ? undefined : 'java is not installed (apt-get install default-jre-headless)';
const vnu = await optionalPackage<{ default: string }>('vnu-jar');
const reason = javaReason ?? ('reason' in vnu ? vnu.reason : undefined);
const jar = 'module' in vnu ? String(vnu.module.default) : '';

interface Message {
  type: string;
  subType?: string;
  url: string;
  lastLine?: number;
  message: string;
  extract?: string;
}

let site: Site;
let dir: string;

beforeAll(async () => {
  if (reason) return;
  site = await startSite();
  dir = mkdtempSync(path.join(tmpdir(), 'npcsc-vnu-'));
}, 120_000);

afterAll(async () => {
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!!reason)(`The Nu HTML checker${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('finds no error on any page of the sitemap, in either language', async () => {
    const pages = await sitemapPages(site.base);
    expect(pages.length).toBeGreaterThan(100);
    const files: string[] = [];
    for (const [i, url] of pages.entries()) {
      const res = await fetch(url, { headers: { accept: 'text/html' } });
      expect(res.status, url).toBe(200);
      const file = path.join(dir, `${i}-${new URL(url).pathname.replace(/[^\w.-]+/g, '_')}.html`);
      writeFileSync(file, await res.text());
      files.push(file);
    }
    // One run for all pages: the checker's start-up (a JVM) is most of its time.
    const run = spawnSync('java', ['-jar', jar, '--errors-only', '--format', 'json', ...files], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(run.error).toBeUndefined();
    const messages = (JSON.parse(run.stderr || run.stdout) as { messages: Message[] }).messages;
    const errors = messages
      .filter((m) => m.type === 'error' || m.subType === 'fatal')
      .map((m) => `${path.basename(decodeURIComponent(m.url))}:${m.lastLine ?? '?'}: ${m.message}`);
    expect(errors).toEqual([]);
  }, 300_000);
});
