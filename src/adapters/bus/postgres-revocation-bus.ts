/**
 * Revocation fan-out over PostgreSQL LISTEN/NOTIFY, for deployments with PostgreSQL and no Redis.
 * A dedicated connection listens; notifications are sent on the shared database. Like the Redis
 * bus, a node is live only while it hears its own heartbeat, and reconnects by itself.
 *
 * Publishes are batched: one statement is in flight at a time, and every message published while
 * it runs goes out in the next one (`pg_notify` per message, in order, in one transaction). Each
 * statement is a round trip and a commit, and PostgreSQL serialises the commits of transactions
 * that notify; one per revocation capped a node at about 4,000 revocations a second on the bench
 * machine (docs/scale.md). One per batch lifts that, and keeps the messages in the order they were
 * published. Each message is still its own notification, so listeners and older nodes read them
 * as before.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { RevocationBus, RevocationEvent } from '../../core/ports/revocation-bus.js';
import { DEFAULT_HEARTBEAT, Heartbeat, type BusOptions } from './heartbeat.js';
import { CHANNEL, decode, encode } from '../../core/revocation-wire.js';

/** Messages per statement at most: payloads are under 200 bytes, so a statement stays under about 200 kB. */
const MAX_BATCH = 1_000;

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
  const outbox: { text: string; sent: () => void; failed: (err: unknown) => void }[] = [];
  let flushing: Promise<void> | undefined;
  const flush = async () => {
    while (outbox.length > 0) {
      const batch = outbox.splice(0, MAX_BATCH);
      try {
        // unnest keeps the array's order, and so the notifications keep the publishes' order.
        await notifier.query('select pg_notify($1, payload) from unnest($2::text[]) as payload', [
          await channelName(),
          batch.map((m) => m.text),
        ]);
        for (const m of batch) m.sent();
      } catch (err) {
        for (const m of batch) m.failed(err);
      }
    }
    flushing = undefined;
  };
  const notify = (text: string) =>
    new Promise<void>((sent, failed) => {
      outbox.push({ text, sent, failed });
      flushing ??= flush();
    });
  const heartbeat = new Heartbeat(
    options.heartbeat ?? DEFAULT_HEARTBEAT,
    async () => {
      await notify(encode({ kind: 'heartbeat', node }));
    },
    onError,
    options.onGap,
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
      // What was published before close goes out first.
      await flushing;
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
