// `kill -9` of build and export at every step of the atomic swap (injected, not raced): the next run finds the previous output in place, or puts it back, and no temporary folder is left.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CrashPoint } from '../../src/atomic.ts';
import { PROJECT_ROOT } from '../../src/config.ts';
import { copyOfInputs } from './support.ts';

const BIN = path.join(PROJECT_ROOT, 'src', 'bin', 'npcsc-kg.js');
const work = mkdtempSync(path.join(tmpdir(), 'npcsc-crash-'));
// A root whose data does not parse: a run over it stops before it writes anything, after its recovery.
const broken = copyOfInputs();
broken.edit('data/people.ttl', (s) => `${s}\nperson:broken rdfs:label "never closed ;\n`);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  broken.remove();
});

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [BIN, ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NPCSC_KG_CRASH_AT: '', ...env },
    timeout: 120_000,
  });

/** A previous output that no run writes: whether it is still (or again) there is beyond doubt. */
function previous(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'previous.txt'), 'the previous output\n');
}
const isPrevious = (dir: string) =>
  existsSync(path.join(dir, 'previous.txt')) &&
  readFileSync(path.join(dir, 'previous.txt'), 'utf8') === 'the previous output\n';
const litter = (dir: string) => readdirSync(path.dirname(dir)).filter((f) => f.startsWith(`${path.basename(dir)}.`));

const POINTS: CrashPoint[] = ['writing', 'written', 'old-moved', 'new-moved'];
const COMMANDS: [string, string][] = [
  ['build', 'npcsc.ttl'],
  ['export', 'index.html'],
];

describe.each(COMMANDS)('npcsc-kg %s killed with SIGKILL', (command, newFile) => {
  it.each(POINTS)(
    'at "%s": the next run finds the previous output (or the complete new one), and no litter',
    (point) => {
      const out = path.join(work, `${command}-${point}`, 'out');
      previous(out);
      const crashed = run([command, '--out', out], { NPCSC_KG_CRASH_AT: point });
      expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
      // What the crash left, before any recovery: between the two renames, no output at all (the case of issue 15).
      if (point === 'old-moved') expect(existsSync(out)).toBe(false);
      expect(litter(out).length).toBeGreaterThan(0);

      // The next run fails (its data does not parse), but puts right what the crash left before anything else.
      const next = run([command, '--out', out, '--root', broken.root]);
      expect(next.status).toBe(3);
      if (point === 'new-moved') {
        // The crash came after the new output was in place: that one stays, complete.
        expect(existsSync(path.join(out, newFile))).toBe(true);
        expect(isPrevious(out)).toBe(false);
      } else {
        expect(isPrevious(out)).toBe(true);
        expect(readdirSync(out)).toEqual(['previous.txt']);
      }
      expect(litter(out)).toEqual([]);
      expect(next.stderr).toMatch(/left by a crashed run/);

      // And a run that succeeds replaces it, leaving nothing beside it.
      const ok = run([command, '--out', out]);
      expect(ok.status, ok.stderr).toBe(0);
      expect(existsSync(path.join(out, newFile))).toBe(true);
      expect(litter(out)).toEqual([]);
    },
    240_000,
  );
});

describe('The temporary folder of a writer that is still running', () => {
  it('should be left alone by another writer’s recovery', async () => {
    const { recover } = await import('../../src/atomic.ts');
    const out = path.join(work, 'live', 'out');
    previous(out);
    // This process is alive: its names are not litter, whatever another writer thinks.
    const mine = `${out}.tmp-${process.pid}-${Date.now()}`;
    mkdirSync(mine);
    // A process that has ended: its pid is free.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const dead = `${out}.tmp-${gone.stdout}-${Date.now()}`;
    mkdirSync(dead);
    expect(recover(out)).toEqual({ restored: undefined, removed: [dead] });
    expect(existsSync(mine)).toBe(true);
    rmSync(mine, { recursive: true });
  });
});
