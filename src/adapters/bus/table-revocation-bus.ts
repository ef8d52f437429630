/**
 * Revocation fan-out through the shared database's `revocation_log` (migration 0011), read by
 * polling: MySQL's second channel beside Redis, as NOTIFY is PostgreSQL's. MySQL has no
 * LISTEN/NOTIFY, and with Redis alone a node that has lost Redis could revoke without the others
 * hearing of it until it reconnected; the CLI, which does not take `--redis` for every command,
 * could not reach the servers at all. Here every publish is also a row, and every node reads the
 * rows it has not seen every `pollMs` (a few milliseconds of one indexed read).
 *
 * Liveness: a node trusts its cache only while its last read succeeded within `liveMs`; after a
 * gap it reads again, then asks its listeners to resync (whatever was cached before the gap is
 * dropped). Ordering: an auto-increment key is taken at insert and becomes visible at commit, so
 * two publishers may commit out of order; each read therefore looks back over the keys seen in
 * the last `lookbackMs` as well, and delivers each row once.
 */
import type { RevocationBus, RevocationEvent } from '../../core/ports/revocation-bus.js';
import { decode, encode } from '../../core/revocation-wire.js';
import type { OnAdapterError } from '../adapter-errors.js';
import type { Db } from '../kysely/database.js';
import { REVOCATION_LOG_KEEP_MS, REVOCATION_LOG_PRUNE_EVERY } from './sqlite-revocation-bus.js';

export interface TableBusOptions {
  pollMs?: number;
  liveMs?: number;
  lookbackMs?: number;
  onError?: OnAdapterError;
  /** Each time reads succeed again after a gap: how long the bus was not live, in ms (telemetry). */
  onGap?: (ms: number) => void;
  now?: () => number;
}

export async function tableRevocationBus(db: Db, options: TableBusOptions = {}): Promise<RevocationBus> {
  const pollMs = options.pollMs ?? 100;
  const liveMs = options.liveMs ?? 1_000;
  const lookbackMs = options.lookbackMs ?? 2_000;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? (() => {});
  const listeners: ((event: RevocationEvent) => void)[] = [];
  const resyncs: (() => void)[] = [];
  /** Keys delivered, by key, with when they were first seen (forgotten after the lookback). */
  const delivered = new Map<number, number>();
  /** The highest key seen at each read, to look back from. */
  const marks: { at: number; seq: number }[] = [];
  let lastOkAt = 0;
  let published = 0;
  let closed = false;
  let reading: Promise<void> | null = null;

  const deliver = (event: RevocationEvent) => {
    for (const listener of listeners) listener(event);
  };
  const isLive = () => !closed && now() - lastOkAt <= liveMs;

  async function read(): Promise<void> {
    const at = now();
    while (marks.length > 1 && marks[1]!.at <= at - lookbackMs) marks.shift();
    const from = marks[0]?.seq ?? 0;
    const rows = await db.selectFrom('revocation_log').select(['seq', 'payload']).where('seq', '>', from).orderBy('seq').execute();
    const live = isLive();
    const okBefore = lastOkAt;
    let top = from;
    for (const row of rows) {
      const seq = Number(row.seq);
      top = Math.max(top, seq);
      if (delivered.has(seq)) continue;
      delivered.set(seq, at);
      const message = decode(row.payload);
      if (message && message.kind !== 'heartbeat') deliver(message);
    }
    for (const [seq, seenAt] of delivered) if (seenAt <= at - lookbackMs && seq <= from) delivered.delete(seq);
    marks.push({ at, seq: Math.max(top, marks.at(-1)?.seq ?? 0) });
    lastOkAt = now();
    // Back after a gap: what was published in it may have been missed (pruned, or before the
    // first read), so whatever was cached is dropped.
    if (!live) {
      options.onGap?.(lastOkAt - (okBefore + liveMs));
      for (const resync of resyncs) resync();
    }
  }

  const poll = () => {
    if (closed || reading) return;
    reading = read()
      .catch(onError)
      .finally(() => (reading = null));
  };

  // Start from the newest row: nothing before it can concern a cache that is still empty.
  const newest = await db
    .selectFrom('revocation_log')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  marks.push({ at: now(), seq: Number(newest?.seq ?? 0) });
  lastOkAt = now();
  const timer = setInterval(poll, pollMs);
  timer.unref();

  return {
    async publish(event) {
      await db
        .insertInto('revocation_log')
        .values({ payload: encode(event), at: now() })
        .execute();
      // This process's own caches hear it before the revoking request answers.
      deliver(event);
      if (++published % REVOCATION_LOG_PRUNE_EVERY === 0)
        await db
          .deleteFrom('revocation_log')
          .where('at', '<', now() - REVOCATION_LOG_KEEP_MS)
          .execute();
    },
    subscribe(listener, resync) {
      listeners.push(listener);
      if (resync) resyncs.push(resync);
    },
    isLive,
    async close() {
      closed = true;
      clearInterval(timer);
      await reading;
    },
  };
}
