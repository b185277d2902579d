// Run by .ci/audit: runs `npm audit --omit=dev --json` in the project folder and reads its report.
// Exit 0: no high or critical vulnerability. Exit 1: at least one, listed; or a report that cannot be read.
// Exit 2: npm could not use the registry's advisories endpoint (HTTP error, network failure): check not done.
import { spawnSync } from 'node:child_process';

const FAILING = new Set(['high', 'critical']);
const ADVISORIES_PATH = '/-/npm/v1/security/';
const TIMEOUT_MS = 5 * 60_000;

const npm = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], {
  encoding: 'utf8',
  maxBuffer: 256 * 1024 * 1024,
  timeout: TIMEOUT_MS,
});

function notDone(reason) {
  console.error(`WARNING: npm audit could not run: ${reason}; supply-chain check NOT done`);
  process.exit(2);
}

function unreadable(reason) {
  console.error(`npm audit failed: ${reason}`);
  const stderr = (npm.stderr ?? '').trim();
  if (stderr) console.error(stderr);
  process.exit(1);
}

if (npm.error?.code === 'ETIMEDOUT') notDone(`npm audit did not finish within ${TIMEOUT_MS / 1000} s`);
if (npm.error) unreadable(`could not start npm (${npm.error.message})`);

let report;
try {
  report = JSON.parse(npm.stdout);
} catch {
  unreadable(`its output (exit ${npm.status}) is not JSON`);
}
if (report === null || typeof report !== 'object' || Array.isArray(report)) {
  unreadable(`its output (exit ${npm.status}) is not a JSON object`);
}

if (report.vulnerabilities && typeof report.vulnerabilities === 'object' && report.metadata?.vulnerabilities) {
  const found = Object.values(report.vulnerabilities).filter((v) => FAILING.has(v?.severity));
  const counts = report.metadata.vulnerabilities;
  const highCount = (counts.high ?? 0) + (counts.critical ?? 0);
  const others = ['moderate', 'low', 'info'].map((s) => `${s} ${counts[s] ?? 0}`).join(', ');
  if (found.length === 0 && highCount === 0) {
    console.log(`npm audit (production dependencies): no high or critical vulnerabilities (${others})`);
    process.exit(0);
  }
  console.error(
    `npm audit (production dependencies): ${found.length} package(s) with high or critical vulnerabilities` +
      ` (critical ${counts.critical ?? 0}, high ${counts.high ?? 0}, ${others}):`,
  );
  for (const v of found) {
    const fix = v.fixAvailable === true ? 'fix available' : v.fixAvailable ? 'fix available (breaking)' : 'no fix';
    console.error(`  ${v.name} [${v.severity}]${v.isDirect ? ' direct' : ''}, ${fix}`);
    const through = [];
    for (const via of v.via ?? []) {
      if (typeof via === 'string') through.push(via);
      else console.error(`    ${via.severity}: ${via.title} ${via.url} (${via.name} ${via.range})`);
    }
    if (through.length > 0) console.error(`    through ${through.join(', ')}`);
  }
  process.exit(1);
}

// No report: npm says why. Only a failure of the advisories request itself (an HTTP status, or a message naming
// the endpoint: connection refused, DNS, timeout, a body that is not JSON) means "could not run"; anything else
// (no lockfile, a broken tree) is a failure of the gate.
const message = typeof report.message === 'string' ? report.message : '';
const endpoint = typeof report.uri === 'string' ? report.uri : (message.match(/\S*\/-\/npm\/v1\/security\/\S*/)?.[0] ?? '');
if (typeof report.statusCode === 'number') {
  notDone(`the registry answered ${report.statusCode} on its advisories endpoint (${report.method ?? 'POST'} ${endpoint})`);
}
if (message.includes(ADVISORIES_PATH)) notDone(message);
const error = report.error && typeof report.error === 'object' ? report.error : {};
unreadable(
  [error.code, error.summary, message].filter((s) => typeof s === 'string' && s !== '').join(': ') ||
    `no report in its output (exit ${npm.status})`,
);
