/**
 * MySQL's polled revocation log (src/adapters/bus/table-revocation-bus.ts), on the machine's
 * MySQL or MariaDB: what one process publishes another hears at its next read, rows that commit
 * out of key order are still delivered, each once, and a reader back after a gap asks for a resync.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableRevocationBus } from '../../src/adapters/bus/table-revocation-bus.js';
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import type { Db } from '../../src/adapters/kysely/database.js';
import type { RevocationBus, RevocationEvent } from '../../src/core/ports/revocation-bus.js';
import { encode } from '../../src/core/revocation-wire.js';
import { freshDatabase, SHARED_ENGINES, type TestDatabase } from '../support/databases.js';

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not before the deadline`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe.skipIf(!SHARED_ENGINES.includes('mysql'))('the revocation log bus on MySQL', () => {
  let database: TestDatabase;
  let db: Db;
  const buses: RevocationBus[] = [];
  const open = async (options: Parameters<typeof tableRevocationBus>[1] = {}) => {
    const bus = await tableRevocationBus(db, { pollMs: 20, ...options });
    buses.push(bus);
    return bus;
  };

  beforeAll(async () => {
    database = await freshDatabase('mysql');
    ({ db } = connect(database.url));
    await migrateToLatest(db);
  });
  afterAll(async () => {
    for (const bus of buses) await bus.close();
    await db?.destroy();
    await database?.drop();
  });

  it('a publish on one bus reaches the other at its next read, once, and its own listeners at once', async () => {
    const [a, b] = [await open(), await open()];
    const heardA: RevocationEvent[] = [];
    const heardB: RevocationEvent[] = [];
    a.subscribe((e) => heardA.push(e));
    b.subscribe((e) => heardB.push(e));
    const event: RevocationEvent = { kind: 'session', userId: 'u1', sessionId: 's1' };
    await a.publish(event);
    expect(heardA).toEqual([event]);
    await until(() => heardB.length > 0, 'b hears it');
    // Several reads later it is still delivered once, though each read looks back over it.
    const reads = Date.now() + 200;
    await until(() => Date.now() > reads, 'a few reads');
    expect(heardB).toEqual([event]);
    expect(a.isLive() && b.isLive()).toBe(true);
  });

  it('a row whose key was taken first but committed last is still delivered', async () => {
    const bus = await open();
    const heard: RevocationEvent[] = [];
    bus.subscribe((e) => heard.push(e));
    const slow: RevocationEvent = { kind: 'user', userId: 'slow' };
    const fast: RevocationEvent = { kind: 'user', userId: 'fast' };
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const insertedSlow = new Promise<void>((r) => (inserted = r));
    const slowCommit = db.transaction().execute(async (trx) => {
      await trx
        .insertInto('revocation_log')
        .values({ payload: encode(slow), at: Date.now() })
        .execute();
      inserted();
      await released;
    });
    await insertedSlow;
    await db
      .insertInto('revocation_log')
      .values({ payload: encode(fast), at: Date.now() })
      .execute();
    await until(() => heard.length === 1, 'the later key, committed first');
    expect(heard).toEqual([fast]);
    release();
    await slowCommit;
    await until(() => heard.length === 2, 'the earlier key, committed last');
    expect(heard).toEqual([fast, slow]);
  });

  it('is not live while it cannot read, and asks its listeners to resync when it reads again', async () => {
    let offset = 0;
    const bus = await open({ now: () => Date.now() + offset, liveMs: 1_000 });
    let resyncs = 0;
    bus.subscribe(
      () => {},
      () => resyncs++,
    );
    expect(bus.isLive()).toBe(true);
    // Its clock jumps past the last good read, as after a stall: not live until it reads again.
    offset = 5_000;
    expect(bus.isLive()).toBe(false);
    await until(() => bus.isLive(), 'live again after a read');
    expect(resyncs).toBe(1);
  });
});
