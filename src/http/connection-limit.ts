/**
 * At most `max` open connections per client address (`--max-connections-per-ip`), so one client
 * cannot hold thousands of slow connections and exhaust the node's file descriptors while the
 * request timeouts run. Node and Fastify bound only the server's total (`maxConnections`), which
 * one client could fill for everyone; this is a count per address kept on `connection`/`close`.
 * IPv6 is counted by its network, as the rate limits count it (`limitKeyForIp`). Connections
 * from trusted proxies are not counted: each carries many clients, and the proxy is where their
 * own connection limits belong.
 */
import type { Server } from 'node:http';
import { limitKeyForIp } from '../core/ip-limit-key.js';

export interface ConnectionLimit {
  max: number;
  ipv6Prefix: number;
  isTrustedProxy(address: string): boolean;
}

/** Counts open connections per client address; one over the limit is destroyed before any byte is read. */
export function limitConnectionsPerIp(server: Server, limit: ConnectionLimit): void {
  if (limit.max <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = socket.remoteAddress;
    if (!address || limit.isTrustedProxy(address)) return;
    const key = limitKeyForIp(address, limit.ipv6Prefix);
    const count = (open.get(key) ?? 0) + 1;
    if (count > limit.max) {
      socket.destroy();
      return;
    }
    open.set(key, count);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) open.set(key, left);
      else open.delete(key);
    });
  });
}
