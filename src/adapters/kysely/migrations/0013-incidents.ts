import type { Kysely, Migration } from 'kysely';

/**
 * Incident response (core/incidents.ts): `incident_operations`, one row per request to end the
 * sessions matching a filter, with its status, who asked and who decided, and its recorded
 * progress (sessions ended, batches committed, the cursor a resumed run goes on from; each batch
 * moves them in the transaction that ends its sessions). `workspace_settings` holds a workspace's
 * approval threshold (absent: the default).
 */
export const incidents: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('incident_operations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('filter', 'text', (c) => c.notNull())
      .addColumn('matched', 'integer', (c) => c.notNull())
      .addColumn('threshold', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('requested_ip', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'bigint')
      .addColumn('started_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('batches', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('cursor', 'text')
      .execute();
    await db.schema
      .createIndex('incident_operations_workspace')
      .on('incident_operations')
      .columns(['workspace_id', 'created_at'])
      .execute();
    // A start looks for the operations left running.
    await db.schema.createIndex('incident_operations_status').on('incident_operations').column('status').execute();

    await db.schema
      .createTable('workspace_settings')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
      .addColumn('incident_approval_threshold', 'integer', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('workspace_settings').execute();
    await db.schema.dropTable('incident_operations').execute();
  },
};
