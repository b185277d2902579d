// Who a request comes from, for the per-client share of the query slots: the connection's address, or the forwarded address when the connection comes from a trusted proxy.
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { header } from './caching.ts';

/** IPv4-mapped IPv6 (::ffff:1.2.3.4) is the IPv4 address it maps. */
const plain = (address: string): string => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '').toLowerCase();

/**
 * The client's address: the socket's peer, unless that peer is one of `trustedProxies`, in which case the
 * right-most address of X-Forwarded-For that is not itself a trusted proxy (the left part is whatever the client
 * wrote, so it is never believed). Undefined for a request with no socket (an in-process app.request).
 */
export function clientAddress(c: Context, trustedProxies: readonly string[]): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const peer = incoming?.socket?.remoteAddress;
  if (!peer) return undefined;
  const trusted = new Set(trustedProxies.map(plain));
  let address = plain(peer);
  if (!trusted.has(address)) return address;
  const hops = (header(c, 'x-forwarded-for') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    address = plain(hops[i] as string);
    if (!trusted.has(address)) return address;
  }
  return address;
}
