// The process around the app: reads options and environment, builds the Graph, listens, shuts down on SIGTERM.
import type { Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { SECURITY_HEADERS } from './http/headers.ts';

/** What a client may cost the server at the socket, and how long a shutdown waits. */
export interface SocketLimits {
  /** A request must send its whole header block within this (then 408 and the socket is closed). */
  headersTimeoutMs: number;
  /** A request must arrive whole, body included, within this. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** How often the two timeouts above are checked: Node's default (30 s) lets a slow client keep a socket 40 s. */
  checkIntervalMs: number;
  /** On SIGTERM, requests in flight get this long to finish before their connections are cut. */
  shutdownGraceMs: number;
  /**
   * The request line and headers together, in bytes. Node's 16 KiB would refuse by GET a query the endpoint
   * allows (20,000 characters of Chinese are 180,000 bytes percent-encoded): this leaves room for any query of
   * the allowed length, whatever its script. Past it: 431, saying to send a long query by POST.
   */
  headerBytes: number;
}

export const SOCKET_LIMITS: Readonly<SocketLimits> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
  shutdownGraceMs: 20_000,
  headerBytes: 256 << 10,
};

/** Node's answers to a client's broken request (by its error code; any other is a 400), each with words of ours. */
const CLIENT_ERRORS: Record<string, (limit: number) => [number, string, string]> = {
  HPE_HEADER_OVERFLOW: (limit) => [
    431,
    'Request Header Fields Too Large',
    `request line and headers larger than ${limit} bytes; send a long query by POST`,
  ],
  ERR_HTTP_REQUEST_TIMEOUT: () => [408, 'Request Timeout', 'request not received in time'],
};
const MALFORMED = (): [number, string, string] => [400, 'Bad Request', 'malformed request'];

/**
 * Answers a request Node's parser refused before any route: as Node would (408, 400), but with a body that says
 * why, and for a head past `limit` bytes (a GET whose URL holds a very long query, say) what to do instead.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, limit: number): void {
  const sent = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (socket.writable && !sent) {
    const [status, reason, message] = (CLIENT_ERRORS[error.code ?? ''] ?? MALFORMED)(limit);
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(message) + 1}\r\nConnection: close\r\n\r\n${message}\n`,
    );
  }
  socket.destroy(error);
}

export interface Listener {
  server: ServerType;
  port: number;
  /** Serves `app` from now on; until then every request gets a 503 with Retry-After. */
  use(app: Hono): void;
  /** Stops accepting connections, lets requests in flight finish (within the grace period), then resolves. */
  close(): Promise<void>;
}

/** On shutdown, the listening socket closes once no connection has come for this long (the kernel's queue is empty)… */
const DRAIN_QUIET_MS = 100;
/** …or after this long at most. */
const DRAIN_MAX_MS = 2_000;

const starting = () =>
  new Response('starting\n', {
    status: 503,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1', ...SECURITY_HEADERS },
  });

/**
 * RFC 9112 §3.2: a request with more than one Host header is a 400. Node keeps the first and drops the rest, so a
 * proxy that read the last one and this server would disagree about which site was asked for.
 */
function repeatedHost(raw: readonly string[] | undefined): boolean {
  if (!raw) return false;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]?.length === 4 && raw[i]?.toLowerCase() === 'host') hosts++;
  return hosts > 1;
}

const badHost = () =>
  new Response('bad request: more than one Host header (RFC 9112 section 3.2)\n', {
    status: 400,
    headers: { 'content-type': 'text/plain; charset=utf-8', connection: 'close', ...SECURITY_HEADERS },
  });

/** Listens on `host:port` (0 picks a free port) with the socket limits applied from the first connection. */
export async function listen(port: number, host: string, limits: SocketLimits = SOCKET_LIMITS): Promise<Listener> {
  let app: Hono | undefined;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve(
      {
        fetch: (req, env) => {
          if (repeatedHost(env.incoming?.rawHeaders)) return badHost();
          return app ? app.fetch(req, env) : starting();
        },
        port,
        hostname: host,
        serverOptions: {
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          keepAliveTimeout: limits.keepAliveTimeoutMs,
          connectionsCheckingInterval: limits.checkIntervalMs,
          maxHeaderSize: limits.headerBytes,
        },
      },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  // Node's own answers to a broken request have no body: these say why (and, past the head's size, what to do).
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) =>
    answerClientError(error, socket, limits.headerBytes),
  );
  const address = server.address();
  const sockets = server as unknown as { closeAllConnections(): void };
  let closing: Promise<void> | undefined;
  return {
    server,
    port: typeof address === 'object' && address ? address.port : port,
    use: (a) => {
      app = a;
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        // A request that starts from now on is its connection's last: the client is told, and does not reuse it.
        server.prependListener('request', (_req, res: ServerResponse) => res.setHeader('connection', 'close'));
        const cut = setTimeout(() => sockets.closeAllConnections(), limits.shutdownGraceMs);
        // Closing the listening socket resets every connection the kernel has queued but the process has not yet
        // accepted (its event loop busy rendering a page), losing requests their clients have already sent. So it
        // stays open until the queue is drained: no new connection for DRAIN_QUIET_MS, checked after a poll phase.
        let last = performance.now();
        const started = last;
        const seen = () => {
          last = performance.now();
        };
        server.on('connection', seen);
        const drained = setInterval(
          () =>
            setImmediate(() => {
              const now = performance.now();
              if (now - last < DRAIN_QUIET_MS && now - started < DRAIN_MAX_MS) return;
              clearInterval(drained);
              server.off('connection', seen);
              // net.Server's close, not http.Server's: since Node 19 the latter also ends every connection with no
              // request being parsed, which includes one whose request still sits unread in the socket: the reset
              // would lose it. Connections end by themselves instead, after their last response or at the
              // keep-alive timeout; whatever is left when the grace period ends is cut.
              NetServer.prototype.close.call(server as Server, () => {
                clearTimeout(cut);
                resolve();
              });
            }),
          DRAIN_QUIET_MS / 4,
        );
      });
      return closing;
    },
  };
}
