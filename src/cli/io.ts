// The commands' shared plumbing: exit codes, usage errors, the output streams, the common flags and the Config they give.
import path from 'node:path';
import { type Config, makeConfig } from '../config.ts';

/** Exit codes: 0 success, 1 validation failed, 2 usage error, 3 input error (syntax, missing file), 4 other. */
export const EXIT = { ok: 0, invalid: 1, usage: 2, input: 3, failure: 4 } as const;

export class UsageError extends Error {}

export type Out = { out: (s: string) => void; err: (s: string) => void };
export const stdio: Out = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

export const COMMON = {
  base: { type: 'string' },
  root: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function configFrom(values: { base?: string; root?: string; 'public-base'?: string }): Config {
  return makeConfig({
    ...(values.base ? { base: values.base } : {}),
    ...(values['public-base'] ? { publicBase: values['public-base'] } : {}),
    ...(values.root ? { root: path.resolve(values.root) } : {}),
  });
}
