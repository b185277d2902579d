#!/usr/bin/env node
// Entry point of the npcsc-kg command: runs the compiled CLI beside it (lib/), or the TypeScript sources through tsx.
import { existsSync } from 'node:fs';

// Compiled, this file sits in lib/bin/ beside lib/cli/main.js, and no TypeScript loader is loaded (nor installed, in a
// published package). In src/bin/ there is no cli/main.js: a development checkout runs the sources through tsx.
const compiled = new URL('../cli/main.js', import.meta.url);
let cli;
if (existsSync(compiled)) cli = await import(compiled.href);
else {
  (await import('tsx/esm/api')).register();
  cli = await import('../cli/main.ts');
}
process.exitCode = await cli.main(process.argv.slice(2));
