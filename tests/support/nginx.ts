// The export's nginx.conf run by a real nginx for the tests: the snippet wrapped in a complete configuration of the
// test's own (pid, logs and temp files in its folder), on 127.0.0.1 at a given port, serving `www`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Daemon, findBinary, startDaemon } from './daemon.ts';

/** nginx, where installed (CI installs it: .ci/run). */
export const nginxBinary = (): string | undefined => findBinary('nginx');

/**
 * Starts nginx with the export's rules (`export`/nginx.conf) over `www` (the export is a folder of it, so a prefix
 * maps to it), with its files in `work`; resolves when `ready` answers.
 */
export async function startNginx(opts: {
  work: string;
  www: string;
  export: string;
  port: number;
  ready: string;
}): Promise<Daemon> {
  const { work, www, port } = opts;
  const snippet = readFileSync(path.join(opts.export, 'nginx.conf'), 'utf8');
  const [httpPart, serverPart] = snippet.split('# --- server {} block');
  if (httpPart === undefined || serverPart === undefined) throw new Error('nginx.conf: no "# --- server {} block"');
  for (const t of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
    mkdirSync(path.join(work, 'temp', t), { recursive: true });
  const q = (p: string) => JSON.stringify(p);
  const conf = path.join(work, 'nginx-test.conf');
  writeFileSync(
    conf,
    `${process.getuid?.() === 0 ? 'user root root;\n' : ''}worker_processes 1;
pid ${q(path.join(work, 'nginx.pid'))};
error_log ${q(path.join(work, 'error.log'))} warn;
events { worker_connections 64; }
http {
    access_log ${q(path.join(work, 'access.log'))};
    client_body_temp_path ${q(path.join(work, 'temp/body'))};
    proxy_temp_path ${q(path.join(work, 'temp/proxy'))};
    fastcgi_temp_path ${q(path.join(work, 'temp/fastcgi'))};
    uwsgi_temp_path ${q(path.join(work, 'temp/uwsgi'))};
    scgi_temp_path ${q(path.join(work, 'temp/scgi'))};
    # A minimal types block: the snippet must bring the types of the export's files itself.
    types { text/html html; }
    default_type application/octet-stream;
${httpPart}
    server {
        listen 127.0.0.1:${port};
        server_name localhost;
        root ${q(www)};
${serverPart}
    }
}
`,
  );
  return startDaemon(nginxBinary() ?? 'nginx', ['-p', work, '-c', conf, '-g', 'daemon off;'], {
    name: 'nginx',
    ready: opts.ready,
    errorLog: path.join(work, 'error.log'),
    pidFile: path.join(work, 'nginx.pid'),
  });
}
