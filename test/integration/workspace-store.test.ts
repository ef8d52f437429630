/**
 * The WorkspaceStore contract on every engine, through the production adapters and migrations;
 * and the audit log refusing UPDATE and DELETE in the database itself, whoever asks.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import { kyselyMfaStore } from '../../src/adapters/kysely/kysely-mfa-store.js';
import { kyselyStore } from '../../src/adapters/kysely/kysely-store.js';
import { kyselyWorkspaceStore } from '../../src/adapters/kysely/kysely-workspace-store.js';
import { runWorkspaceStoreContract } from '../../src/core/testing/workspace-store.contract.js';
import { ENGINES, freshDatabase } from '../support/databases.js';

for (const engine of ENGINES) {
  runWorkspaceStoreContract(engine, async () => {
    const database = await freshDatabase(engine);
    const { db } = connect(database.url);
    await migrateToLatest(db);
    const store = kyselyStore(db);
    return {
      workspaces: kyselyWorkspaceStore(db),
      store,
      mfa: kyselyMfaStore(db),
      async dispose() {
        await store.close();
        await database.drop();
      },
    };
  });

  describe(`audit log on ${engine}`, () => {
    it('refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL) from any SQL, and keeps the entry', async () => {
      const database = await freshDatabase(engine);
      const { db } = connect(database.url);
      try {
        await migrateToLatest(db);
        const audit = kyselyWorkspaceStore(db);
        await audit.appendAudit({
          id: 'entry-000000000000000001',
          workspaceId: 'w',
          at: 1,
          actorId: 'a',
          action: 'member.offboarded',
          targetKind: 'member',
          targetId: 'm',
          ip: null,
          userAgent: null,
          requestId: null,
          details: {},
        });
        await expect(sql`update audit_log set action = 'member.joined'`.execute(db)).rejects.toThrow(/append-only/);
        await expect(sql`delete from audit_log`.execute(db)).rejects.toThrow(/append-only/);
        if (engine === 'postgres') await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(/append-only/);
        expect(await audit.listAudit('w', null, 10)).toMatchObject([{ id: 'entry-000000000000000001', action: 'member.offboarded' }]);
      } finally {
        await db.destroy();
        await database.drop();
      }
    });
  });
}
