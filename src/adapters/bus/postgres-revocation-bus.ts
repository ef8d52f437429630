/**
 * Revocation fan-out over PostgreSQL LISTEN/NOTIFY, for deployments with PostgreSQL and no Redis.
 * A dedicated connection listens; notifications are sent on the shared database. Like the Redis
 * bus, a node is live only while it hears its own heartbeat, and reconnects by itself.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { RevocationBus, RevocationEvent } from '../../core/ports/revocation-bus.js';
import { DEFAULT_HEARTBEAT, Heartbeat, type BusOptions } from './heartbeat.js';
import { CHANNEL, decode, encode } from '../../core/revocation-wire.js';

export async function postgresRevocationBus(url: string, options: BusOptions = {}): Promise<RevocationBus> {
  const onError = options.onError ?? (() => {});
  const node = randomUUID();
  const listeners: ((event: RevocationEvent) => void)[] = [];
  const notifier = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 2_000, query_timeout: 2_000 });
  // An idle NOTIFY connection lost: the pool replaces it; reported, never thrown.
  notifier.on('error', onError);
  // NOTIFY channels are database-wide, not per schema: deployments (or test suites) sharing one
  // database in different schemas each get their own channel instead of each other's events.
  // Known once the database answers; until then nothing is published or heard (not live).
  let channel: string | undefined;
  const channelName = async () => (channel ??= await channelFor(notifier));
  const notify = async (text: string) => notifier.query('select pg_notify($1, $2)', [await channelName(), text]);
  const heartbeat = new Heartbeat(
    options.heartbeat ?? DEFAULT_HEARTBEAT,
    async () => {
      await notify(encode({ kind: 'heartbeat', node }));
    },
    onError,
  );

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
    client.on('error', (err) => {
      onError(err);
      reconnect();
    });
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
      await client.query(`LISTEN "${await channelName()}"`);
      listener = client;
      heartbeat.subscribed();
    } catch (err) {
      onError(err);
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

/** `sessiond_revocations`, suffixed with the schema when it is not `public` (at most 63 bytes). */
async function channelFor(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ schema: string | null }>('select current_schema() as schema');
  const schema = rows[0]?.schema;
  if (!schema || schema === 'public') return CHANNEL;
  return `${CHANNEL}_${schema.replace(/[^A-Za-z0-9_]/g, '_')}`.slice(0, 63);
}
