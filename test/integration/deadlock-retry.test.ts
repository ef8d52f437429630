/**
 * retryingDeadlocks on the engines that report deadlocks: two transactions that lock the same
 * two rows in opposite orders force one real deadlock; the engine rolls one back, and the helper
 * runs it again, so both writes land. Without the retry the loser's error reaches the caller.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import { isDeadlock, retryingDeadlocks } from '../../src/adapters/kysely/engine.js';
import { kyselyStore } from '../../src/adapters/kysely/kysely-store.js';
import { userRecord } from '../../src/core/testing/store.contract.js';
import { SHARED_ENGINES, freshDatabase } from '../support/databases.js';

describe.each(SHARED_ENGINES)('retryingDeadlocks (%s)', (engine) => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let db: ReturnType<typeof connect>['db'];
  let close: () => Promise<void>;
  const a = userRecord({ name: 'A' });
  const b = userRecord({ name: 'B' });

  beforeAll(async () => {
    database = await freshDatabase(engine);
    db = connect(database.url).db;
    await migrateToLatest(db);
    const store = kyselyStore(db);
    await store.insertUser(a);
    await store.insertUser(b);
    close = () => store.close();
  });
  afterAll(async () => {
    await close?.();
    await database?.drop();
  });

  /** Both transactions hold their first row before either asks for its second: a certain deadlock. */
  function crossed(retry: boolean) {
    let arrived = 0;
    let release!: () => void;
    const bothHoldOne = new Promise<void>((resolve) => (release = resolve));
    const attempts = { first: 0, second: 0 };
    const write = (which: 'first' | 'second', rows: [string, string], name: string) => {
      const run = () =>
        db.transaction().execute(async (trx) => {
          attempts[which] += 1;
          await trx.updateTable('users').set({ name }).where('id', '=', rows[0]).execute();
          if (++arrived === 2) release();
          await bothHoldOne;
          await trx.updateTable('users').set({ name }).where('id', '=', rows[1]).execute();
        });
      return retry ? retryingDeadlocks(run) : run();
    };
    return { attempts, runs: Promise.allSettled([write('first', [a.id, b.id], 'one'), write('second', [b.id, a.id], 'two')]) };
  }

  it('without it, the engine picks one transaction to fail with a deadlock', async () => {
    const results = await crossed(false).runs;
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect(isDeadlock((failed[0] as PromiseRejectedResult).reason)).toBe(true);
  });

  it('with it, the chosen transaction runs again and both land, the second one last', async () => {
    const { attempts, runs } = crossed(true);
    const results = await runs;
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    // One of them ran twice; whichever it was wrote both rows last.
    expect(attempts.first + attempts.second).toBe(3);
    const names = (await db.selectFrom('users').select(['id', 'name']).where('id', 'in', [a.id, b.id]).execute()).map((r) => r.name);
    const last = attempts.first === 2 ? 'one' : 'two';
    expect(names).toEqual([last, last]);
  });

  it('throws anything that is not a deadlock at once, without running again', async () => {
    let runs = 0;
    const failure = retryingDeadlocks(async () => {
      runs += 1;
      await db
        .insertInto('users')
        .values({ ...(await db.selectFrom('users').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow()) })
        .execute();
    });
    await expect(failure).rejects.toThrow();
    expect(runs).toBe(1);
  });
});
