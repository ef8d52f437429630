/** The Store contract on every engine, through the production adapter and migrations. */
import type { KyselyPlugin } from 'kysely';
import { describe, expect, it } from 'vitest';
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import { kyselyStore } from '../../src/adapters/kysely/kysely-store.js';
import { StatementCounter } from '../../src/adapters/kysely/statement-counter.js';
import { runStoreContract, sessionRecord, userRecord } from '../../src/core/testing/store.contract.js';
import { ENGINES, SHARED_ENGINES, freshDatabase } from '../support/databases.js';

for (const engine of ENGINES) {
  runStoreContract(engine, async () => {
    const database = await freshDatabase(engine);
    const { db } = connect(database.url);
    await migrateToLatest(db);
    const store = kyselyStore(db);
    return {
      store,
      async dispose() {
        await store.close();
        await database.drop();
      },
    };
  });
}

/**
 * Over a connection, session lookups asked together are one statement (session-lookups.ts), and
 * each request that asked is counted one, as a lookup of its own would have been.
 */
describe.each(SHARED_ENGINES)('session lookups asked together (%s)', (engine) => {
  it('go to the database as one statement, and count one for each request that asked', async () => {
    const database = await freshDatabase(engine);
    const counter = new StatementCounter();
    let executed = 0;
    const everyStatement: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        executed++;
        return args.result;
      },
    };
    const { db } = connect(database.url);
    const store = kyselyStore(db.withPlugin(everyStatement).withPlugin(counter), { statements: counter });
    try {
      await migrateToLatest(db);
      const user = userRecord();
      await store.insertUser(user);
      const sessions = [sessionRecord(user.id), sessionRecord(user.id), sessionRecord(user.id)];
      for (const s of sessions) await store.insertSession(s);
      const ids = [sessions[0]!.id, sessions[1]!.id, 'no-such-session-id-zz', sessions[2]!.id, sessions[0]!.id];
      const counts = ids.map(() => ({ statements: 0 }));
      const before = executed;
      const found = await Promise.all(ids.map((id, i) => counter.run(counts[i]!, () => store.findSession(id))));
      expect(found.map((f) => f?.session.id ?? null)).toEqual([sessions[0]!.id, sessions[1]!.id, null, sessions[2]!.id, sessions[0]!.id]);
      expect(found[3]).toEqual({ session: sessions[2], user: expect.objectContaining({ id: user.id, email: user.email }) });
      expect(executed - before).toBe(1);
      expect(counts.map((c) => c.statements)).toEqual([1, 1, 1, 1, 1]);
    } finally {
      await store.close();
      await database.drop();
    }
  });
});
