// Records the modules a Node process loads, for tests/cli/package.test.ts: `--import` this file with NPCSC_RECORD_MODULES=FILE.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

// Plain JavaScript, not TypeScript: it runs inside the compiled program, which must load no TypeScript loader.
// Each line is "PID URL", appended as the module is resolved, so a process killed with SIGKILL (a query runner at
// shutdown) has still said what it loaded, and the processes of one run (npm, the server, its runners) share a file.
const file = process.env.NPCSC_RECORD_MODULES;

/** Hooks thread: every specifier an `import` resolves, as its URL. */
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (file) appendFileSync(file, `${process.pid} ${resolved.url}\n`);
  return resolved;
}

/** What `require` has loaded (CommonJS packages a package requires, which no import hook sees), then a marker. */
function writeRequired() {
  const cache = createRequire(import.meta.url).cache;
  const lines = Object.keys(cache).map((f) => `${process.pid} file://${f}\n`);
  appendFileSync(file, `${lines.join('')}${process.pid} -- require.cache written\n`);
}

if (isMainThread && file) {
  register(import.meta.url);
  // When the process ends, and whenever a test asks (SIGUSR2: "what have you loaded up to now?").
  process.once('exit', writeRequired);
  process.on('SIGUSR2', writeRequired);
}
