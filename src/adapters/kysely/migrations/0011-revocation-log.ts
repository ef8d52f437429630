import type { Kysely, Migration } from 'kysely';
import { engineOf, sequenceColumn } from '../engine.js';

/**
 * `revocation_log`: the revocation bus of a SQLite file shared by several processes (a running
 * server and the CLI ending a member's sessions, or two servers on one file). A revocation is a
 * row; every process on the file reads the rows it has not seen before it trusts its cache
 * (adapters/bus/sqlite-revocation-bus.ts). Rows older than a few minutes are pruned. PostgreSQL
 * deployments use LISTEN/NOTIFY or Redis; the table exists there too so every engine has one schema.
 */
export const revocationLog: Migration = {
  async up(db: Kysely<unknown>) {
    const seq = sequenceColumn(engineOf(db));
    await db.schema
      .createTable('revocation_log')
      .addColumn('seq', seq.type, seq.build)
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('revocation_log').execute();
  },
};
