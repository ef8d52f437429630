/**
 * Revocation fan-out over PostgreSQL LISTEN/NOTIFY, for deployments with PostgreSQL and no Redis.
 * A dedicated connection listens; notifications are sent on the shared database. Like the Redis
 * bus, a node is live only while it hears its own heartbeat, and reconnects by itself.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { RevocationBus, RevocationEvent } from '../../core/ports/revocation-bus.js';
import { DEFAULT_HEARTBEAT, Heartbeat, type HeartbeatOptions } from './heartbeat.js';
import { CHANNEL, decode, encode } from '../../core/revocation-wire.js';

export async function postgresRevocationBus(url: string, heartbeatOptions: HeartbeatOptions = DEFAULT_HEARTBEAT): Promise<RevocationBus> {
  const node = randomUUID();
  const listeners: ((event: RevocationEvent) => void)[] = [];
  const notifier = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 2_000, query_timeout: 2_000 });
  notifier.on('error', () => {});
  const notify = (text: string) => notifier.query('select pg_notify($1, $2)', [CHANNEL, text]);
  const heartbeat = new Heartbeat(heartbeatOptions, async () => {
    await notify(encode({ kind: 'heartbeat', node }));
  });

  let closed = false;
  let listener: pg.Client | null = null;
  let retryTimer: NodeJS.Timeout | undefined;

  async function listen(): Promise<void> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000, keepAlive: true });
    let gone = false;
    const reconnect = () => {
      if (gone) return;
      gone = true;
      heartbeat.lost();
      if (listener === client) listener = null;
      client.end().catch(() => {});
      if (!closed) retryTimer = setTimeout(() => void listen(), 250);
    };
    client.on('error', reconnect);
    client.on('end', reconnect);
    client.on('notification', (msg) => {
      const message = msg.payload ? decode(msg.payload) : null;
      if (!message) return;
      if (message.kind === 'heartbeat') {
        if (message.node === node) heartbeat.heard();
        return;
      }
      for (const l of listeners) l(message);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      listener = client;
      heartbeat.subscribed();
    } catch {
      reconnect();
    }
  }

  await listen();
  heartbeat.start();

  return {
    async publish(event) {
      // One attempt: a failure is queued and retried by republishingBus without holding the request.
      await notify(encode(event));
    },
    subscribe(l, resync) {
      listeners.push(l);
      if (resync) heartbeat.onResync(resync);
    },
    isLive: () => heartbeat.isLive(),
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      heartbeat.stop();
      const client = listener;
      listener = null;
      await client?.end().catch(() => {});
      await notifier.end().catch(() => {});
    },
  };
}
