// `generate`: a larger synthetic graph of the project's shape written to a folder (for scale tests and the bench).
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generate } from '../generate/command.ts';
import { type Out, UsageError } from './io.ts';

export async function generateCommand(args: string[], io: Out): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      offices: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string', default: '1' },
      force: { type: 'boolean' },
    },
  });
  const offices = Number(values.offices);
  const seed = Number(values.seed);
  if (!Number.isInteger(offices) || offices < 0) throw new UsageError('--offices takes a whole number, e.g. 840');
  if (!Number.isInteger(seed)) throw new UsageError('--seed takes an integer');
  if (!values.out) throw new UsageError('--out DIR is required');
  const out = path.resolve(values.out);
  if (existsSync(out) && readdirSync(out).length > 0) {
    if (!values.force)
      throw new UsageError(`${values.out} is not empty (add --force to replace its data/, ontology/ and queries/)`);
    for (const dir of ['data', 'ontology', 'queries']) rmSync(path.join(out, dir), { recursive: true, force: true });
  }
  const tty = process.stderr.isTTY === true;
  let shown = -1;
  const started = performance.now();
  const report = generate({
    offices,
    out,
    seed,
    progress: tty
      ? (done, total) => {
          const pct = Math.floor((100 * done) / Math.max(total, 1));
          if (pct === shown) return;
          shown = pct;
          process.stderr.write(`\rgenerating: ${done}/${total} offices (${pct}%)`);
        }
      : undefined,
  });
  if (tty) process.stderr.write('\n');
  io.out(
    `wrote ${report.offices} synthetic offices (${(report.bytes / 1e6).toFixed(1)} MB of Turtle in ${report.files.length} files) ` +
      `and copies of ontology/, queries/ and data/ to ${values.out}/ in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      `next: npcsc-kg build --root ${values.out}\n`,
  );
  return 0;
}
