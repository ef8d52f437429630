/**
 * The WorkspaceStore contract on every engine, through the production adapters and migrations;
 * and the audit log refusing UPDATE and DELETE in the database itself, whoever asks: the only
 * delete it takes is the sanctioned purge's, of entries past their workspace's retention.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import { kyselyMfaStore } from '../../src/adapters/kysely/kysely-mfa-store.js';
import { kyselyStore } from '../../src/adapters/kysely/kysely-store.js';
import { kyselyWorkspaceStore } from '../../src/adapters/kysely/kysely-workspace-store.js';
import { userRecord } from '../../src/core/testing/store.contract.js';
import { runWorkspaceStoreContract } from '../../src/core/testing/workspace-store.contract.js';
import type { NewAuditEntry } from '../../src/core/workspaces.js';
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

    it('refuses a DELETE of an entry past its retention unless the purge asks, and even the purge a recent one', async () => {
      const database = await freshDatabase(engine);
      const { db } = connect(database.url);
      try {
        await migrateToLatest(db);
        const store = kyselyStore(db);
        const audit = kyselyWorkspaceStore(db);
        const owner = userRecord();
        await store.insertUser(owner);
        const ws = 'workspace-retention-0001';
        await audit.insertWorkspace(
          { id: ws, name: 'Acme', securityOwnerId: owner.id, createdAt: 1 },
          { workspaceId: ws, userId: owner.id, role: 'owner', status: 'active', joinedAt: 1, disabledAt: null, disabledBy: null },
        );
        await audit.setAuditRetention(ws, 30);
        // Ages by the database's own clock, which is what the trigger judges by.
        const now = Date.now();
        const day = 86_400_000;
        const entry = (id: string, at: number): NewAuditEntry => ({
          id,
          workspaceId: ws,
          at,
          actorId: owner.id,
          action: 'member.invited',
          targetKind: 'invitation',
          targetId: id,
          ip: null,
          userAgent: null,
          requestId: null,
          details: {},
        });
        await audit.appendAudit(entry('old', now - 40 * day));
        await audit.appendAudit(entry('recent', now - 20 * day));
        const ids = async () => (await audit.listAudit(ws, null, 10)).map((e) => e.id);

        // A plain DELETE of the old entry: refused, whoever holds the credentials.
        await expect(sql`delete from audit_log where id = 'old'`.execute(db)).rejects.toThrow(/append-only/);
        await expect(sql`update audit_log set at = 0 where id = 'recent'`.execute(db)).rejects.toThrow(/append-only/);
        // With the purge's permit: the recent entry is still refused, and UPDATE (and TRUNCATE) too.
        const permitted = (statement: ReturnType<typeof sql>) =>
          db.transaction().execute(async (trx) => {
            if (engine === 'postgres') await sql`set local sessiond.audit_purge = 'on'`.execute(trx);
            else await sql`insert into audit_purge_permit (id) values (1)`.execute(trx);
            return statement.execute(trx);
          });
        await expect(permitted(sql`delete from audit_log where id = 'recent'`)).rejects.toThrow(/append-only/);
        await expect(permitted(sql`delete from audit_log`)).rejects.toThrow(/append-only/);
        await expect(permitted(sql`update audit_log set at = 0 where id = 'old'`)).rejects.toThrow(/append-only/);
        if (engine === 'postgres') await expect(permitted(sql`truncate audit_log`)).rejects.toThrow(/append-only/);
        expect(await ids()).toEqual(['recent', 'old']);
        // The permit is the purging transaction's alone: nothing of it outlives it.
        await expect(sql`delete from audit_log where id = 'old'`.execute(db)).rejects.toThrow(/append-only/);

        // The purge removes the old entry only.
        expect(await audit.purgeExpiredAudit(now, 100)).toBe(1);
        expect(await ids()).toEqual(['recent']);
        // Told a time far ahead of the database's clock, it still leaves the recent entry alone.
        expect(await audit.purgeExpiredAudit(now + 365 * day, 100)).toBe(0);
        expect(await ids()).toEqual(['recent']);
      } finally {
        await db.destroy();
        await database.drop();
      }
    });
  });
}
