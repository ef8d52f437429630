/**
 * Revocation fan-out between the processes that share one SQLite file: a running server, the CLI
 * ending a member's sessions, a second server on the same file. A revocation is appended to
 * `revocation_log` (migration 0011) and delivered to this process's listeners at once.
 *
 * Before a node trusts its cache (`isLive`, asked on every validation) it catches up: SQLite's
 * `PRAGMA data_version` changes when another connection has committed to the file, and only then
 * are the unseen rows read. Both are synchronous calls on this bus's own connection (better-sqlite3),
 * a few microseconds, so a revocation committed by another process is honoured on the very next
 * request, not after a polling interval or the cache's maximum age.
 *
 * Each ask is ~5 µs (SQLite takes and releases file locks to read the version). The HTTP fast
 * paths check every request read in one event-loop turn in one synchronous stretch after the
 * turn's reads (http/after-reads.ts), run in `lookOnce`, and the file is asked once for all of
 * them. That is as fresh as asking each time: every request had arrived before the stretch began,
 * so a commit that finished before one arrived finished before the stretch's one ask. Nothing else
 * is remembered between asks: a per-run memo forgotten in a microtask cost every validation a
 * queued microtask (~0.9 µs with async context tracking on).
 */
import SqliteDatabase from 'better-sqlite3';
import type { RevocationBus, RevocationEvent } from '../../core/ports/revocation-bus.js';
import { decode, encode } from '../../core/revocation-wire.js';

/**
 * `revocation_log` rows older than this are pruned (here and by the MySQL table bus); a node that
 * has not validated for that long has no fresh cache entry left. A publisher prunes every
 * REVOCATION_LOG_PRUNE_EVERY publishes.
 */
export const REVOCATION_LOG_KEEP_MS = 10 * 60_000;
export const REVOCATION_LOG_PRUNE_EVERY = 100;

export interface SqliteBusOptions {
  /** Each time the file is readable again after a gap: how long the bus was not live, in ms (telemetry). */
  onGap?: (ms: number) => void;
}

export function sqliteRevocationBus(file: string, now: () => number = Date.now, options: SqliteBusOptions = {}): RevocationBus {
  const db = new SqliteDatabase(file);
  db.pragma('busy_timeout = 5000');
  const insert = db.prepare('insert into revocation_log (payload, at) values (?, ?)');
  const unseen = db.prepare<[number], { seq: number; payload: string }>(
    'select seq, payload from revocation_log where seq > ? order by seq',
  );
  const prune = db.prepare('delete from revocation_log where at < ?');
  const listeners: ((event: RevocationEvent) => void)[] = [];
  // Prepared once: db.pragma() prepares a statement on every call, and this one runs on every validation.
  const dataVersion = db.prepare<[], number>('pragma data_version').pluck();
  let seen = (db.prepare('select coalesce(max(seq), 0) as seq from revocation_log').get() as { seq: number }).seq;
  let version = dataVersion.get() as number;
  let published = 0;
  let closed = false;
  /** When reads started failing, while they do (wall clock). */
  let failingSince: number | null = null;

  const deliver = (event: RevocationEvent) => {
    for (const listener of listeners) listener(event);
  };

  /** Open lookOnce scopes, and the first answer given in the outermost one (null: not asked yet). */
  let depth = 0;
  let looked: boolean | null = null;

  function isLive(): boolean {
    if (depth === 0) return catchUp();
    looked ??= catchUp();
    return looked;
  }

  function lookOnce<R>(fn: () => R): R {
    depth++;
    try {
      return fn();
    } finally {
      if (--depth === 0) looked = null;
    }
  }

  /** Reads what other processes appended since the last look; true when this connection can read. */
  function catchUp(): boolean {
    if (closed) return false;
    try {
      const current = dataVersion.get() as number;
      if (failingSince !== null) {
        options.onGap?.(Date.now() - failingSince);
        failingSince = null;
      }
      if (current === version) return true;
      version = current;
      for (const row of unseen.all(seen)) {
        seen = row.seq;
        const message = decode(row.payload);
        if (message && message.kind !== 'heartbeat') deliver(message);
      }
      return true;
    } catch {
      // The file cannot be read (locked for longer than busy_timeout, removed): not live, so the
      // cache is neither trusted nor filled, and is emptied when reads work again.
      failingSince ??= Date.now();
      return false;
    }
  }

  return {
    async publish(event) {
      insert.run(encode(event), now());
      // This process's own caches hear it before the revoking request answers.
      deliver(event);
      if (++published % REVOCATION_LOG_PRUNE_EVERY === 0) prune.run(now() - REVOCATION_LOG_KEEP_MS);
    },
    subscribe(listener) {
      listeners.push(listener);
    },
    isLive,
    lookOnce,
    async close() {
      closed = true;
      looked = null;
      db.close();
    },
  };
}
