/** The OidcStore contract on every engine, through the production adapter and migrations; and its migration undone and redone. */
import { Migrator, PostgresAdapter, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import { kyselyOidcStore } from '../../src/adapters/kysely/kysely-oidc-store.js';
import { kyselyStore } from '../../src/adapters/kysely/kysely-store.js';
import { migrationProvider } from '../../src/adapters/kysely/migrations/index.js';
import { runOidcStoreContract } from '../../src/core/testing/oidc-store.contract.js';
import { ENGINES, freshDatabase } from '../support/databases.js';

for (const engine of ENGINES) {
  runOidcStoreContract(engine, async () => {
    const database = await freshDatabase(engine);
    const { db } = connect(database.url);
    await migrateToLatest(db);
    const store = kyselyStore(db);
    return {
      oidc: kyselyOidcStore(db),
      store,
      async dispose() {
        await store.close();
        await database.drop();
      },
    };
  });
}

describe.each(ENGINES)('migration 0023-oauth (%s)', (engine) => {
  it('creates the three tables; undone, they are gone; redone, they work again', async () => {
    const database = await freshDatabase(engine);
    const { db } = connect(database.url);
    const raw = db as unknown as Kysely<unknown>;
    try {
      const schema =
        raw.getExecutor().adapter instanceof PostgresAdapter
          ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(raw)).rows[0]?.schema
          : undefined;
      const migrator = new Migrator({ db: raw, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
      expect((await migrator.migrateTo('0023-oauth')).error).toBeUndefined();
      const oidc = kyselyOidcStore(db);
      await oidc.upsert('Grant', 'g1', { jti: 'g1', accountId: 'u1' }, null);
      expect(await oidc.find('Grant', 'g1', 0)).toEqual({ jti: 'g1', accountId: 'u1' });

      expect((await migrator.migrateTo('0022-telemetry-history')).error).toBeUndefined();
      for (const table of ['oidc_payloads', 'oidc_keys', 'oauth_grant_info'])
        await expect(sql`select 1 from ${sql.table(table)}`.execute(raw)).rejects.toThrow();

      expect((await migrator.migrateTo('0023-oauth')).error).toBeUndefined();
      await oidc.upsert('Grant', 'g1', { jti: 'g1', name: '✓' }, null);
      expect(await oidc.find('Grant', 'g1', 0)).toEqual({ jti: 'g1', name: '✓' });
      expect(await oidc.listKeys()).toEqual([]);
      expect(await oidc.findGrantInfo(['g1'])).toEqual([]);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
