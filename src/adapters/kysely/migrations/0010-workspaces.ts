import { sql, type Kysely, type Migration } from 'kysely';
import { engineOf, sequenceColumn } from '../engine.js';

/**
 * Workspaces (issue "Workspaces and security owners"): the workspace with its security owner,
 * memberships with a role and a status (offboarding disables, never deletes, so the record of
 * who was a member stays), invitations by mailed single-use link (stored hashed, expiring), and
 * the audit log.
 *
 * The audit log is append-only in the database as well as in code: a trigger refuses UPDATE and
 * DELETE on every engine (and TRUNCATE on PostgreSQL), so neither a bug nor someone holding the
 * application's credentials edits history through it.
 */
export const workspaces: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('workspaces')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('security_owner_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('workspace_members')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('joined_at', 'bigint', (c) => c.notNull())
      .addColumn('disabled_at', 'bigint')
      .addColumn('disabled_by', 'text')
      .addPrimaryKeyConstraint('workspace_members_pk', ['workspace_id', 'user_id'])
      .execute();
    // "Which workspaces is this user in" (the workspace list, authorisation).
    await db.schema.createIndex('workspace_members_user').on('workspace_members').column('user_id').execute();

    await db.schema
      .createTable('workspace_invitations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('email_key', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('invited_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema.createIndex('workspace_invitations_workspace').on('workspace_invitations').column('workspace_id').execute();

    const engine = engineOf(db);
    const seq = sequenceColumn(engine);
    await db.schema
      .createTable('audit_log')
      // The log's order: entries appended in the same millisecond still read in the order written.
      .addColumn('seq', seq.type, seq.build)
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target_kind', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('request_id', 'text')
      .addColumn('details', 'text', (c) => c.notNull())
      .execute();
    // The trail is read per workspace, newest first, by `seq` cursor.
    await db.schema.createIndex('audit_log_workspace_seq').on('audit_log').columns(['workspace_id', 'seq']).execute();

    if (engine === 'postgres') {
      await sql`
        create function audit_log_append_only() returns trigger language plpgsql as $$
        begin
          raise exception 'audit_log is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
        end
        $$`.execute(db);
      await sql`create trigger audit_log_no_update_delete before update or delete on audit_log
        for each row execute function audit_log_append_only()`.execute(db);
      await sql`create trigger audit_log_no_truncate before truncate on audit_log
        for each statement execute function audit_log_append_only()`.execute(db);
    } else if (engine === 'mysql') {
      // MySQL has no TRUNCATE trigger; TRUNCATE needs the DROP privilege, which the application's
      // account does not need once migrated.
      await sql`create trigger audit_log_no_update before update on audit_log for each row
        signal sqlstate '45000' set message_text = 'audit_log is append-only: UPDATE is not allowed'`.execute(db);
      await sql`create trigger audit_log_no_delete before delete on audit_log for each row
        signal sqlstate '45000' set message_text = 'audit_log is append-only: DELETE is not allowed'`.execute(db);
    } else {
      await sql`create trigger audit_log_no_update before update on audit_log
        begin select raise(abort, 'audit_log is append-only: UPDATE is not allowed'); end`.execute(db);
      await sql`create trigger audit_log_no_delete before delete on audit_log
        begin select raise(abort, 'audit_log is append-only: DELETE is not allowed'); end`.execute(db);
    }
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('audit_log').execute();
    if (engineOf(db) === 'postgres') await sql`drop function if exists audit_log_append_only()`.execute(db);
    await db.schema.dropTable('workspace_invitations').execute();
    await db.schema.dropTable('workspace_members').execute();
    await db.schema.dropTable('workspaces').execute();
  },
};
